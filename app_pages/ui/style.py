"""Presentation shared by the pages: lecture mode for a projector, the range bar, chart fonts.

Static CSS and markup only: every text put into HTML here is escaped (``html.escape``); no user
text is ever rendered unescaped.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import math
from pathlib import Path

import altair as alt
import streamlit as st

from app_pages.ui import palette
from app_pages.ui.common import md_escape

# Lecture mode: numbers large enough for the back of a room, and never cut. Streamlit's metric
# value is one line with an ellipsis; here it may wrap between words (never inside a number) and
# its font shrinks with the window (clamp), so "355 years" fits a 1024-pixel projector in 4
# columns and grows on a 1920-pixel one. A row of longer values ("7.53 million queries") gets a
# smaller size of its own (``metric_cells``: ``--cce-fit``), so that each value is one line.
# The font is a share of the width a value has: the metric's card inside its 15 px padding and 1 px border (the
# container below), not the metric's outer width: measured on the card's outer width, "138 tokens/s" fitted its
# row's font at 1280 px and wrapped at 1024×768, where the padding is 15% of a 204-pixel column (browser check,
# 2026-11-26). 19% of the inner width is the size 17% of the outer one gave at 1024 px, a little under it wider.
METRIC_VALUE_CQI = 19  # a value's font, % of its metric's inner width: "355 years" fills ~2/3 of it
METRIC_VALUE_MAX = "4.2rem"  # 67 px: the largest a value grows (a 1920-pixel projector)
# Captions on a lecture page (a figure's range, price, caveat): 16 px, the projector's minimum, on a 1280-pixel
# slide and up to 24 px on a 1920-pixel projector (1.25vw: the same share of the screen's width), as its
# charts' text grows (LECTURE_CHART_FONT_MAX_PX); the former 0.6rem + 0.4vw gave 17 px at 1920 (browser audit).
# A claim's source line likewise: 1.05rem (16.8 px) up to a 1280-pixel window, then its share of the width. Every
# lecture page's tabs as the captions: Limits of scale's had stayed 14 px at 1920 (lecturer review 2026-11-27); and, as
# the captions, a page's warnings, expanders' labels and tables' cells (the Contrasts tab's table, its fact-check box
# and its "Inputs" stayed 14-16 px at 1920: lecturer review 2026-11-27, second), code in a caption at its size.
CAPTION_FONT_CSS = "clamp(1rem, 1.25vw, 1.5rem)"
LECTURE_CSS = """<style>
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: normal !important; word-break: keep-all !important;
}
[data-testid="stMetric"] > div { container-type: inline-size; }
""" + (f'[data-testid="stMetricValue"] {{ font-size: clamp(var(--cce-metric-min, 1.1rem), var(--cce-fit, {METRIC_VALUE_CQI}cqi), '
       f'var(--cce-metric-max, {METRIC_VALUE_MAX})) !important; line-height: 1.3 !important; }}\n') + """\
[data-testid="stMetricLabel"] p { font-size: clamp(1.05rem, 0.6rem + 0.9vw, 1.5rem) !important; white-space: normal !important; }
[data-testid="stMetricLabel"] * { overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricDelta"] * { white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
.cce-source { font-size: clamp(1.05rem, 1.3125vw, 1.575rem); }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: CAPTION_FONT !important; }
.cce-range { font-size: CAPTION_FONT !important; flex-wrap: wrap; }
[data-testid="stMain"] [data-testid="stTab"] p { font-size: CAPTION_FONT !important; }
[data-testid="stMain"] [data-testid="stAlertContainer"] p, [data-testid="stMain"] [data-testid="stExpander"] summary p,
[data-testid="stMain"] [data-testid="stTable"] td, [data-testid="stMain"] [data-testid="stTable"] th { font-size: CAPTION_FONT !important; }
[data-testid="stCaptionContainer"] code { font-size: 0.9em !important; }
[data-testid="stMain"] [data-testid="stWidgetLabel"] p, [data-testid="stMain"] [data-testid="stSelectbox"] [data-baseweb] *, [data-testid="stMain"] [data-testid="stSelectbox"] input,
[data-testid="stMain"] [data-testid="stNumberInput"] input, [data-testid="stMain"] [data-testid="stRadio"] label p {
  font-size: clamp(1rem, 0.6rem + 0.4vw, 1.25rem) !important; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem !important; padding-bottom: 1rem !important; }
