"""High-level calls for the limits of scale (scaling laws, diminishing returns, the cost trend, the lecture's
contrasts), shared by the CLI and the app; serving's are in ``estimator.services.serving.inference``.

Edge, like ``estimator.services.api``: loads profiles and presets, resolves the grid, and calls the pure
core (``scaling``, ``diminishing``, ``trends``, ``contrasts``).
Costs come from ``api.run`` / ``estimate`` so they match every other estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError, ResultOutOfBounds, past_words
from estimator.core.base.interval import PREDICTION, STATED
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import S_PER_HOUR
from estimator.core.training.estimate import Estimate
from estimator.core.training.fixed_energy import with_energy_fixed
from estimator.core.workload.scenario import SITE_INPUTS
from estimator.io.datafiles import default_profiles, get_preset
from estimator.laws import contrasts as ct
from estimator.laws import diminishing as dm
from estimator.laws import scaling, trends
from estimator.report import humanize as hz
from estimator.services import api
from estimator.services.inputs import (  # noqa: F401 (re-exported: the trend's defaults; their sources there)
    TREND_FLOPS,
    TREND_HARDWARE,
    TREND_YEARS,
    check_keywords,
)
from estimator.services.limits.notes import (  # noqa: F401  (budget_note re-exported: the CLI and the app read it here)
    budget_note,
    budget_range_inputs,
    diminishing_cost_note,
)
from estimator.services.model_shape import (  # noqa: F401  (re-exported: the CLI, the app and tests read them here)
    DEFAULT_HEAD_DIM,
    check_head_split,
    default_heads,
    resolve_architecture,
)

DEFAULT_HARDWARE = api.DEFAULT_HARDWARE  # hardware for a cost when none is given (its source is there)
# The trend's default workload is the lecture's: GPT-3 on one V100 as Lambda priced it (355 years, $4.6M),
# so its base cost is that preset's (its own utilisation, Lambda's 28 TFLOPS), not the fit's for a V100.
# TREND_FLOPS and TREND_HARDWARE (declared with the trend's inputs, services/inputs.py) are the preset's
# (tests/cli/test_compare_and_ranges.py holds them equal).
TREND_PRESET = "lambda-gpt3-v100"
# Any FLOP count works as the reference for a budget: the estimate is linear in FLOPs.
BUDGET_REFERENCE_FLOPS = 1e24
# The famous runs the contrasts use (estimator/data/presets.toml).
GPT3_PRESET = "gpt3-175b"
ALPHAGO_PRESET = "alphago-vs-brain"

RUN_KEYS = ("devices", "utilization", "precision") + SITE_INPUTS


def _run_kwargs(setting: dict[str, Any] | None) -> dict[str, Any]:
    if setting is not None and (not isinstance(setting, Mapping) or not all(isinstance(k, str) for k in setting)):
        raise InputError(f"the setting must be a mapping of input names to values, got {repr(setting)[:40]}")
    setting = {k: v for k, v in (setting or {}).items() if v is not None}
    # by name with the nearest known one, in the words every entry point uses (API review 2026-11-30: no field, no
    # suggestion)
    v.refuse_unknown(sorted(setting), (*RUN_KEYS, "country", "region", "cloud"))
    return setting


def estimate_flops(flops: float, hardware: str, setting: dict | None = None) -> Estimate:
    """The estimator's time, energy, CO₂e and cost for ``flops`` on ``hardware`` (``api.run``)."""
    return api.run(hardware=hardware, flops=flops, **_run_kwargs(setting)).estimate


def beyond_estimate_note() -> str:
    """Why a compute-optimal split past the estimator's FLOPs bound comes without time or cost
    (``scaling chinchilla --hardware`` and the Limits page say the same)."""
    return (f"time, energy, CO₂e and cost are not estimated past {hz.sci(B.FLOPS.high)} FLOPs, the estimator's upper "
            f"bound; the scaling law's split covers up to {hz.sci(B.SCALING_FLOPS.high)}")


