"""On a phone (375 px), no page of the site scrolls sideways: a wide table scrolls inside its own box,
never the whole page (the comparison's tables once pushed it to 583 px)."""
from __future__ import annotations

import pytest

PHONE = (375, 812)
PAGES = ["/comparer?level=region&a=08&b=05", "/comparer?level=mrc&a=sherbrooke&b=la-vallee-de-l-or", "/region/08",
         "/mrc/la-vallee-de-l-or",
         "/fiche/region/08", "/methodologie", "/methodologie?lang=en"]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(watch, path):
    w = watch(*PHONE)
    w.page.goto(w.base + path)
    w.page.wait_for_load_state("networkidle")
    # The page under test does have tables to keep in (the comparison draws them); on a phone a long one
    # may be folded (assets/table_fold.js), so it is there without being shown.
    w.page.wait_for_selector("table", state="attached")
    width = w.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE[0] + 1
    assert w.errors == []
