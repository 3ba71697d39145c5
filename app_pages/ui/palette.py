"""The app's colours: chart text and one categorical palette, legible on a projector and to colour-blind readers.

Accessibility audit (2026-11-25): Streamlit's chart theme drew axis, legend and title text in #808495 (3.7:1 on
white), below WCAG 2.1's 4.5:1 for text (SC 1.4.3), on the lecture slides too; and its default categorical colours
include shades of 1.4–1.8:1 (#83c9ff, #7defa1, #ffabab), below the 3:1 WCAG 2.1 asks of graphical objects
(SC 1.4.11), while Tableau 10's green and red (DRAM and interconnect on the memory-wall slide) are ΔE 1.7 apart
for a deuteranope, the same colour. The palette starts from Okabe & Ito's colour-universal-design set
(Okabe & Ito 2008, "Color Universal Design (CUD): how to make figures and presentations that are friendly to
colorblind people"; recommended in Wong 2011, "Points of view: Color blindness", Nature Methods 8:441), keeping
its members of at least 3:1 on white, then darker shades of its hues. A chart whose series could still be told
apart by colour alone also varies the dash or the mark's shape (``DASHES``, ``SHAPES``).
"""

from __future__ import annotations

import altair as alt

# Chart text: axis labels and titles, legends, headers (11.2:1 on white).
CHART_TEXT = "#3b3b3b"
# The accent: a range bar's dot (style.RANGE_CSS) and the keyboard's focus outline (a11y.A11Y_CSS), 6.1:1 on white.
ACCENT = "#1f5fbf"

# Categorical series, in order; each at least 3:1 on white (contrast in the comment).
CATEGORY_COLOURS = (
    "#0072B2",  # blue (Okabe–Ito), 5.2:1
    "#D55E00",  # vermillion (Okabe–Ito), 3.9:1
    "#009E73",  # bluish green (Okabe–Ito), 3.4:1
    "#CC79A7",  # reddish purple (Okabe–Ito), 3.1:1
    "#333333",  # near-black (Okabe–Ito's black, lightened a little), 12.6:1
    "#9A6324",  # brown (Okabe–Ito's orange, darkened), 5.0:1
    "#6A3D9A",  # dark purple, 7.6:1
    "#B07C00",  # dark yellow (Okabe–Ito's yellow, darkened), 3.7:1
)

# Dash patterns and point shapes for series told apart by more than colour (Vega-Lite's strokeDash and shape).
DASHES = ([1, 0], [8, 4], [2, 3], [8, 3, 2, 3], [12, 4], [4, 4], [1, 4], [14, 3, 3, 3])
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge", "stroke")
# A legend entry of dashed lines: a short stretch of the line, 12 px long (Vega's symbolSize is its length
# squared), one normal font's height, so an entry is no taller than its label. A chart that dashes its series
# gives the colour and the dash this same legend, or Vega-Lite draws two (in a 640×360 frame the second had
# left the memory-wall plot 70 px tall)
STROKE_LEGEND = {"symbolType": "stroke", "symbolStrokeWidth": 3, "symbolSize": 144}


def category_scale(domain=None) -> alt.Scale:
    """The category palette as a chart's colour scale (over ``domain`` where given, for the same colours in every
    panel). Set on each chart: Streamlit's chart theme overrides a configured default range."""
    return (alt.Scale(range=list(CATEGORY_COLOURS)) if domain is None
            else alt.Scale(domain=list(domain), range=list(CATEGORY_COLOURS)))


def _trend_order():
    from estimator.laws import trends
    return (trends.TRAINING_COMPUTE_LABEL, trends.PEAK_FLOPS_LABEL, trends.DRAM_BANDWIDTH_LABEL,
            trends.INTERCONNECT_LABEL, trends.PRICE_PERF_LABEL)


# Each trend's colour (its place in _trend_order): compute blue, peak FLOP/s vermillion, DRAM green, interconnect
# near-black, price-performance purple; DRAM and interconnect, drawn close together, in green and near-black
# (a11y audit: Tableau's green and red were one colour to a deuteranope)
TREND_COLOUR_INDEX = (0, 1, 2, 4, 3)


def trend_colours(names) -> alt.Scale:
    """One colour per trend series wherever it is drawn (the Limits page's growth chart, the lecture's
    compute-growth and memory-wall slides); the scale holds only ``names``, the series the chart draws, so its
    legend lists no other."""
    order, names = _trend_order(), list(names)
    return alt.Scale(domain=names, range=[CATEGORY_COLOURS[TREND_COLOUR_INDEX[order.index(n)]] for n in names])


# the cost chart's "+ algorithmic efficiency" line: a colour no trend has (brown), so that the Trends tab's two charts,
# side by side in lecture mode, give no colour two meanings (lecturer review 2026-11-29: blue was "+ algorithmic
# efficiency" on one and frontier compute on the other)
ALGORITHMIC_COLOUR_INDEX = 5


def cost_colours(price_perf_name: str, algorithmic_name: str) -> alt.Scale:
    """The cost chart's two lines: price-performance in the price-performance trend's colour, the algorithmic
    what-if in one of its own."""
    price = CATEGORY_COLOURS[TREND_COLOUR_INDEX[_trend_order().index(_price_perf_label())]]
    return alt.Scale(domain=[price_perf_name, algorithmic_name],
                     range=[price, CATEGORY_COLOURS[ALGORITHMIC_COLOUR_INDEX]])


def _price_perf_label() -> str:
    from estimator.laws import trends
    return trends.PRICE_PERF_LABEL


def trend_dashes(names) -> alt.Scale:
    """Each trend's dash, beside its colour (``trend_colours``): the lines are told apart without colour too."""
    order, names = _trend_order(), list(names)
    return alt.Scale(domain=names, range=[DASHES[order.index(n)] for n in names])


def contrast_ratio(foreground: str, background: str = "#ffffff") -> float:
    """WCAG 2.1's contrast ratio of two sRGB colours written #rrggbb: (L1 + 0.05) / (L2 + 0.05), L the relative
    luminance (WCAG 2.1, "relative luminance" and "contrast ratio" definitions)."""
    def luminance(colour: str) -> float:
        r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
