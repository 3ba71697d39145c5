"""Axis labels as the pages draw them: each chart's Vega ``labelExpr`` evaluated here as Vega
does (powers of ten, watts with SI prefixes, FLOP/s in one style, whole years, percent), checked
without a browser. Split from tests/app/test_app_display.py."""

from __future__ import annotations

import functools
import json
import math
import re

import pytest

pytest.importorskip("streamlit")

from apptest_pages import shared_page  # noqa: E402

from app_pages.pages import lecture  # noqa: E402
from app_pages.pages import limits as limits_page  # noqa: E402
from app_pages.ui import charts

# --- axis labels: a Vega labelExpr, evaluated ----------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:e[+-]?\d+)?)|(?P<str>'[^']*'|\"[^\"]*\")"
                    r"|(?P<name>[A-Za-z_][\w.]*)|(?P<op>===|==|>=|<=|\|\||&&|[-+*/?:(),<>]))")
_REGEX = re.compile(r"\s*(?P<re>/[^/]+/g?)")  # a regular expression literal, where an operand starts
_FUNCS = {"abs": abs, "round": lambda x: math.floor(x + 0.5), "log": math.log,
          "format": lambda x, spec: {"~g": f"{x:.6g}", ",~g": f"{x:,.6g}", "d": f"{round(x):d}"}[spec],
          "replace": lambda s, pattern, new: pattern[0].sub(new, s, count=0 if pattern[1] else 1)}
_OPS = {"||": lambda a, b: a() or b(), "&&": lambda a, b: a() and b(), "==": lambda a, b: a() == b(),
        "===": lambda a, b: a() == b(), ">=": lambda a, b: a() >= b(), "<=": lambda a, b: a() <= b(),
        ">": lambda a, b: a() > b(), "<": lambda a, b: a() < b(), "-": lambda a, b: a() - b(),
        "*": lambda a, b: a() * b(), "/": lambda a, b: a() / b(), "+": lambda a, b: _plus(a(), b())}
_LEVELS = (("||",), ("&&",), ("==", "===", ">=", "<=", ">", "<"), ("+", "-"), ("*", "/"))


def _plus(a, b):
    """JavaScript's +: numbers add, anything with a string concatenates."""
    if isinstance(a, str) or isinstance(b, str):
        return "".join(x if isinstance(x, str) else f"{x:g}" for x in (a, b))
    return a + b


def vega_expr(text: str):
    """The part of Vega's expression language the app's labelExpr use (numbers, strings, global
    regular expressions, ``datum.value``, LN10, + - * /, comparisons, || &&, ?: and the calls
    abs, round, log, format with "~g", ",~g" or "d", and replace), as a function of the value."""
    tokens, pos = [], 0
    while text[pos:].strip():
        m = (tokens and tokens[-1][1] in ("(", ",") and _REGEX.match(text, pos)) or _TOKEN.match(text, pos)
        assert m, text[pos:pos + 40]
        tokens.append((m.lastgroup, m.group(m.lastgroup)))
        pos = m.end()
    state = {"i": 0, "value": None}

    def peek():
        return tokens[state["i"]][1] if state["i"] < len(tokens) else None

    def take(expected=None):
        kind, tok = tokens[state["i"]]
        assert expected is None or tok == expected, (tok, expected)
        state["i"] += 1
        return kind, tok

    def ternary():
        cond = binary(0)
        if peek() != "?":
            return cond
        take("?")
        yes = ternary()
        take(":")
        no = ternary()
        return lambda: yes() if cond() else no()

    def binary(level):
        if level == len(_LEVELS):
            return unary()
        left = binary(level + 1)
        while peek() in _LEVELS[level]:
            op = take()[1]
            left = functools.partial(_OPS[op], left, binary(level + 1))
        return left

    def unary():
        if peek() == "-":
            take()
            inner = unary()
            return lambda: -inner()
        return primary()

    def primary():
        kind, tok = take()
        if kind == "num":
            return lambda: float(tok)
        if kind == "str":
            return lambda: tok[1:-1]
        if kind == "re":
            body, flags = tok[1:].rsplit("/", 1)
            return lambda: (re.compile(body), "g" in flags)
        if tok == "(":
            inner = ternary()
            take(")")
            return inner
        if tok == "datum.value":
            return lambda: state["value"]
        if tok == "LN10":
            return lambda: math.log(10)
        args = []
        take("(")
        while peek() != ")":
            args.append(ternary())
            if peek() == ",":
                take(",")
        take(")")
        return lambda: _FUNCS[tok](*(a() for a in args))

    tree = ternary()
    assert state["i"] == len(tokens), tokens[state["i"]:]

    def label(value: float):
        state["value"] = value
        return tree()
    return label


