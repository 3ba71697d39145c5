"""Subcommand: plan — the layouts of a model on a number of devices that fit memory, ranked by the run's time,
or the fewest devices that meet a deadline or a budget (``estimator.services.training.plan``)."""

from __future__ import annotations

import io
import sys

from estimator.cli.estimate_cmds import add_site_args
from estimator.cli.input_args import add_input_args
from estimator.core.base.interval import STATED
from estimator.core.base.number_text import as_typed, count_text, gfmt
from estimator.core.base.units import S_PER_DAY
from estimator.core.training import plan as core_plan
from estimator.core.training.memory import TIGHT_MEMORY_SHARE, capacity_gb_text
from estimator.core.training.plan import ADDED_STAGE_BALANCE, ROOMY_WITHIN, VP_CHOICES
from estimator.report import humanize as hz
from estimator.report.csv_cells import safe_writer
from estimator.report.export import context_cells, dump_json
from estimator.report.provenance import context, tool_info, tool_line
from estimator.services.inputs import PLAN
from estimator.services.training import plan as plan_service

FORMATS = ("table", "json", "csv")
MODEL_NAMES = ("model", "params", "layers", "d_model", "heads", "kv_heads", "head_dim", "vocab", "ffn", "mlp", "experts",
               "experts_per_token", "active_params")
LAYOUT_NAMES = ("tp", "pp", "cp", "ep", "zero", "micro_batch", "activation_recompute", "attention_kernel",
                "expert_overlap", "vp", "etp")
RANGED = plan_service.PLAN_RANGED
SITE_COLUMNS = ("power_w", "power_origin", "power_includes_host", "pue", "pue_origin", "region", "cloud",
                "carbon_intensity_g_per_kwh", "carbon_intensity_source", "price_basis", "price_usd_per_device_hour",
                "electricity_usd_per_kwh", "wue_l_per_kwh", "ewif_l_per_kwh", "embodied_kg_co2e_per_device",
                "lifetime_years")
CSV_COLUMNS = ("rank", "devices", "tp", "pp", "cp", "ep", "etp", "dp", "vp", "zero", "micro_batch", "recompute",
               "global_batch", "global_batch_tokens", "seq_len", "tokens_per_s_per_device", "mfu_model_flops",
               "hfu_hardware_flops", "model_flops_per_token", "hardware_flops_per_token", "peak_flops_per_s",
               "step_seconds", "memory_per_device_gb", "device_memory_gb", "memory_tight", "wall_clock_s", "device_hours", "energy_kwh", "co2e_kg",
               "cost_usd", "embodied_co2e_kg", "water_l",
               # each ranged figure's 80% range, as the text and the JSON give it (CLI review 2026-11-27: the CSV had none)
               *(f"{k}_{end}" for k in RANGED for end in ("low", "high")), "range_level",
               # the ranges that are stated, not prediction intervals at range_level (diff review 2026-11-30: the
               # embodied carbon's and the water's had stood under 0.8 with no word)
               "stated_ranges",
               # the site each row's energy, CO₂e, cost, embodied carbon and water are at, as `estimate`'s CSV names
               # them (provenance.CONTEXT_COLUMNS; researcher review 2026-12-02: the JSON's assumptions had no column)
               *SITE_COLUMNS,
               "hardware", "precision", "tool")


def plan_kwargs(args) -> dict:
    names = MODEL_NAMES + ("tokens", "devices", "deadline_days", "budget_usd", "precision", "seq_len",
                           "global_batch_tokens") + LAYOUT_NAMES + ("power_w", "pue", "carbon_intensity_g_per_kwh",
                                                                   "country", "region", "cloud",
                                                                   "price_usd_per_device_hour",
                                                                   "electricity_usd_per_kwh", "hardware")
    return {k: getattr(args, PLAN[k].cli_dest) for k in names}


def _decimals(ran: float, asked: float) -> int:
    """Decimals enough for a batch's change to show where its figures differ (consistency review 2026-12-01: 4.18 ×
    10⁶ of 4.19 × 10⁶ read "-0%"): none from 1% on, else one or two."""
    change = abs(ran / asked - 1)
    return 0 if change >= 0.01 else 1 if change >= 0.001 else 2