h1 { padding-top: 0 !important; padding-bottom: 0.5rem !important; }
[data-testid="stHeader"] { background: transparent !important; }
</style>""".replace("CAPTION_FONT", CAPTION_FONT_CSS)
# Captions (a figure's range, price, caveat) and the range bars' ends at least 16 px, the projector minimum
# (browser check: 14 px grey; a11y audit: the bars' 12.8 px were the slide's smallest text). A lecture slide fits a 1280×720 projector: the page's top padding (6rem, room for Streamlit's
# toolbar, whose white band is made clear so it cannot hide the title) is cut to 2.5rem and the
# title's to none (measured: the title began 96 px down and the slides ran 160–600 px past 720). A
# claim's chart takes the height the screen leaves it (``SLIDE_CSS``).
# The projector minimum: captions, range ends and the controls a lecture page keeps on the page (the CSS's 1rem).
PROJECTOR_MIN_FONT_PX = 16
# Chart text in lecture mode (issue: at least 16 px on a projector); legends never cut.
LECTURE_CHART_FONT_PX = 18
NORMAL_CHART_FONT_PX = 12
# A claim's chart on a slide or in a frame grows with the screen, as its numbers do: 18 px is the size set for
# a 1280-pixel slide (EMBED_COMPACT_BELOW_PX), so the chart's text keeps that share of the screen's width up to
# a 1920-pixel projector, 27 px (a fixed 18 px was 0.9% of its width there, a third smaller than the slide it
# was set on: browser audit). Below 1280 it stays 18, the projector's minimum for chart text. Evaluated by the
# browser (Vega's windowSize()): Python cannot see the screen.
LECTURE_CHART_FONT_WIDTH_PX = 1280
LECTURE_CHART_FONT_MAX_PX = round(LECTURE_CHART_FONT_PX * 1920 / LECTURE_CHART_FONT_WIDTH_PX)  # 27
# the factor, a Vega expression: 1 up to a 1280-pixel window, then in proportion to its width, at most 1.5
SLIDE_SCALE_EXPR = (f"clamp(windowSize()[0] / {LECTURE_CHART_FONT_WIDTH_PX}, 1, "
                    f"{LECTURE_CHART_FONT_MAX_PX / LECTURE_CHART_FONT_PX:g})")

# Metrics side by side that wrap onto another row rather than cut a number ("69.3 bi…"): each cell
# of a wrapping horizontal container is at least as wide as its label and value (Streamlit lets a
# cell shrink to 16 px and the metric ends its value with an ellipsis).
METRIC_ROW_KEY = "cce_metrics_"
METRIC_ROW_CSS = (f'<style>[class*="st-key-{METRIC_ROW_KEY}"] > [data-testid="stLayoutWrapper"] '
                  "{ min-width: fit-content; }</style>")

# The range bar as an interval, |——|——|, not a control (issue 55: a rounded track with a round thumb read as a
# slider to drag): a thin rule between two end caps, the estimate a short upright tick on it; nothing to grab.
RANGE_RULE = "#8a94a6"  # the rule and its caps: grey, quieter than the figures at its ends
RANGE_CSS = """<style>
.cce-range { display: flex; align-items: center; gap: 0.4rem; font-size: 0.8rem; color: #555; margin-top: -0.4rem; }
.cce-range .bar { flex: 1 1 auto; min-width: 2rem; height: 0.7rem; position: relative; cursor: default;
  border-left: 2px solid """ + RANGE_RULE + """; border-right: 2px solid """ + RANGE_RULE + """;
  background: linear-gradient(""" + RANGE_RULE + ", " + RANGE_RULE + """) center / 100% 2px no-repeat; }
.cce-range .dot { position: absolute; left: 50%; top: 0; width: 3px; height: 100%; margin-left: -1.5px;
  border-radius: 0; background: """ + palette.ACCENT + """; }
.cce-range .lo, .cce-range .hi { white-space: nowrap; }
</style>"""


@functools.cache
def data_url(png: Path) -> str:
    """A small PNG as a ``data:`` URL, read once per process. Given a file path, Streamlit's
    ``set_page_config(page_icon=…)`` reads and registers the file on every script run; a data URL
    is passed through as it is (issue 16: per-run cost)."""
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


# In a frame (?embed=true; Streamlit hides its toolbar there) the page's 6rem of top padding left the
# first number below the fold of an 800×450 frame (browser audit): 2.75rem, clear of the sidebar toggle.
# In a frame narrower than EMBED_TWO_BY_TWO_BELOW_PX the Estimate page's four headline numbers are two rows
# of two, their boxes tighter: at 640×360 three stood in a row and the fourth (Cost) below them, its
# value at 318–370 px (browser check); one row of four 140-pixel cells has no room for a
# range bar's "102 years ▬●▬ 1,240 years" (≈170 px at 12.8 px).
EMBED_TWO_BY_TWO_BELOW_PX = 800  # at 800 px the four stood in one row (browser check)
EMBED_METRIC_VALUE_REM = 1.75  # 28 px (Streamlit's is 36): two rows of numbers and bars in 360 px
_HEADLINE = f'[data-testid="stApp"] .st-key-{METRIC_ROW_KEY}headline'
EMBED_CSS = f"""<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 2.75rem !important; }}
[data-testid="stHeader"] {{ background: transparent !important; }}
@media (max-width: {EMBED_TWO_BY_TWO_BELOW_PX - 1}px) {{
{_HEADLINE} {{ row-gap: 0.5rem; }}
{_HEADLINE} > [data-testid="stLayoutWrapper"] {{ flex: 1 1 calc(50% - 0.5rem); }}
{_HEADLINE} [data-testid="stVerticalBlock"] {{ gap: 0.5rem; }}
{_HEADLINE} [data-testid="stMetric"], {_HEADLINE} [data-testid="stMetric"] > div {{ padding: 0.25rem 0.5rem !important; }}
{_HEADLINE} [data-testid="stMetricValue"] {{ font-size: {EMBED_METRIC_VALUE_REM}rem !important; }}
}}
</style>"""


def apply_lecture_css() -> None:
    """The lecture's CSS, and in a frame (``?embed=true``) its compact form too (``COMPACT_EMBED_CSS``:
    at 640×360 the Estimate page's lecture link showed one of its four numbers), its other rows two numbers to a row
    (``EMBED_PAIRED_ROWS_CSS``) and the Estimate page short (``EMBED_SHORT_LECTURE_ESTIMATE_CSS``); out of a frame, those rows
    two to a row from 640 to 1023 px wide (``LECTURE_PAIRED_ROWS_CSS``); a row of five numbers or more three to a row
    from 1024 px up to the slide's 1280 (``LECTURE_WIDE_ROWS_CSS``), framed or not."""
    from app_pages.ui.common import is_embedded
    st.html(LECTURE_CSS + MAIN_CONTAINER_CSS + FIT_ROW_LEVEL_CSS + LECTURE_WIDE_ROWS_CSS
            + (COMPACT_EMBED_CSS + EMBED_PAIRED_ROWS_CSS + EMBED_SHORT_LECTURE_ESTIMATE_CSS if is_embedded()
               else LECTURE_PAIRED_ROWS_CSS))


def apply_embed_css() -> None:
    st.html(EMBED_CSS + EMBED_TITLE_CSS + EMBED_SHORT_ESTIMATE_CSS)


# A lecture row of metrics whose values fit one line: every value of the row in one font size, the
# largest at which its longest value fits its column (browser check at 1280 px: "2.78 × 10²³ FLOPs",
# "34.1 tokens/s" and "7.53 million queries" wrapped at 17cqi; at 1920 px the last one still did).
FIT_ROW_KEY = "cce_fit_"
# A value's width per character, in ems of its font: measured in Source Sans at most 0.47 em ("-72% energy"),
# digits and words 0.39–0.46 em; 0.5 keeps a margin. A row of values up to 10 characters keeps METRIC_VALUE_CQI.
METRIC_EM_PER_CHAR = 0.5
# A lecture row's numbers level whatever their labels' lines: the row's cells aligned on their first baselines, each
# its number's first line (a label with layout containment has no baseline of its own, so its cell's first baseline
# is its number's). With the sidebar open (the lecturer's share box) at 1280×720 "Pruning (50% of weights)" and
# "70B, 1B tokens, batch 16" took two lines and put their numbers 28 px below the others; at 1024×768 25 px, and
# at 1366×768 29 px on the compression slide, as on four other claims (lecturer review 2026-11-28, browser check).
# A value on two lines in a small frame (``COMPACT_EMBED_CSS``'s minimum) stays level by its first line too.
FIT_ROW_LEVEL_CSS = f"""<style>
[class*="st-key-{FIT_ROW_KEY}"] [data-testid="stHorizontalBlock"] {{ align-items: baseline; }}
[class*="st-key-{FIT_ROW_KEY}"] [data-testid="stMetricLabel"] {{ contain: layout; }}
</style>"""


