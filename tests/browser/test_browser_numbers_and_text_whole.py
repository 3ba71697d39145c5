"""Issue 55 in Chromium at 1024×768 and 1920×1080: placeholders whole in their fields, the Compare page's
utilisation and name columns wide enough for their text, the Contrasts table's cells whole, the roofline's
legend one line sample per precision, range bars that read as an interval (not a slider), a large number
beside its field as people read it. Screenshots go to the test's tmp_path. Each page is loaded once, at the
first size, and checked at each size in turn (browser_fixtures.at_sizes: resized, laid out again)."""

from __future__ import annotations

import pytest
from browser_fixtures import PLACEHOLDERS, SCRIPT_IDLE, TIMEOUT_MS, at_sizes, settled

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = [(1024, 768), (1920, 1080)]


def opened(browser, server, link, ready: str, width: int = SIZES[0][0], height: int = SIZES[0][1]):
    """The page at ``link``, its script done, ``ready`` (a CSS selector) in it and the fonts loaded."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server + link)
    page.wait_for_function(SCRIPT_IDLE, timeout=TIMEOUT_MS)
    page.wait_for_selector(ready, timeout=TIMEOUT_MS, state="attached")
    page.wait_for_function(SCRIPT_IDLE, timeout=TIMEOUT_MS)
    page.evaluate("() => document.fonts.ready")
    return page




# The Estimate and Inference pages read by the placeholder and range-bar checks, each loaded once (at_sizes: resized);
# the Estimate page's range bars are read on the last (its scenario's grid in g/kWh changes no range).
FIELD_LINKS = ("/?preset=gpt3-175b", "/?preset=alphago-vs-brain", "/?workload=params", "/inference",
               "/?preset=lambda-gpt3-v100&grid_by=g/kWh")
RANGE_BARS_LINK = FIELD_LINKS[-1]
RANGE_BARS = """() => [...document.querySelectorAll('.cce-range')].map(r => {
  const bar = getComputedStyle(r.querySelector('.bar')), mark = r.querySelector('.dot');
  const m = getComputedStyle(mark), box = mark.getBoundingClientRect();
  return {caps: [bar.borderLeftWidth, bar.borderRightWidth], radius: bar.borderRadius, cursor: bar.cursor,
          markRadius: m.borderRadius, markWidth: box.width, markHeight: box.height}; })"""


@pytest.fixture(scope="module")
def fields(browser, server, tmp_path_factory) -> dict:
    """(link, width, height) → (PLACEHOLDERS, RANGE_BARS or None): each of FIELD_LINKS loaded once and read at each of
    SIZES; a photograph of the range bars in the fixture's folder."""
    shots = tmp_path_factory.mktemp("fields")
    read = {}
    for link in FIELD_LINKS:
        page = opened(browser, server, link, "input[placeholder]")
        if link == RANGE_BARS_LINK:
            page.wait_for_selector(".cce-range .bar", timeout=TIMEOUT_MS, state="attached")
        for width, height in at_sizes(page, SIZES):
            bars = None
            if link == RANGE_BARS_LINK:
                page.locator(".cce-range").first.screenshot(path=str(shots / f"range-{width}.png"))
                bars = page.evaluate(RANGE_BARS)
            read[link, width, height] = (page.evaluate(PLACEHOLDERS), bars)
        page.close()
    return read


def test_placeholders_are_whole_in_their_fields(fields):
    """"none: the preset gives its F…" (the sidebar) and "7.00 billion, or from the architecture's sh…" (the
    Inference page) were cut."""
    assert all(shown for shown, _ in fields.values()), [key for key, (shown, _) in fields.items() if not shown]
    cut = [(link, f"{width}×{height}", label, text) for (link, width, height), (shown, _) in fields.items()
           for label, text, need, have in shown if need > have]
    assert not cut, cut


