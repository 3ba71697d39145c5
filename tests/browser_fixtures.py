"""What the browser tests (tests/browser/) share besides their fixtures: the page scripts that wait for a
page to be drawn and the checks they run. The ``browser`` and ``server`` fixtures (Debian's Chromium
driven by Playwright; ``streamlit run app.py`` on 127.0.0.1) are tests/browser/conftest.py's, one of
each per test session.
"""

from __future__ import annotations

import time
from pathlib import Path

from app_pages.pages.lecture import CLAIMS

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 60_000


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


# Vega measures a chart's text once, when it lays the chart out, with the font the text will be drawn in;
# if the page's font (Source Sans, which the page loads when it first draws text) is still loading then,
# the chart is laid out with the fallback font's widths and drawn in Source Sans: legend labels ran past
# the chart's box, and stayed so (a slide test failed under heavy load and passed alone: delaying the font
# file by 2 s reproduces it every time). The page records when the font was ready and when the first
# chart's text was drawn; a slide is measured only if its chart was drawn with the font loaded.
FONT_WATCH = """(() => {
  const w = window.__cceFonts = {fontAt: null, chartAt: null};
  const ready = () => { const faces = [...document.fonts].filter(f => f.family.replace(/["']/g, '') === 'Source Sans'
                                                              && f.style === 'normal');
                        return faces.length > 0 && faces.every(f => f.status === 'loaded'); };
  const note = () => { if (w.fontAt === null && ready()) w.fontAt = performance.now(); };
  document.fonts.addEventListener('loadingdone', note);
  new MutationObserver(() => {
    note();
    if (w.chartAt === null && document.querySelector('[data-testid="stVegaLiteChart"] svg text')) w.chartAt = performance.now();
  }).observe(document, {subtree: true, childList: true});
})()"""
# The chart's text drawn (chartAt set) and the font ready no later (fontAt <= chartAt): the font's loading
# is done in a task of its own, so it was done before the task that measured and drew the chart's text.
CHART_WITH_ITS_FONT = """() => { const w = window.__cceFonts;
  return w.chartAt !== null && w.fontAt !== null && w.fontAt <= w.chartAt; }"""
CHART_TEXT_DRAWN = "() => window.__cceFonts.chartAt !== null"


def open_claim(page, server: str, claim_id: str, embed: bool = False) -> None:
    """A lecture claim opened and laid out: its script done, its chart drawn with the page's font loaded
    (FONT_WATCH), its ←/→ links (the slide's last element) drawn and the fonts loaded, so that what is
    measured is the slide as shown. A slide whose chart was laid out before its font had loaded is
    opened again (the font is then in the browser's cache), until its chart is drawn with its font."""
    if not getattr(page, "_cce_font_watch", False):
        page.add_init_script(FONT_WATCH)
        page._cce_font_watch = True
    page.goto(f"{server}/lecture?claim={claim_id}" + ("&embed=true" if embed else ""))
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        wait_until_drawn(page)
        page.wait_for_function(CHARTS_DRAWN, arg=1, timeout=TIMEOUT_MS)
        page.wait_for_function(CHART_TEXT_DRAWN, timeout=TIMEOUT_MS)
        if page.evaluate(CHART_WITH_ITS_FONT):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"{claim_id}: its chart was laid out before the page's font had loaded, "
                                 f"each time it was opened for {TIMEOUT_MS / 1000:.0f} s")
        page.reload()
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
