"""The frame of the small server-written pages (/lieu, /changements): head, site name, <main>.

One Jinja2 environment with autoescaping; a page is `frame_template(source)` where `source` fills
the blocks `head` (extra lines in <head>), `main_class` (classes added to <main>) and `main`. Every
page passes `lang`, `title`, `stylesheet`, `home` and `site`.
"""
from __future__ import annotations

from jinja2 import DictLoader, Environment, Template

_FRAME = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<link rel="stylesheet" href="{{ stylesheet }}">
{% block head %}{% endblock %}</head>
<body>
<header class="page-header"><div><p class="site-name"><a href="{{ home }}">{{ site }}</a></p></div></header>
<main id="main" class="place-page{% block main_class %}{% endblock %}">
{% block main %}{% endblock %}
</main>
</body>
</html>
"""
_ENVIRONMENT = Environment(autoescape=True, loader=DictLoader({"frame.html": _FRAME}))


def frame_template(source: str) -> Template:
    """A page template in the shared frame: `source` holds only its `{% block … %}`s."""
    return _ENVIRONMENT.from_string('{% extends "frame.html" %}' + source)
