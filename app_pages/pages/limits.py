"""Limits of scale: compute-optimal models, diminishing returns, trends and the lecture's contrasts.

Every number comes from ``estimator.services.limits.reports`` (the CLI's ``scaling`` and ``contrasts`` commands
call the same functions); every input is bound to the URL.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.inputs import declared as w
from app_pages.inputs.profile_choice import default_hardware
from app_pages.pages.limits_charts import (  # noqa: F401 (the page's charts, also read from here by the lecture and the tests)
    LOSS_GRID_FLOPS,
    cost_chart,
    growth_chart,
    k_series,
    loss_chart,
    loss_gap,
    loss_grid,
    multiplier_chart,
)
from app_pages.ui import charts, style
from app_pages.ui import common as c
from estimator.core.base import bounds as B
from estimator.core.base.errors import EstimatorError
from estimator.core.base.interval import LEVEL, PREDICTION, STATED
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import W_PER_TW
from estimator.core.footprint.equivalents import BRAIN_POWER_W
from estimator.laws import contrasts, scaling, trends
from estimator.laws import diminishing as dm
from estimator.report import humanize as hz
from estimator.services import inputs as I
from estimator.services.limits import notes as limits_notes
from estimator.services.limits import reports as limits

# The trend's default workload as one types it in the field ("3.14e23")
TREND_FLOPS_TYPED = I.TREND_FLOPS_TYPED

# Defaults, each with its source:
DEFAULT_FLOPS = scaling.CHINCHILLA_TABLE3[3][1]  # Chinchilla's budget, 5.76e23 (Hoffmann et al. 2022, Table 3, 67B row)
# A budget by its unit as the page names it (the "Budget in" choice; laws.scaling.BUDGET_KINDS), its declared input
BUDGET_INPUTS = {scaling.BUDGET_KINDS[kind][2]: i for kind, i in I.BUDGETS.items()}
BUDGET_KIND = {unit: i.name.removeprefix("budget_") for unit, i in BUDGET_INPUTS.items()}  # "USD" → "usd"
DEFAULT_BUDGETS = dict(zip(BUDGET_INPUTS, (1e6, 1e6, 100.0)))  # USD, kWh, t CO₂e: illustrative round numbers
MAX_FLOPS = B.FLOPS.high        # estimator/core/base/bounds.py, as the Estimate page
LOSS_LABEL = f"Predicted loss ({scaling.LOSS_UNIT})"
# Each section's widgets for the inputs an error may name (``common.error_text``), from their declarations
SCALING_LABELS = I.labels(I.CHINCHILLA)
DIMINISHING_LABELS = I.labels(I.DIMINISHING)
TREND_LABELS = I.labels(I.TREND)


def _layout():
    """(inputs, numbers): side by side, or in lecture mode the numbers at full width below the
    inputs, which fold away (big numbers, few controls, on any projector)."""
    if c.is_lecture():
        return st.expander("Inputs"), st.container()
    return st.columns([1, 2])


def _metrics(key: str, pairs) -> None:
    """(label, value, help) as bordered metrics in a row that wraps (``style.metric_cells``)."""
    for cell, (label, value, help_) in zip(style.metric_cells(len(pairs), key, c.is_lecture()), pairs):
        cell.metric(label, value, help=help_, border=True)


def _range(est, key: str, fmt) -> str | None:
    """A card's help: its range as the CLI prints it, and what kind of range it is."""
    low, high = est.range.get(key, (None, None))
    if low is None or high is None or low == high:
        return "exact" if low is not None else None
    kind = {PREDICTION: f"{est.level:.0%} prediction interval", STATED: "as its sources state"}.get(est.basis(key), "")
    # a time's ends in its figure's unit (diff review 2026-11-30: "325 days" beside "0.729 years – 1.08 years")
    return f"range {' – '.join(hz.range_ends(fmt, low, high, getattr(est, key, None)))}" + (f" ({kind})" if kind else "")