def tokens_per_param_of(method: str, tokens_per_param: float | None) -> float:
    """The tokens per parameter of the ``tokens-per-param`` method: the one given, else Chinchilla's 20; refused beside
    the ``fit`` method, whose minimum sets its own (``scaling chinchilla`` refused it, the API had taken it: code review
    2026-11-28)."""
    if tokens_per_param is None:
        return scaling.CHINCHILLA_TOKENS_PER_PARAM
    if method == "fit":
        raise InputError("a tokens-per-parameter ratio sets D = k·N for the tokens-per-param method; the fit's minimum "
                         "sets its own tokens per parameter: leave one of them out", field=("tokens_per_param", "method"))
    return v.plain_number(tokens_per_param)


def flops_model(flops: float, hardware: str | None = None, setting: dict | None = None,
                method: str = "tokens-per-param", tokens_per_param: float | None = None,
                ) -> tuple[scaling.ComputeOptimal, Estimate | None, str | None]:
    """The compute-optimal model ``flops`` buy, the estimate of training it on ``hardware`` (None without
    hardware), and why there is no estimate when the FLOPs lie past the estimator's bound (the scaling
    law covers more: the split alone, the hardware and setting still checked). ``tokens_per_param``: the
    ``tokens-per-param`` method's ratio (``tokens_per_param_of``). ``scaling chinchilla`` and the Limits page both
    call this. A setting without hardware is refused: nothing is priced without it."""
    flops = v.as_number("FLOPs for a scaling law", flops, field="flops")  # one number: [] was a TypeError
    model = scaling.chinchilla(flops, method, tokens_per_param_of(method, tokens_per_param))
    if hardware is None:
        unused = sorted(_run_kwargs(setting))   # a setting checked first: a list is refused, not an AttributeError
        if unused:
            # the CLI refused it and the API had ignored it silently (code review 2026-11-28)
            raise InputError("a setting of how the run is priced was given without the hardware it describes: give the "
                             "hardware too (what the FLOPs run on), or leave the setting out",
                             field=tuple(unused) + ("hardware",))
        return model, None, None
    if model.flops > B.FLOPS.high:
        try:  # a wrong hardware or setting is still an error (review: 1 FLOP on 8 devices was one)
            estimate_flops(B.FLOPS.high, hardware, setting)
        except ResultOutOfBounds:
            pass  # the hardware and setting are good; the bound's FLOPs are past the device-hours an estimate covers
        return model, None, beyond_estimate_note()
    try:
        est = estimate_flops(model.flops, hardware, setting)
    except ResultOutOfBounds as exc:  # the split holds; its training time is past what an estimate covers
        return model, None, f"time, energy, CO₂e and cost are not estimated: {exc}"
    if est.device_hours < B.DEVICE_HOURS.low:
        # under the one device-millisecond an estimate covers, as `estimate` refuses it (api.estimated; carried from the
        # 2026-12-03 note: 10¹² FLOPs at fp4 and a utilisation of 1 printed 0.000111 s on a B200): the split alone
        return model, None, ("time, energy, CO₂e and cost are not estimated: the run would take "
                             f"{past_words(est.device_hours)}")
    return model, est, None


def _flops_in_bounds(what: str, flops: float, fields, fix: str) -> None:
    """FLOPs derived from other inputs (a budget, an error target) inside the estimator's bounds,
    else an error naming those inputs (``fields``) rather than a FLOPs input the user never gave."""
    if flops is not None and not (B.FLOPS.low <= flops <= B.FLOPS.high):
        raise InputError(f"{what} {gfmt(flops, 3)} FLOPs, but an estimate covers {B.FLOPS.describe()}: {fix}", field=fields)


