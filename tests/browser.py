"""Headless Chromium for the page tests: Debian's chromium driven by Playwright.

Playwright's own browser download is not reachable here, so the tests point Playwright at
the `chromium` on PATH (``executable_path``). Without it, or without Playwright, the tests
skip, except under CI=true, where that is a failure (like Graphviz).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Chromium reads only the last --disable-features, so this list replaces the one Playwright
# passes: it repeats Playwright's (1.65's chromiumSwitches, but for two of Edge's own),
# PaintHolding among them (a screenshot right after a load shows the page), and adds
# RenderDocument; a feature a later Playwright adds to its list is not in this one. Without a new frame
# host for every document, a goto costs Chromium some 30 ms of CPU instead of 60 (a blank
# page; the stepper's 60 instead of 95), and the pages' tests make a hundred of them.
DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin",
    "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch",
    "RenderDocument",
]

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-features=" + ",".join(DISABLED_FEATURES),
]


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; required under CI=true")
    pytest.skip(reason)


def chromium_path() -> str:
    """Debian's chromium, or skip/fail."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    _missing("chromium not installed (apt-get install chromium)")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright not installed (pip install playwright)")
    executable = chromium_path()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000)
        yield b
        b.close()


def _instrumented(context: Any) -> Any:
    """A new page of ``context`` with the network blocked (only file:, data: and about: URLs
    load) and its errors collected in ``page.errors``, its blocked requests in ``page.blocked``."""
    pg = context.new_page()
    pg.errors = []  # console errors and uncaught exceptions
    pg.blocked = []  # requests the page tried to make
    pg.on("console", lambda msg: pg.errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            pg.blocked.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    return pg


VIEWPORT = {"width": 1280, "height": 900}

# The storage cleared and the document's URL (its query) made new: true when both happened.
_RESET = """(query) => {
  try {
    localStorage.clear();
    sessionStorage.clear();
    history.replaceState(null, "", query);
    return location.search === query;
  } catch (err) {
    return false;
  }
}"""


class _Shared:
    """One page per test process, made like new for each test: a new page costs Chromium a
    renderer process (0.15-0.25 s), and the page tests are many."""

    def __init__(self, browser: Any, blank: Path) -> None:
        self.browser, self.blank, self.context, self.page = browser, blank.as_uri(), None, None
        self.resets = 0

    def fresh(self) -> Any:
        """The page with the storage of the file: origin (which all the pages share) cleared, on
        a document whose URL no test opens, so that the test's first goto loads its page anew
        (even the same file with another #hash); the default viewport and media, the mouse up
        in the corner and no errors recorded. (Listeners and init scripts a test adds would stay:
        it removes them, see `page`.)"""
        if self.page is None or self.page.is_closed():
            if self.context is not None:
                self.context.close()
            self.context = self.browser.new_context(viewport=VIEWPORT)
            self.page = _instrumented(self.context)
        pg = self.page
        self.resets += 1
        # The last test's file: page is reset where it is, and stays until this test's goto
        # replaces it: a navigation to an empty page would cost Chromium some 50 ms of CPU. An
        # other page, or a viewport to restore (its page would lay itself out again), goes to
        # an empty page that clears the storage itself.
        if not (pg.url.startswith("file:") and pg.viewport_size == VIEWPORT
                and pg.evaluate(_RESET, f"?fresh={self.resets}")):
            pg.goto(self.blank)
            if pg.viewport_size != VIEWPORT:
                pg.set_viewport_size(VIEWPORT)
        pg.emulate_media(media="null", color_scheme="null")  # "null": no emulation, as a new page
        pg.mouse.move(0, 0)
        pg.mouse.up()
        pg.errors.clear()
        pg.blocked.clear()
        return pg


def load(page: Any, url: str, api: str) -> None:
    """Open ``url`` in ``page`` and check that its script has set ``window.<api>``. The pages'
    scripts are inline and run before the load event that `goto` waits for: the interface is
    there at once, no need to poll for it (a poll waits for an animation frame)."""
    page.goto(url)
    assert page.evaluate(f"typeof window.{api}") == "object", (url, api, page.errors)


@pytest.fixture(scope="session")
def _shared(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Shared]:
    blank = tmp_path_factory.mktemp("browser") / "blank.html"
    blank.write_text("<!doctype html><title>blank</title><script>localStorage.clear(); sessionStorage.clear()</script>",
                     encoding="utf-8")
    shared = _Shared(browser, blank)
    yield shared
    if shared.context is not None:
        shared.context.close()


@pytest.fixture
def page(_shared: _Shared) -> Any:
    """The process's page, as new: network blocked, errors collected (see `_instrumented`).
    A test that adds init scripts or listeners removes them (``with page.add_init_script(...)``,
    ``page.remove_listener`` in a ``finally``); one that closes the page takes `fresh_page`."""
    return _shared.fresh()


@pytest.fixture
def fresh_page(browser: Any) -> Iterator[Any]:
    """A page of its own, in a new browser context, like `page` otherwise."""
    context = browser.new_context(viewport=VIEWPORT)
    yield _instrumented(context)
    context.close()
