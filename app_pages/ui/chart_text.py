"""A chart's text alternative: what a screen reader says for it (accessibility audit A5, 2026-11-25).

Vega-Lite's top-level ``description`` becomes the ARIA label of the chart's container (role
``graphics-document``); without one, every chart was announced as "Vega visualization" (checked in
Chromium: tests/browser/test_browser_a11y.py). The label is written from the chart's own spec: its kind of
mark, its title, what it plots against what (the axes' titles) and the series it tells apart (the
colour, dash or shape legend's values), so it stays true as the chart changes. Vega's SVG renderer
labels the axes with their ranges too; this is the one sentence that says what the chart is.

WCAG 2.1 SC 1.1.1 ("Non-text content"): a text alternative that serves the equivalent purpose; the
numbers themselves stand in the page's text and tables beside each chart.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import altair as alt
import pandas as pd

# What a chart is called by its main mark (Vega-Lite mark types; a rule or text mark annotates).
MARK_WORDS = {"line": "Line chart", "trail": "Line chart", "bar": "Bar chart", "area": "Area chart",
              "point": "Scatter plot", "circle": "Scatter plot", "square": "Scatter plot", "rect": "Heat map",
              "arc": "Pie chart", "tick": "Strip plot", "boxplot": "Box plot", "errorbar": "Range chart"}
SERIES_CHANNELS = ("color", "strokeDash", "shape", "column", "row", "facet")
MAX_SERIES_NAMED = 8        # a longer list is cut, its count said ("and 5 more")
MAX_CHARS = 400             # a label, not a table: the numbers are in the page's text and tables


def _text(title: Any) -> str:
    """A Vega-Lite title (a string, a list of lines, or ``{"text": …}``) as one line."""
    if isinstance(title, Mapping):
        title = title.get("text")
    if isinstance(title, list | tuple):
        title = " ".join(str(t) for t in title if t)
    return str(title).strip() if title else ""


def _units(spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Each single view (mark and encoding) of a spec, through layers, concatenations and facets."""
    if "mark" in spec:
        yield spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, ()):
            yield from _units(sub)
    if isinstance(spec.get("spec"), Mapping):
        yield from _units(spec["spec"])


def _mark(unit: Mapping[str, Any]) -> str:
    m = unit.get("mark")
    return m.get("type", "") if isinstance(m, Mapping) else str(m or "")


def _axis_title(channel: Any) -> str:
    """A positional channel's title: its own, its axis's, else its field's name."""
    if not isinstance(channel, Mapping):
        return ""
    axis = channel.get("axis")
    for title in (channel.get("title"), axis.get("title") if isinstance(axis, Mapping) else None):
        if _text(title):
            return _text(title)
    return str(channel.get("field") or "").strip()


def _values(field: str, spec: Mapping[str, Any], data: pd.DataFrame | None) -> list[str]:
    """The values of ``field`` in the chart's data, in order of first appearance."""
    frames = [data] if data is not None else []
    frames += [pd.DataFrame(rows) for rows in spec.get("datasets", {}).values() if isinstance(rows, list)]
    inline = spec.get("data", {})
    if isinstance(inline, Mapping) and isinstance(inline.get("values"), list):
        frames.append(pd.DataFrame(inline["values"]))
    for df in frames:
        if field in df.columns:
            return [str(v) for v in dict.fromkeys(df[field].dropna())]
    return []


def _series(units: list[Mapping[str, Any]], spec: Mapping[str, Any], data: pd.DataFrame | None,
            skip: str | None = None) -> str:
    """"3 series: a, b and c" for the first series channel with values (a legend's domain first), not
    the field ``skip`` (the categories already listed)."""
    for unit in units:
        for name in SERIES_CHANNELS:
            ch = unit.get("encoding", {}).get(name)
            if not isinstance(ch, Mapping) or not ch.get("field") or ch.get("field") == skip:
                continue
            scale = ch.get("scale") if isinstance(ch.get("scale"), Mapping) else {}
            domain = scale.get("domain")
            values = [str(v) for v in domain] if isinstance(domain, list) else _values(ch["field"], spec, data)
            if not values:
                continue
            legend = ch.get("legend") if isinstance(ch.get("legend"), Mapping) else {}
            title = _text(ch.get("title")) or _text(legend.get("title")) or _text(ch.get("header", {}).get("title")
                                                                                  if isinstance(ch.get("header"), Mapping) else None)
            what = "series" if name in ("color", "strokeDash", "shape") else "panels"
            return f"{len(values)} {what}{f' by {title}' if title else ''}: {_listed(values)}"
    return ""