def _ranges_line(est) -> str | None:
    """The cost cards' ranges in one line, in view (browser audit: they were only in the cards' "?"
    tooltips, while the Estimate page draws them and the CLI prints them)."""
    parts = []
    for label, key, fmt in (("time", "wall_clock_s", hz.duration), ("energy", "energy_kwh", hz.energy),
                            ("CO₂e", "co2e_kg", hz.co2e_short), ("cost", "cost_usd", hz.money)):
        low, high = est.range.get(key, (None, None))
        if low is None or high is None or low == high:
            continue
        kind = "" if est.basis(key) == PREDICTION else f" ({'as its sources state' if est.basis(key) == STATED else 'stated'})"
        parts.append(f"{label} {' – '.join(hz.range_ends(fmt, low, high, getattr(est, key, None)))}{kind}")
    return f"Ranges ({est.level:.0%} prediction intervals unless marked): " + "; ".join(parts) + "." if parts else None


def _show_ranges(est) -> None:
    line = _ranges_line(est)
    if line:
        st.caption(c.md_escape(line, 600))


def _priced_hardware() -> list[str]:
    ps = c.profiles().profiles
    return [i for i in c.hardware_ids() if ps[i].price.usd_per_device_hour is not None]


# ----------------------------------------------------------------------------- scaling laws


def scaling_section(hardware: str) -> None:
    st.header("Scaling laws: the best model a budget buys", anchor=False)
    left, right = _layout()
    kind_input, method_input = I.CHINCHILLA["kind"], I.CHINCHILLA["method"]
    kind = w.radio(kind_input, list(kind_input.choices), default=kind_input.default, where=left)
    method = w.radio(method_input, list(method_input.choices), default=method_input.default, where=left)
    res = None
    try:
        if kind == "FLOPs":
            flops = w.number(I.CHINCHILLA["flops"], default=DEFAULT_FLOPS, fmt=c.LARGE_NUMBER_FORMAT, where=left)
            model, est, beyond = limits.flops_model(flops, hardware, method=method)
            extrapolated = model.extrapolated
        else:
            # any budget the CLI takes, more than 0 (code audit: the page refused $0.0005, which the CLI answers)
            amount = w.number(BUDGET_INPUTS[kind], min_value=B.SMALLEST_NONZERO, default=DEFAULT_BUDGETS[kind], fmt="%.4g",
                              where=left)
            res, est = limits.budget_model(BUDGET_KIND[kind], amount, hardware, method=method)
            model, extrapolated = res.model, res.extrapolated
    except EstimatorError as exc:
        c.show_error(exc, right, SCALING_LABELS)
        return
    def bought(fmt, name: str, text: str | None) -> str | None:
        """A budget's parameters, tokens or FLOPs: the range of what it buys before the card's own help, as the CLI."""
        if res is None or res.low is None or res.high is None:
            return text
        ends = sorted((getattr(res.low, name), getattr(res.high, name)))
        return f"range {' – '.join(hz.range_ends(fmt, *ends))}" + (f"; {text}" if text else "")
    with right:
        _metrics("scaling_model", [("Parameters", hz.count(model.params_opt), bought(hz.count, "params_opt", model.source)),
                  ("Tokens", hz.count(model.tokens_opt), bought(hz.count, "tokens_opt",
                                                                f"{gfmt(model.tokens_per_param, 3)} tokens per parameter")),
                  (LOSS_LABEL, f"{model.loss_opt:.3f}", bought(lambda x: f"{x:.3f}", "loss_opt", scaling.SOURCE_LOSS))
                  if scaling.meaningful_loss(model.loss_opt) is not None else
                  (LOSS_LABEL, "n/a", scaling.LOSS_BEYOND_WORDS.removeprefix("n/a: "))])
        if extrapolated:
            st.caption(c.md_escape(extrapolated[:1].upper() + extrapolated[1:] + ".", 600))
        if est is None:
            st.info(f"{beyond[:1].upper()}{beyond[1:]}.")
        else:
            _metrics("scaling_cost", [("FLOPs", hz.sci(model.flops), bought(hz.sci, "flops", None)),
                      ("Time (1 device)", hz.duration(est.wall_clock_s), _range(est, "wall_clock_s", hz.duration)
                       + f"; on one {est.hardware_name}"),
                      ("Energy", hz.energy(est.energy_kwh), _range(est, "energy_kwh", hz.energy)),
                      ("CO₂e", hz.co2e_short(est.co2e_kg), _range(est, "co2e_kg", hz.co2e_short)),
                      ("Cost", hz.money(est.cost_usd), _range(est, "cost_usd", hz.money))])
            _show_ranges(est)
            if res is not None:
                note = limits.budget_note(res, est)
                st.caption(c.md_escape(f"{note[:1].upper()}{note[1:]}.", 400))
        charts.render_chart(loss_chart(method, model.flops, model.loss_opt), grows=True)
        first, second = scaling.METHODS
        st.caption(f"The two splits' predicted losses differ by at most {loss_gap():.3f} over the chart, so the "
                   f"lines lie on each other ({first}: wide; {second}: dashed).")
    chin = scaling.chinchilla(DEFAULT_FLOPS)  # computed, not typed (audit: the caption had its own ≈69B)
    st.caption(f"Chinchilla's rule gives ≈{hz.count(chin.params_opt)} parameters and ≈{hz.count(chin.tokens_opt)} "
               f"tokens for {hz.sci(DEFAULT_FLOPS)} FLOPs (Hoffmann et al. 2022, "
               "arXiv:2203.15556). The published fit's own minimum favours smaller models trained on more tokens above "
               f"≈{hz.sci(scaling.fit_crossing_flops(), 2)} FLOPs (larger ones on fewer tokens below), "
               "but its constants are rounded: Besiroglu et al. 2024 (arXiv:2404.10102) show the rounding biases it, "
               "and their refit agrees with the ≈20 tokens-per-parameter rule. Time, energy, "
               "CO₂e and cost come from the estimator on the chosen hardware with its profile's defaults.")