def budget_model(kind: str, budget: float, hardware: str, setting: dict | None = None,
                 method: str = "tokens-per-param",
                 tokens_per_param: float | None = None) -> tuple[scaling.BudgetResult, Estimate]:
    """The compute-optimal model a budget buys, and the estimate of training it (which spends the budget)."""
    if not isinstance(kind, str) or kind not in scaling.BUDGET_KINDS:  # a list: no TypeError (unhashable)
        raise InputError(f"budget kind must be one of {', '.join(scaling.BUDGET_KINDS)}, got {repr(kind)[:40]}")
    budget = v.as_number(f"budget ({scaling.BUDGET_KINDS[kind][2]})", budget, field=f"budget_{kind}")
    if hardware is None:  # the CLI refused it and the API priced the default device (code review 2026-11-28)
        raise InputError("a budget needs the hardware it is spent on", field="hardware")
    tokens_per_param = tokens_per_param_of(method, tokens_per_param)

    def at(flops):
        # the budget sets the FLOPs: one outside the estimator's bounds is the budget's doing, not a FLOPs input
        _flops_in_bounds(f"the budget of {gfmt(budget, 4)} {scaling.BUDGET_KINDS[kind][2]} buys", flops,
                         f"budget_{kind}", f"give a {'larger' if flops < B.FLOPS.low else 'smaller'} budget")
        try:
            return estimate_flops(flops, hardware, setting)
        except ResultOutOfBounds as exc:  # the budget's doing, not a FLOPs input (review)
            raise ResultOutOfBounds(f"the budget of {gfmt(budget, 4)} {scaling.BUDGET_KINDS[kind][2]} buys a run of {exc.past}: "
                                    "give a smaller budget", field=f"budget_{kind}", device_hours=exc.device_hours) from None
    flops, _ = scaling.flops_for_budget(at, kind, budget, BUDGET_REFERENCE_FLOPS)
    if not B.SCALING_FLOPS.low <= flops <= B.SCALING_FLOPS.high:
        raise InputError(f"the budget of {gfmt(budget, 4)} {scaling.BUDGET_KINDS[kind][2]} buys {gfmt(flops, 3)} FLOPs on {hardware}, "
                         f"but the scaling law covers {B.SCALING_FLOPS.describe()} ({B.SCALING_FLOPS.source}): give a "
                         f"{'larger' if flops < B.SCALING_FLOPS.low else 'smaller'} budget", field=f"budget_{kind}")
    result = scaling.model_for_budget(at, kind, budget, BUDGET_REFERENCE_FLOPS, method, tokens_per_param)
    run = api.run(hardware=hardware, flops=result.flops, **_run_kwargs(setting))   # estimate_flops, with its scenario
    est = run.estimate
    hours_bought = kind == "usd" and est.assumption("electricity_usd_per_kwh") is None
    result = replace(result, range_from=budget_range_inputs(est, run.scenario, run.profile, hours_bought))
    if hours_bought:
        if est.device_hours < B.DEVICE_HOURS.low:
            raise InputError(f"the budget of ${gfmt(budget, 4)} buys {gfmt(est.device_hours * S_PER_HOUR, 3)} device-seconds on "
                             f"{hardware}, less than one device-millisecond: give a larger budget", field="budget_usd")
        # dollars at a price per device-hour fix the device-hours: the run is a known run of those
        # hours (exact time and cost; energy and CO₂e keep power's range), and what is uncertain
        # is the FLOPs they buy (``result.low``/``high``)
        return result, api.run(hardware=hardware, flops=result.flops, device_hours=est.device_hours,
                               **_run_kwargs(setting)).estimate
    # energy fixed (in kWh, or in t CO₂e at a grid intensity without a range; in dollars at an
    # electricity price): energy, CO₂e and that cost are exact, the power's range goes into the time
    return result, with_energy_fixed(est, run.scenario, run.profile)


@dataclass(frozen=True)
class DiminishingReport:
    result: dm.Diminishing
    base_source: str
    base: Estimate
    target: Estimate

    @property
    def cost_note(self) -> str | None:
        """Why the target's cost is not the base's × the compute multiplier, whenever it is not
        (``limits_notes.diminishing_cost_note``)."""
        return diminishing_cost_note(self.base, self.target, self.result.compute_multiplier)


