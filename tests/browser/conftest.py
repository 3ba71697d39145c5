"""The browser tests' fixtures, one of each per test session: ``browser`` (Debian's Chromium driven by
Playwright) and ``server`` (``streamlit run app.py`` on 127.0.0.1, its address). Each test opens its
own page (``browser.new_page``) and closes it; the server keeps no state between sessions of the app
but the calibrated profiles' folder, which is the test session's own (tests/conftest.py). Without
/usr/bin/chromium a test using them is skipped, except under CI=true, where it fails."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_fixtures import CHROMIUM, CHROMIUM_ARGS, ROOT


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser test must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} not found: install Debian's Chromium with `apt-get install chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright (python) is not installed: pip install -r requirements.txt")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        shared = SharedContextBrowser(b)
        yield shared
        shared.close()


class SharedContextBrowser:
    """The session's Chromium with one browser context for every test's pages. Playwright's ``browser.new_page``
    makes a new context (a fresh profile: no cache) for each page, so each test's first load fetched and compiled
    Streamlit's front end again: 1.2–1.5 s a load, against 0.8–0.9 s from a context that has it cached (measured
    2026-11-26, the Estimate page's lecture link). Pages stay apart as tabs are: each its own Streamlit session,
    its own sessionStorage; the app keeps nothing in cookies, and Streamlit keeps a sidebar's state in localStorage (the
    tests that open the sidebar use a context of their own, or clear it). ``new_page`` takes
    the one option the tests give (``viewport``) and sets it before the page loads anything, so a page is loaded
    at its size as before.

    A page a test closes is kept, blank, for the next test's ``new_page`` (``RecycledPage``): a tab made and
    closed for every test cost Chromium a renderer process and the browser process its set-up each time, about a
    quarter of a load's CPU (2026-12-03, 15 lecture links loaded one after another on this 2-core machine: 25–28 s
    in new tabs, 18 s in one tab)."""

    DEFAULT_VIEWPORT = {"width": 1280, "height": 720}  # Playwright's own default for a new page

    def __init__(self, browser):
        self._browser = browser
        self._context = browser.new_context()
        self._free: list[RecycledPage] = []
        self._taken: list[RecycledPage] = []

    def new_page(self, viewport: dict | None = None):
        if self._free:
            page = self._free.pop()
            # the front tab, as a new one is: where a test had two pages open, the one handed back may lie behind the
            # other, and a background tab's document has no focus for keyboard tests (a Tab-order check read a
            # zero-size stop in the full browser run, 2026-12-03)
            page.bring_to_front()
        else:
            page = RecycledPage(self._context.new_page(), self)
        page.set_viewport_size(viewport or self.DEFAULT_VIEWPORT)
        page.set_default_timeout(30_000)  # Playwright's default, as a new page has it
        self._taken.append(page)
        return page

    def _release(self, page: RecycledPage) -> None:
        self._taken.remove(page)
        self._free.append(page)

    def _drop(self, page: RecycledPage) -> None:
        """``page`` out of the pool for good (a tab that could not be made blank again)."""
        if page in self._taken:
            self._taken.remove(page)

    def close_pages(self) -> None:
        """Every page still open given back blank, and any other tab of the context closed (a popup a test opened): a
        test's page left open (the context outlives the test) kept its Streamlit session and its renderer's memory to
        the session's end."""
        for page in list(self._taken):
            page.close()
        pooled = {id(p._page) for p in self._free}
        for page in self._context.pages:
            if id(page) not in pooled:
                page.close()

    def close(self) -> None:
        self._context.close()
        self._browser.close()

    def __getattr__(self, name):
        return getattr(self._browser, name)


class RecycledPage:
    """A Playwright page that a test uses as its own and ``close``s: closing leaves the Streamlit page (its session
    ends with its connection), forgets what the tab stored for the address (sessionStorage) and the test's event
    handlers, and hands the blank tab back for the next ``new_page``. What a test adds to a page for good (the
    lecture's font watch, an init script that only records) stays, with the mark it sets beside it."""

    def __init__(self, page, owner: SharedContextBrowser):
        self._page = page
        self._owner = owner
        self._handlers: list[tuple[str, object]] = []

    def on(self, event: str, handler) -> None:
        self._handlers.append((event, handler))
        self._page.on(event, handler)

    def close(self) -> None:
        if self not in self._owner._taken:
            return
        for event, handler in self._handlers:
            self._page.remove_listener(event, handler)
        self._handlers.clear()
        from playwright.sync_api import Error as PlaywrightError
        try:
            if self._page.url.startswith("http"):
                self._page.evaluate("() => sessionStorage.clear()")
            self._page.goto("about:blank")
        except PlaywrightError:
            # a tab that cannot be made blank (its renderer crashed, a navigation under way) is closed for good, not
            # handed to the next test (diff review 2026-12-03: it had stayed taken, and every later teardown failed on it)
            self._owner._drop(self)
            self._page.close()
            return
        self._owner._release(self)

    def __getattr__(self, name):
        return getattr(self._page, name)

    def __setattr__(self, name, value):
        if name.startswith("_cce_") or name in ("_page", "_owner", "_handlers"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._page, name, value)


@pytest.fixture(autouse=True)
def _pages_closed_after_each_test(request):
    """A test's pages closed when it ends, whether or not it closed them (module fixtures close their own)."""
    yield
    if "browser" in request.fixturenames:
        request.getfixturevalue("browser").close_pages()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()




HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Every test in this folder drives a real browser: marked ``browser`` and ``slow`` whatever its file says, so
    a new file cannot land in the quick loop (one did: 50 s of Chromium in ``-m "not slow and not browser"``)."""
    for item in items:
        if Path(str(item.path)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
