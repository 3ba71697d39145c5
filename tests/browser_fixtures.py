"""What the browser tests share (tests/browser/test_browser.py, tests/test_browser_*.py): the ``browser`` and
``server`` fixtures (Debian's Chromium driven by Playwright; ``streamlit run app.py`` on 127.0.0.1),
and the page scripts that wait for a page to be drawn. Without /usr/bin/chromium a test using them
is skipped, except under CI=true, where it fails. A test module takes the fixtures by assignment,
``browser, server = browser_fixtures.browser, browser_fixtures.server`` (each module its own server).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app_pages.pages.lecture import CLAIMS

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 60_000


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser test must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} not found: install Debian's Chromium with `apt-get install chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright (python) is not installed: pip install -r requirements.txt")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
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


# Streamlit's root element carries the script's state (`data-test-script-state`: initial, running,
# notRunning, ...). A page is drawn when its script is no longer running, its metrics are in the
# page and the fonts have loaded; two animation frames later the layout has caught up.
SCRIPT_DONE = """() => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state')
  === 'notRunning' && document.querySelectorAll('[data-testid="stMetricValue"]').length > 0"""
LAID_OUT = "() => document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))"


def wait_until_drawn(page) -> None:
    page.wait_for_function(SCRIPT_DONE, timeout=TIMEOUT_MS)
    page.evaluate(LAID_OUT)


# At least n charts on the page, each drawn: the charts mount one by one after the script has run
# (a check right after the first one read 2 of 3), and vega-embed adds each svg later still.
CHARTS_DRAWN = """n => { const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  return charts.length >= n && charts.every(chart => chart.querySelector('svg')); }"""


def open_claim(page, server: str, claim_id: str, embed: bool = False) -> None:
    """A lecture claim opened and laid out: its script done, its chart drawn, its ←/→ links (the slide's
    last element) drawn and the fonts loaded, so that what is measured is the slide as shown."""
    page.goto(f"{server}/lecture?claim={claim_id}" + ("&embed=true" if embed else ""))
    wait_until_drawn(page)
    page.wait_for_function(CHARTS_DRAWN, arg=1, timeout=TIMEOUT_MS)
    # attached, not visible: a small frame hides the links (app_pages/ui/style.py, EMBED_SLIDE_CSS)
    page.locator(".cce-links").first.wait_for(state="attached", timeout=TIMEOUT_MS)
    page.evaluate(LAID_OUT)


# Every page in lecture mode: each claim and the pages' lecture links
LECTURE_LINKS = [f"/lecture?claim={c.id}" for c in CLAIMS] + [
    "/?preset=lambda-gpt3-v100&lecture=1", "/?preset=alphago-vs-brain&lecture=1",
    "/limits?lecture=1", "/limits?lecture=1&lim=Diminishing+returns", "/limits?lecture=1&lim=Trends",
    "/limits?lecture=1&lim=Contrasts", "/inference?lecture=1", "/accuracy?lecture=1"]

# Every metric value and label, and everything inside them: is any text cut (its content wider
# or taller than its box, or past the window's right edge)?
CUT_TEXT = """() => {
  const out = [];
  for (const el of document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricLabel"]')) {
    for (const e of [el, ...el.querySelectorAll('*')]) {
      const r = e.getBoundingClientRect();
      if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 2 || r.right > window.innerWidth + 1)
        out.push({text: el.innerText, tag: e.tagName, sw: e.scrollWidth, cw: e.clientWidth,
                  sh: e.scrollHeight, ch: e.clientHeight, right: r.right});
    }
  }
  return out;
}"""
