"""Subcommands: scaling (chinchilla, diminishing, trend), contrasts (inference: ``inference_cmd``).

Every command calls ``estimator.services.limits.reports`` (as the app does) and prints a table or JSON.
"""

from __future__ import annotations

import sys

from estimator.cli.estimate_cmds import add_site_args
from estimator.cli.input_args import add_input_args
from estimator.core.base.errors import InputError
from estimator.core.base.interval import LEVEL, PREDICTION, STATED
from estimator.core.base.number_text import gfmt
from estimator.laws import contrasts, scaling, trends
from estimator.laws import diminishing as dm
from estimator.report import export
from estimator.report import humanize as hz
from estimator.report.provenance import tool_info
from estimator.services import api
from estimator.services.inputs import BUDGETS as BUDGET_INPUTS
from estimator.services.inputs import CHINCHILLA, CHINCHILLA_SIZE_NAMES, DIMINISHING, SETTING, TREND, setting_hardware
from estimator.services.limits import notes as limits_notes
from estimator.services.limits import reports as limits


def _dump(data) -> None:
    """A command's JSON, the tool's name and version first (``tool``, as every JSON the CLI prints: issue 55)."""
    sys.stdout.write(export.dump_json({"tool": tool_info(), **data}) + "\n")


def _table(rows, notes=()) -> None:
    rows = [(str(k), str(v)) for k, v in rows]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k.ljust(width)}  {v}")
    for n in notes:
        print(f"  · {n}")


def add_setting_args(p, hardware_default=None, training=True, default_text=None, inputs=SETTING,
                     formats=("table", "json")):
    """--hardware and the scenario settings every cost uses (as in `estimate`); ``inputs``: the command's
    declarations (``inputs.CHINCHILLA`` and the like; serving's for `inference`), whose hardware is the one
    declared there; where they declare none, ``hardware_default`` (argparse's) and ``default_text`` (the
    default said in words, where the service chooses it) make it."""
    hardware = inputs.get("hardware") or setting_hardware(hardware_default, default_text or hardware_default)
    add_input_args(p, {"hardware": hardware}, ("hardware",))
    s = p.add_argument_group("setting (defaults come from the hardware profile)")
    add_input_args(s, inputs, (("devices", "precision") if training else ()) + ("utilization",))
    add_site_args(s, inputs)
    p.add_argument("--format", choices=formats, default="table")


def setting(args) -> dict:
    return {k: getattr(args, k, None) for k in limits.RUN_KEYS + ("country", "region", "cloud")}


def _ranged(e, key, fmt) -> str:
    """The value, and its range where it has one ("exact" where the range is a point), marked " (stated)"
    where its sources state it, as `estimate` marks it (``export.range_tag``; audit: scaling left it unmarked)."""
    value = getattr(e, key)
    low, high = e.range.get(key, (None, None))
    if value is None or low is None or high is None:
        return fmt(value)
    if low == high:
        return f"{fmt(value)} (exact)"
    ends = hz.range_ends(fmt, low, high)  # a cost's ends take the figures they need (a range is never "exact")
    return f"{fmt(value)} (range {ends[0]} – {ends[1]}){export.range_tag(e, key)}"


def est_range_note(*ests, exact: str) -> str | None:
    """What the estimates' "range" in these tables is (user-journey review: printed without saying), read
    from each figure's basis as the Limits page reads it (review: the brain's are stated, not fitted), and
    what it leaves out: the law's own inputs, ``exact``. None when no figure has a range."""
    bases = {e.basis(k) for e in ests for k in ("wall_clock_s", "energy_kwh", "co2e_kg", "cost_usd")}
    # worded as `estimate`'s legend (interval.RANGE_MEANING): a stated range is marked, and no prediction interval
    # is claimed for it (audit: "80% prediction intervals … and as their sources state them" over unmarked ranges)
    kinds = [text for basis, text in ((PREDICTION, f"unmarked ones are {LEVEL:.0%} prediction intervals from the "
                                                   "utilisation and power fits"),
                                      (STATED, "those marked \"stated\" are as their sources state them, with no "
                                               "measured coverage")) if basis in bases]
    return f"ranges: {'; '.join(kinds)}, as `estimate` gives them; {exact} taken as exact" if kinds else None


def _est_rows(e, prefix=""):
    return [(f"{prefix}time", f"{_ranged(e, 'wall_clock_s', hz.duration)} on {hz.count(e.devices)} × {e.hardware_id}"),
            (f"{prefix}energy", _ranged(e, "energy_kwh", hz.energy)), (f"{prefix}CO₂e", _ranged(e, "co2e_kg", hz.co2e)),
            (f"{prefix}cost", _ranged(e, "cost_usd", hz.money))]


# ---------------------------------------------------------------------------------------- scaling


BUDGETS = tuple((i.name, kind) for kind, i in BUDGET_INPUTS.items())


