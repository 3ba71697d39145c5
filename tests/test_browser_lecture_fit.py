"""A real browser on the lecture's weak spots: a big number on one line at 1280 and 1920 px, log axes
whose tick labels never touch, and a claim embedded in a small frame (800×450, 640×360) showing its
numbers and chart without scrolling. Shares the fixtures of tests/test_browser.py (tests/browser_fixtures.py)."""

from __future__ import annotations

import math

import browser_fixtures
import pytest
from browser_fixtures import CHARTS_DRAWN, CLAIMS, LAID_OUT, LECTURE_LINKS, TIMEOUT_MS, open_claim, wait_until_drawn

from app_pages import charts, lecture
from app_pages import limits as limits_page
from estimator.services import limits

pytestmark = [pytest.mark.browser, pytest.mark.slow]
browser, server = browser_fixtures.browser, browser_fixtures.server  # the shared fixtures

# How long a page may take, once its script has run, to reach what is checked (its metrics' CSS and
# charts mount one by one after the script): the check then reads the page as it is.
SETTLE_MS = 10_000


def settled(page, script: str) -> list:
    """``script``'s findings (a list) once there are none, or as they are after ``SETTLE_MS``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    try:
        page.wait_for_function(f"() => ({script})().length === 0", timeout=SETTLE_MS)
    except PlaywrightTimeout:
        pass
    return page.evaluate(script)


# --- 1. a lecture's big numbers: one line each ----------------------------------------------------

# Every metric value drawn on more than one line: its paragraph's height in lines of its line height
# (at 1280 px "2.78 × 10²³ FLOPs", "34.1 tokens/s" and "7.53 million queries" took two).
WRAPPED_VALUES = """() => [...document.querySelectorAll('[data-testid="stMetricValue"] p')].map(p => {
  const lines = Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight));
  return {text: p.innerText, lines, font: getComputedStyle(p).fontSize, width: p.getBoundingClientRect().width};
}).filter(v => v.lines !== 1)"""


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_every_lecture_number_is_one_line(browser, server, tmp_path, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    wrapped = []
    for link in LECTURE_LINKS:
        page.goto(server + link)
        wait_until_drawn(page)
        assert page.get_by_test_id("stException").count() == 0, link
        found = settled(page, WRAPPED_VALUES)
        if found:
            page.screenshot(path=str(tmp_path / f"wrapped-{len(wrapped)}.png"))
        wrapped += [(link, v) for v in found]
    assert not wrapped, (width, wrapped)


# --- 2. log axes: no tick label on another -------------------------------------------------------

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
# The pages with log charts: the Limits page's tabs (scaling, diminishing returns, trends) as a desktop
# and in lecture mode, and the claims drawn on a log axis; link → how many charts it draws.
LOG_CHART_PAGES = {"/limits": 1, "/limits?lim=Diminishing+returns": 1, "/limits?lim=Trends": 2,
                   "/limits?lecture=1": 1, "/limits?lecture=1&lim=Diminishing+returns": 1,
                   "/limits?lecture=1&lim=Trends": 2, **{f"/lecture?claim={c.id}": 1 for c in CLAIMS}}


@pytest.mark.parametrize("width, height", [(1280, 720), (390, 844), (1920, 1080)])
def test_no_two_tick_labels_touch_on_the_log_charts(browser, server, tmp_path, width, height):
    """At lecture size the Trends tab's growth chart drew 10¹¹ on 10¹⁰ and 10⁰ on 10¹ (Streamlit's theme
    pushes the end labels inside the plot); the multiplier chart's eleven decades stood 3 px apart."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    crowded = []
    for link, n in LOG_CHART_PAGES.items():
        page.goto(server + link)
        wait_until_drawn(page)
        page.wait_for_function(CHARTS_DRAWN, arg=n, timeout=TIMEOUT_MS)
        page.evaluate(LAID_OUT)
        found = settled(page, f"() => ({CROWDED_LABELS})({MIN_LABEL_GAP_PX})")
        if found:
            page.screenshot(path=str(tmp_path / f"crowded-{len(crowded)}.png"), full_page=True)
        crowded += [(link, f) for f in found]
    assert not crowded, (width, crowded)