def diminishing_report(current_error: float, target_error: float, exponent: float, *, base_flops: float | None = None,
                       base_preset: str | None = None, hardware: str | None = None,
                       setting: dict | None = None) -> DiminishingReport:
    """The compute multiplier and what the base and the multiplied workloads cost on ``hardware``."""
    # each one number, as a float (a Fraction, a numpy number; [] was a TypeError): the law checks their bounds
    current_error, target_error, exponent = (v.as_number(label, x, field=key) for label, x, key in (
        ("current error", current_error, "current_error"), ("target error", target_error, "target_error"),
        ("exponent k", exponent, "exponent")))
    base_flops = None if base_flops is None else v.as_number("base FLOPs", base_flops, field="base_flops")
    if base_preset is not None and (not isinstance(base_preset, str) or not base_preset.strip()):
        raise InputError(f"the base preset must be a preset id, got {repr(base_preset)[:40]}", field="base_preset")
    if base_flops is not None and base_preset is not None:
        raise InputError("give the base FLOPs or a base preset, not both", field=("base_flops", "base_preset"))
    if base_preset is not None:
        # the preset's whole scenario (devices, utilisation, power, grid, price) with the user's
        # setting on top, as `estimate --preset`; only the FLOPs are multiplied
        try:
            preset = get_preset(base_preset)
        except InputError as exc:  # named as this input (API review 2026-11-30: the CLI said no --base-preset)
            raise type(exc)(str(exc), field="base_preset") from None
        kwargs = _run_kwargs(setting)
        base = api.run(preset_id=base_preset, hardware=hardware, **kwargs).estimate
        if base.flops is None:
            raise InputError(f"preset '{base_preset}' gives a time, not FLOPs: choose a preset with FLOPs, or give the "
                             "base FLOPs", field=("base_preset", "base_flops"))
        result = dm.diminishing(current_error, target_error, exponent, base.flops)
        _flops_in_bounds(f"the target error needs {gfmt(result.compute_multiplier, 3)} × the base's FLOPs,",
                         result.target_flops, ("base_preset", "target_error", "exponent"),
                         "aim at a nearer target error, give a larger exponent or a smaller base")
        with _target_in_bounds(("base_preset", "target_error", "exponent"), "a smaller base"):
            target = api.run(preset_id=base_preset, hardware=hardware, **{**kwargs, "flops": result.target_flops}).estimate
        return DiminishingReport(result, f"preset {base_preset}: {preset.title}", base, target)
    source = "given"
    if base_flops is None:
        base_flops, source = dm.RESNET50_IMAGENET_FLOPS, dm.RESNET50_SOURCE
    from estimator.services.grid import hardware_text
    hardware = hardware_text(hardware)  # empty text refused, never read as "not given", as the CLI refuses it
    hardware = DEFAULT_HARDWARE if hardware is None else hardware
    result = dm.diminishing(current_error, target_error, exponent, base_flops)
    _flops_in_bounds(f"the target error needs {gfmt(result.compute_multiplier, 3)} × the base's {gfmt(result.base_flops, 3)} FLOPs,",
                     result.target_flops, ("base_flops", "target_error", "exponent"),
                     "aim at a nearer target error, give a larger exponent or smaller base FLOPs")
    base = estimate_flops(result.base_flops, hardware, setting)
    if base.device_hours < B.DEVICE_HOURS.low:
        # `estimate`'s floor (parity review 2026-12-03: `--base-flops 1` printed a base time of 1.53 × 10⁻¹⁴ s)
        raise ResultOutOfBounds(f"the base run would take {gfmt(base.device_hours * S_PER_HOUR, 3)} device-seconds, "
                                "less than the one device-millisecond an estimate covers: give larger base FLOPs",
                                field="base_flops", device_hours=base.device_hours)
    with _target_in_bounds(("base_flops", "target_error", "exponent"), "smaller base FLOPs"):
        target = estimate_flops(result.target_flops, hardware, setting)
    return DiminishingReport(result, source, base, target)


@contextmanager
def _target_in_bounds(fields, smaller_base: str):
    """The target's estimate past the device-hours an estimate covers is the target error's doing: said so, with
    the inputs that set it (review: it named the utilisation, which the Limits page does not ask for)."""
    try:
        yield
    except ResultOutOfBounds as exc:
        raise ResultOutOfBounds(f"training for the target error would take {exc.past}: aim at a nearer target error, "
                                f"give a larger exponent or {smaller_base}", field=fields, device_hours=exc.device_hours) from None


@dataclass(frozen=True)
class TrendReport:
    base: Estimate
    start_year: int
    table: trends.TrendTable
    summary: trends.TrendSummary
    start_year_basis: str = ""     # why the base cost is of that year
    base_basis: str = ""           # where the base estimate comes from, when not the profile's defaults


