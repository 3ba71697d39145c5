"""A real browser on the lecture pages embedded in a slide's small frame (``?lecture=1&embed=true``, 640×360 and
800×450; lecturer review 2026-11-28): the Inference, Limits and Accuracy pages' numbers read from the back row, two to
a row (at 640×360 they were 17.6–26.7 px, four or five to a row), their one row kept in a slide's 1280×720 frame; the
Estimate page's lecture link fits its frame without scrolling, its "does not hold this run" caveat in view (it ran 617
px in 360, the caveat at 550–601 px); the Limits page's five costs from 1024 px to the slide's 1280, framed or not, read
from the back row (23.3 px at 1024×576 in one row). The claims' frames and the plain embedded Estimate page:
test_browser_lecture_fit.py."""

from __future__ import annotations

import contextlib

import pytest
from browser_fixtures import LAID_OUT, TIMEOUT_MS, at_sizes, new_page, settled, wait_until_drawn

from app_pages.ui import style

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HEADLINE_MIN_PX = style.EMBED_HEADLINE_MIN_REM * 16  # 28: a frame's headline numbers, read from the back row
SMALL_FRAMES = [(640, 360), (800, 450)]
SLIDE_FRAME = (1280, 720)  # the lecture's slide (style.EMBED_COMPACT_BELOW_PX): its rows' layout as on the slide

# Each number shown in a lecture row (style.metric_cells, lecture=True) in the frame's coordinates: its row's key, its
# text, font (px), top, right, whether it is cut (its text wider than its box) and its lines.
ROW_VALUES = f"""() => [...document.querySelectorAll('[class*="st-key-{style.FIT_ROW_KEY}"] [data-testid="stMetricValue"]')]
  .filter(v => v.getBoundingClientRect().height > 0).map(v => {{
    const r = v.getBoundingClientRect(), p = v.querySelector('p'), row = v.closest('[class*="st-key-{style.FIT_ROW_KEY}"]');
    return {{row: [...row.classList].find(c => c.startsWith('st-key-')).slice(7), text: v.innerText.trim(),
            font: parseFloat(getComputedStyle(v).fontSize), top: Math.round(r.top), right: r.right,
            cut: v.scrollWidth > v.clientWidth + 1,
            lines: Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight))}}; }})"""
# A number under HEADLINE_MIN_PX, cut, on more than one line or past the frame's right edge; a line of more than two.
SMALL_OR_CUT = f"""() => {{ const values = ({ROW_VALUES})(), out = values.filter(v => v.font < {HEADLINE_MIN_PX - 0.01}
    || v.cut || v.lines !== 1 || v.right > innerWidth + 1);
  const crowded = values.filter(v => values.filter(o => o.row === v.row && Math.abs(o.top - v.top) <= 2).length > 2)
    .map(v => ({{row: v.row, text: v.text, top: v.top, crowded: true}}));
  return out.concat(crowded); }}"""

# The lecture links of the pages whose numbers stood four or five to a row (test_browser.py's LECTURE_PAGE_LINKS), each
# with the numbers it shows at least.
LECTURE_ROW_LINKS = {"/inference?lecture=1": 7, "/limits?lecture=1": 8, "/limits?lecture=1&lim=Diminishing+returns": 7,
                     "/limits?lecture=1&lim=Trends": 4, "/limits?lecture=1&lim=Contrasts": 3, "/accuracy?lecture=1": 11}


def open_with_numbers(browser, url: str, sizes, numbers: int):
    """The page at ``url``, opened at the first of ``sizes``, once its lecture rows show ``numbers`` values, laid out."""
    page = new_page(browser, sizes)
    page.goto(url)
    wait_until_drawn(page)
    page.wait_for_function(f"() => ({ROW_VALUES})().length >= {numbers}", timeout=TIMEOUT_MS)
    page.evaluate(LAID_OUT)
    return page


