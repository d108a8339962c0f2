"""The web UI in a real browser: Playwright for Python driving Debian's headless Chromium.

A reader's path through the site: the overview, a storyline's timeline, one of its events, an
article from it, a search for a person, and the map with its markers. Each step saves a
screenshot under ``build/screenshots/``. Skipped (with the reason) where Playwright or
``/usr/bin/chromium`` is missing; ``make test`` installs both.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storyline.web import create_app

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium")

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(corpus_db: Path) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(create_app(corpus_db), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the server did not start in 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Any]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.on(
            "console",
            lambda msg: errors.append(msg.text) if msg.type == "error" else None,
        )
        pg.errors = errors  # type: ignore[attr-defined]
        yield pg
        context.close()
        browser.close()


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_readers_path_through_the_site(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.locator("h1").first.inner_text() == "storyline"
    assert page.locator(".story-row").count() >= 1 and page.locator(".event-row").count() >= 1
    _shot(page, "1-overview")

    # the storyline with the most events, followed from the storylines list
    page.goto(base_url + "/stories")
    rows = page.locator(".story-row")
    best, most = 0, -1
    for i in range(rows.count()):
        text = rows.nth(i).locator(".count").inner_text()
        n = int(text.split()[0])
        if n > most:
            best, most = i, n
    rows.nth(best).locator("a.title").click()
    page.wait_for_load_state()
    assert "/stories/" in page.url
    assert page.locator("svg.timeline-svg circle.dot").count() == most >= 2
    _shot(page, "2-storyline-timeline")

    # one of its events: reports side by side, agreement
    page.locator(".tl-item a.title").first.click()
    page.wait_for_load_state()
    assert "/events/" in page.url
    assert page.locator(".report").count() >= 1
    assert page.locator("section.agreement").count() == 1
    _shot(page, "3-event")

    # why two of its reports were linked: the compare page from the pair table
    page.locator("details.pairs summary").click()
    page.locator("details.pairs a", has_text="why?").first.click()
    page.wait_for_load_state()
    assert "/compare" in page.url
    assert page.locator(".verdict").inner_text().startswith(("Same event", "Not the same"))
    assert page.locator("table.scores tr").count() >= 6
    _shot(page, "3b-compare")
    page.go_back()
    page.wait_for_load_state()

    # an article of that event, with its analysis marked in the text
    page.locator(".report a.title").first.click()
    page.wait_for_load_state()
    assert "/articles/" in page.url
    assert page.locator("#article-text .hl").count() >= 3
    removed = page.locator("details.removed")
    if removed.count():
        removed.locator("summary").click()
        assert removed.locator("td.reason").first.is_visible()
    _shot(page, "4-article")

    # search for a person with the box in the header, then open the person
    page.fill("header .quick input[name=q]", "Hollmann")
    page.press("header .quick input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "/search" in page.url
    results = page.locator(".results .article-row")
    assert results.count() >= 1
    assert page.locator(".results mark").count() >= 1
    _shot(page, "5-search")
    page.goto(base_url + "/entities/Katrin%20Hollmann")
    assert "Hollmann" in page.locator("h1").inner_text()
    assert page.locator(".mentions-chart rect.bar").count() >= 1
    _shot(page, "6-entity")

    # the map draws countries and event markers with a real size on screen
    page.goto(base_url + "/map")
    assert page.locator("#world .countries path").count() > 150
    markers = page.locator("#world .marker circle")
    assert markers.count() >= 3
    box = markers.first.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    world = page.locator("#world")
    opened = world.get_attribute("viewBox")
    assert opened != "-180 -90 360 180"  # the corpus is European: the map opens on Europe
    _shot(page, "7-map")
    world.dblclick(position={"x": 5, "y": 5})  # back to the whole world
    assert world.get_attribute("viewBox") == "-180 -90 360 180"
    page.mouse.move(640, 400)
    page.mouse.wheel(0, -400)  # zoom in again with the wheel
    page.wait_for_timeout(200)
    assert world.get_attribute("viewBox") != "-180 -90 360 180"

    # the feeds page, reached from the navigation: this store follows none yet, so it says how
    page.locator("nav a", has_text="Feeds").first.click()
    assert page.url.endswith("/feeds")
    assert "No feeds followed yet" in page.locator(".empty-state").inner_text()
    _shot(page, "8-feeds")

    page.goto(base_url + "/docs")
    page.wait_for_selector(".api-endpoint")
    assert page.locator(".api-endpoint").count() >= 10
    _shot(page, "9-api-docs")

    assert not page.errors, page.errors  # type: ignore[attr-defined]