def table_text(report: plan_service.PlanReport) -> str:
    r = report
    # the batch asked, and the best layout's where its whole micro-batches make it another (researcher review
    # 2026-11-29: "~4.19 × 10⁶" headed a plan whose best step held 6.29 × 10⁶, +50%)
    ran = r.best.planned.layout.global_batch * r.seq_len if r.best is not None else r.global_batch_tokens
    asked = f"global batch {count_text(r.global_batch_tokens, 3)} tokens ({r.batch_whose})"
    # every rounding said, in whole tokens where three figures do not show it (researcher review 2026-12-02: 7
    # devices ran 4,186,112 of the 4,194,304 asked, unsaid)
    ran_text = (count_text(ran, 3) if count_text(ran, 3) != count_text(r.global_batch_tokens, 3) else f"{ran:,.0f}")
    batch = (asked if ran == r.global_batch_tokens else
             f"{asked}, the best layout's {ran_text} ({hz.signed_percent(ran / r.global_batch_tokens - 1, _decimals(ran, r.global_batch_tokens))}: whole "
             "micro-batches)")
    fewest = f"; the fewest that meet the {r.target}" if r.target is not None else ""
    out = [f"Plan: {r.model} ({gfmt(r.params, 3)} parameters) on {r.devices:,} × {r.hardware_name} ({r.precision}"
           f"{fewest}), {as_typed(r.tokens)} tokens, sequence {r.seq_len:,}, {batch}"]
    if r.target is not None:
        target = (f"deadline {gfmt(r.target_value, 3)} days" if r.target == "deadline"
                  else f"budget {hz.money_given(r.target_value)}")
        fast = r.fastest_within
        if fast is not None and fast["devices"] != r.devices:
            # the budget's other end first, as the Plan page leads with it (review 2026-11-27: the headline named the
            # fewest devices' 20-year run, which the fastest plan beat on time and on cost)
            cheaper = " (faster and cheaper than the fewest devices' plan below)" if r.fastest_is_cheaper else ""
            out.append(f"Fastest the {target} pays for: {hz.human('wall_clock_s', fast['wall_clock_s'])} on "
                       f"{fast['devices']:,} devices, {hz.budget_cost(fast['cost_usd'], r.budget)}{cheaper}")
        # met at a batch far from the one the plan starts from: said on the line (planner review 2026-12-03)
        far = r.best_batch_moved
        out.append(f"Fewest devices for the {target}: {r.devices:,}"
                   + (f" (at the best layout's global batch, {hz.signed_percent(ran / r.global_batch_tokens - 1, 1)}: "
                      "see the notes)" if far else ""))
    meet = f" and meet the {r.target}" if r.target is not None else ""
    within = f" in the profile's {capacity_gb_text(r.capacity_gb)} a device" if r.capacity_gb else ""
    out.append(f"{len(r.rows)} fastest of the layouts that fit{within}{meet}, a tight one after the fastest with room "
               f"within {ROOMY_WITHIN - 1:.0%} of its time ({r.considered:,} layouts considered; "
               f"{r.timed:,} step "
               + (f"times, each interleaving of those that fit ({', '.join(map(str, VP_CHOICES[:-1]))} or "
                  f"{VP_CHOICES[-1]} chunks a stage, the busiest chunk within {ADDED_STAGE_BALANCE - 1:.0%} of the "
                  "average)" if r.vp_given is None else f"times at the interleaving given, {r.vp_given} chunk"
                  f"{'s' if r.vp_given > 1 else ''} a stage") + "); MFU in model FLOPs, HFU in hardware FLOPs (recomputation "
               "included), of the precision's peak; PP p×v: p stages of v interleaved chunks each (estimate's --pp p "
               f"--vp v); GB/dev marked *: above {TIGHT_MEMORY_SHARE:.0%} of the device's memory, tight")
    out.append("")
    head = (f"{'#':>2}  {'layout':<58} {'tok/s/dev':>9} {'MFU':>6} {'HFU':>6} {'GB/dev':>7} {'days':>7} "
            f"{'cost':>9} {'CO₂e':>11}")
    out += [head, "-" * len(head)]
    for i, row in enumerate(r.rows, 1):
        p, e, lay = row.planned, row.estimate, row.planned.layout
        words = (f"{core_plan.layout_split_short(lay)}, ZeRO-{lay.zero_stage}, mb {lay.micro_batch}, "
                 f"{core_plan.recompute_short(lay)}")
        cost = "n/a" if e.cost_usd is None else hz.budget_cost(e.cost_usd, r.budget)
        gb_cell = hz.plan_memory_cell(p.memory.total_gb, r.capacity_gb)
        out.append(f"{i:>2}  {words:<58} {hz.plan_tokens_cell(p.step.tokens_per_s_per_device):>9} {p.step.mfu:>6.1%} "
                   f"{p.step.hfu:>6.1%} {gb_cell:>7} {hz.plan_days_cell(e.wall_clock_s / S_PER_DAY):>7} {cost:>9} "
                   f"{hz.human('co2e_kg', e.co2e_kg):>11}")
    best = r.best
    if best is not None:
        e = best.estimate
        lo, hi = e.range["wall_clock_s"]
        # on how many devices, where they were searched for (researcher review 2026-11-27: a budget's "Best: 2.99
        # years" under "Fastest the budget pays for: 12.6 days" read as a contradiction)
        # and that they are the fewest that meet it (researcher review 2026-11-29: a $30M budget's "Best on 24 devices:
        # 19.0 years" read as the plan the budget buys)
        on = f" on the fewest devices that meet the {r.target}, {r.devices:,}" if r.target is not None else ""
        out += ["", f"Best{on}: {hz.human('wall_clock_s', e.wall_clock_s)} ({e.level:.0%} range {hz.human_range('wall_clock_s', lo, hi, e.wall_clock_s)}), "
                    f"{hz.human('device_hours', e.device_hours)}, {hz.human('energy_kwh', e.energy_kwh)}, "
                    f"{hz.human('co2e_kg', e.co2e_kg)}"
                    + ("" if e.cost_usd is None else f", {hz.budget_cost(e.cost_usd, r.budget)}")]
        # on a line of its own, the Best line ending at its cost (a budget's lines are read against it)
        out += [f"Its footprint: {w}" for w in plan_service.footprint_words(e)]
    for n in r.notes:
        out.append(f"note: {n}")
    out.append(tool_line(None))
    return "\n".join(out) + "\n"


