"""What the correction form accepts: every field checked here, on the server, whatever the browser sent.

- the text: required, at most MAX_TEXT characters once line ends are made "\\n"; control characters
  (a NUL, which PostgreSQL refuses) are dropped, nothing else is changed;
- the source link: optional, an http(s) address as the importer accepts one (data.parsing.is_http_url);
- the contact: optional, an e-mail address as an invitation accepts one (publishing.accounts.EMAIL);
- the page it came from: a local address of a page of this site (a path, never another site's
  address, never `//host`), checked against the pages the app serves;
- the project: optional, the id of a project that the public data hold now.

A problem is a message code (catalog `correction.problem_<code>`), by field, so the form is shown
again with what was typed and a sentence beside the field to fix.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rfc3986 import validators

from components.urls import CHANGES_PATH, PLACES_PATH
from data.parsing import is_http_url, valid_reference
from publishing.accounts import EMAIL
from publishing.corrections import Report

MAX_TEXT = 4000
MAX_LINK = 2000
MAX_CONTACT = 254
MAX_PAGE = 1000
MAX_PROJECT_ID = 128
# Characters RFC 3986 never allows in an address, a backslash (some browsers read it as « / ») and
# quotes or angle brackets: a page address holding one did not come from this site's links.
_PAGE_FORBIDDEN = re.compile(r'[\x00-\x20\x7f-\x9f"<>\\^`{|}]')
_PAGE_VALIDATOR = validators.Validator().check_validity_of("path", "query", "fragment")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # all but tab and line feed
_SERVER_PAGES = (PLACES_PATH, CHANGES_PATH)  # written by web/, not Dash pages


@dataclass
class Checked:
    """The form as sent (for showing it again) and, when nothing is wrong, the report to store."""

    values: dict[str, str]
    problems: dict[str, str] = field(default_factory=dict)
    report: Report | None = None


def _text_value(raw: object) -> str:
    text = raw if isinstance(raw, str) else ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


@lru_cache(maxsize=1)
def _page_patterns() -> tuple[re.Pattern, ...]:
    """The paths of the site's pages: Dash's registered pages (« /region/<code> » as one segment)
    and the pages web/ writes itself."""
    import dash

    templates = {page.get("path_template") or page["path"] for page in dash.page_registry.values()}
    templates |= set(_SERVER_PAGES)
    return tuple(re.compile("^" + "[^/]+".join(re.escape(part) for part in re.split(r"<[^>]+>", t)) + "$")
                 for t in sorted(templates))


def local_page(raw: object) -> str | None:
    """`raw` as a local address of a page of this site (path and query, no fragment), or None."""
    if not isinstance(raw, str) or not raw or len(raw) > MAX_PAGE or _PAGE_FORBIDDEN.search(raw):
        return None
    if not raw.startswith("/") or raw.startswith("//"):
        return None
    reference = valid_reference(raw, _PAGE_VALIDATOR)
    if reference is None or reference.scheme or reference.authority is not None or not reference.path:
        return None
    path = reference.path.rstrip("/") or "/"
    if not any(pattern.match(path) for pattern in _page_patterns()):
        return None
    return raw.split("#", 1)[0]


def page_and_project(page: object, project: object, project_ids) -> tuple[str | None, str | None, dict[str, str]]:
    """(the page, the project id or None, problems) for what a link carried. A missing page is the map's."""
    problems: dict[str, str] = {}
    page_text = page if isinstance(page, str) and page else "/"
    shown_page = local_page(page_text)
    if shown_page is None:
        problems["page"] = "page"
    project_text = project.strip() if isinstance(project, str) else ""
    project_id = None
    if project_text:
        if len(project_text) <= MAX_PROJECT_ID and project_text in project_ids:
            project_id = project_text
        else:
            problems["projet"] = "project"
    return shown_page, project_id, problems


def check(form, project_ids, alliance_of, lang: str) -> Checked:
    """Check a posted form (a mapping of strings). `project_ids`: the ids that exist now;
    `alliance_of(page, project_id)`: the Alliance the report concerns, or None."""
    values = {name: _text_value(form.get(name)) for name in ("texte", "source", "contact", "page", "projet")}
    values = {name: value.strip() if name != "texte" else value for name, value in values.items()}
    page, project_id, problems = page_and_project(values["page"], values["projet"], project_ids)
    text = values["texte"]
    if not text.strip():
        problems["texte"] = "text_missing"
    elif len(text) > MAX_TEXT:
        problems["texte"] = "text_too_long"
    if values["source"] and (len(values["source"]) > MAX_LINK or not is_http_url(values["source"])):
        problems["source"] = "link"
    if values["contact"] and (len(values["contact"]) > MAX_CONTACT or not EMAIL.match(values["contact"])):
        problems["contact"] = "contact"
    if problems:
        return Checked(values, problems)
    report = Report(text=text.strip(), page=page, project_id=project_id, alliance_id=alliance_of(page, project_id),
                    source_url=values["source"], contact=values["contact"].lower(), lang=lang)
    return Checked(values, report=report)
