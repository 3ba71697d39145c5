"""A real browser on the accessibility audit's fixes (2026-11-25): the collapsed sidebar out of the Tab order,
each page its own title, chart text dark, and the memory wall's series in one legend with their dashes. The
pure checks are in tests/app/test_a11y.py."""

from __future__ import annotations

import pytest
from browser_fixtures import TIMEOUT_MS, open_claim, wait_until_drawn

from app_pages.ui import palette
from estimator.core.base.tool import TOOL_NAME

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FOCUSED = """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
  return {x: r.x, y: r.y, w: r.width, label: (e.getAttribute('aria-label') || e.textContent || '').slice(0, 40)}; }"""
TAB_STOPS = 15
SIDEBAR_HIDDEN = """() => { const s = document.querySelector('[data-testid="stSidebar"]');
  return s !== null && getComputedStyle(s).visibility === 'hidden'; }"""
SCRIPT_STATE_DONE = """() => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state')
  === 'notRunning' && document.querySelector('h1') !== null"""


@pytest.mark.parametrize("query", ["/?preset=lambda-gpt3-v100&lecture=1", "/?preset=lambda-gpt3-v100&embed=true"])
def test_no_tab_stop_is_off_screen_while_the_sidebar_is_collapsed(browser, server, query):
    """Lecture and embed mode collapse the sidebar; its 28–42 controls had stayed in the Tab order at x ≈ −300."""
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    page.goto(server + query)
    wait_until_drawn(page)
    # the page's CSS (a11y.A11Y_CSS, an st.html element) can mount after the script's metrics: under load the Tab
    # presses came before it and reached the collapsed sidebar's controls (a run on 2026-11-26). Wait for it; if it
    # never comes, the Tab stops below say so.
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    try:
        page.wait_for_function(SIDEBAR_HIDDEN, timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        pass
    stops = []
    for _ in range(TAB_STOPS):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    page.close()
    assert not [s for s in stops if s["x"] + s["w"] <= 0], stops


# The Limits, Inference and Accuracy pages' titles: test_browser.py, from the pages walk's loads.
@pytest.mark.parametrize("path, title", [("/compare", "Compare hardware"), ("/lecture?claim=memory-wall", "Lecture")])
def test_each_page_has_its_own_title(browser, server, path, title):
    page = browser.new_page()
    page.goto(server + path)
    # the page's script done (the Compare page draws no metric, which wait_until_drawn waits for)
    page.wait_for_function(SCRIPT_STATE_DONE, timeout=TIMEOUT_MS)
    assert page.title() == f"{title} · {TOOL_NAME}"
    page.close()


def test_the_memory_wall_draws_dark_text_and_one_legend_of_dashed_lines(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    open_claim(page, server, "memory-wall")
    chart = page.locator('[data-testid="stVegaLiteChart"] svg').first
    fills = chart.evaluate("svg => [...new Set([...svg.querySelectorAll('.role-axis-label text')].map(t => t.getAttribute('fill')))]")
    legends = chart.evaluate("svg => svg.querySelectorAll('.role-legend').length")
    dashes = chart.evaluate("svg => [...new Set([...svg.querySelectorAll('.role-legend-symbol path')]"
                            ".map(p => p.getAttribute('stroke-dasharray')))]")
    page.close()
    assert fills == [palette.CHART_TEXT]
    assert legends == 1 and len(dashes) == 3  # one legend, each entry its own dash


def test_a_chart_is_announced_by_what_it_shows(browser, server):
    """Every chart was announced as "Vega visualization" (audit A5): its container's ARIA label is now the
    chart's text alternative (app_pages/ui/chart_text.py), from Vega-Lite's top-level description."""
    from app_pages.pages import lecture
    from app_pages.ui import chart_text
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    open_claim(page, server, "memory-wall")
    box = page.locator('[data-testid="stVegaLiteChart"]').first
    role, label = box.get_attribute("role"), box.get_attribute("aria-label")
    page.close()
    assert role == "graphics-document"
    assert label == chart_text.describe(lecture.memory_wall_chart().to_dict(validate=False))
    assert label.startswith("Line chart of Growth") and "3 series: peak FLOP/s" in label