def csv_text(report: plan_service.PlanReport) -> str:
    buf = io.StringIO()
    w = safe_writer(buf)  # formula-looking text cells neutralised (csv_cells)
    w.writerow(CSV_COLUMNS)
    tool = f"{tool_info()['name']} {tool_info()['version']}"
    for i, row in enumerate(report.rows, 1):
        p, e, lay = row.planned, row.estimate, row.planned.layout
        # the experts' tensor-parallel degree (1: whole on each device), empty without expert parallelism
        etp = core_plan.layout_dict(lay).get("etp", "")
        site = context(e)
        w.writerow([i, lay.devices, lay.tp, lay.pp, lay.cp, lay.ep, etp, lay.dp, lay.vp, lay.zero_stage, lay.micro_batch,
                    lay.recompute, lay.global_batch, lay.global_batch * lay.seq_len, lay.seq_len,
                    repr(p.step.tokens_per_s_per_device), repr(p.step.mfu), repr(p.step.hfu),
                    repr(p.step.model_flops_per_token), repr(p.step.hardware_flops_per_token),
                    "" if report.peak_flops_per_s is None else repr(report.peak_flops_per_s),
                    repr(p.step.seconds), repr(p.memory.total_gb),
                    "" if report.capacity_gb is None else repr(report.capacity_gb),
                    int(report.memory_tight(row)), repr(e.wall_clock_s),
                    repr(e.device_hours), repr(e.energy_kwh), repr(e.co2e_kg),
                    *("" if x is None else repr(x) for x in (e.cost_usd, e.embodied_co2e_kg, e.water_l)),
                    *("" if e.range.get(k) is None or e.range[k][i_end] is None else repr(e.range[k][i_end])
                      for k in RANGED for i_end in (0, 1)), repr(e.level),
                    " ".join(k for k in RANGED if k in e.range and e.basis(k) == STATED),
                    *context_cells({k: site[k] for k in SITE_COLUMNS}), report.hardware_id, report.precision, tool])
    return buf.getvalue()


def cmd_plan(args):
    report = plan_service.plan(**plan_kwargs(args))
    if args.format == "json":
        sys.stdout.write(dump_json({"tool": tool_info(), **report.to_dict()}) + "\n")
    elif args.format == "csv":
        sys.stdout.write(csv_text(report))
    else:
        sys.stdout.write(table_text(report))


def register(sub):
    p = sub.add_parser("plan", help="the parallel layouts of a training run that fit memory, ranked by time, a tight "
                                    "one after the fastest with room within 5%% of it (or the fewest devices for a "
                                    "deadline or budget)")
    m = p.add_argument_group("the model (a catalog model, the parameters, or the architecture)")
    add_input_args(m, PLAN, MODEL_NAMES)
    r = p.add_argument_group("the run")
    add_input_args(r, PLAN, ("tokens",))
    add_input_args(r.add_mutually_exclusive_group(), PLAN, ("devices", "deadline_days", "budget_usd"))
    add_input_args(r, PLAN, ("precision", "seq_len", "global_batch_tokens", "hardware"))
    lay = p.add_argument_group("fix part of the layout (default: the planner tries the choices)")
    add_input_args(lay, PLAN, LAYOUT_NAMES)
    s = p.add_argument_group("site (for the cost and CO2e)")
    add_site_args(s, PLAN)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_plan)