# Which mark names the chart when layers mix them: the data's own marks before the lines drawn through them
# (a fit, the y = x diagonal) and the bands and
# backgrounds drawn behind them (an interval's area, a break-even's shaded range).
MARK_PRIORITY = ("bar", "point", "circle", "square", "line", "trail", "arc", "tick", "boxplot", "area", "rect")
CATEGORY_TYPES = ("nominal", "ordinal")


def _main_unit(units: list[Mapping[str, Any]]) -> Mapping[str, Any]:
    ranked = [u for m in MARK_PRIORITY for u in units if _mark(u) == m]
    return ranked[0] if ranked else (units[0] if units else {})


def _listed(values: list[str]) -> str:
    """"a, b and c", or the first ``MAX_SERIES_NAMED`` "and N more"."""
    named = values[:MAX_SERIES_NAMED]
    if len(values) > len(named):
        return ", ".join(named) + f" and {len(values) - len(named)} more"
    return ", ".join(named[:-1]) + f" and {named[-1]}" if len(named) > 1 else ", ".join(named)


def describe(spec: Mapping[str, Any], data: pd.DataFrame | None = None) -> str:
    """One sentence saying what the chart of this Vega-Lite ``spec`` shows (``data``: its data frame
    where the spec holds none): "Bar chart of Power (log scale) for AlphaGo and brain", "Line chart
    of Growth against Years; 3 series: …"."""
    units = list(_units(spec))
    main = _main_unit(units)
    kind = MARK_WORDS.get(_mark(main), "Chart")
    enc = main.get("encoding", {}) if isinstance(main, Mapping) else {}
    title = _text(spec.get("title")) or next((_text(u.get("title")) for u in units if _text(u.get("title"))), "")
    words = kind + (f" ({title})" if title else "")
    x, y = enc.get("x") if isinstance(enc.get("x"), Mapping) else {}, enc.get("y") if isinstance(enc.get("y"), Mapping) else {}
    category = next((c for c in (y, x) if c.get("type") in CATEGORY_TYPES and c.get("field")), None)
    measure = next((c for c in (x, y) if c and c is not category), None)
    skip = None
    if category is not None and measure is not None:
        values = _values(category["field"], spec, data)
        words += f" of {_axis_title(measure)}" + (f" for {_listed(values)}" if values else f" by {_axis_title(category)}")
        skip = category["field"]
    elif _axis_title(x) and _axis_title(y):
        words += f" of {_axis_title(y)} against {_axis_title(x)}"
    elif _axis_title(x) or _axis_title(y):
        words += f" of {_axis_title(x) or _axis_title(y)}"
    series = _series(units, spec, data, skip)
    if series:
        words += f"; {series}"
    words += "."
    return words if len(words) <= MAX_CHARS else words[:MAX_CHARS - 1].rstrip() + "…"


def description_of(chart: alt.TopLevelMixin) -> str | None:
    """The text alternative ``chart`` needs, or None where it has one of its own."""
    if getattr(chart, "description", alt.Undefined) is not alt.Undefined:
        return None
    # the spec is read, not drawn: Altair's 5,000-row guard (for specs it inlines) does not apply here, and
    # Streamlit hands the data over its own way (review: a larger chart would have raised here)
    with alt.data_transformers.disable_max_rows():
        spec = chart.to_dict(validate=False)
    return describe(spec)


def with_description(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """``chart`` with its text alternative, unless it has one of its own."""
    words = description_of(chart)
    return chart if words is None else chart.properties(description=words)


__all__ = ["describe", "description_of", "with_description"]