def test_compares_utilisation_and_name_columns_fit_their_text(browser, server, tmp_path):
    """The grid draws on a canvas: each cell's text is measured in the grid's font (14 px Source Sans) against
    the width the page gives its column (plus the grid's 8 px padding each side)."""
    from app_pages.pages import compare
    from estimator.io.datafiles import default_profiles

    page = opened(browser, server, "/compare?preset=gpt3-175b", '[data-testid="stDataFrame"]')
    ids = compare.compared_ids(default_profiles().profiles, with_references=False)
    df, _ = compare.comparison_table({"preset_id": "gpt3-175b"}, ids)  # the page's rows (its utilisation texts)
    for width, height in at_sizes(page, SIZES):
        page.screenshot(path=str(tmp_path / f"compare-{width}.png"))
        font = page.evaluate("""() => getComputedStyle(document.querySelector('[data-testid="stDataFrame"]')).fontFamily""")
        for column in ("utilization", "hardware_name"):
            texts = list(df[column])
            need = page.evaluate("""([texts, family]) => { const c = document.createElement('canvas').getContext('2d');
              c.font = `14px ${family}`; return Math.max(...texts.map(t => c.measureText(t).width)); }""", [texts, font])
            assert need + 16 <= compare.text_px(texts), (column, need, width, height)
    page.close()


def test_the_contrasts_table_cuts_no_cell(browser, server, tmp_path):
    page = opened(browser, server, "/limits?lim=Contrasts", '[data-testid="stTable"] td')
    for width, height in at_sizes(page, SIZES):
        page.locator('[data-testid="stTable"]').screenshot(path=str(tmp_path / f"contrasts-{width}.png"))
        cells = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stTable"] td, [data-testid="stTable"] th')]
          .map(td => [td.textContent, td.scrollWidth - td.clientWidth, getComputedStyle(td).textOverflow])""")
        assert len(cells) > 20, (width, height)
        assert [text for text, over, _ in cells if over > 1] == [], (width, height)
        assert "GPT-3's training energy as a share of a year's world electricity" in [t for t, *_ in cells]
        assert any(t.startswith("1 part in ") for t, *_ in cells)
    page.close()


def test_the_roofline_legend_is_one_line_sample_per_precision(browser, server, tmp_path):
    """The ridge points' shapes had merged into the lines' legend: a shape, a dash and a colour drawn on top
    of each other. Each entry is now a line in its colour and dash, as the line it names."""
    page = opened(browser, server, "/profiles?hardware=h100-sxm", ".role-legend-symbol path")
    for width, height in at_sizes(page, SIZES):
        page.locator('[data-testid="stVegaLiteChart"]').first.screenshot(path=str(tmp_path / f"roofline-{width}.png"))
        symbols = page.evaluate("""() => [...document.querySelectorAll('.role-legend-symbol path')]
          .map(e => [e.getAttribute('d'), e.getAttribute('stroke'), e.getAttribute('stroke-dasharray')])""")
        labels = page.evaluate("() => [...document.querySelectorAll('.role-legend-label text')].map(e => e.textContent)")
        assert labels == sorted(["bf16", "fp16", "fp32", "fp64", "fp8", "int8", "tf32"]), (width, height, labels)
        assert len(symbols) == len(labels), (width, height, symbols)
        # a line, no closed shape
        assert all(d.startswith("M") and "A" not in d and "Z" not in d.upper() for d, *_ in symbols), (width, height, symbols)
        assert len({(stroke, dash) for _, stroke, dash in symbols}) == len(labels), (width, height, symbols)
    page.close()


@pytest.mark.parametrize("width, height", SIZES)
def test_range_bars_read_as_an_interval_not_a_slider(fields, width, height):
    """A rounded track with a round thumb read as a control to drag: the bar is a rule between two end caps,
    the estimate an upright tick on it, and the pointer stays an arrow over it."""
    _, bars = fields[RANGE_BARS_LINK, width, height]
    assert len(bars) >= 4, (width, height, bars)
    for b in bars:
        assert b["caps"] == ["2px", "2px"] and b["radius"] == "0px" and b["cursor"] == "default", (width, height, b)
        assert b["markRadius"] == "0px" and b["markHeight"] >= 3 * b["markWidth"], (width, height, b)  # an upright tick


def test_a_large_number_reads_beside_its_field(browser, server):
    """The field shows sprintf's "7.000e+9"; the number as people read it is under it (visible, at each size)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    for link, texts in (("/?workload=params&params=7e9&tokens=2e12", ("= 7.00 billion", "= 2.00 trillion")),
                        ("/?workload=flops&flops=5.76e23", ("= 5.76 × 10²³",))):
        page = opened(browser, server, link, "input")
        side = page.locator('[data-testid="stSidebar"]')
        for width, height in at_sizes(page, SIZES):
            for text in texts:
                try:
                    side.get_by_text(text, exact=True).wait_for(timeout=TIMEOUT_MS)
                except PlaywrightTimeout as exc:
                    raise AssertionError(f"{link} at {width}×{height}: {text!r} not shown in the sidebar") from exc
        page.close()


