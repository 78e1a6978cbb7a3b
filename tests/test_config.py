"""Every setting is documented: the README's settings table is the documentation of `config.SETTINGS`."""
from __future__ import annotations

import re

import config

README = config.ROOT / "README.md"


def _documented_variables() -> set[str]:
    """Variable names in the first cell of the README's table rows, e.g. « | `PORT` | 8050 | … »."""
    return set(re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", README.read_text(encoding="utf-8"), re.MULTILINE))


def test_every_setting_is_in_the_readme_settings_table():
    documented = _documented_variables()
    missing = sorted(s.env for s in config.SETTINGS.values() if s.env not in documented)
    assert not missing, f"README.md ne documente pas ces réglages (ligne « | `VAR` | défaut | rôle | ») : {missing}"


def test_the_readme_table_lists_no_setting_that_does_not_exist():
    known = {s.env for s in config.SETTINGS.values()}
    stale = sorted(_documented_variables() - known)
    assert not stale, f"README.md documente des réglages absents de config.SETTINGS : {stale}"


def test_every_setting_has_help_and_a_unique_variable():
    names = [s.env for s in config.SETTINGS.values()]
    assert len(names) == len(set(names)), names
    assert all(s.help.strip() for s in config.SETTINGS.values())