@pytest.mark.parametrize("path, numbers", LECTURE_ROW_LINKS.items())
def test_a_lecture_pages_numbers_read_from_the_back_row_in_a_small_frame(browser, server, path, numbers):
    """Lecturer review 2026-11-28: embedded at 640×360 the Inference page's "136 tokens/s" was 18 px, fitted to one line
    in a 108-pixel card, Limits' five costs 17.6 px, Accuracy's serving rows 26.6. In a 640×360 and an 800×450 frame
    each number is at least ``HEADLINE_MIN_PX``, one line, whole and inside the frame, two to a row at most; in a slide's
    1280×720 frame each row stays one row."""
    page = open_with_numbers(browser, f"{server}{path}&embed=true", SMALL_FRAMES, numbers)
    for width, height in at_sizes(page, SMALL_FRAMES + [SLIDE_FRAME]):
        if (width, height) != SLIDE_FRAME:
            faults = settled(page, SMALL_OR_CUT)  # the page's CSS and each row's font mount after the script
            assert not faults, (path, width, height, faults)
        else:
            rows = {}
            for v in page.evaluate(ROW_VALUES):
                rows.setdefault(v["row"], set()).add(v["top"])
            assert rows and all(max(tops) - min(tops) <= 2 for tops in rows.values()), (path, width, height, rows)
        values = page.evaluate(ROW_VALUES)
        assert len(values) >= numbers and all(v["text"] for v in values), (path, width, height, values)


# What keeps the Estimate page's lecture link from fitting its frame: the page's scroll (the main area's and the
# document's, px), its title and each headline number (label, value) not whole inside the frame, a number under
# HEADLINE_MIN_PX or cut, and the memory caveat ("… do not hold this run, …") when there is one, not whole inside it.
LECTURE_ESTIMATE_FAULTS = f"""([w, h]) => {{ const main = document.querySelector('[data-testid="stMain"]');
  const faults = [main.scrollHeight - main.clientHeight, document.documentElement.scrollHeight - innerHeight]
    .filter(px => px > 0).map(px => `scrolls ${{px}} px`);
  const inside = r => r.height > 0 && r.top >= 0 && r.bottom <= h && r.left >= 0 && r.right <= w;
  const title = document.querySelector('h1');
  if (!title || !inside(title.getBoundingClientRect())) faults.push('no title in the frame');
  const numbers = [...document.querySelectorAll('.st-key-{style.FIT_ROW_KEY}headline [data-testid="stMetric"]')];
  if (numbers.length !== 4) faults.push(`${{numbers.length}} numbers`);
  for (const m of numbers) {{
    const v = m.querySelector('[data-testid="stMetricValue"]'), l = m.querySelector('[data-testid="stMetricLabel"]');
    if (!inside(v.getBoundingClientRect()) || !inside(l.getBoundingClientRect()) || v.scrollWidth > v.clientWidth + 1
        || parseFloat(getComputedStyle(v).fontSize) < {HEADLINE_MIN_PX - 0.01})
      faults.push(`${{l.innerText.trim()}} ${{v.innerText.trim()}} at ${{Math.round(v.getBoundingClientRect().top)}} px, `
                  + getComputedStyle(v).fontSize);
  }}
  for (const p of [...main.querySelectorAll('[data-testid="stCaptionContainer"] p')].filter(p => /not hold this run/.test(p.innerText)))
    if (!inside(p.getBoundingClientRect())) faults.push(`caveat at ${{Math.round(p.getBoundingClientRect().top)}}-`
                                                         + `${{Math.round(p.getBoundingClientRect().bottom)}} px`);
  return faults; }}"""
CAVEAT_SHOWN = """() => [...document.querySelectorAll('[data-testid="stCaptionContainer"] p')]
  .some(p => /not hold this run/.test(p.innerText) && p.getBoundingClientRect().height > 0)"""
