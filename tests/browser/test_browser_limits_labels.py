"""A real browser on the Limits page's charts in lecture mode: no two tick labels of a chart near each other, whichever
axes they belong to (the corner where the y axis's lowest label meets the x axis's first one included). The log axes'
own check (two labels of one axis at least ``MIN_LABEL_GAP_PX`` apart): test_browser.py. Each link is loaded at each
size (after a resize Vega's layout is not a load's: browser_fixtures.py). The charts are drawn as SVG: the check reads
each axis label's ``<text>`` box as drawn (``getBoundingClientRect``)."""

from __future__ import annotations

import pytest
from browser_fixtures import CHARTS_DRAWN, LAID_OUT, MIN_LABEL_GAP_PX, TIMEOUT_MS, settled, wait_until_drawn

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The Limits page's tabs with charts, in lecture mode: link → how many charts it draws
LIMITS_CHART_LINKS = {"/limits?lecture=1": 1, "/limits?lecture=1&lim=Diminishing+returns": 1,
                      "/limits?lecture=1&lim=Trends": 2}
# Two tick labels of a chart at least this share of their font size apart (and at least MIN_LABEL_GAP_PX): closer, they
# crowd. Measured 2026-11-27 in lecture mode, the loss chart's y axis as Streamlit's theme drew it (its end labels flushed
# inside the axis): "1.6" 3 px from "1.8" and "3.6" from "3.4" at 1280 and 390 (18 px text, 0.17 of it), and at 1920 the
# "1.6" 6 px over the x axis's "10¹⁸" in the corner (27 px, 0.22); every other pair of the Limits charts stands at least
# 0.37 of its size apart (the Trends tab's log decades 7.8 px at 18 px, the multiplier chart's "10%" and "12%" on a phone).
MIN_LABEL_GAP_EM = 0.25

# Every chart's drawn axis labels (Vega hides a dropped one with opacity 0), each axis's count, and every two of a chart
# (whichever axes) closer than ``min`` of the larger one's font size (px): their gap, the larger of the horizontal and
# vertical gaps between their boxes (negative: they overlap).
CHART_LABEL_GAPS = """([em, px]) => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map((chart, i) => {
  const axes = [...chart.querySelectorAll('.role-axis')].map(axis => ({
    name: axis.getAttribute('aria-label') || '',
    labels: [...axis.querySelectorAll('.role-axis-label text')]
      .filter(t => t.textContent && getComputedStyle(t).opacity !== '0')
      .map(t => ({text: t.textContent, r: t.getBoundingClientRect(), size: parseFloat(getComputedStyle(t).fontSize)}))}))
    .filter(axis => axis.labels.length > 0);
  const labels = axes.flatMap(axis => axis.labels), close = [];
  for (let a = 0; a < labels.length; a++) for (let b = a + 1; b < labels.length; b++) {
    const p = labels[a].r, q = labels[b].r;
    const gap = Math.max(q.left - p.right, p.left - q.right, q.top - p.bottom, p.top - q.bottom);
    const least = Math.max(px, em * Math.max(labels[a].size, labels[b].size));
    if (gap < least) close.push({labels: [labels[a].text, labels[b].text], gap: Math.round(gap * 10) / 10,
                                 least: Math.round(least * 10) / 10});
  }
  return {chart: i, axes: axes.map(axis => [axis.name.split(' titled')[0], axis.labels.length]), close}; })"""
CLOSE = f"() => ({CHART_LABEL_GAPS})([{MIN_LABEL_GAP_EM}, {MIN_LABEL_GAP_PX}]).filter(c => c.close.length)"


@pytest.mark.parametrize("width, height", [(1920, 1080), (1280, 720), (390, 844)])
def test_no_two_tick_labels_of_a_limits_chart_crowd_in_lecture_mode(browser, server, tmp_path, width, height):
    """On a projector (1920×1080) the scaling-laws chart's lowest loss label, pushed up off its gridline by Streamlit's
    theme (``labelFlush``), sat 6 px over the first FLOPs label in the corner; at 1280 and on a phone its end labels
    stood 3 px from their neighbours. Each label of the loss axis is now on its tick, the first FLOPs label starts at its
    tick, right of the corner (app_pages/pages/limits_charts.py)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    crowded, unlabelled = [], []
    for link, n in LIMITS_CHART_LINKS.items():
        page.goto(server + link)
        wait_until_drawn(page)
        page.wait_for_function(CHARTS_DRAWN, arg=n, timeout=TIMEOUT_MS)
        page.evaluate(LAID_OUT)
        found = settled(page, CLOSE)
        # every chart with its two axes labelled, two labels each at least: a chart drawn without labels is not a pass
        drawn = page.evaluate(f"() => ({CHART_LABEL_GAPS})([0, 0])")
        unlabelled += [(link, c["chart"], c["axes"]) for c in drawn
                       if len(c["axes"]) < 2 or any(count < 2 for _, count in c["axes"])]
        if len(drawn) != n:
            unlabelled.append((link, f"{len(drawn)} charts, not {n}"))
        if found:
            page.screenshot(path=str(tmp_path / f"crowded-{len(crowded)}.png"), full_page=True)
        crowded += [(link, c["chart"], c["close"]) for c in found]
    page.close()
    assert not unlabelled, (width, unlabelled)
    assert not crowded, (width, crowded)
