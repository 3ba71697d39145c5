"""What the browser tests (tests/browser/) share besides their fixtures: the page scripts that wait for a
page to be drawn and the checks they run. The ``browser`` and ``server`` fixtures (Debian's Chromium
driven by Playwright; ``streamlit run app.py`` on 127.0.0.1) are tests/browser/conftest.py's, one of
each per test session.
"""

from __future__ import annotations

import time
from pathlib import Path

from app_pages.pages.lecture import CLAIMS  # noqa: F401 (the browser tests take the claims from here)

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 60_000


# Streamlit's root element carries the script's state (`data-test-script-state`: initial, running,
# notRunning, ...). A page is drawn when its script is no longer running, its metrics are in the
# page and the fonts have loaded; two animation frames later the layout has caught up.
SCRIPT_IDLE = """() => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state')
  === 'notRunning'"""
SCRIPT_DONE = SCRIPT_IDLE + """ && document.querySelectorAll('[data-testid="stMetricValue"]').length > 0"""
LAID_OUT = "() => document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))"
# Every visible field's placeholder, the width its text needs in the field's font and the width the field has.
PLACEHOLDERS = """() => { const c = document.createElement('canvas').getContext('2d'); const out = [];
  for (const el of document.querySelectorAll('input[placeholder]')) {
    if (!el.placeholder || el.offsetParent === null) continue;
    const s = getComputedStyle(el); c.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    out.push([el.getAttribute('aria-label'), el.placeholder, c.measureText(el.placeholder).width,
              el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)]); }
  return out; }"""


# How long a page may take, once drawn, to reach what a check looks for (its metrics' CSS and charts mount one by one
# after the script; a resized page's text settles a frame or two later): the check then reads the page as it is.
SETTLE_MS = 10_000