def cmd_chinchilla(args):
    budget = [(kind, getattr(args, a)) for a, kind in BUDGETS if getattr(args, a) is not None]
    est = None
    if budget:
        kind, value = budget[0]
        res, est = limits.budget_model(kind, value, args.hardware, setting(args), args.method, args.tokens_per_param)
        model, out = res.model, res.to_dict()
    else:
        if args.flops is None:
            raise InputError("give --flops or a budget (--budget-usd, --budget-kwh or --budget-tco2e)")
        model, est, omitted = limits.flops_model(args.flops, args.hardware or None, setting(args), args.method,
                                                 args.tokens_per_param)
        out = model.to_dict()
        if omitted:
            out["estimate_omitted"] = omitted
    if est is not None:
        out["estimate"] = api.summary_dict(est)
    if args.format == "json":
        return _dump(out)
    rows = []
    if budget:
        key, scale, _ = scaling.BUDGET_KINDS[kind]  # the budget in the estimate's unit, shown as its result is
        on = est.hardware_id if est is not None else args.hardware  # the profile a name resolved to (review 11)
        rows.append(("budget", f"{hz.human(key, value / scale)} on {on}"))
    def bought(fmt, name):
        # a budget's FLOPs, parameters and tokens with the range of what it buys (laws.scaling.BudgetResult)
        value = fmt(getattr(model, name))
        if not budget or res.low is None or res.high is None:
            return value
        return f"{value} (range {fmt(getattr(res.low, name))} – {fmt(getattr(res.high, name))})"
    rows += [("training FLOPs", bought(hz.flops, "flops")), ("parameters", bought(hz.count, "params_opt")),
             ("tokens", bought(hz.count, "tokens_opt")), ("tokens per parameter", hz.sig(model.tokens_per_param)),
             ("predicted loss", scaling.LOSS_BEYOND_WORDS if scaling.meaningful_loss(model.loss_opt) is None else
              f"{model.loss_opt:.3f} {scaling.LOSS_UNIT}" + (  # 3 decimals, as the Limits page
                 f" (range {min(res.low.loss_opt, res.high.loss_opt):.3f} – {max(res.low.loss_opt, res.high.loss_opt):.3f})"
                 if budget and res.low is not None and res.high is not None
                 and None not in (scaling.meaningful_loss(res.low.loss_opt), scaling.meaningful_loss(res.high.loss_opt))
                 else ""))]
    if est is not None:
        rows += _est_rows(est)
    extrapolated = res.extrapolated if budget else model.extrapolated
    notes = ([extrapolated] if extrapolated else []) + [model.source, scaling.SOURCE_LOSS] + (
        [out["estimate_omitted"]] if "estimate_omitted" in out else []) + (
        [est_range_note(est, exact="the split and the law's constants are")] if est is not None and not budget else [])
    notes = [n for n in notes if n]
    if budget:
        notes.append(limits.budget_note(res, est))
    _table(rows, notes)


def cmd_diminishing(args):
    rep = limits.diminishing_report(args.current_error, args.target_error, args.exponent, base_flops=args.base_flops,
                                    base_preset=args.base_preset, hardware=args.hardware, setting=setting(args))
    r = rep.result
    if args.format == "json":
        return _dump({**r.to_dict(), "base_source": rep.base_source, "base": api.summary_dict(rep.base),
                      "target": api.summary_dict(rep.target)})
    digits = next(d for d in range(6, 18) if f"{r.current_error:.{d}g}" != f"{r.target_error:.{d}g}")
    _table([("error", f"{gfmt(r.current_error, digits)} → {gfmt(r.target_error, digits)}  (error ∝ compute^−{gfmt(r.exponent, 4)})"),
            ("compute multiplier", hz.times(r.compute_multiplier)),
            ("to halve the error", f"{hz.times(r.halving_multiplier)} compute"),
            ("base workload", hz.flops(r.base_flops)), *_est_rows(rep.base, "  base "),
            ("target workload", hz.flops(r.target_flops)), *_est_rows(rep.target, "  target ")],
           [dm.SOURCE, f"base: {rep.base_source}",
            f"the lecture's claim ({dm.CLAIM_TEXT} {dm.CLAIM_FROM_TEXT}) implies k = {dm.CLAIM_EXPONENT:.3f}",
            *([rep.cost_note] if rep.cost_note else []),
            *[f"{n} (the exponent moves the multiplier most: it is (current ÷ target error)^(1/k))" for n in
              [est_range_note(rep.base, rep.target, exact="the errors, the base and the exponent are")] if n]])