def _labels(expr: str, values) -> list[str]:
    label = vega_expr(expr)
    return [label(float(x)) for x in values]


def test_the_evaluator_reads_the_existing_labels_as_vega_does():
    assert _labels(charts.human_labels("$"), [0.5, 1, 1e3, 2.5e6, 1e9, 1e12, 1e15, 1e-4]) == [
        "$0.5", "$1", "$1,000", "$2.5M", "$1B", "$1T", "$10¹⁵", "$10⁻⁴"]
    assert _labels(charts.pow10_labels(), [1e11, 1e-12]) == ["10¹¹", "10⁻¹²"]


def test_power_axes_read_watts_with_si_prefixes():
    """The power bars read "1M W, 10M W, 1B W … 100T W": W, kW, MW, GW and TW now."""
    decades = [10.0 ** k for k in range(15)]
    assert _labels(charts.POWER_LABELS, decades) == [
        "1 W", "10 W", "100 W", "1 kW", "10 kW", "100 kW", "1 MW", "10 MW", "100 MW", "1 GW", "10 GW", "100 GW",
        "1 TW", "10 TW", "100 TW"]
    assert _labels(charts.POWER_LABELS, [0, 0.5, 20, 2.5e6, 3.42e12, 1e15, 1e16]) == [
        "0 W", "0.5 W", "20 W", "2.5 MW", "3.42 TW", "10³ TW", "10⁴ TW"]  # past TW as humanize: 10³ TW


@pytest.mark.parametrize("claim, ticks", [
    ("brain-alphago", ["10 W", "100 W", "1 kW", "10 kW", "100 kW", "1 MW"]),
    ("world-electricity", ["10 W", "100 W", "1 kW", "10 kW", "100 kW", "1 MW", "10 MW", "100 MW", "1 GW", "10 GW",
                           "100 GW", "1 TW", "10 TW", "100 TW"])])
def test_lecture_power_bars_tick_in_si_units(claim, ticks):
    at = shared_page("lecture", {"claim": claim})
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    # each dot's value written beside it (lecturer review 2026-11-29), left or right of its dot (2026-12-03)
    dots, *words = spec["layer"]
    axis = dots["encoding"]["x"]["axis"]
    assert axis["labelExpr"] == charts.POWER_LABELS
    assert _labels(axis["labelExpr"], axis["values"]) == ticks
    assert words and all(w["mark"]["type"] == "text" and w["encoding"]["text"]["field"] == "watts_text" for w in words)
    data = b"".join(d.data.data for d in at.get("vega_lite_chart")[0].proto.datasets)  # Arrow: the texts as UTF-8
    assert "≈20 W".encode() in data and "≈1 MW".encode() in data


def test_roofline_axis_reads_flop_per_second_in_one_style():
    """It read "100B 1T 10T 100T 10¹⁵ 10¹⁶": SI prefixes of FLOP/s across the axis now."""
    from estimator.io.datafiles import default_profiles
    spec = charts.roofline_chart(default_profiles().get("h100-sxm")).to_dict(validate=True)
    assert spec["layer"][0]["encoding"]["y"]["axis"]["labelExpr"] == charts.FLOPS_PER_S_LABELS
    assert _labels(charts.FLOPS_PER_S_LABELS, [10.0 ** k for k in range(11, 17)]) == [
        "100 GFLOP/s", "1 TFLOP/s", "10 TFLOP/s", "100 TFLOP/s", "1 PFLOP/s", "10 PFLOP/s"]
    assert _labels(charts.FLOPS_PER_S_LABELS, [2.5e14, 1e18]) == ["250 TFLOP/s", "10³ PFLOP/s"]


def test_memory_wall_years_are_whole():
    """The year axis read "0.0, 1.0 … 20.0"."""
    axis = lecture.memory_wall_chart().to_dict()["encoding"]["x"]["axis"]
    assert axis["format"] == "d" and axis["values"] == list(range(0, lecture.MEMORY_WALL_YEARS + 1, 2))


def test_target_error_axis_reads_percent():
    spec = limits_page.multiplier_chart(11.5, 0.1, 5.0).to_dict(validate=True)
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert _labels(axis["labelExpr"], [2, 5, 10, 2.5]) == ["2%", "5%", "10%", "2.5%"]


def test_a_lecture_bar_label_gives_way_on_a_narrow_chart():
    """Browser audit: at lecture size on a phone the 220 px bar labels left the bars 40 px of a 358 px
    chart, their ticks overlapping ("0.00.5"); below 500 px of container the labels get 120 px."""
    from app_pages.ui import style
    assert style.band_label_limit(False) == style.BAND_LABEL_LIMIT_PX[False]
    assert style.band_label_limit(True).to_dict() == {"expr": "containerSize()[0] < 500 ? 120 : 220"}