def settled(page, script: str, ms: int = SETTLE_MS) -> list:
    """``script``'s findings (a JavaScript function returning a list) once there are none, or as they are after
    ``ms``: a check that passes reads the page as soon as it does, one that fails reads it when settled."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    try:
        page.wait_for_function(f"() => ({script})().length === 0", timeout=ms)
    except PlaywrightTimeout:
        pass
    return page.evaluate(script)


def wait_until_drawn(page) -> None:
    page.wait_for_function(SCRIPT_DONE, timeout=TIMEOUT_MS)
    page.evaluate(LAID_OUT)


# --- one page load, several window sizes ---------------------------------------------------------
# A page loaded once and measured at each of several sizes (``page.set_viewport_size``) rather than loaded
# again at each: a load is Chromium's start of Streamlit's front end and a run of the page's script, a
# resize only the layout. What Streamlit decides only when the page loads (its sidebar collapsed below its
# mobile width) differs from a resize: a phone (390×844) is loaded at its size, never reached by a resize.
# Nor is a check of what Vega draws inside a chart (its labels, legend, titles): after a resize Vega lays the
# chart out again in one pass (Streamlit's resizeView), from the old layout, and that is not always a load's
# (browser check, each claim on a slide and in a frame loaded at each size and resized to it: the compute-growth
# and memory-wall legends' labels ran past their charts after 1280→1024, never when loaded at 1024×768, also
# after a resize by way of 1 px more; that one's cause, a legend's columns chosen from the plot's width that the
# layout sets, is mended and has its own test in test_browser_lecture_fit.py). What CSS lays out (text, metric
# rows, tables, fields, a chart's box and its stretched svg) measured the same both ways.
#
# Which charts are drawn as wide as their box (Streamlit's width="stretch"; a facet's fixed panels are not), and
# which as tall (a slide's height="stretch"): after a resize Streamlit's ResizeObservers give Vega the new
# width and height, and Vega draws the chart again, some frames later.
CHART_FIT = """chart => { const svg = chart.querySelector('svg'), r = svg ? svg.getBoundingClientRect() : null;
  return [!!r && Math.abs(r.width - chart.clientWidth) <= 1, !!r && Math.abs(r.height - chart.clientHeight) <= 1]; }"""
CHART_FITS = f"""() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map({CHART_FIT})"""
# Each chart's fit before the resize, written on the chart itself (data-cce-fits): after the resize each chart that
# fitted its box must fit its new box. A chart is known by that mark, not by its place in the page: a chart that
# Streamlit mounted after the measure (the Inference page's third, under load: CI at 085b79f, and a run on 2026-11-26 after the wait for a still page) is
# drawn at the new size from the start, a load and not a resize, and is not held to a fit it never had.
MARK_FITS = f"""() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(chart => {{
  const fit = ({CHART_FIT})(chart); chart.dataset.cceFits = JSON.stringify(fit); return fit; }})"""
CHARTS_REFITTED = f"""n => {{ const marked = [...document.querySelectorAll('[data-testid="stVegaLiteChart"][data-cce-fits]')];
  return marked.length === n && marked.every(chart => {{ const [w0, h0] = JSON.parse(chart.dataset.cceFits);
    const [w, h] = ({CHART_FIT})(chart); return (w || !w0) && (h || !h0); }}); }}"""
# The layout's still: the window's size, the page's height and each chart's box and drawing unchanged for
# ``frames`` animation frames and ``ms`` milliseconds (a chart's height follows its box's a run of Vega later).
STILL = """([frames, ms, limit]) => new Promise(done => {
  const shape = () => JSON.stringify([innerWidth, innerHeight, document.documentElement.scrollHeight,
    document.querySelector('[data-testid="stMain"]')?.scrollHeight,
    ...[...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(chart => {
      const box = chart.getBoundingClientRect(), svg = chart.querySelector('svg');
      const drawn = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
      return [box.width, box.height, drawn.width, drawn.height]; })]);
  let last = null, same = 0, since = 0; const start = performance.now();
  const frame = () => { const now = shape(), t = performance.now();
    if (now === last) same++; else { last = now; same = 0; since = t; }
    if (same >= frames && t - since >= ms) done(true); else if (t - start > limit) done(false);
    else requestAnimationFrame(frame); };
  requestAnimationFrame(frame); })"""
STILL_FRAMES, STILL_MS = 3, 150


def resize(page, width: int, height: int) -> None:
    """The loaded page at ``width``×``height``, laid out again: the window at its new size, every chart that
    was as wide (tall) as its box as wide (tall) as its new box, the fonts loaded and the layout still (``STILL``)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    # every chart drawn and still at the old size first: a chart Vega was still drawing after the script finished
    # (the Inference page's, under load) was counted after the resize and not before (a flaky mismatch, CI 085b79f)
    if not page.evaluate(STILL, [STILL_FRAMES, STILL_MS, TIMEOUT_MS]):
        raise AssertionError(f"{page.url}: its layout still moved {TIMEOUT_MS / 1000:.0f} s after it was drawn")
    fits = page.evaluate(MARK_FITS)
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function("([w, h]) => innerWidth === w && innerHeight === h", arg=[width, height], timeout=TIMEOUT_MS)
    try:
        page.wait_for_function(CHARTS_REFITTED, arg=len(fits), timeout=TIMEOUT_MS)
    except PlaywrightTimeout as exc:
        raise AssertionError(f"{page.url} at {width}×{height}: a chart that fitted its box did not fit its new box "
                             f"(width, height fitted before {fits}, now {page.evaluate(CHART_FITS)})") from exc
    page.evaluate(LAID_OUT)
    if not page.evaluate(STILL, [STILL_FRAMES, STILL_MS, TIMEOUT_MS]):
        raise AssertionError(f"{page.url} at {width}×{height}: its layout still moved {TIMEOUT_MS / 1000:.0f} s after the resize")


def new_page(browser, sizes):
    """A page at the first of ``sizes``, its default timeout ``TIMEOUT_MS``."""
    page = browser.new_page(viewport={"width": sizes[0][0], "height": sizes[0][1]})
    page.set_default_timeout(TIMEOUT_MS)
    return page


def at_sizes(page, sizes):
    """Each (width, height) of ``sizes``, the page resized to it, from the page's own size if it is one of them:
    ``for width, height in at_sizes(page, SIZES): ...`` checks one loaded page at each. The next link loads at
    the size the last check left, and is checked at the sizes in turn from there (the order rotated, no resize
    before a load: each size is a load's size for some links)."""
    if (page.viewport_size["width"], page.viewport_size["height"]) == tuple(sizes[-1]):
        sizes = sizes[::-1]
    for width, height in sizes:
        if (page.viewport_size["width"], page.viewport_size["height"]) != (width, height):
            resize(page, width, height)
        yield width, height


def walk_by_size(browser, tmp_path_factory, name: str, walk):
    """``at(width, height)``: what ``walk(page, width, height, shots)`` read on a new page of that size, walked once a
    size and kept (a module fixture's: each link loaded once a size and read by every check of that size); ``shots``: a
    folder of its own for the photographs of what it found."""
    walks = {}

    def at(width: int, height: int):
        if (width, height) not in walks:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(TIMEOUT_MS)
            walks[width, height] = walk(page, width, height, tmp_path_factory.mktemp(f"{name}-{width}x{height}"))
            page.close()
        return walks[width, height]
    return at


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


# Every page in lecture mode but the claims (each claim's slide: test_browser_lecture_fit.py's ``slides``): the pages'
# lecture links
LECTURE_PAGE_LINKS = [
    "/?preset=lambda-gpt3-v100&lecture=1", "/?preset=alphago-vs-brain&lecture=1",
    "/limits?lecture=1", "/limits?lecture=1&lim=Diminishing+returns", "/limits?lecture=1&lim=Trends",
    "/limits?lecture=1&lim=Contrasts", "/inference?lecture=1", "/accuracy?lecture=1"]

# A projector's 4:3, a laptop's 720p and a 1080p screen; the lecture's sizes (test_browser.py's lecture
# walk: each page link loaded once and resized to the others, at_sizes; each claim loaded at each: test_browser_lecture_fit.py)
LECTURE_SIZES = [(1024, 768), (1280, 720), (1920, 1080)]
# Every metric value drawn on more than one line: its paragraph's height in lines of its line height
# (at 1280 px "2.78 × 10²³ FLOPs", "34.1 tokens/s" and "7.53 million queries" took two).
# A number and its energy, power or time unit that the browser broke across two lines, in the page's captions and
# metric help ("1.40 / GWh" at 1,024 px: lecturer review 2026-12-03): each match's own rectangles on more than one line.
SPLIT_UNITS = r"""() => { const out = [], re = /\d[\d.,]*[ \u00a0](?:[kMGT]?Wh|[kMG]?W|s)(?![\w])/g;
  for (const el of document.querySelectorAll('[data-testid="stCaptionContainer"]')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(re)) {
        const range = document.createRange();
        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) out.push(m[0]); } } }
  return out; }"""
WRAPPED_VALUES = """() => [...document.querySelectorAll('[data-testid="stMetricValue"] p')].map(p => {
  const lines = Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight));
  return {text: p.innerText, lines, font: getComputedStyle(p).fontSize, width: p.getBoundingClientRect().width};
}).filter(v => v.lines !== 1)"""


# Each axis's drawn labels (Vega hides a dropped one with opacity 0) and the closest two: their gap
# in px, the larger of the horizontal and vertical gaps between their boxes (negative: they overlap).
CROWDED_LABELS = """min => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].flatMap((chart, i) =>
  [...chart.querySelectorAll('.role-axis')].flatMap(axis => {
    const boxes = [...axis.querySelectorAll('.role-axis-label text')]
      .filter(t => t.textContent && getComputedStyle(t).opacity !== '0')
      .map(t => ({text: t.textContent, r: t.getBoundingClientRect()}));
    const out = [];
    for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
      const p = boxes[a].r, q = boxes[b].r;
      const gap = Math.max(q.left - p.right, p.left - q.right, q.top - p.bottom, p.top - q.bottom);
      if (gap < min) out.push({chart: i, labels: [boxes[a].text, boxes[b].text], gap: Math.round(gap * 10) / 10});
    }
    return out;
  }))"""
# Two tick labels at least this far apart (px): closer, they read as one ("10¹¹" drawn on "10¹⁰").
MIN_LABEL_GAP_PX = 2
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