# ----------------------------------------------------------------------------- diminishing returns


def cost_note(rep: limits.DiminishingReport) -> str:
    """Why the target's cost is not the base's × the multiplier (``rep.cost_note``), as a sentence for
    a caption, or "" when it is."""
    return f"Note: {c.md_escape(rep.cost_note, 400)}." if rep.cost_note else ""


def diminishing_section(hardware: str) -> None:
    st.header("Diminishing returns", anchor=False)
    # in lecture mode at the captions' projector size (lecturer review 2026-11-29: the claim's key sentence stayed at
    # 16 px where the page's other text grew to 24)
    (st.caption if c.is_lecture() else st.markdown)(
                f"Thompson et al. (2020) fit error ∝ compute^(−k). Their ImageNet projection: **{dm.CLAIM_TEXT}**. "
                f"{dm.CLAIM_FROM_TEXT.capitalize()} that implies k ≈ {gfmt(dm.DEFAULT_EXPONENT)}, and halving any error then takes "
                f"2^(1/k) ≈ {hz.times(dm.halving_multiplier(dm.DEFAULT_EXPONENT))} the compute (derived here from the "
                "claim, not a figure of the paper). Move k to see how sensitive the claim is.")
    left, right = _layout()
    now, target = (w.number(I.DIMINISHING[name], min_value=B.SMALLEST_NONZERO, default=I.DIMINISHING[name].default,
                            fmt="%.4g", where=left) for name in ("current_error", "target_error"))
    # from the exponent that halves an error at all (every report shows the halving)
    k = w.number(I.DIMINISHING["exponent"], min_value=dm.MIN_HALVING_EXPONENT, default=I.DIMINISHING["exponent"].default,
                 step=0.005, fmt="%.4g", where=left)
    base = w.number(I.DIMINISHING["base_flops"], default=dm.RESNET50_IMAGENET_FLOPS, fmt=c.LARGE_NUMBER_FORMAT,
                    where=left)
    try:
        # the default base is the illustrative ResNet-50 workload: None lets the report name its source
        given = None if base == dm.RESNET50_IMAGENET_FLOPS else base
        rep = limits.diminishing_report(now, target, k, base_flops=given, hardware=hardware)
    except EstimatorError as exc:
        c.show_error(exc, right, DIMINISHING_LABELS)
        return
    r, t = rep.result, rep.target
    with right:
        _metrics("dr_multiplier", [("Compute multiplier", hz.times(r.compute_multiplier), dm.SOURCE),
                  ("To halve the error", hz.times(r.halving_multiplier), f"2^(1/k) with k = {gfmt(k)}"),
                  ("Target compute", hz.flops(r.target_flops), None)])
        _metrics("dr_cost", [("Time (1 device)", hz.duration(t.wall_clock_s), f"on one {t.hardware_name}"),
                  ("Energy", hz.energy(t.energy_kwh), None), ("CO₂e", hz.co2e_short(t.co2e_kg), None),
                  ("Cost", hz.money(t.cost_usd), f"base workload: {hz.money(rep.base.cost_usd)}")])
        _show_ranges(t)
        charts.render_chart(multiplier_chart(now, k, target), grows=True)
    st.caption(f"Base workload: {c.md_escape(rep.base_source, 300)}. The ≈{gfmt(dm.CLAIM_CURRENT_ERROR_PCT)}% starting error is an assumption "
               "(the best ImageNet top-1 results of 2020); Thompson et al.'s fitted coefficients were not checked here."
               + (f" {cost_note(rep)}" if rep.cost_note else ""))