CONTROLS_SHOWN = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stWidgetLabel"]')]
  .filter(e => e.getBoundingClientRect().height > 0).length"""


@pytest.mark.parametrize("query, caveat", [("preset=lambda-gpt3-v100", True),
                                           ("preset=lambda-gpt3-v100&hardware=a100-sxm-80gb&devices=64", True),
                                           ("preset=alphago-vs-brain", False)])
def test_the_estimate_pages_lecture_link_fits_a_small_frame_with_its_memory_caveat(browser, server, query, caveat):
    """Lecturer review 2026-11-28: the Estimate page's lecture link embedded at 640×360 (the lecture's GPT-3 on one V100)
    ran 617 px in the frame, its "one device does not hold this run" caveat at 550–601 px. In a 640×360 and an 800×450
    frame its title, four numbers (at least ``HEADLINE_MIN_PX``, whole) and the caveat, where the run does not fit, are
    inside the frame and nothing scrolls; in a slide's 1280×720 frame the page keeps its controls and its caveat."""
    page = new_page(browser, SMALL_FRAMES)
    page.goto(f"{server}/?{query}&lecture=1&embed=true")
    wait_until_drawn(page)
    page.wait_for_function(f"() => document.querySelectorAll('.st-key-{style.FIT_ROW_KEY}headline [data-testid=\"stMetric\"]')"
                           ".length === 4", timeout=TIMEOUT_MS)
    if caveat:
        page.wait_for_function(CAVEAT_SHOWN, timeout=TIMEOUT_MS)
    page.evaluate(LAID_OUT)
    for width, height in at_sizes(page, SMALL_FRAMES + [SLIDE_FRAME]):
        if (width, height) != SLIDE_FRAME:
            faults = settled(page, f"() => ({LECTURE_ESTIMATE_FAULTS})([{width}, {height}])")
            assert not faults, (query, width, height, faults)
        else:  # a frame as tall as the slide has the whole page: the controls the lecture keeps (preset, hardware, devices)
            assert page.evaluate(CONTROLS_SHOWN) >= 3, (query, width, height)
        assert page.evaluate(CAVEAT_SHOWN) == caveat, (query, width, height)


# The Limits page's lecture numbers just under the slide's width: its five costs ("scaling cost") stood in one row of
# 128-pixel cards from 1024 to 1279 px, 23.3 px at 1024×576 and 1024×768, 27.9 at 1152×648, embedded or not (browser
# check); three to a row there (style.LECTURE_WIDE_ROWS_CSS), one row again from the slide's 1280 px.
WIDE_ROW_SIZES = [(1024, 576), (1024, 768), (1152, 648), (1279, 720)]
# A number under HEADLINE_MIN_PX, cut, on more than one line or past the window's right edge; a line of more than three.
SMALL_CUT_OR_FOUR = f"""() => {{ const values = ({ROW_VALUES})(), out = values.filter(v => v.font < {HEADLINE_MIN_PX - 0.01}
    || v.cut || v.lines !== 1 || v.right > innerWidth + 1);
  const crowded = values.filter(v => values.filter(o => o.row === v.row && Math.abs(o.top - v.top) <= 2).length > 3)
    .map(v => ({{row: v.row, text: v.text, top: v.top, crowded: true}}));
  return out.concat(crowded); }}"""
LIMITS_ROWS = {"scaling_model": 3, "scaling_cost": 5}  # the Scaling laws tab's rows (app_pages/pages/limits.py), values


@pytest.mark.parametrize("embed", ["", "&embed=true"])
def test_the_limits_pages_five_costs_read_from_the_back_row_below_the_slides_width(browser, server, embed):
    """At 1024×576 and 1024×768 (and 1152×648, 1279×720), framed or not, sidebar closed, every number of the Limits
    page's lecture link is at least ``HEADLINE_MIN_PX``, one line, whole and inside the window, three to a line at most
    (its five costs were 23.3 px in one row); at the slide's 1280×720 each row is one row, the costs five in it."""
    page = open_with_numbers(browser, f"{server}/limits?lecture=1{embed}", WIDE_ROW_SIZES, sum(LIMITS_ROWS.values()))
    for width, height in at_sizes(page, WIDE_ROW_SIZES + [SLIDE_FRAME]):
        values = page.evaluate(ROW_VALUES)
        rows = {}
        for v in values:
            rows.setdefault(v["row"].removeprefix(style.FIT_ROW_KEY), []).append(v)
        assert {row: len(vs) for row, vs in rows.items()} == LIMITS_ROWS, (embed, width, height, values)
        if (width, height) != SLIDE_FRAME:
            faults = settled(page, SMALL_CUT_OR_FOUR)  # each row's font mounts after the script
            assert not faults, (embed, width, height, faults)
            assert len({v["top"] for v in rows["scaling_cost"]}) == 2, (embed, width, height, rows["scaling_cost"])
        else:  # the slide's layout: each row one row, its numbers one line each
            assert all(max(v["top"] for v in vs) - min(v["top"] for v in vs) <= 2 for vs in rows.values()), (embed, rows)
            assert all(not v["cut"] and v["lines"] == 1 for v in values), (embed, values)