# Each chart's legend labels cut ("…") or drawn past its own chart's box, and the lines of each label, per chart.
CHARTS_TEXT = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg')].map(svg => {
  const s = svg.getBoundingClientRect();
  const shown = [...svg.querySelectorAll('.role-legend-label text')].filter(t => t.textContent.trim());
  return {cut: shown.filter(t => { const r = t.getBoundingClientRect();
            return t.textContent.endsWith('…') || r.left < s.left - 0.5 || r.right > s.right + 0.5
              || r.top < s.top - 0.5 || r.bottom > s.bottom + 0.5; }).map(t => t.textContent),
          legend: [...svg.querySelectorAll('.role-legend-label text')].map(t =>
            [...t.querySelectorAll('tspan')].map(x => x.textContent).filter(x => x.trim()).length || 1)}; })"""


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 720), (1920, 1080)])
def test_the_trends_tab_on_a_slide_keeps_every_legend_label_whole_and_short(browser, server, width, height):
    """Lecturer review (2026-11-27): in lecture mode on a phone the cost chart's legend ran past the chart
    ("hardware price-performanc"); on a 1280-pixel slide, where the two charts stand side by side, the growth
    chart's four labels took nine lines, broken mid-phrase ("peak FLOP/s (3× / 2" / "years)"). Every label is now
    whole inside its chart, and on half a slide or wider each label takes at most two lines."""
    # the sidebar closed, as a lecture link opens: Streamlit keeps a sidebar opened in the shared context's storage
    # (the share box's test opens it), and beside it each chart is 402 px, too narrow for the longer lines
    page = opened(browser, server, "/limits?lim=Trends&lecture=1", ".role-legend-label text", width, height)
    page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    page.reload()
    page.wait_for_function(SCRIPT_IDLE, timeout=TIMEOUT_MS)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] svg').length >= 2",
                           timeout=TIMEOUT_MS)
    # read once the charts have their final boxes (under load a chart is laid out first in a narrower one)
    short = "true" if width >= 1280 else "false"
    problems = f"""() => {{ const charts = ({CHARTS_TEXT})();
      const out = charts.flatMap(c => c.cut.map(t => 'cut: ' + t));
      if (charts.length !== 2) out.push('charts: ' + charts.length);
      const growth = charts.length > 1 ? charts[1].legend : [];
      if ({short} && (growth.length !== 4 || Math.max(...growth) > 2 || growth.reduce((a, b) => a + b, 0) > 5))
        out.push('growth legend lines: ' + growth.join(','));
      return out; }}"""
    assert not settled(page, problems), (width, height, page.evaluate(CHARTS_TEXT), page.evaluate(
        """() => ({inner: innerWidth, charts: [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
          .map(e => Math.round(e.getBoundingClientRect().width)),
          sidebar: document.querySelector('[data-testid="stSidebar"]')?.getAttribute('aria-expanded')})"""))
    page.close()


# Every text of every chart inside its drawing (a label past the SVG's edge is cut by the page)
CHART_TEXT_OUTSIDE = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg')].flatMap(s => {
  const box = s.getBoundingClientRect();
  return [...s.querySelectorAll('text')].filter(t => { const r = t.getBoundingClientRect();
    return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1); }).map(t => t.textContent); })"""


@pytest.mark.parametrize("link", ["/compare?preset=lambda-gpt3-v100&lecture=1", "/inference?lecture=1"])
def test_a_phones_lecture_charts_keep_their_labels_whole(browser, server, link):
    """Lecturer review 2026-11-28 at 390×844, lecture size: the Compare chart's last tick label ("100M", centred on the
    plot's end) ran 10 px past its drawing, and the Inference chart's axis title ("…same devices") 9 px."""
    page = opened(browser, server, link, '[data-testid="stVegaLiteChart"] svg text', 390, 844)
    try:
        assert settled(page, CHART_TEXT_OUTSIDE) == []
    finally:
        page.close()