def fit_cqi(text: str) -> float:
    """The font size (% of its metric's inner width, the container LECTURE_CSS sets) at which ``text`` fits one line, at most ``METRIC_VALUE_CQI``."""
    return min(float(METRIC_VALUE_CQI), 100.0 / (METRIC_EM_PER_CHAR * max(len(text), 1)))


class _FitRow:
    """A keyed row of lecture metrics: each value shown may lower the row's font size (``fit_cqi``),
    set as ``--cce-fit`` on the row; a later rule of the same row overrides an earlier one."""

    def __init__(self, key: str, where) -> None:
        self.key, self.where, self.cqi = FIT_ROW_KEY + key, where, float(METRIC_VALUE_CQI)

    def fit(self, value) -> None:
        cqi = fit_cqi("—" if value is None else str(value))
        if cqi < self.cqi:
            self.cqi = cqi
            self.where.html(f"<style>.st-key-{self.key} {{ --cce-fit: {cqi:.2f}cqi; }}</style>")


class _FitCell:
    """A column of a ``_FitRow``: a ``DeltaGenerator`` whose ``metric`` also fits the row's font. Call
    ``cell.metric(...)``: ``with cell: st.metric(...)`` draws in the column but does not fit the font."""

    def __init__(self, column, row: _FitRow) -> None:
        self._column, self._row = column, row

    def __getattr__(self, name):
        return getattr(self._column, name)

    def __enter__(self):
        return self._column.__enter__()

    def __exit__(self, *exc):
        return self._column.__exit__(*exc)

    def metric(self, label, value, *args, **kwargs):
        shown = self._column.metric(label, value, *args, **kwargs)
        self._row.fit(value)
        return shown


def metric_cells(n: int, key: str, lecture: bool = False, where=st) -> list:
    """``n`` cells for metrics side by side, like ``st.columns(n)``, but a row that wraps: a cell is
    never narrower than its number and label, so a narrow window gets fewer metrics per row, never
    a cut value. ``key`` names the row (unique on the page). In lecture mode, plain columns: the
    lecture's CSS shrinks the numbers to their column instead, the row's longest value setting the
    size (``_FitRow``), so that every value is one line."""
    if lecture:
        row = _FitRow(key, where)
        return [_FitCell(col, row) for col in where.container(key=row.key).columns(n)]
    where.html(METRIC_ROW_CSS)
    row = where.container(horizontal=True, key=METRIC_ROW_KEY + key)
    return [row.container() for _ in range(n)]


# A lecture page's controls in a row of the main area (its sidebar closed): each at least this wide, so that a narrow
# room wraps them onto another row rather than squeezing them (browser check 2026-11-28: beside the open sidebar at
# 1,024 px the Inference page's four shrank to 120-165 px, "Architectur/e (optional)" broken mid-word and its
# parameters' "7.00 billion (or shape)" cut to "7.00 bi"). The width of that placeholder with the field's steppers: a
# design choice, checked in the browser tests. The Estimate page's three short controls keep Streamlit's row (at 176 px
# each they are whole, and wrapped they would push its headline down).
CONTROLS_ROW_KEY = "cce_controls_"
CONTROL_MIN_REM = 15
CONTROLS_ROW_CSS = (f'<style>[class*="st-key-{CONTROLS_ROW_KEY}"] > :is([data-testid="stLayoutWrapper"], '
                    f'[data-testid="stElementContainer"]) {{ min-width: {CONTROL_MIN_REM}rem; }}</style>')


def controls_row(key: str, where=st):
    """A row of controls that wraps (``CONTROLS_ROW_CSS``); ``key`` names it (unique on the page)."""
    where.html(CONTROLS_ROW_CSS)
    return where.container(horizontal=True, key=CONTROLS_ROW_KEY + key)


# A lecture page in a frame (?embed=true; an iframe on a slide) smaller than the lecture's slide
# (EMBED_COMPACT_BELOW_PX): a smaller title and numbers, the numbers in one row (at 640×360 Streamlit
# stacked the columns: a claim's numbers lay below 560 px, the Estimate page's lecture link showed one of
# four), a range bar's high end under its bar when its column is too narrow for both ends on one line.
CLAIM_ROW = "claim"  # the key of a claim's row of numbers (slide.metrics; EMBED_SLIDE_CSS levels them)
EMBED_COMPACT_BELOW_PX = (1280, 720)  # the lecture's slide, width × height (tests/browser/test_browser.py)
EMBED_TITLE_REM = 1.6  # 26 px: the longest claim's title on one line in 800 px (at 44 px it took two)
EMBED_TITLE_GAP_REM = 0.25  # under the title, half the slide's 0.5rem: the numbers follow it closely
EMBED_METRIC_MAX = "2.4rem"  # 38 px: the numbers' largest size, a headline in an 800-pixel frame
# A claim's numbers and the Estimate page's four in a frame never under 28 px, the plain embedded Estimate page's
# size (EMBED_METRIC_VALUE_REM): fitted to one line in 640×360 the GPT-3 and compression claims' were 25.5 px,
# compute growth's 23.3 and the Estimate page's lecture link's 26.6 (lecturer review 2026-11-28: read from the back
# row). At 28 px a value too wide for its 140-pixel cell would take two lines, broken between its words (LECTURE_CSS),
# its first line level with the row's (FIT_ROW_LEVEL_CSS): the compression claim's savings are a bare "−47%" in a
# frame (lecture.FRAME_SAVING_UNIT), "−47% energy" (151 px) had left its chart's bars too little height at 640×360.
EMBED_HEADLINE_MIN_REM = 1.75
_FRAME_HEADLINES = (CLAIM_ROW, "headline")  # the rows: a claim's (slide.metrics), the Estimate page's (estimate.headline)
_FRAME = "[data-testid=\"stApp\"]"
# A page's title in a small frame (not lecture mode): the lecture's title size, so that Compare, Inference
# and Limits keep their room for numbers and charts (audit: their 44 px titles in a 640×360 frame)
EMBED_TITLE_CSS = f"""<style>
@media (max-width: {EMBED_COMPACT_BELOW_PX[0] - 1}px), (max-height: {EMBED_COMPACT_BELOW_PX[1] - 1}px) {{
{_FRAME} h1 {{ font-size: {EMBED_TITLE_REM}rem !important; padding-bottom: {EMBED_TITLE_GAP_REM}rem !important; }}
}}
</style>"""
COMPACT_EMBED_CSS = f"""<style>
@media (max-width: {EMBED_COMPACT_BELOW_PX[0] - 1}px), (max-height: {EMBED_COMPACT_BELOW_PX[1] - 1}px) {{
{_FRAME} h1 {{ font-size: {EMBED_TITLE_REM}rem !important; padding-bottom: {EMBED_TITLE_GAP_REM}rem !important; }}
{_FRAME} {{ --cce-metric-max: {EMBED_METRIC_MAX}; }}
{", ".join(f".st-key-{FIT_ROW_KEY}{row}" for row in _FRAME_HEADLINES)} {{ --cce-metric-min: {EMBED_HEADLINE_MIN_REM}rem; }}
[class*="st-key-{FIT_ROW_KEY}"] [data-testid="stHorizontalBlock"] {{ flex-wrap: nowrap !important; }}
[class*="st-key-{FIT_ROW_KEY}"] [data-testid="stColumn"] {{ min-width: 0 !important; }}
{_FRAME} .cce-range {{ flex-wrap: wrap; row-gap: 0; }}
{_FRAME} .cce-range .hi {{ margin-left: auto; }}
}}
</style>"""

