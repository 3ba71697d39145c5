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
    its own sessionStorage; the app keeps nothing in cookies or localStorage that a test sets. ``new_page`` takes
    the one option the tests give (``viewport``) and sets it before the page loads anything, so a page is loaded
    at its size as before."""

    def __init__(self, browser):
        self._browser = browser
        self._context = browser.new_context()

    def new_page(self, viewport: dict | None = None):
        page = self._context.new_page()
        if viewport is not None:
            page.set_viewport_size(viewport)
        return page

    def close_pages(self) -> None:
        """Every page still open closed: a test's page left open (the context outlives the test) kept its Streamlit
        session and its renderer's memory to the session's end (an idle page cost no measurable CPU: measured)."""
        for page in self._context.pages:
            page.close()

    def close(self) -> None:
        self._context.close()
        self._browser.close()

    def __getattr__(self, name):
        return getattr(self._browser, name)


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