# A lecture page on a screen narrower than the slide's breakpoint (EMBED_PAIRS_BELOW_PX), not in a frame, sidebar
# closed: a tablet's or a small laptop's window, from Streamlit's stacking breakpoint (640 px) up.
PLAIN_NARROW = [(700, 900), (800, 600), (1000, 700)]


@pytest.mark.parametrize("path, numbers", LECTURE_ROW_LINKS.items())
def test_a_lecture_pages_numbers_read_from_the_back_row_on_a_narrow_screen(browser, server, path, numbers):
    """Not embedded, from 640 to 1023 px wide, each number of the Inference, Limits and Accuracy pages' lecture links is
    at least ``HEADLINE_MIN_PX``, one line, whole and inside the window, two to a row at most, as in a frame (the Limits
    page's five costs had stayed one row: 23 px at 1000 px wide, less below)."""
    page = open_with_numbers(browser, f"{server}{path}", PLAIN_NARROW, numbers)
    for width, height in at_sizes(page, PLAIN_NARROW):
        faults = settled(page, SMALL_OR_CUT)
        assert not faults, (path, width, height, faults)
        values = page.evaluate(ROW_VALUES)
        assert len(values) >= numbers and all(v["text"] for v in values), (path, width, height, values)


# A lecture page with the sidebar open (the lecturer's share box): its numbers have the window less the sidebar's
# 300 px, and are laid out by that width, not the window's (lecturer review 2026-11-28: at 1024×768 the Inference page's
# four speeds stood in one row at 17.6 px, the Estimate page's headline at 24.5 px; at 1280×720 Limits' five costs at
# 21.7 px, all beside the open sidebar, where the window's 1024 and 1280 px had kept the slide's rows).
# Each link at 1024×768 (a projector's 4:3, 724 px beside the sidebar); the Limits page's five costs at 1280×720 (980 px)
# and 1366×768 (1,066 px) too
SIDEBAR_CASES = [*((path, (1024, 768)) for path in ("/inference?lecture=1", "/limits?lecture=1",
                                                    "/limits?lecture=1&lim=Diminishing+returns",
                                                    "/limits?lecture=1&lim=Trends", "/limits?lecture=1&lim=Contrasts",
                                                    "/?lecture=1&preset=lambda-gpt3-v100")),
                 ("/limits?lecture=1", (1280, 720)), ("/limits?lecture=1", (1366, 768)),
                 # a portrait 768×1024 beside the sidebar (468 px): "2.78 × 10²³ FLOPs" took two lines two to a row
                 # (lecturer review 2026-11-28); one to a row there (style.SINGLE_BELOW_PX)
                 *((path, (768, 1024)) for path in ("/limits?lecture=1&lim=Diminishing+returns", "/limits?lecture=1",
                                                    "/inference?lecture=1", "/?lecture=1&preset=lambda-gpt3-v100"))]
SIDEBAR_OPEN = """() => (document.querySelector('[data-testid="stSidebar"]')?.getBoundingClientRect().width ?? 0) >= 200"""
HAS_SIDEBAR = """() => !!document.querySelector('[data-testid="stSidebar"]')"""
MAIN_WIDTH = """() => document.querySelector('[data-testid="stMain"]').clientWidth"""
# A number under HEADLINE_MIN_PX, cut, on more than one line or past the window's right edge; a line of more than
# ``per_line`` numbers.
SMALL_CUT_OR_CROWDED = f"""(perLine) => {{ const values = ({ROW_VALUES})(), out = values.filter(v =>
    v.font < {HEADLINE_MIN_PX - 0.01} || v.cut || v.lines !== 1 || v.right > innerWidth + 1);
  const crowded = values.filter(v => values.filter(o => o.row === v.row && Math.abs(o.top - v.top) <= 2).length > perLine)
    .map(v => ({{row: v.row, text: v.text, top: v.top, crowded: true}}));
  return out.concat(crowded); }}"""
SIDEBAR_LINKS = {**LECTURE_ROW_LINKS, "/?lecture=1&preset=lambda-gpt3-v100": 4}  # the numbers each shows at least