# A lecture page's other rows of numbers (the Inference, Limits and Accuracy pages', the Estimate page's brain-years)
# in a frame narrower than EMBED_PAIRS_BELOW_PX: two numbers to a row, each at least the frame's headline size
# (EMBED_HEADLINE_MIN_REM), a row's last one alone at the same width, so the size of its row's. Four or five to a row
# at 640×360 they were 17.6–26.7 px: "136 tokens/s" fitted to one line in the Inference page's 108-pixel cards was
# 18 px, Limits' five costs in 77-pixel ones 17.6, Accuracy's serving rows 26.6 (at 28 px "136 tokens/s" is wider than
# its card); at 800×450 the Inference page's speeds were 24.7 px, Limits' costs 19.8 (lecturer review 2026-11-28,
# browser check). Two to a row the cards are 264 px at 640 and every value is one line at 28–38 px. A claim's row
# and the Estimate page's four stay one row (COMPACT_EMBED_CSS): the slide's layout, checked at 28 px.
# The gap between st.columns' columns: Streamlit's default gap="small", 1rem (st.columns documentation); n columns
# to a line each take (100% − (n − 1) gaps) ÷ n
COLUMN_GAP_REM = 1.0
EMBED_PAIRS_BELOW_PX = 1024  # at 1024×576 the four-value rows were 28.7–32.7 px in one row (browser check)
_PAIRED = f'[class*="st-key-{FIT_ROW_KEY}"]:not({", ".join(f".st-key-{FIT_ROW_KEY}{row}" for row in _FRAME_HEADLINES)})'


# The page's own width (its main area's, the sidebar's left out) is what the lecture's rows are laid out by: with the
# sidebar open (the lecturer's share box) a 1024-pixel window leaves 724 px, and rows laid out by the window's width had
# kept four numbers to a row there at 17.6 px (lecturer review 2026-11-28, browser check). The main area is a size
# container (MAIN_CONTAINER), queried by its width; with the sidebar closed it is the window's.
MAIN_CONTAINER = "cce-main"
MAIN_CONTAINER_CSS = f"""<style>
[data-testid="stMain"] {{ container: {MAIN_CONTAINER} / inline-size; }}
</style>"""


def _paired_rows_css(room: str, media: str | None = None, rows: str = _PAIRED) -> str:
    """Two numbers to a row of the lecture ``rows`` (every row but a claim's and the Estimate page's headline), where
    the page's width is ``room`` (a container query on MAIN_CONTAINER), and the window ``media`` where given."""
    rules = f"""@container {MAIN_CONTAINER} {room} {{
{rows} {{ --cce-metric-min: {EMBED_HEADLINE_MIN_REM}rem; }}
{rows} [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap !important; }}
{rows} [data-testid="stColumn"] {{ flex: 0 0 calc((100% - {COLUMN_GAP_REM}rem) / 2) !important; }}
}}"""
    if media is not None:
        rules = f"@media {media} {{\n{rules}\n}}"
    return f"<style>\n{rules}\n</style>"


EMBED_PAIRED_ROWS_CSS = _paired_rows_css(f"(max-width: {EMBED_PAIRS_BELOW_PX - 1}px)")

# Under this much room (the sidebar open beside a 640-900 px window), those rows one number to a row: two to a row at
# 768×1024 with the sidebar open left 178 px a card, and "2.78 × 10²³ FLOPs" took two lines at the rows' 28 px (the
# Diminishing returns tab; lecturer review 2026-11-28). At the lecture's 28 px that value is about 265 px, its card's
# padding 32: two to a row need about 600 px of room. A design choice from that longest value, checked in the browser.
SINGLE_BELOW_PX = 600


def _single_rows_css(room: str, media: str, rows: str = _PAIRED) -> str:
    """One number to a row of the lecture ``rows`` where the page's width is ``room`` and the window ``media``."""
    return f"""<style>
@media {media} {{
@container {MAIN_CONTAINER} {room} {{
{rows} [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap !important; }}
{rows} [data-testid="stColumn"] {{ flex: 0 0 100% !important; }}
}}
}}
</style>"""