# ----------------------------------------------------------------------------- trends

# The frontier's compute growth the chart carries on: 2012–18's rate, a what-if past then
TREND_COMPUTE_LABEL = "Frontier compute a year, if 2012–18 held"


def trend_section() -> None:
    st.header("Trends: hardware gets cheaper, demand grows faster", anchor=False)
    left, right = _layout()
    options = [i for i in _priced_hardware() if c.profiles().profiles[i].release_year]
    hw_input = I.TREND["hardware"]
    hw = w.select(hw_input, options, where=left, default=default_hardware(hw_input.default, options, left,
                                                                          hw_input.url_key))
    flops = w.number(I.TREND["flops"], default=I.TREND["flops"].default, fmt=c.LARGE_NUMBER_FORMAT, where=left)
    years = w.number(I.TREND["years"], default=I.TREND["years"].default, where=left)
    doubling = w.number(I.TREND["doubling_years"], default=I.TREND["doubling_years"].default, fmt="%.3g", step=0.1,
                        where=left)
    try:
        rep = limits.trend_report(flops, hw, years, doubling_years=doubling)
    except EstimatorError as exc:
        c.show_error(exc, right, TREND_LABELS)
        return
    s = rep.summary
    with right:
        _metrics("trends", [(f"Cost in {rep.start_year}", hz.money(rep.base.cost_usd),
                             f"on {rep.base.hardware_name}"
                             + (f", {rep.base_basis}" if rep.base_basis else "")
                             + f"; {rep.start_year}: {rep.start_year_basis}"),
                  (f"Cost in {int(rep.table.year[-1])}", hz.money(rep.table.workload_cost_usd[-1]), trends.PRICE_PERF_SOURCE),
                  # the 2012–18 rate, a what-if as the compute-growth claim says, the rate measured since beside it
                  # (lecturer review 2026-11-27: "×11.5" unqualified beside the claim's measured ×4.6)
                  (TREND_COMPUTE_LABEL, f"×{gfmt(s.training_compute_per_year, 3)}",
                   f"{trends.TRAINING_COMPUTE_SOURCE}; measured since: ×{gfmt(trends.MEASURED_COMPUTE_GROWTH_PER_YEAR)} a "
                   f"year, {trends.MEASURED_COMPUTE_YEARS} ({trends.MEASURED_COMPUTE_SOURCE})"),
                  # the measured rate a card of its own, as the compute-growth slide leads with it (lecturer review
                  # 2026-11-29: the slide read ×4.6 and ×3.47 spend, this tab ×11.5 and ×8.71 alone)
                  ("Compute since 2010, measured", f"×{gfmt(trends.MEASURED_COMPUTE_GROWTH_PER_YEAR)} a year",
                   f"spend ×{gfmt(s.measured_spend_per_year, 3)} a year at it; "
                   f"{trends.MEASURED_COMPUTE_SOURCE}"),
                  (f"Memory wall over the past {trends.MEMORY_WALL_YEARS} years", hz.times(s.memory_wall_gap_20y),
                   trends.MEMORY_WALL_SOURCE)])  # as the slide
        # side by side in lecture mode, so that the numbers and both charts share one slide (stacked, the tab ran to
        # 1,759 px at 1280×720: lecturer review 2026-11-27)
        cost_at, growth_at = st.columns(2) if c.is_lecture() else (st, st)
        charts.render_chart(cost_chart(rep.table), where=cost_at, grows=True)
        charts.render_chart(growth_chart(rep.table), where=growth_at, grows=True)
    st.caption(f"A fixed workload gets {s.price_perf_per_year:.2f}× cheaper a year (10× every "
               f"{gfmt(s.years_to_10x_cheaper, 3)} years); the largest training runs grew {gfmt(s.training_compute_per_year, 3)}× "
               f"a year (Amodei & Hernandez 2018), so their cost grew ≈{gfmt(s.frontier_spend_per_year, 3)}× a year while "
               "that trend held (it was measured for 2012–18; the chart carries it forward as a what-if). "
               f"Memory wall: {trends.MEMORY_WALL_LABEL} (Gholami et al. 2024). "
               f"'+ algorithmic efficiency': {trends.ALGORITHMIC_LABEL} "
               "(Hernandez & Brown 2020). "
               + ("The shaded band is the cost's range. " if rep.table.workload_cost_low_usd is not None else "")
               + c.md_escape(s.price_perf_interval_note[:1].upper() + s.price_perf_interval_note[1:], 400) + ".")