def cmd_trend(args):
    rep = limits.trend_report(args.flops, args.hardware, args.years, args.start_year, args.doubling_years, setting(args))
    s, t = rep.summary, rep.table
    if args.format == "json":
        return _dump({"base": api.summary_dict(rep.base), "base_basis": rep.base_basis, "start_year": rep.start_year,
                      "start_year_basis": rep.start_year_basis, "summary": s.to_dict(), "rows": t.rows()})
    as_ = f", {rep.base_basis}" if rep.base_basis else ""
    print(f"A fixed workload: {hz.flops(rep.base.flops)} on {rep.base.hardware_id}{as_}, {hz.money(rep.base.cost_usd)} "
          f"in {rep.start_year} ({rep.start_year_basis}); FLOP/s per $ doubles every {gfmt(s.price_perf_doubling_years)} "
          "years.\n")
    # "range": the doubling time's 95% interval only (zero width in the base year), not an estimate's 80% range;
    # no column where the source states no interval for the doubling time (trends.interval_note says so)
    ranged = t.workload_cost_low_usd is not None
    header = ("year", "cost", *([f"doubling-time {trends.PRICE_PERF_RANGE_LEVEL:.0%} range"] if ranged else []),
              "+ algorithms (what-if)", "frontier compute × (what-if)", "peak FLOP/s ×", "DRAM BW ×")
    lows, highs = (t.workload_cost_low_usd, t.workload_cost_high_usd) if ranged else ([None] * len(t.year),) * 2
    rows = [(f"{y}", hz.money(c), *([f"{hz.money(lo)}–{hz.money(hi)}"] if ranged else []), hz.money(a), hz.sci(g),
             hz.sci(p), hz.sci(b))
            for y, c, lo, hi, a, g, p, b in zip(t.year, t.workload_cost_usd, lows, highs, t.workload_cost_with_algorithms_usd,
                                                 t.training_compute_growth, t.peak_flops_growth, t.dram_bandwidth_growth)]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(x.rjust(w) for x, w in zip(r, widths)))
    print()
    _table([("price-performance", f"×{gfmt(s.price_perf_per_year, 3)} per year; 10× cheaper every {gfmt(s.years_to_10x_cheaper, 3)} years"),
            ("frontier training compute", f"×{gfmt(s.training_compute_per_year, 3)} per year "
                                          f"({gfmt(trends.TRAINING_COMPUTE_DOUBLING_MONTHS)}-month doubling, 2012–18)"),
            ("frontier spend, if both held", f"×{gfmt(s.frontier_spend_per_year, 3)} per year"),
            # the rate measured since, as the compute-growth slide leads with it (lecturer review 2026-11-29: the slide
            # said ×4.6, this table ×11.5 alone)
            ("frontier compute, measured", f"×{gfmt(trends.MEASURED_COMPUTE_GROWTH_PER_YEAR)} per year, "
                                           f"{trends.MEASURED_COMPUTE_YEARS} (×{gfmt(trends.MEASURED_COMPUTE_GROWTH_RANGE_PER_YEAR[0])}"
                                           f"–{gfmt(trends.MEASURED_COMPUTE_GROWTH_RANGE_PER_YEAR[1])}); spend "
                                           f"×{gfmt(s.measured_spend_per_year, 3)} per year"),
            ("memory wall", f"{trends.MEMORY_WALL_LABEL}: gap ×{gfmt(s.memory_wall_gap_20y, 3)} in {trends.MEMORY_WALL_YEARS} years")],
           [trends.PRICE_PERF_SOURCE, s.price_perf_interval_note, trends.TRAINING_COMPUTE_SOURCE,
            f"frontier compute, measured: {trends.MEASURED_COMPUTE_SOURCE}",
            f"+ algorithms: also {trends.ALGORITHMIC_LABEL} ({trends.ALGORITHMIC_SOURCE})",
            f"frontier compute × (what-if): the {gfmt(trends.TRAINING_COMPUTE_DOUBLING_MONTHS)}-month doubling measured for "
            "2012–18, carried forward",
            trends.MEMORY_WALL_SOURCE])


# ---------------------------------------------------------------------------------------- contrasts


def cmd_contrasts(args):
    items = limits.contrast_report()
    if args.format == "json":
        return _dump({c.key: c.to_dict() for c in items})
    _table([(c.label, f"{limits_notes.contrast_text(c)}   [{c.detail}]") for c in items],
           [contrasts.world_electricity_note()])


def register(sub):
    p = sub.add_parser("scaling", help="scaling laws, diminishing returns and trends")
    ssub = p.add_subparsers(dest="scaling_command", metavar="SUBCOMMAND", parser_class=type(p))
    ssub.required = True

    q = ssub.add_parser("chinchilla", help="compute-optimal parameters, tokens and loss for FLOPs or a budget")
    add_input_args(q.add_mutually_exclusive_group(), CHINCHILLA, CHINCHILLA_SIZE_NAMES)
    add_input_args(q, CHINCHILLA, ("method", "tokens_per_param"))
    add_setting_args(q, inputs=CHINCHILLA)
    q.set_defaults(func=cmd_chinchilla)

    q = ssub.add_parser("diminishing", help="compute multiplier for a lower error, with error ∝ compute^(−k)")
    add_input_args(q, DIMINISHING, ("current_error", "target_error", "exponent"))
    add_input_args(q.add_mutually_exclusive_group(), DIMINISHING, ("base_flops", "base_preset"))
    add_setting_args(q, inputs=DIMINISHING)
    q.set_defaults(func=cmd_diminishing)

    q = ssub.add_parser("trend", help="a fixed workload's cost over the years vs frontier compute and the memory wall")
    add_input_args(q, TREND, ("flops", "years", "start_year", "doubling_years"))
    add_setting_args(q, inputs=TREND)
    q.set_defaults(func=cmd_trend)

    p = sub.add_parser("contrasts", help="GPT-3 and AlphaGo against a 20 W brain; world electricity")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_contrasts)