# A lecture row of five numbers or more (the Limits page's scaling costs) on a screen or in a frame from
# EMBED_PAIRS_BELOW_PX up to the lecture's slide (EMBED_COMPACT_BELOW_PX): three to a row, the rest below at the same
# width, so the size of their row's. Five in one row of the Limits page's right-hand column were 23.3 px at 1024×576
# and 1024×768 (cards of 128 px inside, "5.76 × 10²³" fitted to one line) and 27.9 px at 1152×648, embedded or not;
# three to a row 44.6 px at 1024, 38.4 (the frame's EMBED_METRIC_MAX) embedded (lecturer review: read from the back
# row, at least EMBED_HEADLINE_MIN_REM; browser check). From the slide's 1280 px up the row stays one row (32.6 px at 1280×720); below EMBED_PAIRS_BELOW_PX a frame's
# rows are two to a row (EMBED_PAIRED_ROWS_CSS), which this range leaves alone. A claim's row and the Estimate page's
# headline keep the slide's one row (as EMBED_PAIRED_ROWS_CSS's).
WIDE_ROW_MIN_VALUES = 5
_WIDE_ROW = (f'{_PAIRED} [data-testid="stHorizontalBlock"]'
             f':has(> [data-testid="stColumn"]:nth-child({WIDE_ROW_MIN_VALUES}))')
LECTURE_WIDE_ROWS_CSS = f"""<style>
@container {MAIN_CONTAINER} (min-width: {EMBED_PAIRS_BELOW_PX}px) and (max-width: {EMBED_COMPACT_BELOW_PX[0] - 1}px) {{
{_WIDE_ROW} {{ flex-wrap: wrap !important; }}
{_WIDE_ROW} > [data-testid="stColumn"] {{ flex: 0 0 calc((100% - {2 * COLUMN_GAP_REM}rem) / 3) !important; min-width: 0 !important; }}
}}
</style>"""

# A lecture claim in a frame is the frame's height: title, numbers, chart, source and links in a column
# whose chart takes what the others leave (Streamlit's ``height="stretch"``: Vega-Lite lays the whole chart,
# axes and legend included, out in that height). Python cannot see the frame, so the chart cannot have a
# fixed height there: 100 px of plot put the GPT-3 claim's axis 117 px below an 800×450 frame and its
# chart entirely below 640×360 (browser audit); the bars' fixed steps (48 px) could not fit either.
EMBED_CHART_KEY = "cce_embed_chart"
# Streamlit hides its toolbar in a frame and a claim has no sidebar toggle: the lecture's 2.5rem of top
# padding is cut at any size (browser check: at 1280×720 the GPT-3 and compression claims ran 731–734 px,
# a scrollbar in the frame); the Estimate page's lecture link keeps it, clear of its sidebar toggle.
EMBED_TOP_PAD_REM = 1.0
EMBED_BOTTOM_PAD_REM = 0.5  # half the lecture's 1rem: what the last line needs below it (a design choice)
# A chart never gets less than this (px): a plot and its axis at the smallest frame's font, under what is left in
# 640×360 once the secondary lines are hidden (browser check 2026-11-30: the claims' charts 190–201 px). A frame with
# more above the chart than a claim's own lines (a link's warning) scrolls rather than squeeze it: at 150 px the GPT-3
# claim's four rows in 1280×720 under one warning lost two of their labels to Vega's overlap rule (lecturer review
# 2026-11-30); at 185 all four stand.
EMBED_CHART_MIN_PX = 185
# On a slide (not a frame) a screen too short for the claim scrolls rather than squeeze its chart below
# this: 200 px is the 140-pixel plot with its axis that every slide had before its chart took the
# screen's height (a design choice). Below Streamlit's 640-pixel breakpoint (a phone, 390×844) the numbers
# stack and run past the screen, and a legend under the plot takes ~100 px of the chart: there it gets
# 360 (at 200 the growth chart's 10⁰ and 10¹¹ ran into each other, browser check).
SLIDE_CHART_MIN_PX = 200
STACKED_BELOW_PX = 640
SLIDE_CHART_MIN_STACKED_PX = 360
# In a frame less tall than this the secondary lines give way to the chart, first the captions under the
# numbers (each one to four lines at 800 px: at 800×450 they took 26–154 px and left the chart none) and
# the ←/→ links (the slide's, not the frame's, way on), and the source line is one line (cut with "…",
# whole in its tooltip). 600: at 1280×720 all of it fits with a 299–381 px chart (browser check). A label on two
# lines had pushed its number 20 px below the others (browser audit): a claim's numbers level by their first lines
# (FIT_ROW_LEVEL_CSS; at their feet, as they were here, a value on two lines at 640×360 stood a line above the
# others); where captions stand under them (a 1024×768 frame), every label takes two lines.
EMBED_SHORT_BELOW_PX = 600
# The Estimate page in a frame that short is its scenario's line and its four headline numbers with their ranges,
# what the page has below them (the bars' caption, the run's size, the footprint, the tabs) gone: at 640×360 the
# page ran 3,487 px in a 360-pixel frame, a scrollbar on the slide (lecturer review 2026-11-28). So is a preset's
# description above them (its two lines put GPT-3 on 10,000 brains 21 px past 640×360, and a caption under a number
# AlphaGo's 6 px). The bars' meaning stays in their tooltips; a warning above the numbers stays, and the memory caveat
# under them (final review 2026-11-28: it had gone with the rest); a taller frame has the whole page.
# The memory caveat under the numbers (estimate.memory_caveat): a short frame keeps it, plain or lecture
LECTURE_CAVEAT_KEY = "cce_caveat"
# The scenario's one line above a plain frame's numbers (estimate.render): in a short frame one line, cut with "…"
# (lecturer's browser check 2026-11-30: "Based on GPT-3 on one V100 (Lambda 2020) · 1,024 × NVIDIA H100 SXM 80GB ·
# 3.14 × 10²³ FLOPs" took two lines at 640×360, and the memory caveat under the numbers ran 24 px past the frame)
EMBED_SCENARIO_KEY = "cce_scenario"
_HEADLINE_ROW = f'[data-testid="stLayoutWrapper"] > .st-key-{METRIC_ROW_KEY}headline'  # (a :has() holds no :has())
EMBED_SHORT_ESTIMATE_CSS = f"""<style>
@media (max-height: {EMBED_SHORT_BELOW_PX - 1}px) {{
[data-testid="stLayoutWrapper"]:has(> .st-key-{METRIC_ROW_KEY}headline) ~ :not(:has(> .st-key-{LECTURE_CAVEAT_KEY})),
[data-testid="stElementContainer"]:has([data-testid="stCaptionContainer"]):has(~ {_HEADLINE_ROW}) {{ display: none !important; }}
.st-key-{EMBED_SCENARIO_KEY} p {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
}}
</style>"""
# The Estimate page's lecture link in a frame that short is its title, any warning above its four numbers, the numbers
# with their ranges and, when the run does not fit in memory as set, that caveat (LECTURE_CAVEAT_KEY): at 640×360 it ran
# 617 px, the caveat 550–601 px down (lecturer review 2026-11-28). Its controls (preset, hardware, devices), the bars'
# caption, the brain-years and the published figures give way: of the 304 px inside the page's padding the title,
# numbers and caveat take 227, and the controls alone would take 86 more (browser check). The title names the scenario
# the controls set; the bars' meaning stays in their tooltips; a taller frame (and the lecture slide, not a frame) has
# the whole page.
_FIT_HEADLINE_ROW = f'[data-testid="stLayoutWrapper"] > .st-key-{FIT_ROW_KEY}headline'
EMBED_SHORT_LECTURE_ESTIMATE_CSS = f"""<style>
@media (max-height: {EMBED_SHORT_BELOW_PX - 1}px) {{
[data-testid="stLayoutWrapper"]:has(> .st-key-{FIT_ROW_KEY}headline) ~ :not(:has(> .st-key-{LECTURE_CAVEAT_KEY})),
[data-testid="stLayoutWrapper"]:has([data-testid="stWidgetLabel"]):has(~ {_FIT_HEADLINE_ROW}) {{ display: none !important; }}
}}
</style>"""
# In a frame less tall than this the source line goes too: with its one line at 640×360 the charts got
# 152–173 px, and the memory wall's legend and the ImageNet axis's title ran 12 px past them (browser
# check); the lecturer's slide cites the source.
EMBED_TINY_BELOW_PX = 400
# A lecture slide is the screen's height too, so that on a 1920×1080 projector its chart fills what the
# numbers leave (with a fixed 140-pixel plot about 30% of the screen stood empty below the links).
_SLIDE = f'[data-testid="stMainBlockContainer"]:has(.st-key-{EMBED_CHART_KEY})'
SLIDE_CSS = f"""<style>
{_SLIDE} {{ height: 100vh; }}
{_SLIDE} > [data-testid="stVerticalBlock"] {{ height: 100%; }}
[data-testid="stLayoutWrapper"]:has(> .st-key-{EMBED_CHART_KEY}) {{ flex: 1 1 0 !important;
  min-height: {SLIDE_CHART_MIN_PX}px; }}
@media (max-width: {STACKED_BELOW_PX - 1}px) {{
[data-testid="stLayoutWrapper"]:has(> .st-key-{EMBED_CHART_KEY}) {{ min-height: {SLIDE_CHART_MIN_STACKED_PX}px; }}
}}
.st-key-{EMBED_CHART_KEY} {{ height: 100%; }}
.st-key-{EMBED_CHART_KEY} > [data-testid="stElementContainer"] {{ flex: 1 1 0 !important; min-height: 0 !important; }}
.cce-links {{ font-size: {CAPTION_FONT_CSS}; }}
</style>"""
# (the ←/→ links grow as the captions do: at 1920 they had been the slide's only 16-pixel text, lecturer review
# 2026-11-27)
# In a frame only: its short sizes give the chart the room the secondary lines leave (a slide keeps them and scrolls:
# its ←/→ links are the way on, review)
EMBED_SLIDE_CSS = SLIDE_CSS + f"""<style>
{_SLIDE} {{ padding-top: {EMBED_TOP_PAD_REM}rem !important; padding-bottom: {EMBED_BOTTOM_PAD_REM}rem !important; }}
[data-testid="stLayoutWrapper"]:has(> .st-key-{EMBED_CHART_KEY}) {{ min-height: {EMBED_CHART_MIN_PX}px !important; }}
@media (max-height: {EMBED_SHORT_BELOW_PX - 1}px) {{
{_SLIDE} [class*="st-key-{FIT_ROW_KEY}"] [data-testid="stElementContainer"]:has([data-testid="stCaptionContainer"]),
{_SLIDE} [data-testid="stElementContainer"]:has(.cce-links) {{ display: none !important; }}
{_SLIDE} .cce-source {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
{_SLIDE} .cce-source .cce-source-full {{ display: none; }}
{_SLIDE} .cce-source .cce-source-short {{ display: inline; }}
}}
@media (min-height: {EMBED_SHORT_BELOW_PX}px) and (max-width: {EMBED_COMPACT_BELOW_PX[0] - 1}px) {{
{_SLIDE} .st-key-{FIT_ROW_KEY}{CLAIM_ROW} [data-testid="stMetricLabel"] p {{ display: block; min-height: 2lh; }}
}}
@media (max-height: {EMBED_TINY_BELOW_PX - 1}px) {{
{_SLIDE} [data-testid="stElementContainer"]:has(.cce-source) {{ display: none !important; }}
}}
</style>"""

