"""Long texts written in Markdown (texts/prose/<lang>/*.md) turned into Dash components on the server.

markdown-it-py parses; this module only maps its tokens to html.* components, so the page needs no
Markdown code in the browser and no raw HTML ever reaches it (the parser runs with HTML disabled).
Only what the texts use is supported: headings, paragraphs, lists, links, emphasis, inline code, and
definition lists, written as a bullet list whose every item opens with its term in bold followed by a
colon (« - **Terme** : définition »): CommonMark has no definition list, and this way the file still
reads as a glossary anywhere Markdown is shown.
"""
from __future__ import annotations

import re
from functools import lru_cache

from dash import html
from markdown_it import MarkdownIt
from markdown_it.token import Token

from texts.catalogs import prose

_BLOCKS = {"paragraph": html.P, "bullet_list": html.Ul, "ordered_list": html.Ol, "list_item": html.Li}
_INLINE = {"strong": html.Strong, "em": html.Em, "link": html.A}
_HEADINGS = {f"h{n}": getattr(html, f"H{n}") for n in range(1, 7)}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def render(markdown: str, heading_offset: int = 0) -> list:
    """Dash components for `markdown`; `heading_offset` moves every heading down (# → h(1+offset))."""
    root: list = []
    stack: list[tuple[type | None, list]] = []
    for token in _parser().parse(markdown):
        if token.nesting == 1:
            # The paragraphs of a tight list are hidden: their words go straight into the list item.
            stack.append((None if token.hidden else _block(token, heading_offset), []))
        elif token.nesting == -1:
            kind, children = stack.pop()
            parent = stack[-1][1] if stack else root
            if kind is None:
                parent.extend(children)
            else:
                parent.append(_definitions(children) if kind is html.Ul and _is_glossary(children) else kind(children))
        elif token.type == "inline":
            (stack[-1][1] if stack else root).extend(_inline(token.children or []))
    return root


_TERM_END = re.compile(r"^\s*:\s*")


def _is_glossary(items: list) -> bool:
    """Every item opens with a bold term followed by a colon (« **Terme** : définition »)."""
    return bool(items) and all(
        isinstance(item, html.Li) and len(item.children) >= 2 and isinstance(item.children[0], html.Strong)
        and isinstance(item.children[1], str) and _TERM_END.match(item.children[1])
        for item in items)


def _definitions(items: list) -> html.Dl:
    pairs = []
    for item in items:
        term, first, *rest = item.children
        pairs += [html.Dt(term.children), html.Dd([_TERM_END.sub("", first, count=1), *rest])]
    return html.Dl(pairs, className="definitions")


def _block(token: Token, heading_offset: int):
    if token.type == "heading_open":
        return _HEADINGS[f"h{min(6, int(token.tag[1]) + heading_offset)}"]
    return _BLOCKS.get(token.type.removesuffix("_open"), html.Div)


# The space inside guillemets and before « : ; ? ! % » never breaks: no line starts with « » » or « : ».
_BREAKLESS = re.compile(r"(?<=«) | (?=[»:;?!%])")


def _inline(tokens: list[Token]) -> list:
    out: list = []
    stack: list[tuple[type, dict, list]] = []
    for token in tokens:
        target = stack[-1][2] if stack else out
        if token.type == "text":
            if token.content:  # the parser leaves an empty one before an item's opening « ** »
                target.append(_BREAKLESS.sub("\u00a0", token.content))
        elif token.type == "softbreak":
            target.append(" ")
        elif token.type == "code_inline":
            target.append(html.Code(token.content))
        elif token.nesting == 1:
            kind = _INLINE.get(token.type.removesuffix("_open"), html.Span)
            props = {"href": token.attrs.get("href"), "rel": "noopener noreferrer"} if kind is html.A else {}
            stack.append((kind, props, []))
        elif token.nesting == -1 and stack:
            kind, props, children = stack.pop()
            (stack[-1][2] if stack else out).append(kind(children, **props))
    return out


def page_prose(name: str, lang: str, heading_offset: int = 0, **values) -> list:
    """texts/prose/<lang>/<name>.md with its `{placeholders}` filled by code, as components."""
    text = prose(name, lang)
    return render(text.format(**values) if values else text, heading_offset)


_SECTION = re.compile(r"^## (?P<heading>.+?)(?: \{#(?P<anchor>[\w-]+)\})?\s*$")
_BLOCK = re.compile(r"^\{\{(?P<name>\w+)\}\}\s*$")


def document(name: str, lang: str, blocks: dict[str, object]) -> list:
    """A document page from texts/prose/<lang>/<name>.md: what comes before the first « ## » (the title
    and a lead paragraph), then one html.Section per « ## Heading {#anchor} ». A line « {{block}} »
    stands for a part the code computes (a table, a list read from the data): `blocks[block]`."""
    preamble, sections = [], []
    for line in prose(name, lang).splitlines():
        match = _SECTION.match(line)
        if match:
            sections.append((match["heading"], match["anchor"], []))
        else:
            (sections[-1][2] if sections else preamble).append(line)
    head = render("\n".join(preamble))
    for component in head:
        if isinstance(component, html.P):
            component.className = "lead"
    where = f"texts/prose/{lang}/{name}.md"
    return head + [html.Section([html.H2(heading), *_with_blocks(lines, blocks, where)], id=anchor,
                                className="doc-section")
                   for heading, anchor, lines in sections]


def _with_blocks(lines: list[str], blocks: dict[str, object], where: str) -> list:
    out, chunk = [], []
    for line in lines:
        match = _BLOCK.match(line)
        if match:
            out += render("\n".join(chunk))
            chunk = []
            if match["name"] not in blocks:
                raise KeyError(f"{where}: {{{{{match['name']}}}}} is not a part this page computes "
                               f"(it computes: {', '.join(sorted(blocks))})")
            out.append(blocks[match["name"]])
        else:
            chunk.append(line)
    return out + render("\n".join(chunk))


def outline(name: str, lang: str) -> list[tuple[str | None, list[str]]]:
    """Each section's anchor of texts/prose/<lang>/<name>.md, in order, with the blocks it places
    (for the tests that hold every language's file to the same sections and blocks as the page's)."""
    sections: list[tuple[str | None, list[str]]] = []
    for line in prose(name, lang).splitlines():
        if match := _SECTION.match(line):
            sections.append((match["anchor"], []))
        elif (match := _BLOCK.match(line)) and sections:
            sections[-1][1].append(match["name"])
    return sections
