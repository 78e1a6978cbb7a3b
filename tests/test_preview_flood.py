"""Link previews under a flood of distinct views (issue #27, finding 3): the picture is keyed by what
it shows, a busy drawing never parks a request, and a cheap API call stays within 5× its pace.

The flood runs against serve.py (gevent, 2 workers) on 127.0.0.1, 30 clients for a bounded time;
each client stops by itself.
"""
from __future__ import annotations

import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from components.permalink import view_from_query
from tests.servers import running
from web import previews

FLOOD_CLIENTS = 30
FLOOD_SECONDS = 12
CHEAP = "/api/envelopes?region=14"


@pytest.fixture()
def fresh_images(monkeypatch):
    monkeypatch.setattr(previews, "IMAGES", previews.ByteLRU(previews.IMAGE_CACHE_ENTRIES, previews.IMAGE_CACHE_BYTES))
    monkeypatch.setattr(previews, "_KEYS", previews.cachetools.LRUCache(64))
    monkeypatch.setattr(previews, "_DRAWN_BY", previews.cachetools.TTLCache(maxsize=64, ttl=60))
    drawn = []
    monkeypatch.setattr(previews, "_draw", lambda picture: drawn.append(picture["title"]) or b"png-%d" % len(drawn))
    return drawn


def test_search_words_that_match_nothing_share_one_picture(fresh_images):
    images = {previews.view_image(view_from_query({"q": words})[0], "a")[0] for words in ("zzqx", "wwvy", "kkjh")}
    assert len(images) == 1 and len(fresh_images) == 1


def test_a_busy_drawing_answers_at_once_with_a_nearby_picture_or_503(fresh_images):
    default_image, own = previews.view_image(view_from_query({})[0], "a")
    assert own
    view = view_from_query({"level": "mrc", "region": "14"})[0]
    with previews._DRAWING:  # another thread is drawing
        started = time.monotonic()
        image, own = previews.view_image(view, "b")
        assert time.monotonic() - started < 1
    assert image == default_image and not own
    previews.IMAGES.clear()
    with previews._DRAWING, pytest.raises(previews.PreviewBusy):
        previews.view_image(view, "b")


def test_a_client_draws_its_share_then_gets_nearby_pictures(fresh_images):
    previews.view_image(view_from_query({})[0], "someone-else")  # the default view, drawn once
    regions = ["01", "02", "03", "04", "05", "06", "07", "08"]
    for region in regions[:previews.DRAWINGS_PER_CLIENT]:
        assert previews.view_image(view_from_query({"level": "mrc", "region": region})[0], "robot")[1]
    before = len(fresh_images)
    image, own = previews.view_image(view_from_query({"level": "mrc", "region": "16"})[0], "robot")
    assert len(fresh_images) == before and not own
    assert previews.view_image(view_from_query({"level": "mrc", "region": "16"})[0], "someone-else")[1]


def _latency_ms(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as answer:
        answer.read()
    return (time.perf_counter() - started) * 1000


def _flood(url: str, stop: threading.Event, statuses: list) -> None:
    while not stop.is_set():
        region = ("01", "05", "06", "14", "16")[len(statuses) % 5]
        target = f"{url}{previews.IMAGE_PATH}?level=mrc&region={region}&q={uuid.uuid4().hex[:8]}"
        try:
            with urllib.request.urlopen(target, timeout=30) as answer:
                answer.read()
                statuses.append(answer.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
        except OSError:
            statuses.append(0)


def test_thirty_clients_asking_distinct_previews_leave_the_api_within_five_times_its_pace(tmp_path):
    with running("serve.py", tmp_path / "serve.log", probe="/healthz", timeout=120, WORKERS="2") as url:
        assert url.startswith("http://127.0.0.1:")
        for _ in range(5):
            _latency_ms(url + CHEAP)  # warm
        baseline = statistics.median(_latency_ms(url + CHEAP) for _ in range(30))
        stop, statuses = threading.Event(), []
        clients = [threading.Thread(target=_flood, args=(url, stop, statuses), daemon=True)
                   for _ in range(FLOOD_CLIENTS)]
        for client in clients:
            client.start()
        time.sleep(2)
        during = []
        deadline = time.monotonic() + FLOOD_SECONDS
        while time.monotonic() < deadline:
            during.append(_latency_ms(url + CHEAP))
            time.sleep(0.1)
        stop.set()
        for client in clients:
            client.join(timeout=35)
        flooded = statistics.median(during)
        print(f"{CHEAP}: {baseline:.1f} ms alone, {flooded:.1f} ms under {FLOOD_CLIENTS} preview clients "
              f"({len(statuses)} previews asked: {statuses.count(200)} × 200, {statuses.count(503)} × 503)")
        assert statuses and set(statuses) <= {200, 503}
        # 5× the call alone, with a floor of 50 ms alone: the suite's other worker shares the two cores
        # (quiet, it is ~3×); before the fix the call did not answer within 30 s.
        assert flooded <= 5 * max(baseline, 50.0)