# A lecture page's rows of numbers two to a row on its own screen (not a frame), as EMBED_PAIRED_ROWS_CSS has them in
# one, from Streamlit's stacking breakpoint (STACKED_BELOW_PX: below it every column takes the whole width) up to
# EMBED_PAIRS_BELOW_PX: at 800×600 the Inference page's speeds stood four to a
# row at 24.7 px and the Limits page's five costs in one row (lecturer review 2026-11-28, browser check).
LECTURE_PAIRED_ROWS_CSS = (
    _paired_rows_css(f"(max-width: {EMBED_PAIRS_BELOW_PX - 1}px)", f"(min-width: {STACKED_BELOW_PX}px)")
    # the Estimate page's four headline numbers too, where the page has less room than a frame keeps them one row in
    # (EMBED_TWO_BY_TWO_BELOW_PX): beside the open sidebar at 768–1024 px they were 18.4–24.5 px in one row, the
    # brain-years under them 40 px (lecturer review 2026-11-28)
    + _paired_rows_css(f"(max-width: {EMBED_TWO_BY_TWO_BELOW_PX - 1}px)", f"(min-width: {STACKED_BELOW_PX}px)",
                       f".st-key-{FIT_ROW_KEY}headline")
    + _single_rows_css(f"(max-width: {SINGLE_BELOW_PX - 1}px)", f"(min-width: {STACKED_BELOW_PX}px)"))


def log_position(value, low, high) -> float:
    """Where ``value`` lies between ``low`` and ``high`` on a log scale, 0 to 1 (the middle when the
    numbers cannot be placed: a zero, a missing end or an empty interval)."""
    if value is None or low is None or high is None or not 0 < low < high or value <= 0:
        return 0.5
    return min(1.0, max(0.0, math.log(value / low) / math.log(high / low)))