def _log_axes(spec: dict) -> list[dict]:
    """Every axis of a log scale in a (layered) Vega-Lite spec."""
    own = [enc["axis"] for enc in spec.get("encoding", {}).values()
           if isinstance(enc, dict) and enc.get("scale", {}).get("type") == "log" and "axis" in enc]
    return own + [axis for layer in spec.get("layer", []) for axis in _log_axes(layer)]


def test_every_log_axis_keeps_its_labels_apart():
    """Each log chart of the Limits page and the lecture ticks at powers of ten, at most about
    ``LOG_AXIS_MAX_TICKS`` of them, with labels centred on their ticks and dropped every other one
    until they are ``LOG_LABEL_SEPARATION_PX`` apart (a multiplier curve at a small k: hundreds of decades)."""
    report = limits.trend_report()
    specs = {"growth": limits_page.growth_chart(report.table), "cost": limits_page.cost_chart(report.table),
             "multiplier": limits_page.multiplier_chart(11.5, 0.072, 5.0),
             "multiplier, small k": limits_page.multiplier_chart(11.5, 0.01, 5.0),
             "loss": limits_page.loss_chart("fit", 5.76e23, 1.94),
             "compute vs price": lecture.compute_vs_price_chart(report), "memory wall": lecture.memory_wall_chart()}
    for name, chart in specs.items():
        axes = _log_axes(chart.to_dict(validate=True))
        assert axes, name
        for axis in axes:
            assert axis["labelFlush"] is False and axis["labelOverlap"] == "parity", name
            assert axis["labelSeparation"] == charts.LOG_LABEL_SEPARATION_PX, name
            assert 2 <= len(axis["values"]) <= charts.LOG_AXIS_MAX_TICKS + 1, (name, len(axis["values"]))
            assert all(v == 10.0 ** round(math.log10(v)) for v in axis["values"]), name


# --- 3. a claim in a small frame ------------------------------------------------------------------

# Each number's bottom and the chart's top, in the frame (the main area scrolls), the captions' size.
FRAME = """() => { const vals = [...document.querySelectorAll('[data-testid="stMetricValue"]')];
  const svg = document.querySelector('[data-testid="stVegaLiteChart"] svg');
  return {numbers: Math.max(...vals.map(v => v.getBoundingClientRect().bottom)), count: vals.length,
          chartTop: svg ? svg.getBoundingClientRect().top : null,
          captions: [...document.querySelectorAll('[data-testid="stCaptionContainer"] p')]
                      .map(e => parseFloat(getComputedStyle(e).fontSize))}; }"""
# At least this much of the chart in the frame (px): its top, the first tick labels (at 800×450 the
# ImageNet claim's showed 38 px: the edge of the axis title).
MIN_CHART_SHOWN_PX = 80
CAPTION_MIN_PX = 16  # a caption's size on a projector (app_pages/style.py), in a frame too


@pytest.mark.parametrize("width, height, chart", [(800, 450, True), (640, 360, False)])
def test_an_embedded_claim_shows_its_numbers_and_chart_in_a_small_frame(browser, server, tmp_path, width, height, chart):
    """Embedded (``?embed=true``) in an 800×450 frame every claim's numbers and the top of its chart are
    on screen without scrolling; in 640×360, where Streamlit stacked the columns and the numbers lay
    560–790 px down, the numbers are. Captions keep the projector's 16 px."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    hidden = []
    for cl in CLAIMS:
        open_claim(page, server, cl.id, embed=True)
        f = page.evaluate(FRAME)
        if f["numbers"] > height or (chart and f["chartTop"] > height - MIN_CHART_SHOWN_PX):
            hidden.append((cl.id, f))
            page.screenshot(path=str(tmp_path / f"frame-{cl.id}.png"))
        assert f["captions"] and min(f["captions"]) >= CAPTION_MIN_PX, (cl.id, f)
    assert not hidden, (width, height, hidden)