@contextlib.contextmanager
def sidebar_open(browser, server):
    """A page in a browser context of its own (Streamlit keeps the sidebar's state in the browser) whose sidebar is
    open: opened on a lecture page at 1280×720, where its button is drawn."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.set_viewport_size({"width": 1280, "height": 720})
        page.goto(f"{server}/inference?lecture=1")
        wait_until_drawn(page)
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_function(SIDEBAR_OPEN, timeout=TIMEOUT_MS)
        yield page
    finally:
        context.close()


def test_a_lecture_pages_numbers_are_laid_out_by_the_room_beside_the_open_sidebar(browser, server):
    """With the sidebar open, each lecture link of ``SIDEBAR_CASES`` loaded at its size: every number at least
    ``HEADLINE_MIN_PX``, one line, whole and inside the window; two to a line where the page has under 1,024 px beside
    the sidebar, three from 1,024 to 1,279 (the slide's rows from 1,280, as with the sidebar closed). In a browser
    context of its own (Streamlit keeps the sidebar's state in the browser); each a fresh load."""
    faults = {}
    with sidebar_open(browser, server) as page:
        for path, (width, height) in SIDEBAR_CASES:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{server}{path}")
            wait_until_drawn(page)
            page.wait_for_function(f"() => ({ROW_VALUES})().length >= {SIDEBAR_LINKS[path]}", timeout=TIMEOUT_MS)
            page.evaluate(LAID_OUT)
            if page.evaluate(HAS_SIDEBAR):  # the Accuracy page has none
                assert page.evaluate(SIDEBAR_OPEN), (path, width, height)
            room = page.evaluate(MAIN_WIDTH)
            per_line = 2 if room < style.EMBED_PAIRS_BELOW_PX else 3 if room < style.EMBED_COMPACT_BELOW_PX[0] else 9
            if found := settled(page, f"() => ({SMALL_CUT_OR_CROWDED})({per_line})"):
                faults[path, width, height, room] = found
    assert not faults, faults


# Each control of a lecture page's row in the main area: a field's placeholder or value wider than its field, or a
# label (an expander's, a widget's) whose longest word is wider than its box (the browser then breaks it mid-word).
CONTROLS_CUT = f"""() => {{ const c = document.createElement('canvas').getContext('2d'), out = [];
  const width = (el, text) => {{ const s = getComputedStyle(el); c.font = `${{s.fontWeight}} ${{s.fontSize}} ${{s.fontFamily}}`;
    return c.measureText(text).width; }};
  for (const row of document.querySelectorAll('[class*="st-key-{style.CONTROLS_ROW_KEY}"]')) {{
    for (const el of row.querySelectorAll('input')) {{
      const s = getComputedStyle(el), room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      const text = el.value || el.placeholder;
      if (text && width(el, text) > room + 0.5) out.push(['cut', text, Math.round(room)]); }}
    for (const el of row.querySelectorAll('summary p, label p')) {{
      const longest = Math.max(...el.innerText.split(/\\s+/).map(w => width(el, w)));
      if (longest > el.clientWidth + 0.5) out.push(['word broken', el.innerText, Math.round(el.clientWidth)]); }} }}
  return out; }}"""


@pytest.mark.parametrize("width, height", [(1024, 768), (800, 600), (1280, 720)])
def test_the_inference_lectures_controls_wrap_rather_than_cut_beside_the_open_sidebar(browser, server, width, height):
    """Browser check 2026-11-28: beside the open sidebar at 1,024 px the Inference page's lecture controls shrank to
    120-165 px each: "Architecture (optional)" broke mid-word and the parameters' "7.00 billion (or shape)" read
    "7.00 bi". They wrap onto another row instead (``style.controls_row``), whole."""
    with sidebar_open(browser, server) as page:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{server}/inference?lecture=1")
        wait_until_drawn(page)
        page.evaluate(LAID_OUT)
        assert page.evaluate(SIDEBAR_OPEN)
        # the controls drawn before they are measured (a loaded CI machine had checked them before they were there)
        page.wait_for_selector(f'[class*="st-key-{style.CONTROLS_ROW_KEY}"] input', timeout=TIMEOUT_MS)
        assert not settled(page, CONTROLS_CUT)