def range_bar(where, low_text: str, high_text: str, meaning: str, position: float = 0.5) -> None:
    """low ▬●▬ high under a number: the stated interval, the point where the estimate lies in it
    (``position`` 0–1, from ``log_position``: the centre of a symmetric log interval is 0.5, a
    figure fixed at one end of its range sits there). ``meaning`` is the tooltip."""
    left = f"{100.0 * min(1.0, max(0.0, float(position))):.1f}%"
    tooltip = meaning.replace("`", "")  # a tooltip is plain text: a command's backticks would show
    # read aloud as one phrase, "range: <low> to <high>", what the ranges mean said once in the caption below them
    # (a11y audit: a screen reader said "102 years 1,240 years", the meaning only in a tooltip it does not read)
    spoken = f"range: {low_text} to {high_text}"
    where.html(RANGE_CSS + f'<div class="cce-range" title="{html.escape(tooltip)}" role="img" '
                           f'aria-label="{html.escape(spoken)}">'
                           f'<span class="lo" aria-hidden="true">{html.escape(low_text)}</span><span class="bar" '
                           f'aria-hidden="true"><span class="dot" style="left: {left}"></span>'
                           f'</span><span class="hi" aria-hidden="true">{html.escape(high_text)}</span></div>')


def bars_caption(meaning: str, short: str, lecture: bool) -> None:
    """What the range bars mean, once under them. In the lecture hall the whole sentence (about four
    lines at 1280 px) pushed the numbers it explains below the fold, so there it is the one line
    ``short`` with the sentence in its tooltip."""
    if lecture:
        st.caption(md_escape(f"Bars: {short}", limit=200), help=meaning.replace("`", ""))
    else:
        st.caption(md_escape(f"Bars: {meaning}", limit=1200))  # the step model's sentence and a device's caveat: ~1,000


# A bar's label (a band axis) is cut with "…" past this width, its full text in the bar's tooltip:
# uncut, one long label ("50% of weights pruned, skipped by the kernels") took the whole width of a
# phone (390 px) and no bar was drawn. About 24 characters at either font size.
BAND_LABEL_LIMIT_PX = {False: 150, True: 220}
# On a narrow chart (a phone) the lecture's 220 px left the bars 40 px of a 358 px chart and their
# ticks overlapping ("0.00.5"; browser audit): below this container width its labels get this many px.
NARROW_CHART_PX, NARROW_BAND_LABEL_LIMIT_PX = 500, 120
# Rows of bars (a band axis without a height of its own) this many font sizes apart, so that every
# label has room at lecture size (crowded, Vega drops labels).
BAND_STEP_FONTS = 2.4


# Between the x axis's title and a legend below it (Streamlit's theme leaves ~50 px).
LEGEND_OFFSET_PX = 12


# On a narrow chart a bar's label longer than this many characters goes on two lines, broken at its last
# space within them (browser audit on a phone: "V100 SXM2 32…", "student, 42 bi…"): about
# ``NARROW_BAND_LABEL_LIMIT_PX`` at lecture size; the second line is cut at that width like any label.
NARROW_LINE_CHARS = 13


def band_label_expr() -> str:
    """A bar's label at lecture size: as it is on a wide chart; on a narrow one (``NARROW_CHART_PX``), past
    ``NARROW_LINE_CHARS`` characters, two lines (Vega draws an array of strings as lines), broken at the
    last space within them; a label with no such space stays one line."""
    n = NARROW_LINE_CHARS
    # the first line's length: the longest start of at most n characters that a space follows (greedy;
    # Vega's expressions have no lastIndexOf)
    cut = f"length(replace(datum.label, /^(.{{1,{n}}}) .*$/, '$1'))"
    return (f"containerSize()[0] < {NARROW_CHART_PX} && length(datum.label) > {n} && test(/^.{{1,{n}}} /, datum.label) ? "
            f"[slice(datum.label, 0, {cut}), slice(datum.label, {cut} + 1)] : datum.label")


def band_label_limit(lecture: bool, grows: bool = False):
    """A bar's label width: ``BAND_LABEL_LIMIT_PX``, and at lecture size on a narrow chart
    ``NARROW_BAND_LABEL_LIMIT_PX`` (a Vega expression on the chart's container, drawn by the browser). ``grows``: a
    wide chart's grown with the window as its text grows (``slide_font``), so that a label whole at 18 px stays whole
    at 27 ("student, 4.2 billion *" takes ~200 px at 18 px, ~300 at 27)."""
    wide = BAND_LABEL_LIMIT_PX[lecture]
    if not lecture:
        return wide
    wide_expr = f"round({SLIDE_SCALE_EXPR} * {wide})" if grows else f"{wide}"
    return alt.ExprRef(f"containerSize()[0] < {NARROW_CHART_PX} ? {NARROW_BAND_LABEL_LIMIT_PX} : {wide_expr}")


def slide_font(px: float, extra: float = 0) -> alt.ExprRef:
    """A lecture-size font ``px`` (plus ``extra``) as a Vega expression that grows with the browser's window from
    ``LECTURE_CHART_FONT_WIDTH_PX`` on, in proportion, up to what ``LECTURE_CHART_FONT_MAX_PX`` is to
    ``LECTURE_CHART_FONT_PX``; never below ``px``."""
    return alt.ExprRef(f"{SLIDE_SCALE_EXPR} * {px} + {extra:g}")


def slide_padding(padding_px: dict[str, float]) -> alt.ExprRef:
    """A chart's padding (top/right/bottom/left, px) grown as ``slide_font`` grows the text it makes room for."""
    sides = ", ".join(f"{side}: round({SLIDE_SCALE_EXPR} * {px:g})" for side, px in padding_px.items())
    return alt.ExprRef("{" + sides + "}")


