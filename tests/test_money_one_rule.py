"""One amount, one text: the map, a region's page, the comparison, the one-page sheet and the projects
table write a dollar amount the same way, with its cents only when it has cents (issue #23, 10:
one total read « 187 800,50 $ », « 187 800 $ » and « 62 501 $ »). Exports keep the raw numbers."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from components.i18n import money, money_many
from components.map import summary
from components.state import View
from data.metrics import Filters
from pages import compare, sheet, territory_page
from pages.dashboard import headline_cards
from tests.test_sheet import figure
from tests.test_territory_page import facts, page_text, with_class

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("amount, french, english", [
    (187_800.5, "187\u00a0800,50\u00a0$", "$187,800.50"),
    (62_500.5, "62\u00a0500,50\u00a0$", "$62,500.50"),      # never rounded up to « 62 501 $ »
    (1_234_567, "1\u00a0234\u00a0567\u00a0$", "$1,234,567"),  # whole dollars: no « ,00 »
    (0.004, "0\u00a0$", "$0"),                                 # below a cent: no cents to show
])
def test_money_shows_cents_only_when_the_amount_has_cents(amount, french, english):
    assert (money(amount, "fr"), money(amount, "en")) == (french, english)
    assert money_many([amount], "fr").tolist() == [french]


@pytest.fixture(scope="module")
def region_with_cents() -> tuple[str, str]:
    """A region of the curated data whose known total has cents, and that total as the map writes it."""
    for code in (f"{n:02d}" for n in range(1, 18)):
        head = summary.compute(View(filters=Filters(regions=(code,))))["headline"]
        if head.total and round(head.total * 100) % 100:
            return code, head
    pytest.fail("no region's known total has cents: this test needs one")


def test_a_total_with_cents_reads_the_same_on_the_map_the_pages_and_the_sheet(region_with_cents):
    code, head = region_with_cents
    written = money(head.total, "fr")
    assert "," in written  # its cents are shown
    view = View(filters=Filters(regions=(code,)))
    (total_card, *_) = headline_cards(head, "fr")
    assert page_text(with_class(total_card, "card-value")) == written  # the map's figure
    assert written in summary.view_summary(view, head, None)  # the sentence read after each change
    assert facts(territory_page.region_layout(code=code))["Montant FQIS connu des projets"] == written
    assert figure(sheet.region_sheet(code=code), "amount")[0] == written
    assert written in page_text(compare.panel("region", code, "fr"))


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the table's formatter")
def test_the_projects_table_formats_amounts_as_the_server_does():
    amounts = [62_500.5, 187_800.5, 1_234_567, 491_633.11, 12.0]
    script = ("global.window = {}; require(process.argv[1]);"
              "const f = window.dashAgGridFunctions.formatMoney;"
              "console.log(JSON.stringify(JSON.parse(process.argv[2]).map(v => [f(v, 'fr'), f(v, 'en')])));")
    out = subprocess.run(["node", "-e", script, str(ROOT / "assets" / "dashAgGridFunctions.js"),
                          json.dumps(amounts)], capture_output=True, text=True, check=True, timeout=60).stdout
    assert json.loads(out) == [[money(v, "fr"), money(v, "en")] for v in amounts]