def trend_report(flops: float = TREND_FLOPS, hardware: str = TREND_HARDWARE, years: int = TREND_YEARS,
                 start_year: int | None = None, doubling_years: float = trends.PRICE_PERF_DOUBLING_YEARS,
                 setting: dict | None = None) -> TrendReport:
    """Cost of ``flops`` on ``hardware`` in the year of its price (or ``start_year``) and over the
    years after. The profile's price is of its date (V100: Lambda's 2020 price), so that is the base
    year; a price the user gives is taken as of the hardware's release year unless a start year is
    given."""
    flops, years, start_year, doubling_years = (v.plain_number(x) for x in (flops, years, start_year, doubling_years))
    lecture = flops == TREND_FLOPS and hardware == TREND_HARDWARE and _run_kwargs(setting).get("utilization") is None
    if lecture:
        preset = get_preset(TREND_PRESET)
        base = api.run(preset_id=TREND_PRESET, **_run_kwargs(setting)).estimate
        base_basis = f"as the lecture's preset {TREND_PRESET} ({preset.title}), at its utilisation {gfmt(base.utilization.value, 3)}"
    else:
        try:
            base = estimate_flops(flops, hardware, setting)  # its utilisation said: off the lecture's by a hair, +21% (audit)
        except ResultOutOfBounds as exc:  # the trend's only workload input is its FLOPs (review)
            raise ResultOutOfBounds(f"the workload would take {exc.past}: give fewer FLOPs", field="flops",
                                    device_hours=exc.device_hours) from None
        base_basis = f"at the utilisation {base.utilization.summary}"
    if base.cost_usd is None:
        raise InputError(f"{hardware} has no price: give a price per device-hour or per kWh",
                         field=("price_usd_per_device_hour", "electricity_usd_per_kwh"))
    if base.cost_usd == 0:  # a trend of costs has nothing to follow at none (API review 2026-11-30: a table of "$0")
        raise InputError("the price given is 0, so every year's cost is $0: give a price above 0 for a trend of costs",
                         field=("price_usd_per_device_hour", "electricity_usd_per_kwh"))
    profile = default_profiles().get(hardware)
    priced = next(a for a in base.assumptions if a.name in ("price_usd_per_device_hour", "electricity_usd_per_kwh"))
    if start_year is not None:
        year, basis = start_year, "given"
    elif priced.origin == f"profile:{profile.id}" and price_year(profile.price.date) is not None:
        year = price_year(profile.price.date)
        basis = f"the year of the profile's price ({profile.price.date}: {profile.price.basis})"
    elif profile.release_year is not None:
        year, basis = profile.release_year, f"{profile.name}'s release year (the price given is taken as of then)"
    else:
        raise InputError(f"{hardware} has no release year: give the start year", field="start_year")
    year = v.require_whole("start year", year, B.TREND_START_YEAR, field="start_year")
    if profile.release_year is not None and year < profile.release_year:  # as `estimate` refuses a run's year
        fix = ("or leave the start year out" if start_year is not None else
               f"(the year came from {basis})")
        raise InputError(f"the start year {year} is before {profile.name} was released ({profile.release_year}): "
                         f"give a start year from {profile.release_year} on, {fix}", field="start_year")
    return TrendReport(base, year, trends.trend_table(year, years, base.cost_usd, doubling_years),
                       trends.summary(doubling_years), basis, base_basis)


def price_year(date: str) -> int | None:
    """The year of a profile's price date ("2020-06" → 2020), or None when it has none."""
    head = str(date).strip()[:4]
    return int(head) if head.isdigit() else None


def contrast_inputs() -> ct.ContrastInputs:
    """GPT-3's estimated and published training energy, AlphaGo's power and game length, from the
    presets and profiles the rest of the tool uses."""
    gpt3 = api.run(preset_id=GPT3_PRESET)
    alphago = api.run(preset_id=ALPHAGO_PRESET)
    return ct.ContrastInputs(
        gpt3_energy_kwh=gpt3.estimate.energy_kwh,
        gpt3_energy_source=f"estimate of preset {GPT3_PRESET} ({gpt3.preset.title})",
        gpt3_published_energy_kwh=gpt3.preset.published.get("energy_kwh"),
        alphago_power_w=alphago.profile.power.average_w,
        alphago_power_source=f"profile {alphago.profile.id}: {alphago.profile.power.source}",
        alphago_game_hours=alphago.scenario.hours,
        gpt3_energy_range_kwh=gpt3.estimate.range.get("energy_kwh"), gpt3_energy_basis=gpt3.estimate.basis("energy_kwh"),
        alphago_power_range_w=alphago.profile.power.average_range_w,
        alphago_power_basis=PREDICTION if alphago.profile.power.fit_group else STATED,  # its profile's range
    )


def contrast_report() -> tuple[ct.Contrast, ...]:
    return ct.contrasts(contrast_inputs())