def chart_fonts(chart: alt.TopLevelMixin, lecture: bool, frame: bool = False,
                properties: dict | None = None, grows: bool = False) -> alt.TopLevelMixin:
    """Axis, legend and header text at lecture size (or the normal size); legends below the plot,
    one entry per line (a row of entries runs past a narrow chart), never truncated; a bar's label
    cut at ``BAND_LABEL_LIMIT_PX``, rows ``BAND_STEP_FONTS`` font sizes apart. ``frame``: a chart in a
    frame's height (``EMBED_SLIDE_CSS``), whose rows may be closer than that: every bar keeps its label
    (Vega dropped every other one of the compression claim's six at 640×360, 21 px apart at 18 px), each on
    its bar (Streamlit's theme flushes the end labels inside the axis, ``labelFlush``, which there set the
    first on the second). A lecture claim's chart on a slide takes it too: it fills the slide's height the same way.
    ``properties``: top-level properties set in the same copy (``chart.properties(**properties)`` before, unvalidated:
    the callers' own constants). ``grows``: a chart of lines or points in lecture mode, its text grown with the window
    as a claim's, a bar's label width with it (lecturer review 2026-11-27: the Limits page's charts stayed 18 px at
    1920 while its numbers grew to 67); a bar chart's rows keep their set steps, ``BAND_STEP_FONTS`` × 18 px (43 px)
    or the chart's own, room for one line of 27 px."""
    px = LECTURE_CHART_FONT_PX if lecture else NORMAL_CHART_FONT_PX
    # a claim's chart (``frame``: its height the slide's or the frame's) grows with the screen, each size by the same
    # factor (``slide_font``); the bars' fixed steps (``discreteHeight``) only hold a chart of fixed height
    font = functools.partial(slide_font, px) if lecture and (frame or grows) else (lambda extra=0: px + extra)
    ink = {"labelColor": palette.CHART_TEXT, "titleColor": palette.CHART_TEXT}  # a11y audit: Streamlit's grey was 3.7:1
    config = {
        "axis": alt.AxisConfig(labelFontSize=font(), titleFontSize=font(), labelLimit=0, titleLimit=0, **ink),
        # a slide's or a frame's band labels grow as their font does (lecturer review 2026-11-29: at 1920 px the
        # compression slide's "student, 42B par…" was cut at the 18-px width)
        "axisBand": alt.AxisConfig(labelLimit=band_label_limit(lecture, grows=grows or frame),
                                   **({"labelExpr": band_label_expr(), "labelLineHeight": font()} if lecture else {}),
                                   **({"labelOverlap": False, "labelFlush": False} if frame else {})),
        "view": alt.ViewConfig(discreteHeight={"step": round(BAND_STEP_FONTS * px)}),
        "legend": alt.LegendConfig(labelFontSize=font(), titleFontSize=font(), labelLimit=0, titleLimit=0,
                                   orient="bottom", direction="vertical", offset=LEGEND_OFFSET_PX, **ink),
        "header": alt.HeaderConfig(labelFontSize=font(), titleFontSize=font(), labelLimit=0,
                                   labelColor=palette.CHART_TEXT, titleColor=palette.CHART_TEXT),
        "title": alt.TitleConfig(fontSize=font(2), color=palette.CHART_TEXT),  # series' colours: palette.category_scale
    }
    # what chart.configure_axis(…).configure_axisBand(…)…configure_title(…) gives, in one copy of the chart:
    # each configure_* copies the chart (a layered chart combines its layers' parameters again on each copy,
    # a third of a page's run for the charts' sake)
    out = chart.copy(deep=["config"])
    for key, value in (properties or {}).items():
        out[key] = value
    if out.config is alt.Undefined:
        out.config = alt.Config()
    for key, value in config.items():
        out.config[key] = value
    return out


# A presentation clicker's keys on a claim's slide: its "next" sends PageDown (or the right arrow), its "back" PageUp (or
# the left arrow); each goes to the next or the previous claim as its link does (lecturer review 2026-12-01: only a
# click on the link moved on). One listener a document, set once; the slide's links are read from the data each slide
# writes, and only while the address is that slide's (Streamlit keeps the document when another page is opened). A key
# typed in a field, or with a modifier, is the field's or the browser's.
SLIDE_KEYS_JS = """<script>
window.cceSlide = %s;
if (!window.cceSlideKeys) {
  window.cceSlideKeys = true;
  document.addEventListener('keydown', (e) => {
    const s = window.cceSlide, t = e.target;
    if (!s || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName))) return;
    if (!location.pathname.endsWith('/lecture') || new URLSearchParams(location.search).get('claim') !== s.claim) return;
    const to = (e.key === 'PageDown' || e.key === 'ArrowRight') ? s.next
             : (e.key === 'PageUp' || e.key === 'ArrowLeft') ? s.prev : null;
    if (to) { e.preventDefault(); location.assign(to); }
  });
}
</script>"""


def slide_keys(claim: str, prev_href: str | None, next_href: str | None) -> str:
    """The script of a clicker's keys on the slide of ``claim`` (``SLIDE_KEYS_JS``): to ``prev_href`` and
    ``next_href``, the app's own paths (None: none that way)."""
    data = json.dumps({"claim": claim, "prev": prev_href, "next": next_href}).replace("<", "\\u003c")
    return SLIDE_KEYS_JS % data


def links(items, css: str = "", script: str = "") -> None:
    """Links that open in the same tab (Markdown links open a new one): (label, href) pairs,
    escaped; the hrefs are the app's own paths. ``css``: a page's static ``<style>`` drawn with them
    (alone, Streamlit would send it apart from the page, after the links); ``script``: the project's own script
    run with them (``slide_keys``), in the same element (apart, it would add an empty one below the links)."""
    parts = [f'<a href="{html.escape(href)}" target="_self">{html.escape(label)}</a>' for label, href in items]
    st.html(css + '<div class="cce-links">' + " · ".join(parts) + "</div>" + script,
            unsafe_allow_javascript=bool(script))


def link_list(items) -> None:
    """A numbered list of same-tab links."""
    rows = "".join(f'<li><a href="{html.escape(href)}" target="_self">{html.escape(label)}</a></li>' for label, href in items)
    st.html(f'<ol class="cce-links" style="font-size: 1.2rem; line-height: 1.9">{rows}</ol>')


def source_line(text: str, short: str | None = None) -> None:
    """The source under a lecture claim; whole in its tooltip. ``short``: the same sources by author and year,
    which a frame less tall than ``EMBED_SHORT_BELOW_PX`` shows instead (issue 55: an 800×450 frame cut the long
    line to "…"; at 800 px one line holds about 85 characters at the source's size)."""
    shown = html.escape(f"Source: {text}")
    if short is None:
        st.html(f'<div class="cce-source" title="{shown}">{shown}</div>')
        return
    st.html(f'<style>.cce-source-short {{ display: none; }}</style><div class="cce-source" title="{shown}">'
            f'<span class="cce-source-full">{shown}</span>'
            f'<span class="cce-source-short">{html.escape(f"Source: {short}")}</span></div>')