# ----------------------------------------------------------------------------- contrasts


def contrast_text(x: contrasts.Contrast) -> str:
    """A contrast's value with its unit and its range, for people (the CLI's ``contrasts`` writes the same)."""
    return limits_notes.contrast_text(x)


def contrast_ranges_line(cards) -> str:
    """The cards' ranges in one line, in view, as the cost cards' (``_ranges_line``), from (card label, contrast):
    AlphaGo's 50,000× is the top of its stated range (≈1 MW quoted, 66 kW bottom-up), which the card alone hid."""
    parts = [f"{label}: {' – '.join(hz.with_unit(v, x.unit) for v in x.range)}"
             + ("" if x.range_basis == PREDICTION else " (as its sources state)" if x.stated else f" ({x.range_basis})")
             for label, x in cards if x.range is not None]
    return f"Ranges ({LEVEL:.0%} prediction intervals unless marked): " + "; ".join(parts) + "." if parts else ""


def _source_parts(source: str) -> list[str]:
    """A contrast's source split at its top-level "; " (a composite's sources, each once on a slide), a bracket's
    own "; " kept inside it."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(source):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and source.startswith("; ", i):
            parts.append(source[start:i])
            start = i + 2
    return [p for p in (*parts, source[start:]) if p.strip()]


def contrasts_section() -> None:
    st.header(f"Machines against a {gfmt(BRAIN_POWER_W)} W brain", anchor=False)
    try:
        items = limits.contrast_report()
    except EstimatorError as exc:
        c.show_error(exc, labels={})
        return
    by = {x.key: x for x in items}
    brain_years, alphago = by["gpt3_brain_years"], by["alphago_brain_power_ratio"]
    # the real run, named so (lecturer review 2026-11-29: beside claim 1's one-V100 5,820 brain-years, "GPT-3 training,
    # in brain-years" read as a second answer to the same question)
    _metrics("contrasts", [("GPT-3's real run, in brain-years (estimated)", hz.count(brain_years.value), brain_years.detail),
              ("AlphaGo ÷ brain (power)", f"{alphago.value:,.0f}×", alphago.source),
              ("World electricity (average)", hz.power(by["world_power_w"].value), by["world_power_w"].source)])
    line = contrast_ranges_line([("GPT-3's real run in brain-years", brain_years), ("AlphaGo ÷ brain", alphago)])
    if line:
        st.caption(c.md_escape(c.units_whole(line), 600))
    st.warning(f"The lecture says the world uses ≈{gfmt(contrasts.LECTURE_WORLD_POWER_W / W_PER_TW)} TW of electricity. "
               f"The sourced figure is ≈{contrasts.WORLD_ELECTRICITY_TWH_PER_YEAR:,.0f} TWh a year, "
               f"an average of ≈{by['world_power_w'].value / W_PER_TW:.1f} TW: the lecture's number is "
               f"≈{by['lecture_world_power_ratio'].value:.0f}× too high.", icon=":material/fact_check:")
    df = pd.DataFrame([{"contrast": x.label, "value": x.value, "unit": x.unit,
                        "low": None if x.range is None else x.range[0], "high": None if x.range is None else x.range[1],
                        "range_basis": x.range_basis, "how": x.detail, "source": x.source} for x in items])
    # shown as people read them ("3.42 TW", "50,000×"), as the cards above; the CSV keeps the numbers
    shown = df.assign(value=[contrast_text(x) for x in items]).drop(columns=["unit", "low", "high", "range_basis"])  # the range is in the value
    if c.is_lecture():
        # on a slide the sources once, under the table (lecturer review 2026-11-27: AlphaGo's 13-line source twice,
        # the table 1,283 px tall at 1280 × 720); the CSV keeps each row's
        shown = shown.drop(columns=["source"])
    # a table whose cells wrap: every label, value and source whole (issue 55: the grid's fixed columns cut them)
    st.table(shown, hide_index=True, border="horizontal")
    if c.is_lecture():
        parts = dict.fromkeys(part for x in items for part in _source_parts(x.source))
        st.caption(c.md_escape(c.units_whole("Sources: " + "; ".join(parts) + "."), 3000))
    st.download_button("CSV", c.table_csv(df), file_name="contrasts.csv", mime="text/csv", on_click="ignore",
                       icon=":material/download:", key="contrasts_csv",
                       help="Every contrast with its value, unit, range (low, high and what it is), how it was computed and its source.")


def render() -> None:
    warn_box = st.container()
    st.title("Limits of scale", anchor=False)
    st.caption(f"Compute that grows faster than hardware, returns that diminish, and a {gfmt(BRAIN_POWER_W)} W brain against "
               "megawatt systems. Same numbers as `python -m estimator scaling …` and `contrasts`.")
    priced = _priced_hardware()
    hw_input = I.CHINCHILLA["hardware"]  # the hardware of every cost but the trend's (the CLI's --hardware)
    hardware = w.select(hw_input, priced, default=default_hardware(limits.DEFAULT_HARDWARE, priced, warn_box,
                                                                   hw_input.url_key), where=st.sidebar)
    # One section at a time, each with its own link (?lim=…): a link lands on its section
    # whatever the sections above it draw, and only the open one is computed.
    c.check_option("lim", list(SECTIONS))
    tabs = st.tabs(list(SECTIONS), key="lim", on_change="rerun", bind="query-params")
    for tab, (name, draw) in zip(tabs, SECTIONS.items()):
        if tab.open is not False:
            with tab:
                if name in ON_SIDEBAR_HARDWARE:
                    # the hardware the numbers are on, in view (in lecture and embed modes the sidebar is
                    # closed), in the tabs that use it: the Trends tab has its own (audit)
                    st.caption(c.md_escape(f"Time, energy, CO₂e and cost on {c.profiles().get(hardware).name} "
                                           f"({hardware}).", 300))
                draw(hardware)
    c.show_url_warnings(warn_box)


# The sections priced on the sidebar's hardware (the Trends tab prices its own workload and device)
ON_SIDEBAR_HARDWARE = ("Scaling laws", "Diminishing returns")
SECTIONS = {
    "Scaling laws": scaling_section,
    "Diminishing returns": diminishing_section,
    "Trends": lambda hardware: trend_section(),
    "Contrasts": lambda hardware: contrasts_section(),
}
