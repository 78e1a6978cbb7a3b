"""The house's rules (README « Organisation »): `pages/` holds one module per page, `components/` what
several pages reuse, `web/` the HTTP side that is not a Dash page. So a page never imports another
page (what two pages share goes to components/), and nothing but the app's start-up imports a page:
`app.py` registers them all (`pages.register_all`), and web/first_paint.py and web/warmup.py import
the page they draw or warm, which registers it with Dash. `geo/` and `data/` never import dash."""
from __future__ import annotations

import ast
import sys
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Modules outside pages/ that may import a page module, and why.
MAY_IMPORT_PAGES = {
    "app.py": "registers every page (pages.register_all)",
    "web/first_paint.py": "draws the map page and the embed from their own layouts",
    "web/warmup.py": "builds the map page once before the workers fork",
}


def _python_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [name for name in listed.stdout.split() if (ROOT / name).is_file()]


def imported_modules(source: str, module: str) -> set[str]:
    """Every module `source` imports, anywhere in it (also inside functions), as dotted names;
    `from package import name` gives `package.name` too, since `name` may be a module.
    `module` is the dotted name of `source` itself, to resolve relative imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")[:-node.level]
                base = ".".join(package + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _module_name(path: str) -> str:
    parts = path[:-3].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def page_imports(path: str, source: str) -> set[str]:
    """The page modules (pages.<name>, or the pages package itself) that `source` imports."""
    return {name for name in imported_modules(source, _module_name(path))
            if name == "pages" or name.startswith("pages.")}


def test_a_page_never_imports_another_page():
    found = []
    for path in _python_files():
        if path.startswith("pages/") and path != "pages/__init__.py":
            # A page with parts of its own is a package (pages/dashboard/): it may import its own parts.
            page = ".".join(_module_name(path).split(".")[:2])
            others = {name for name in page_imports(path, (ROOT / path).read_text(encoding="utf-8"))
                      if name not in ("pages", page) and not name.startswith(page + ".")}
            found += [f"{path} imports {name}" for name in sorted(others)]
    assert not found, "\n".join(found)


def test_only_the_start_up_imports_a_page():
    found = []
    for path in _python_files():
        if path.startswith(("pages/", "tests/", "bench/")) or path in MAY_IMPORT_PAGES:
            continue
        found += [f"{path} imports {name}" for name in sorted(page_imports(path, (ROOT / path).read_text(encoding="utf-8")))]
    assert not found, "\n".join(found)


def test_geo_and_data_never_import_dash():
    found = []
    for path in _python_files():
        if path.startswith(("geo/", "data/")):
            names = imported_modules((ROOT / path).read_text(encoding="utf-8"), _module_name(path))
            found += [f"{path} imports {name}" for name in sorted(names) if name == "dash" or name.startswith("dash.")]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("source", [
    "from pages.territory_page import amount_text",
    "from pages import compare",
    "import pages.dashboard",
    "def late():\n    from pages.embed import view_bounds\n",
    "from . import sheet",
    "from pages.dashboard import program",
])
def test_the_rule_sees_every_way_of_importing_a_page(source):
    assert page_imports("pages/compare.py", source) - {"pages.compare"}


@pytest.mark.parametrize("source", ["from components.page_links import href_for", "import pandas as pd",
                                    "from components import pages_of_text"])
def test_the_rule_lets_other_imports_be(source):
    assert not page_imports("pages/compare.py", source)


def test_imports_are_sorted():
    """One import order everywhere (ruff's isort rules, ruff.toml): a moved module's imports read like the rest."""
    folders = ["components", "pages", "web", "offline", "data", "geo", "texts"]
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "I", "--no-cache", *folders],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
