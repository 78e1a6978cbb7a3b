"""The pages Dash does not write (/changements, /lieu, /signaler, /publier) get the app's icon: they
asked for /favicon.ico, which answered 404 (an error in the console on each of them)."""
from __future__ import annotations

import pytest

import app as application

CLIENT = application.server.test_client()


def test_favicon_ico_is_the_apps_own_icon():
    reply = CLIENT.get("/favicon.ico")
    assert reply.status_code == 200
    assert reply.content_type == "image/x-icon"
    dash_icon = CLIENT.get("/_favicon.ico")  # what Dash's own pages link to
    assert dash_icon.status_code == 200 and reply.get_data() == dash_icon.get_data() and reply.get_data()
    assert reply.cache_control.max_age and reply.cache_control.public


@pytest.mark.parametrize("path", ["/changements", "/lieu?q=Saint-Jean"])
def test_server_written_pages_link_the_icon(path):
    body = CLIENT.get(path).get_data(as_text=True)
    assert '<link rel="icon" type="image/x-icon" href="/favicon.ico">' in body
