"""The planner at the edge (``python -m estimator plan`` and the Plan page): the layouts that fit memory ranked by
time, each with the run's figures; given a deadline or a budget instead of devices, the fewest devices that meet it.
The step model's setup it shares with ``estimate`` is ``step_setup``'s.

Pure search and arithmetic live in ``estimator.core.training.plan``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError, ResultOutOfBounds
from estimator.core.base.interval import WHOLE_RUN_LONGER
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import S_PER_DAY, S_PER_HOUR
from estimator.core.hardware.profile import HGX_SERVER_DEVICES, precision_name
from estimator.core.training import memory as mem
from estimator.core.training import plan as core_plan
from estimator.core.training import step as core_step
from estimator.core.training.estimate import Estimate, estimate
from estimator.core.training.plan import (
    PlannedLayout,
    SearchSpace,
    StepRange,
    StepRun,
    WholeRunFit,
)
from estimator.core.training.step import PRECISIONS as STEP_PRECISIONS
from estimator.core.training.step import (
    missing_links,
    step_hardware,
)
from estimator.core.training.words import beyond_published_devices_words, unfitted_precision_note
from estimator.core.workload.scenario import Scenario
from estimator.report import humanize as hz
from estimator.report.export import whole_run_words
from estimator.report.statement import given_figure
from estimator.services.training.step_notes import (
    batch_rounded_note,
    beyond_context_note,
    cross_node_note,
    device_matmul_note,
    expert_overlap_note,
    kv_heads_split_note,
    no_faster_peak_note,
    outside_fit_note,
    pcie_card_links_note,
    sharded_pipeline_note,
    uneven_stages_note,
    zero3_gathers_note,
)
from estimator.services.training.step_setup import (
    ILLUSTRATIVE_ORIGIN,
    ILLUSTRATIVE_TRAIN_TOKENS,
    SEQ_TIMED,
    batch_whose,
    check_batch_holds_a_sequence,
    check_model_batch_holds_a_sequence,
    check_overlap_has_experts,
    check_split_divides,
    default_seq_note,
    etp_given,
    expert_overlap_of,
    illustrative_tokens_note,
    larger_batch_note,
    larger_batch_tried,
    model_batch,
    model_seq_len,
    plan_precision,
    planned_precisions,
    predates_the_step_fit,
    published_tokens_note,
    resolve_model,
    run_batch_tokens,
    step_model,
    tp_from_etp,
    vp_of,
    whole_run_at_fit,
)

# A plan of a size alone times the catalog shape nearest it; `estimate` of the same size alone does not (SIZE_ALONE_NOTE)
PLAN_SIZE_ALONE_NOTE = ("a size alone: its layouts are the shape named above, assumed; `estimate` of the size alone times "
                        "the run from the utilisation fitted to published whole runs instead, usually longer, and a "
                        "catalog model, a shape or a layout given to it is timed as here")


def tight_plan_note(rows: tuple, capacity_gb: float) -> str | None:
    """Where the plan's best layout is tight (``mem.is_tight``): said, with the fastest listed layout that has room and
    how much slower it is; None where the best has room."""
    if not rows or not mem.is_tight(gb := rows[0].planned.memory.total_gb, capacity_gb):
        return None
    roomy = next(((i, r) for i, r in enumerate(rows, 1)
                  if r.planned.memory.total_gb <= mem.TIGHT_MEMORY_SHARE * capacity_gb), None)
    # (researcher review 2026-11-29: "no layout listed has more room" beside layouts listed at 81.4 and 78.3 GB of 85.5:
    # more room than the best, though tight too)
    instead = (f"every layout listed is above {mem.TIGHT_MEMORY_SHARE:.0%} of it too" if roomy is None else
               f"the fastest listed with room: #{roomy[0]}, {core_plan.layout_words(roomy[1].planned.layout)}, "
               f"{mem.gb(roomy[1].planned.memory.total_gb)} GB, "
               f"{roomy[1].planned.run_seconds / rows[0].planned.run_seconds - 1:.1%} slower")
    return (f"memory: the best layout is tight, {mem.gb(gb)} GB a device, {gb / capacity_gb:.0%} of "
            f"{mem.capacity_gb_text(capacity_gb)}: {mem.TIGHT_WORDS}; {instead}")


def roomy_first_note(rows: tuple, capacity_gb: float) -> str | None:
    """Where a tight layout listed is faster than the best, which has room (``core_plan.ROOMY_WITHIN``): said, with how
    much faster; None else."""
    if not rows or mem.is_tight(rows[0].planned.memory.total_gb, capacity_gb):
        return None
    tight = next(((i, r) for i, r in enumerate(rows, 1) if mem.is_tight(r.planned.memory.total_gb, capacity_gb)
                  and r.planned.run_seconds < rows[0].planned.run_seconds), None)
    if tight is None:
        return None
    i, r = tight
    return (f"memory: the best layout keeps room ({mem.gb(rows[0].planned.memory.total_gb)} GB a device); #{i}, "
            f"{core_plan.layout_words(r.planned.layout)}, is {1 - r.planned.run_seconds / rows[0].planned.run_seconds:.1%} "
            f"faster at {mem.gb(r.planned.memory.total_gb)} GB, {r.planned.memory.total_gb / capacity_gb:.1%} of "
            f"{mem.capacity_gb_text(capacity_gb)}: {mem.TIGHT_WORDS}; a layout with room leads one within "
            f"{core_plan.ROOMY_WITHIN - 1:.0%} of its time")


# An MFU from here up is said in whole percents (38%), below it to three figures (0.458%): a design choice of the note's
WHOLE_PERCENT_FROM = 0.1


def fewer_devices_note(best: PlannedLayout, half: PlannedLayout | None) -> str | None:
    """Where the best layout on half the devices, at the same batch, runs the whole run faster: said, with its time,
    MFU and layout (more devices than the batch keeps busy); None where it does not."""
    if half is None or half.run_seconds >= best.run_seconds:
        return None
    # the same global batch asked for, each count's replicas rounding it to whole micro-batches (diff review 2026-11-29)
    return (f"fewer devices are faster at this global batch (each count rounds it to whole micro-batches): on "
            f"{half.devices:,}, half these, the best layout takes "
            # in the unit the time reaches and the MFU to its figures (planner review 2026-12-03: a 8,192-token run
            # read "0.0 days against 0.0, MFU 1% against 0%")
            f"{hz.human('wall_clock_s', half.run_seconds)} against {hz.human('wall_clock_s', best.run_seconds)}, MFU "
            f"{hz.share(half.step.mfu, 0 if half.step.mfu >= WHOLE_PERCENT_FROM else None)} against "
            f"{hz.share(best.step.mfu, 0 if best.step.mfu >= WHOLE_PERCENT_FROM else None)} ({core_plan.layout_words(half.layout)}), for under half "
            "the device-hours: the batch cannot keep more devices busy")


def whole_run_note(w: WholeRunFit) -> str:
    """The plan's note on the same FLOPs at the utilisation fitted to whole runs (``PlanReport.whole_run_fit``)."""
    return f"the best layout's time is a tuned stack's; {whole_run_words(w, core_plan.LEVEL)}"



# each row's figures with a range (estimate's), the footprint's stated ones last
PLAN_RANGED = ("wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd", "embodied_co2e_kg", "water_l")


def footprint_words(e: Estimate) -> tuple[str, ...]:
    """The embodied carbon and water of a plan's layout, each with its stated range, in one phrase (none where
    neither is known), as estimate gives them: the CLI's line under "Best:" and the Plan page say it."""
    parts = [f"{label} {hz.human(k, v)} (stated range {hz.human_range(k, *e.range[k], v)})"
             for label, k in (("embodied", "embodied_co2e_kg"), ("water", "water_l"))
             if (v := getattr(e, k)) is not None and k in e.range]
    return (", ".join(parts),) if parts else ()


@dataclass(frozen=True)
class PlanRow:
    """One layout of a plan with the run's figures (``estimate`` with the step model's time)."""

    planned: PlannedLayout
    estimate: Estimate

    def to_dict(self) -> dict:
        e = self.estimate
        lay = self.planned.layout
        return {"layout": core_plan.layout_dict(lay), "layout_words": core_plan.layout_words(lay),
                "tokens_per_s_per_device": self.planned.step.tokens_per_s_per_device,
                "mfu": self.planned.step.mfu, "hfu": self.planned.step.hfu,
                # what they count, so that tokens/s × FLOPs per token ÷ the peak (the plan's peak_flops_per_s) gives
                # them (planner review 2026-12-03: the MFU could not be checked from the JSON or the CSV)
                "model_flops_per_token": self.planned.step.model_flops_per_token,
                "hardware_flops_per_token": self.planned.step.hardware_flops_per_token,
                "step_seconds": self.planned.step.seconds, "memory_per_device_gb": self.planned.memory.total_gb,
                "memory_gb": self.planned.memory.to_dict(),
                "wall_clock_s": e.wall_clock_s, "wall_clock_days": e.wall_clock_s / S_PER_DAY,
                "device_hours": e.device_hours, "energy_kwh": e.energy_kwh, "co2e_kg": e.co2e_kg,
                "cost_usd": e.cost_usd,
                # the devices' manufacturing share and the water, as estimate gives them (researcher review: the plan
                # had only the operational CO₂e); their ranges stated, not measured (range_basis)
                "embodied_co2e_kg": e.embodied_co2e_kg, "water_l": e.water_l,
                "range": {k: list(e.range[k]) for k in PLAN_RANGED if k in e.range},
                "range_basis": {k: e.basis(k) for k in PLAN_RANGED if k in e.range},
                "parts": core_plan.parts_dict(self.planned.step)}


@dataclass(frozen=True)
class PlanReport:
    model: str
    params: float
    shape_how: str
    hardware_id: str
    hardware_name: str
    devices: int
    tokens: float
    seq_len: int
    global_batch_tokens: float
    precision: str
    rows: tuple[PlanRow, ...]
    target: str | None             # "deadline" or "budget" when the devices were searched for
    target_value: float | None
    timed: int
    considered: int
    notes: tuple[str, ...]
    step_range: StepRange
    # with a budget: the fastest plan it pays for, {"devices", "wall_clock_s", "cost_usd"} (None: the fewest's own)
    fastest_within: Mapping | None = None
    capacity_gb: float | None = None  # the device's memory the layouts are held to (the profile's; None: no limit)
    batch_whose: str = "given"        # whose ``global_batch_tokens`` is: "given", "the default" or "the run's"
    # the same FLOPs at the utilisation fitted to published whole runs (its note's data; None where there is none)
    whole_run_fit: WholeRunFit | None = None
    tokens_of: str = "given"          # whose ``tokens`` are: "given", "model:<id>" (its published training tokens) or
    #                                   "illustrative" (none given and none published: ``ILLUSTRATIVE_TRAIN_TOKENS``)
    vp_given: int | None = None       # the interleaving given (``--vp``; None: the planner tried its choices)
    peak_flops_per_s: float | None = None  # the device's peak at the precision: what MFU and HFU divide by

    @property
    def best(self) -> PlanRow | None:
        return self.rows[0] if self.rows else None

    @property
    def budget(self) -> float | None:
        """The budget the devices were searched for (None: a deadline, or the devices given)."""
        return self.target_value if self.target == "budget" else None

    def memory_tight(self, row: PlanRow) -> bool:
        """Whether ``row``'s memory is above ``memory.TIGHT_MEMORY_SHARE`` of the device's (the table's *, the JSON's
        and the CSV's ``memory_tight``)."""
        return mem.is_tight(row.planned.memory.total_gb, self.capacity_gb or math.inf)

    @property
    def best_batch_moved(self) -> bool:
        """Whether the best layout runs a global batch its whole micro-batches moved beyond ``BATCH_HELD_WITHIN`` of
        the one the plan starts from (said on the "Fewest devices" line: planner review 2026-12-03)."""
        return self.best is not None and not core_plan.batch_held(self.best.planned.layout.global_batch, self.seq_len,
                                                                  self.global_batch_tokens)

    @property
    def fastest_is_cheaper(self) -> bool:
        """With a budget, whether its fastest plan (more devices) also costs less than the fewest devices' best: the
        fewest devices are then beaten on both (review 2026-11-27), which the CLI and the Plan page say."""
        fast, best = self.fastest_within, self.best
        return (fast is not None and fast["devices"] != self.devices and best is not None
                and best.estimate.cost_usd is not None and fast["cost_usd"] < best.estimate.cost_usd)

    def to_dict(self) -> dict:
        r = self.step_range
        return {"model": self.model, "params": self.params, "shape": self.shape_how, "hardware": self.hardware_id,
                "hardware_name": self.hardware_name, "devices": self.devices, "tokens": self.tokens,
                "seq_len": self.seq_len, "global_batch_tokens": self.global_batch_tokens,
                # whose batch it is, as the table's header says (diff review 2026-11-30)
                "global_batch_of": self.batch_whose, "tokens_of": self.tokens_of, "precision": self.precision,
                # the peak MFU and HFU divide by (the precision's)
                "peak_flops_per_s": self.peak_flops_per_s,
                "target": None if self.target is None else {"kind": self.target, "value": self.target_value,
                                                             # in days or US dollars (planner review 2026-12-03)
                                                             "unit": "days" if self.target == "deadline" else "USD",
                                                             "fastest_within": self.fastest_within,
                                                             "fastest_is_cheaper": self.fastest_is_cheaper},
                "device_memory_gb": self.capacity_gb,
                "layouts_considered": self.considered, "layouts_timed": self.timed,
                # the step model's own words, as estimate's JSON gives them (researcher review 2026-11-27: plan's
                # left out that N is the active matrices and the output projection, not the input embedding)
                "flops_convention": {k: core_step.CONVENTIONS[k] for k in ("mfu", "hfu")},
                "step_range": {"level": r.level, "factor": math.exp(r.half_log), "source": r.source,
                               "cross_validated_median_factor": r.median_factor, "cross_validated_coverage": r.coverage},
                "goodput": {"value": core_plan.GOODPUT, "range": list(core_plan.GOODPUT_RANGE),
                            "source": core_plan.GOODPUT_SOURCE},
                "assumptions": {} if self.best is None else {
                    a.name: a.to_dict() for a in site_assumptions(self.best.estimate)},
                "layouts": [{**row.to_dict(), "memory_tight": self.memory_tight(row)} for row in self.rows],
                "notes": list(self.notes)}


PLAN_SITE_KEYS = ("power_w", "pue", "carbon_intensity_g_per_kwh", "country", "region", "cloud", "price_usd_per_device_hour",
                  "electricity_usd_per_kwh")


def _site(site: Mapping) -> dict:
    from estimator.services.grid import resolve_grid_site
    out = {k: site[k] for k in ("power_w", "pue", "price_usd_per_device_hour", "electricity_usd_per_kwh")
           if site.get(k) is not None}
    ci, source, country = resolve_grid_site(site.get("carbon_intensity_g_per_kwh"), site.get("region"), site.get("cloud"),
                                            site.get("country"))
    if ci is not None:
        out.update(carbon_intensity_g_per_kwh=ci, carbon_intensity_source=source, grid_country=country)
    return out


# what a pinned interleaving or experts' tensor parallelism is called where no layout holds it
PINNED_WORDS = {"vp": "interleaving (vp)", "etp": "experts' tensor parallelism (etp)"}


def why_not_planned(profile) -> str | None:
    """Why `plan` refuses ``profile`` whatever else is given, in neutral words (None where it plans on it): no peak at
    a precision the step model times, older than every device the step model was fitted on, or no memory bandwidth
    (the step model times a layout by it). A profile that states no links is planned on one device. The one rule for
    `plan` and the Plan page's hardware list (structure review 2026-11-30: the page had restated it)."""
    if not planned_precisions(profile):
        return (f"a plan times layouts at {', '.join(STEP_PRECISIONS)}, and {profile.name}'s profile has no peak at "
                "any of them")
    if (older := predates_the_step_fit(profile)) is not None:
        return older
    if not profile.memory_bandwidth_gb_per_s:
        return f"{profile.name}'s profile states no memory bandwidth, which the step model times a layout by"
    return None


def unlinked_words(profile) -> str | None:
    """What a profile of hardware to buy lacks for `plan` and the step model to lay a run out on more than one of it,
    in words (None where it lacks nothing, and for a CPU or a reference point, which are not laid out): said by
    `profiles validate`, `profiles show` and the app's Profiles page alike (profile author's review 2026-12-01:
    `validate` said ok of a file `plan` then refused for its links)."""
    if profile.kind == "cpu" or profile.reference_point:
        return None
    links = missing_links(profile)
    return (f"it states no {', '.join(links)} in [interconnect]: `plan` and the step model lay a run out on one "
            "device of it only") if links else None


def states_no_links(profile) -> bool:
    """Whether ``profile`` lacks a link `plan` needs to lay a run out on more than one of it (``unlinked_words`` says
    which)."""
    return bool(missing_links(profile))


def lays_out_many(profile) -> bool:
    """Whether `plan` can lay a run out on more than one of ``profile``: its links stated (a profile without them is
    planned on one device)."""
    return not missing_links(profile) and bool(profile.memory_bandwidth_gb_per_s)


def pinned_interleaving(vp: int | None, pp: int | None, layers: int) -> int | None:
    """The interleaved chunks per stage given to the planner (``--vp``), which then tries only layouts of two or more
    stages that hold them evenly (``core_plan.balanced``, as its own interleavings); refused beside a single stage
    given, as `estimate` refuses it, and beside stages that cannot hold them evenly, in words."""
    if vp is None or vp <= 1 or pp is None:
        return vp
    pp = int(pp)
    if pp < 2:
        raise InputError(f"interleaving (vp {vp}) splits each pipeline stage's layers into chunks: it needs two or more "
                         "pipeline stages (pp)", field=("vp", "pp"))
    chunks = pp * vp
    if chunks > layers or not core_plan.balanced(layers, chunks):
        busiest = math.ceil(layers / chunks)
        raise InputError(f"{pp} stages of {vp} interleaved chunks are {chunks:,} chunks of the model's {layers:,} layers"
                         + (": more chunks than layers" if chunks > layers else
                            f", uneven (the busiest holds {busiest}, {busiest * chunks / layers:.2f}× the average "
                            f"{layers / chunks:.3g}; the planner's interleavings hold at most "
                            f"{core_plan.ADDED_STAGE_BALANCE:.2f}×)")
                         + ": give another interleaving or pipeline, or leave the interleaving to the planner",
                         field=("vp", "pp"))
    return vp


def pinned_expert_tp(etp: int | None, shape, given: Mapping) -> int | None:
    """The experts' tensor-parallel degree given to the planner (``--etp``): 1 (each expert whole on a device) or the
    run's tensor parallelism, for a mixture of experts in expert parallelism, as `estimate --etp` takes it
    (``step_setup.layout_etp``); the planner then tries only layouts in expert parallelism that can run it."""
    if etp is None:
        return None
    if shape.experts <= 1 or given.get("ep") == 1:
        raise InputError("the experts' tensor parallelism applies to a mixture of experts in expert parallelism: give "
                         "an expert-parallel degree above 1 (ep) for a mixture of experts, or no etp",
                         field=("etp", "ep"))
    tp = given.get("tp")
    if tp is not None and etp not in (1, int(tp)):
        raise InputError(f"the experts' tensor-parallel degree is 1 (each expert whole on a device) or the run's "
                         f"tensor parallelism, {int(tp)}: got {etp}", field=("etp", "tp"))
    return etp


# How much longer the best layout that holds a batch given (within ``core_plan.BATCH_HELD_WITHIN``) must take than the
# best at the batch its replicas would round it to, for the plan to say what holding the batch costs: a reporting
# threshold (a design choice), above the step model's held-out median miss (8%)
HELD_BATCH_COST_SAID_ABOVE = 1.10


def held_batch_cost_note(held: core_plan.Plan, free: core_plan.Plan, global_batch_tokens: float) -> str | None:
    """What holding a global batch given costs on these devices, where their fastest layout at the batch whole
    micro-batches on more replicas round it to, no larger than a batch given may be, runs ``HELD_BATCH_COST_SAID_ABOVE``
    × faster or more (researcher review
    2026-12-03: Llama 3.1 70B on 1,536 H100s at 4.19 × 10⁶ tokens, 512 sequences, ran 727 tokens/s a device at TP 8 ×
    PP 3 × CP 2 where 1,024 ran 1,049: 512 sequences split over no count of replicas near 384 within 10%, unsaid)."""
    lead, best = held.best, free.best
    if lead is None or best is None or lead.run_seconds < HELD_BATCH_COST_SAID_ABOVE * best.run_seconds:
        return None
    ran = best.layout.global_batch * best.layout.seq_len
    if ran > (1.0 + core_plan.BATCH_HELD_WITHIN) * global_batch_tokens:
        # a larger batch runs faster of itself: its time is no measure of what the layouts lose (diff review
        # 2026-12-03: Llama 3.1 405B's 16.8M tokens on 12,288 devices compared with a +50% batch)
        return None
    return (f"holding the global batch given within {core_plan.BATCH_HELD_WITHIN:.0%} costs these devices "
            f"{hz.percent(lead.run_seconds / best.run_seconds - 1.0)} more time: the fastest layout at the batch whole "
            f"micro-batches on its replicas round it to, {core_plan.layout_words(best.layout)}, "
            f"{hz.signed_percent(ran / global_batch_tokens - 1.0, 1)} of the batch given, takes "
            f"{hz.duration(best.run_seconds)} against {hz.duration(lead.run_seconds)}; give that batch, or a device "
            "count whose data-parallel replicas split the batch given")


def plan(*, tokens=None, hardware: str | None = None, devices=None, deadline_days=None, budget_usd=None, model=None,
         params=None, layers=None, d_model=None, heads=None, vocab=None, active_params=None, kv_heads=None, ffn=None,
         mlp=None, experts=None, experts_per_token=None, head_dim=None, seq_len=None,
         global_batch_tokens=None, precision=None, tp=None, pp=None, cp=None, ep=None, zero=None, micro_batch=None,
         activation_recompute=None, attention_kernel=None, expert_overlap=None, vp=None, etp=None,
         top: int = core_plan.TOP,
         **site) -> PlanReport:
    """The layouts of a model on ``devices`` (or the fewest devices that meet ``deadline_days`` or
    ``budget_usd``) that fit memory, ranked by the run's time, each with its MFU, memory, time, cost and CO₂e."""
    from estimator.io.datafiles import default_profiles
    from estimator.services.inputs import DEFAULT_HARDWARE, PLAN, check_keywords
    # a typo of any of plan's inputs is refused with the nearest of them all ("devcies": "devices")
    check_keywords(site, tuple(dict.fromkeys((*PLAN_SITE_KEYS, *PLAN))))
    # the rows to list, a whole number (fuzz review 2026-11-27: "abc" raised Python's TypeError, 0 an empty message)
    top = v.require_whole("layouts listed (top)", top, B.PLAN_ROWS, field="top")
    tokens = v.require_number_in("tokens", tokens, B.TOKENS, field="tokens") if tokens is not None else None
    # the model first: an unknown one is said before what else is missing (review 2026-11-27); empty or no text in
    # its own words, as the CLI and inference() refuse it (API review 2026-11-30)
    from estimator.services.grid import text_or_none
    text_or_none("model", model)
    tokens_note, tokens_of = None, "given"
    if model is None and params is None and layers is None:
        raise InputError("a plan needs the model: a catalog model, the parameters or the architecture",
                         field=("model", "params", "layers"))
    if tokens is None:
        # a catalog model's published training tokens, as `estimate` takes them (serving review 2026-11-30); where
        # none are published, the illustrative count, as `estimate` takes it: the layouts' ranking is by their
        # step's time, which needs no tokens. A deadline or a budget is met by the run's tokens: there they are asked
        from estimator.io.serving_data import catalog_model
        published = catalog_model(model) if model is not None else None
        if params is not None:
            # a parameter count, with or without a shape or a model: its tokens, as `estimate --params` asks for them
            # (second diff review 2026-11-30: beside a model the plan had taken the model's)
            raise InputError("a plan of a parameter count needs the run's tokens", field="tokens")
        if published is not None and published.train_tokens is not None:
            tokens_of = f"model:{published.id}"
            tokens, tokens_note = published.train_tokens, published_tokens_note(published)
        elif deadline_days is not None or budget_usd is not None:
            raise InputError("a plan to a deadline or a budget needs the run's tokens"
                             + (f" ({published.id} publishes none)" if published else ""), field="tokens")
        else:
            tokens_of = ILLUSTRATIVE_ORIGIN
            tokens, tokens_note = ILLUSTRATIVE_TRAIN_TOKENS, illustrative_tokens_note(published)
    n, shape, mshape, how, name = resolve_model(model=model, params=params, layers=layers, d_model=d_model,
                                                heads=heads, vocab=vocab, active_params=active_params,
                                                **mem.check_inputs({k: x for k, x in dict(
                                                    kv_heads=kv_heads, ffn=ffn, mlp=mlp, experts=experts,
                                                    experts_per_token=experts_per_token,
                                                    head_dim=head_dim).items() if x is not None}))
    if active_params is not None and shape.experts == 1 and float(active_params) < n and model is None and layers is None:
        # a mixture of experts by its counts alone: no layout of its experts can be planned (researcher review
        # 2026-11-30: 671B with 37B active was planned on Llama 3.1 405B's dense shape, MFU 7.1%); estimate times it
        # from its FLOPs instead (step_setup.MOE_BY_COUNTS_WHY)
        raise InputError("a mixture of experts given by its parameter counts alone has no shape to plan: give a "
                         "catalog model (e.g. deepseek-v3, qwen3-30b-a3b) or the architecture with its experts "
                         "and experts per token; an estimate times it from its FLOPs",
                         field=("active_params", "model"))
    overlap = expert_overlap_of(expert_overlap)
    check_overlap_has_experts(overlap, shape, name)
    seq_own = model_seq_len(model) if seq_len is None else None  # the model's own pretraining sequence, said
    if seq_own is not None:
        seq_len = seq_own[0]
    targets = [k for k, x in (("devices", devices), ("deadline_days", deadline_days), ("budget_usd", budget_usd))
               if x is not None]
    if not targets:
        raise InputError("a plan needs the devices, or a deadline or budget to find the fewest devices for",
                         field=("devices", "deadline_days", "budget_usd"))
    if len(targets) > 1:  # as the CLI's one group of the three (review 2026-11-27: a budget beside a deadline was dropped)
        raise InputError("give one of the devices, a deadline or a budget, not " + " and ".join(
            t.replace("_days", "").replace("_usd", "") for t in targets), field=tuple(targets))
    # empty text refused, never read as "not given", as `estimate` refuses it (fuzz review 2026-11-27)
    from estimator.services.grid import hardware_text
    hardware = hardware_text(hardware)
    profile = default_profiles().get(hardware if hardware is not None else DEFAULT_HARDWARE)
    if precision is not None and (not isinstance(precision, str) or not precision.strip()):
        raise InputError(f"precision must be a precision's name (bf16, fp8, …), got {repr(precision)[:40]}",
                         field="precision")
    precision = precision_name(precision)   # "BF16", "MXFP8" as `estimate` takes them
    # the device first, then the precision: a device with no peak the step model times, or one it never saw, is
    # refused as such whatever the precision (planner review 2026-11-28: a P100 was told "at fp16, not fp32
    # (--precision)", no precision given, then "predates them")
    covered = planned_precisions(profile)
    # the device, not a precision nobody gave (API audit 2026-11-27: tagged --precision)
    if (why := why_not_planned(profile)) is not None:
        whence = "" if not covered else " (fitted to whole runs, or the profile's)"
        raise InputError(f"{why}: `estimate` times a run on it from its utilisation{whence}", field="hardware")
    chose_precision = precision is None and plan_precision(profile) != profile.default_precision
    precision = precision if precision is not None else plan_precision(profile)
    if precision not in STEP_PRECISIONS or precision not in profile.peak_flops_per_s:
        raise InputError(f"a plan times layouts on {profile.name} at {', '.join(covered)}, not {precision}",
                         field="precision")
    # a deadline or budget on a device whose profile states no links: one device needs none, so the search tries one
    # alone and says why no more (researcher review 2026-11-29: a 125M model's 30-day deadline on an A10G was refused)
    links_missing, missing = None, missing_links(profile)
    if devices is None and missing and profile.memory_bandwidth_gb_per_s:
        try:
            step_hardware(profile)
        except InputError as e:
            links_missing = e  # what more than one device needs, said where one cannot meet the target
        hw = step_hardware(profile, devices=1)
    else:
        hw = step_hardware(profile, devices=devices)
    given = mem.check_inputs({k: x for k, x in dict(tp=tp, pp=pp, cp=cp, ep=ep, zero=zero, micro_batch=micro_batch,
                                                    activation_recompute=activation_recompute,
                                                    attention_kernel=attention_kernel, seq_len=seq_len).items()
                              if x is not None})
    s_len = int(given.get("seq_len", mem.DEFAULT_SEQ_LEN))
    check_batch_holds_a_sequence(global_batch_tokens, s_len)
    default = model_batch(model, global_batch_tokens)  # a catalog model's published batch, else the tool's
    gbt, batch_note = run_batch_tokens(global_batch_tokens, tokens, s_len, default)
    check_model_batch_holds_a_sequence(default, gbt, s_len)
    vp, etp = pinned_interleaving(vp_of(vp), given.get("pp"), shape.layers), pinned_expert_tp(etp_given(etp), shape,
                                                                                              given)
    # the experts split as the dense layers are, at a degree given alone: the run's tensor parallelism is that degree
    tp_pin = given.get("tp", etp if etp is not None and etp > 1 else None)
    space = SearchSpace(**{k: given.get(k) for k in ("pp", "cp", "ep", "zero", "micro_batch")}, tp=tp_pin,
                        recompute=given.get("activation_recompute"), expert_overlap=overlap or 0.0, vp=vp, etp=etp,
                        batch_held=global_batch_tokens is not None and not batch_note)
    with tp_from_etp(etp, "tp" in given):
        core_plan.check_parts(shape, seq_len=s_len, tp=space.tp, pp=space.pp, cp=space.cp, ep=space.ep)
    core_plan.check_ep_devices(space.ep, devices)
    attention = given.get("attention_kernel", mem.DEFAULT_ATTENTION)
    step_params, step_range, _ = step_model()
    capacity = profile.memory_gb or math.inf
    site_inputs = _site(site)
    notes: list[str] = [tokens_note] if tokens_note else []
    from estimator.services.grid import given_intensity_note, place_set_aside_note
    if grid_note := given_intensity_note(site_inputs.get("carbon_intensity_g_per_kwh"),
                                         site_inputs.get("carbon_intensity_source")):
        notes.append(grid_note)  # an intensity in kg/kWh by mistake, as `estimate` says it
    if place_note := place_set_aside_note(site_inputs.get("carbon_intensity_g_per_kwh"),
                                          site_inputs.get("carbon_intensity_source"), site.get("region"),
                                          site.get("country")):
        notes.append(place_note)   # a place's own intensity set aside for one given, as `estimate` says it

    def searched(n_devices: int, keep: int, batch: float = gbt, hold: bool | None = None):
        # the larger batch a note offers is held as a batch given is, so that giving it plans what the note says
        # (diff review 2026-12-02: 16.8M offered at 2.52 × 10⁷ and 2.9× less time; given, held at 1.73 × 10⁷, 1.8×);
        # ``hold``: held or not whatever the batch (what holding a batch given costs: ``held_batch_cost_note``)
        held = replace(space, batch_held=True) if batch != gbt else space
        if hold is not None:
            held = replace(held, batch_held=hold)
        return core_plan.search(shape, mshape, hw, step_params, devices=n_devices, tokens=float(tokens), seq_len=s_len,
                                global_batch_tokens=batch, precision=precision, capacity_gb=capacity, space=held,
                                attention=attention, top=keep)

    # a mixture of experts computes with its active parameters, as `estimate --model` does (code review 2026-11-28:
    # Mixtral's plan counted 6·N·D over all 46.7B, its FLOPs-alone time 240 days where estimate's is 74.9)
    moe_active = shape.active_params if shape.active_params is not None and shape.active_params < n else None

    def run_estimate(p: PlannedLayout) -> Estimate:
        sc = Scenario(params=n, tokens=float(tokens), devices=p.devices, precision=precision,
                      active_params=moe_active, **site_inputs)
        run = StepRun(p.step, float(tokens), step_range, "planner", memory_gb=p.memory.total_gb,
                      hardware_sources=hw.sources, model_name=name)
        return estimate(sc, profile, step=run)

    target, target_value, fastest_within = None, None, None
    if batch_note:
        notes.append(batch_note)
    if devices is not None:
        n_devices = int(v.require_whole("devices", devices, B.DEVICES))
        check_split_divides(n_devices, space.tp, space.pp, space.cp)
        found = searched(n_devices, top)
        if space.batch_held and (cost := held_batch_cost_note(found, searched(n_devices, 1, hold=False), gbt)):
            notes.append(cost)
    else:
        target = "deadline" if deadline_days is not None else "budget"
        if deadline_days is not None:
            target_value = v.require_number_in("deadline (days)", deadline_days, core_plan.DEADLINE_DAYS,
                                               field="deadline_days")
        else:
            target_value = v.require_number_in("budget (USD)", budget_usd, B.BUDGET["usd"], field="budget_usd")
            if profile.price.usd_per_device_hour is None and site_inputs.get("price_usd_per_device_hour") is None \
                    and site_inputs.get("electricity_usd_per_kwh") is None:
                raise InputError(f"{profile.name} has no price: give a price per device-hour or per kWh for a budget",
                                 field=("price_usd_per_device_hour", "electricity_usd_per_kwh"))
            prices = [site_inputs.get(k) for k in ("price_usd_per_device_hour", "electricity_usd_per_kwh")]
            if any(p is not None for p in prices) and all(p is None or float(p) == 0.0 for p in prices):
                # every count would meet it (fuzz review 2026-11-27: "$1.0M pays for 196,608 devices, $0")
                raise InputError("at a price of zero every device count meets a budget: give a price above zero, or "
                                 "the devices or a deadline", field=("budget_usd", "price_usd_per_device_hour",
                                                                     "electricity_usd_per_kwh"))

        server = min(hw.scale_up_devices, SERVER_DEVICES)
        # one device and the powers of two below a server first (researcher review 2026-11-29: a 125M model's 30-day
        # deadline had answered 8 H100s, one taking 3 hours: clouds rent one GPU), then whole servers; one device alone
        # where the profile states no links
        ladder = [1] if links_missing is not None else (
            [k for k in SUB_SERVER_COUNTS if k < server]
            + core_plan.device_ladder(hw.scale_up_devices if hw.scale_up_devices <= 64 else SERVER_DEVICES, server,
                                      int(B.DEVICES.high)))
        deadline_s = target_value * S_PER_DAY if target == "deadline" else None

        def meets(row) -> bool:
            k, best, cost, _ = row
            return best.run_seconds <= deadline_s if target == "deadline" else cost is not None and cost <= target_value

        def strided(counts: list[int], stride: int) -> list[int]:
            """Of whole-server ``counts``, the multiples of ``stride`` (every one where it is a server): a count with
            more divisors than the ``[::step]`` of an interval's start, which from 24,640 by 64 had tried only odd
            multiples of 8 that no layout divides (researcher review 2026-12-03: 405B's 60-day deadline answered 32,768
            H100s where 30,848 = 482 × 64 take 51.9 days)."""
            return [k for k in counts if not k % stride]

        tight_fastest: dict[tuple[int, float], PlannedLayout] = {}
        # the run on one device at the whole peak of its precision, its model FLOPs and the goodput the plan times by:
        # no count k takes less than this ÷ k
        at_peak_s = (float(tokens) * core_step.flops_per_token(shape, s_len)[0]
                     / (profile.peak_flops_per_s[precision] * core_plan.GOODPUT))
        below_peak: set[int] = set()  # the counts a deadline rules out so, unsearched
        pruning = True                  # whether they are (a refusal searches them, to name the fastest tried)
        reached: dict[float, int] = {}  # how many counts of the ladder each batch's search tried
        held_off: set[int] = set()      # the counts whose layouts were all passed over for the batch given

        def one_at(k: int, batch: float):
            """A count searched at ``batch`` tokens a step: (devices, layout, cost, estimate), or None where no layout
            fits, its batch is held off, or a deadline rules it out at the whole peak."""
            if pruning and deadline_s is not None and at_peak_s / k > deadline_s:
                # even at the whole peak (MFU 1: the step model's is below it) the run outlasts the deadline on k
                # devices: ruled out unsearched (planner review 2026-12-03: about 40% of a deadline's searches)
                below_peak.add(k)
                return None
            found_k = searched(k, 2, batch)
            best = found_k.best
            if best is None:
                if found_k.batch_held_off:
                    held_off.add(k)
                return None
            # the fastest where a layout with room led it (core.training.plan.ROOMY_WITHIN), kept to say whether
            # it alone would have met the target on fewer devices
            fastest = min(found_k.layouts, key=lambda p: p.run_seconds)
            if fastest is not best:
                tight_fastest[(k, batch)] = fastest
            return k, best, (est := run_estimate(best)).cost_usd, est

        def fewest(batch: float, enough=lambda row: False):
            """The counts tried at ``batch`` tokens a step with their best layout, in order, (devices, layout, cost,
            estimate); the first that meets the target (None where none does); what the refinement tried. The ladder
            stops at the first count ``enough`` takes (the counts above it change no answer); else it is tried whole."""
            def one(k: int):
                return one_at(k, batch)
            # every count of the ladder, in order: neither the time nor the cost is monotone in the devices (review
            # 2026-11-26: 3,072 H100s take 55.8 days, 3,584 79.7, 5,120 55.8; a bisection had answered 5,120 for 60)
            rows_ = []
            for i, k in enumerate(ladder):
                reached[batch] = i + 1
                if (r := one(k)) is not None:
                    rows_.append(r)
                    if enough(r):
                        break
            first = next((row for row in rows_ if meets(row)), None)
            if first is None and target == "budget" and rows_:
                # a budget no ladder count meets: the whole servers between the cheapest count's ladder neighbours
                # tried too, where a count the ladder skips may meet it (API review 2026-11-30: $29.5M refused, "the
                # cheapest tried: $30M on 96 devices", where 88 cost $29.44M)
                cheapest = min((r for r in rows_ if r[2] is not None), key=lambda r: r[2], default=None)
                if cheapest is not None:
                    low = max((k for k in ladder if k < cheapest[0]), default=0)
                    high = min((k for k in ladder if k > cheapest[0]), default=cheapest[0])
                    seen = {r[0] for r in rows_}
                    near = [k for k in range(server * (low // server + 1), high, server) if k not in seen]
                    step = max(1, math.ceil(len(near) / REFINE_COUNTS))
                    rows_ = sorted(rows_ + [r for r in map(one, strided(near, server * step)) if r is not None],
                                   key=lambda r: r[0])
                    first = next((row for row in rows_ if meets(row)), None)
            if first is None:
                return rows_, None, (None, [], 1)
            # between the ladder's count before the hit and the hit, whole servers (CLI review 2026-11-27: 2,048
            # H100s answered a 90-day deadline the ladder's 1,792 missed, where 1,872 meet it), at most REFINE_COUNTS
            # of them, from the first whole server above the count before (1, 2 or 4 below a server: the servers up to
            # a domain's first count, Trainium2's 64, are tried after them); none where the first count met it
            # and the ladder's interval below that too: the time is not monotone in the devices (batch rounding, a
            # given split's divisibility), so a count under the one before may meet it (researcher review 2026-12-02:
            # 70B at TP 8 × PP 4 within 90 days answered 3,648 H100s, where 3,328 take 87.0 days, 3,584 90.2)
            before = max((k for k in ladder if k < first[0]), default=None)
            if before is None:
                return rows_, first, (None, [], 1)
            start = max((k for k in ladder if k < before), default=before)
            seen = {r[0] for r in rows_}
            lower = [k for k in range(server * (start // server + 1), before, server) if k not in seen]
            upper = list(range(server * (before // server + 1), first[0], server))
            step = max(1, math.ceil(len(upper) / REFINE_COUNTS), math.ceil(len(lower) / REFINE_COUNTS))
            gap = strided(lower, server * step) + strided(upper, server * step)
            if target == "deadline":
                # in order, to the first that meets it at its range's top: the fewest at the centre and at the top,
                # which the notes say; the counts above change neither (the budget's fastest plan looks at every
                # count). A search that stopped at the centre's hit had moved the top's count (diff review 2026-12-03:
                # Llama 3.1 405B's 60 days on H100s, 32,768 where 31,680 meets it)
                searched_gap = []
                for k in sorted(gap):
                    searched_gap.append(k)
                    if (r := one(k)) is not None:
                        rows_.append(r)
                        if enough(r):
                            break
                gap = searched_gap
                rows_.sort(key=lambda r: r[0])
            else:
                rows_ = sorted(rows_ + [r for r in map(one, gap) if r is not None], key=lambda r: r[0])
            hit_ = next(row for row in rows_ if meets(row))
            if step > 1:
                # and each whole server below that hit, down to the stride's multiple before it: a count between two
                # multiples may meet it too (diff review 2026-12-03: Mistral Large 2's 90 days, 5,400 met it, skipped
                # for 5,408), at most step − 1 searches more
                seen = {r[0] for r in rows_}
                near_hit = [k for k in range(hit_[0] - server * (step - 1), hit_[0], server) if k > before and k not in seen]
                gap = gap + near_hit
                rows_ = sorted(rows_ + [r for r in map(one, near_hit) if r is not None], key=lambda r: r[0])
                hit_ = next(row for row in rows_ if meets(row))
            return rows_, hit_, (start, gap, step)

        # a deadline's search stops at the first count whose 80% range's top meets it (the fewest at the centre and
        # at the range's top are said below; the budget's fastest plan looks at every count)
        tried, hit, (below, between, stride) = fewest(
            gbt, (lambda r: r[3].range["wall_clock_s"][1] <= deadline_s) if target == "deadline" else (lambda r: False))
        # a default batch too small to feed a large cluster: the same search at a larger one, said beside
        larger_fewest = (fewest(float(core_plan.LARGE_GLOBAL_BATCH_TOKENS), meets)[1]
                         if larger_batch_tried(global_batch_tokens, tokens, default) else None)
        larger_words = ("" if larger_fewest is None or (
                            hit is not None and larger_fewest[0] * core_plan.LARGE_BATCH_GAIN > hit[0]) else
                        f"at a global batch of {gfmt(core_plan.LARGE_GLOBAL_BATCH_TOKENS, 3)} tokens (Llama 3 405B's, "
                        f"arXiv:2407.21783 §3.4.1) {larger_fewest[0]:,} devices meet it: give the global batch the "
                        "run will use")
        if hit is None:
            what = "deadline" if target == "deadline" else "budget"
            if below_peak:
                # the counts ruled out unsearched, searched now, so that a refusal names the fastest tried as before
                pruning = False
                tried = sorted(tried + [r for r in (one_at(k, gbt) for k in sorted(below_peak)) if r is not None],
                               key=lambda r: r[0])
            if not tried and links_missing is not None:
                split = space.tp or 1, space.pp or 1, space.cp or 1
                words = " × ".join(f"{name}{k}" for name, k in zip(("TP", "PP", "CP"), split) if k > 1)
                given = (f"the split given, {words}, needs more than one device"
                         if math.prod(split) > 1 else f"one {profile.name} holds no layout of the model")
                raise InputError(f"{given}; for more than one, {links_missing}", field="hardware")
            if not tried and held_off:
                # the batch given, not the model, stood in the way (diff review 2026-12-02: "holds a layout of the
                # model" where 1.5 sequences a step were given)
                raise InputError(f"no number of {profile.name} devices tried (up to {ladder[-1]:,}) "
                                 f"{core_plan.held_batch_words(gbt, s_len)}: give a larger global batch, or none",
                                 field=("global_batch_tokens", "deadline_days" if target == "deadline" else "budget_usd"))
            if not tried:
                raise InputError(f"no number of {profile.name} devices tried (up to {ladder[-1]:,}) holds a layout of "
                                 "the model", field="deadline_days" if target == "deadline" else "budget_usd")
            if target == "deadline":
                k, best, _, _ = min(tried, key=lambda r: r[1].run_seconds)
                closest = f"the fastest tried: {best.run_seconds / S_PER_DAY:,.1f} days on {hz.noun(f'{k:,}', 'device')}"
            else:
                k, best, cost, _ = min((r for r in tried if r[2] is not None), key=lambda r: r[2])
                # with the figures that read it above the budget (API review 2026-11-30: "$30M" beside $29.5M)
                digits = next((d for d in range(hz.MONEY_DIGITS, hz.MONEY_WITHIN_MAX_DIGITS)
                               if hz.rounded(cost, d) > target_value), hz.MONEY_WITHIN_MAX_DIGITS)
                closest = f"the cheapest tried: {hz.money(cost, digits)} on {hz.noun(f'{k:,}', 'device')}"
            if links_missing is not None:
                if target == "budget":  # more devices would not cost less: their device-hours do not fall
                    raise InputError(f"one {profile.name} does not meet the budget ({closest.split(': ', 1)[1]}): more "
                                     "devices cost as much or more, their device-hours no fewer", field="budget_usd")
                raise InputError(f"one {profile.name} does not meet the {what} ({closest.split(': ', 1)[1]}); for more "
                                 f"than one, {links_missing}", field="hardware")
            raise InputError(f"no number of {profile.name} devices tried (up to {ladder[-1]:,}) meets the {what}; "
                             f"{closest}" + (f"; {larger_words}" if larger_words else ""),
                             field="deadline_days" if target == "deadline" else "budget_usd")
        n_devices = hit[0]
        found = searched(n_devices, top)
        gap = (f"every {stride * server:,} devices" if stride > 1 or hw.scale_up_devices > server
               else "every whole server")
        then = (f", then {gap} between the ladder's count two before its first hit, {below:,}, and that hit"
                + (f", in order, to the first that meets it at its {core_plan.LEVEL:.0%} range's top" if target == "deadline"
                   else "")
                + (", and each whole server below the first of those that met it" if stride > 1 else "")
                if between else "")
        # counted in eights within a larger scale-up domain, said so (researcher review 2026-11-28: "whole 8-device
        # servers" of GB200 NVL72 racks)
        # a bridged pair or group in its own word (diff review 2026-12-02: "whole 2-device servers" of NVLink pairs)
        own = profile.domains_word if profile.domains_word.startswith("NVLink") else "servers"
        unit = (f"whole {server}-device {own}" if hw.scale_up_devices <= server else
                f"{server}-device steps within its {hw.scale_up_devices}-device scale-up domains")
        below_server = [k for k in ladder if k < server]
        if links_missing is not None:
            unit = f"one device alone: its profile states no {', '.join(missing)} for more"
        elif below_server:
            unit = f"{hz.noun(', '.join(f'{k:,}' for k in below_server), 'device')}, then {unit}"
        # the counts tried, of the ladder's (diff review 2026-11-29: a deadline's search stops where the counts above
        # change no answer, and the note had said all 76 of a ladder were tried where 29 were)
        upto = reached.get(gbt, len(ladder))
        tried_words = (f"{len(ladder):,} counts of a ladder tried in order" if upto == len(ladder) else
                       f"{upto:,} of a ladder's {len(ladder):,} counts tried in order, to the first that meets it at "
                       f"its {core_plan.LEVEL:.0%} range's top")
        if ruled_out := sum(k in below_peak for k in ladder[:upto]):
            tried_words += (f", the first {ruled_out:,} ruled out unsearched: the run outlasts the deadline on them "
                            "even at the whole peak")
        notes.append(f"the fewest devices tried that meet the {target}: {n_devices:,} ({unit}"
                     + (")" if links_missing is not None else f": {tried_words}{then})"))
        if (lead := found.best) is not None and not space.batch_held:
            # met at a batch its whole micro-batches moved far from the one asked: said where the count is (planner
            # review 2026-12-03: Llama 3.1 405B's 60 days on 5,400 GB200s ran 2.21 × 10⁷ tokens a step of the 1.68 ×
            # 10⁷ asked; at the batch asked, 71.0 days)
            ran = lead.layout.global_batch * lead.layout.seq_len
            if not core_plan.batch_held(lead.layout.global_batch, lead.layout.seq_len, gbt):
                notes.append(f"{n_devices:,} devices meet the {target} at their best layout's global batch, "
                             f"{gfmt(ran, 3)} tokens ({hz.signed_percent(ran / gbt - 1.0, 1)} of the {gfmt(gbt, 3)} "
                             "the plan starts from: whole micro-batches on its replicas); a global batch given is held within "
                             f"{core_plan.BATCH_HELD_WITHIN:.0%} of itself, which may take more devices")
        if larger_words:
            notes.append(larger_words)
        # fewer devices whose fastest layout, above 90% of the memory, meets the target where the one with room
        # that leads it does not (planner review 2026-11-28: the deadline's count moved up, unsaid)
        tight_hit = None
        for k, _, _, _ in tried:
            fast = tight_fastest.get((k, gbt))
            if k < n_devices and fast is not None and meets((k, fast, run_estimate(fast).cost_usd, None)):
                tight_hit = (k, fast)
                break
        if tight_hit is not None:
            k, fast = tight_hit
            notes.append(f"{k:,} devices meet the {target} with a tight layout ({core_plan.layout_words(fast.layout)}, "
                         f"{fast.memory.total_gb:,.1f} GB a device, above {mem.TIGHT_MEMORY_SHARE:.0%} of "
                         f"{mem.capacity_gb_text(capacity)}): the plan takes a layout with room, as it ranks them; check the peak in a "
                         "short run to use the fewer")
        if target == "budget":
            # the budget's other end: the fastest plan it pays for (review 2026-11-26: the fewest devices alone
            # answered $30M with a 30-year run, as the cost barely moves with the devices)
            k, best, cost, fast_est = min((r for r in tried if meets(r)), key=lambda r: r[1].run_seconds)
            fastest_within = {"devices": k, "wall_clock_s": best.run_seconds, "cost_usd": cost}
            if k != n_devices:
                # why no more: the next count tried over the budget (researcher review 2026-11-27: 3,072 devices for
                # $395k of a $500k budget, and nothing said why not more)
                over = next((r for r in sorted(tried, key=lambda r: r[0]) if r[0] > k and r[2] is not None
                             and r[2] > target_value), None)
                beyond = (f"; the first count tried above it over the budget: {over[0]:,} devices, "
                          f"{hz.money_apart(over[2], target_value)}"
                          if over is not None else "")
                # in the unit the time reaches, as the headline (browser review 2026-11-29: "0.0 days" beside "1.62 s")
                # the batch it runs where its replicas round the one asked for (browser review 2026-11-29: a 125M
                # model's fastest plan, 1.62 s on 12,288 devices, ran 6.29M tokens a step of the 4.19M asked, unsaid)
                ran = best.layout.global_batch * best.layout.seq_len
                batch_words = ("" if abs(ran / gbt - 1.0) < BATCH_SAID_OVER else
                               f", at a global batch of {gfmt(ran, 3)} tokens ({hz.signed_percent(ran / gbt - 1.0)}: whole "
                               "micro-batches on its replicas)")
                # held to the budget as the fewest devices' plan is, at its range's top too (browser review 2026-11-29)
                top = fast_est.range["cost_usd"][1]
                centre = (f", met at the centre only: its {core_plan.LEVEL:.0%} range reaches {hz.money(top)}"
                          if top > target_value else "")
                notes.append(f"the fastest plan the budget pays for: {hz.noun(f'{k:,}', 'device')}, "
                             f"{hz.human('wall_clock_s', best.run_seconds)} for {hz.money_within(cost, target_value)}{batch_words}{centre} "
                             f"(a plan on that many devices lists its layouts){beyond}")
    if found.best is None:
        pinned = tuple(k for k, x in (("vp", vp), ("etp", etp)) if x is not None)
        why = found.why_none
        if target is None and why.endswith("more devices") and hw.scale_up_devices:
            # the fewest tried that hold a layout, the next whole servers first, then doublings (planner review
            # 2026-12-02: Llama 3.1 405B on 64 H100s was told to give more devices, not that 80 hold it)
            server_step = min(hw.scale_up_devices, SERVER_DEVICES)
            # every whole server up to the count `estimate`'s memory note names too (researcher review 2026-12-03:
            # Llama 3.1 405B on 8 H100s read "128 hold it" here, 88 in estimate's note, 80 from 56 devices), at most
            # REFINE_COUNTS of them
            by_memory = mem.fewest(mshape, capacity, s_len, given.get("micro_batch", mem.DEFAULT_MICRO_BATCH),
                                   precision, attention)   # (its strategy, its device count), or None
            # the counts a deadline's ladder tries, not steps from the count given (planner review 2026-12-03: Llama
            # 3.1 70B on 3 H100s read "19 hold it", on 7 "23", where 16 do): the powers of two below a server above it,
            # then whole servers
            first = server_step * (n_devices // server_step + 1)
            servers = max(FEWEST_FITTING_SERVERS,
                          min(REFINE_COUNTS, 0 if by_memory is None else (by_memory[1] - first) // server_step + 1))
            tries = ([k for k in SUB_SERVER_COUNTS if n_devices < k < server_step]
                     + [first + server_step * i for i in range(servers)]
                     + [n_devices * 2 ** k for k in range(1, FEWEST_FITTING_DOUBLINGS + 1)])
            for k in sorted(set(t for t in tries if t <= B.DEVICES.high)):
                if (held := searched(k, 1).best) is not None:
                    why += f": {k:,} hold it, the fewest tried ({core_plan.layout_words(held.layout)})"
                    break
        raise InputError(why + ("" if not pinned else " (or leave the " + " and the ".join(
            PINNED_WORDS[k] for k in pinned) + " to the planner)"), field=tuple(dict.fromkeys((*found.why_fields,
                                                                                              *pinned))))
    rows = tuple(PlanRow(p, run_estimate(p)) for p in found.layouts)
    if rows and (least := min(r.estimate.device_hours for r in rows)) < B.DEVICE_HOURS.low:
        # `estimate`'s floor (parity review 2026-12-03: a one-layer toy printed "Best: 6.39 × 10⁻⁵ s")
        # the model's inputs given, then the tokens, as `estimate` names them
        workload = tuple(k for k, v in (("model", model), ("params", params), ("layers", layers), ("d_model", d_model),
                                        ("heads", heads), ("kv_heads", kv_heads), ("head_dim", head_dim), ("ffn", ffn),
                                        ("vocab", vocab), ("experts", experts), ("active_params", active_params))
                         if v is not None) + ("tokens",)
        raise ResultOutOfBounds(f"the run would take {gfmt(least * S_PER_HOUR, 3)} device-seconds, less than the one "
                                "device-millisecond an estimate covers: give a larger workload", field=workload,
                                device_hours=least)
    if target == "budget":  # the layouts on those devices that meet it (review: rows over the budget were listed)
        rows = tuple(r for r in rows if r.estimate.cost_usd is not None and r.estimate.cost_usd <= target_value)
    elif target == "deadline":
        rows = tuple(r for r in rows if r.planned.run_seconds <= target_value * S_PER_DAY)
    if target is not None and rows:
        # the target met at the centre, not at the range's top (researcher review 2026-11-26; the budget's too, the
        # second browser review), with the fewest devices tried whose range's top meets it
        key, limit = ("wall_clock_s", target_value * S_PER_DAY) if target == "deadline" else ("cost_usd", target_value)
        high = rows[0].estimate.range[key][1]
        if high > limit:
            safe = next((k for k, _, _, est in tried if est.range[key][1] <= limit), None)
            # the time in the unit it reaches (browser review 2026-11-29: a 0.13-day deadline's range "reaches 0.1 days")
            reach = hz.human("wall_clock_s", high) if target == "deadline" else hz.money(high)
            notes.append(f"the {target}{CENTRE_ONLY} {core_plan.LEVEL:.0%} range: it reaches {reach} on "
                         f"{hz.noun(f'{n_devices:,}', 'device')}; " + (f"the fewest tried that meet it at the range's top: {safe:,}" if safe is not None
                                        else "no count tried meets it at the range's top"))
    if larger_batch_tried(global_batch_tokens, tokens, default) and found.best is not None:
        larger = searched(n_devices, 1, float(core_plan.LARGE_GLOBAL_BATCH_TOKENS))
        if (bigger := larger_batch_note(found.best, larger.best, default)) is not None:
            notes.append(bigger)
    if found.best is not None and (crossing := cross_node_note(hw, found.best.step, planned=True,
                                                                      ep_given=space.ep is not None)) is not None:
        notes.append(f"the best layout's {crossing}")  # as `estimate` says it of a layout given (MoE review 2026-11-30)
    if found.best is not None and (links := pcie_card_links_note(profile, found.best.layout.devices)) is not None:
        notes.append(links)  # as `estimate` says it (code review 2026-12-02: the stand-in went unsaid)
    if found.best is not None and (pipelined := sharded_pipeline_note(
            found.best.layout, lambda x: core_plan.memory_of(mshape, x, attention).total_gb, capacity)) is not None:
        notes.append(f"the best layout's {pipelined}")  # as `estimate` says it of the same layout
    if found.best is not None and (gathers := zero3_gathers_note(found.best.step)) is not None:
        notes.append(f"the best layout: {gathers}")  # as `estimate` says it of the same layout (diff review 2026-11-30)
    if found.best is not None and (split := kv_heads_split_note(shape, found.best.step)) is not None:
        notes.append(f"the best layout's {split}")  # as `estimate` says it (planner review 2026-12-02: plan did not)
    if found.best is not None and (uneven := uneven_stages_note(shape, found.best.step)) is not None:
        notes.append(uneven)  # as `estimate` says it of the same layout (second diff review 2026-11-29: plan never did)
    if target is None and found.best is not None and n_devices >= 2:
        # more devices than the batch keeps busy (researcher review 2026-11-29: Llama 3.1 70B at 8,192 tokens had read
        # 26.5 days on 32,768 H100s for $140M beside 16,384's 23.7 days, with no word of it; Llama 3.1 405B at 8,192:
        # 118.5 days on 32,768, 106.9 on 16,384)
        if (fewer := fewer_devices_note(found.best, searched(n_devices // 2, 1).best)) is not None:
            notes.append(fewer)
    # a tuned stack's time, as `estimate` says of the step model's (researcher review 2026-11-28: the plan said nothing
    # of it, and its 7B on 64 H100s read 16 days where `estimate` of the size alone read 43)
    notes.append(f"time = steps × the step model's step ÷ goodput {core_plan.GOODPUT:.0%} ({core_plan.GOODPUT_SOURCE}): "
                 f"a tuned stack's; {WHOLE_RUN_LONGER}")
    w = None
    if rows:
        # the same FLOPs as whole runs ran, as `estimate` gives it beside the step model (researcher review 2026-11-28);
        # where the FLOPs alone are refused (a time past the bounds), said so and the plan kept
        try:
            flops_only = Scenario(params=n, tokens=float(tokens), devices=rows[0].planned.devices, precision=precision,
                                  active_params=moe_active, **site_inputs)
            w = whole_run_at_fit(estimate(flops_only, profile), flops_only, profile,
                                 rows[0].planned.step.model_flops_per_token * float(tokens))
        except InputError as exc:
            notes.append(f"the best layout's time is a tuned stack's; from the FLOPs alone there is no time: {exc}")
        else:
            if w is not None:
                notes.append(whole_run_note(w))
    if rows and (beyond := beyond_published_devices_words(rows[0].planned.devices)) is not None:
        notes.append(beyond)
    if model is None and layers is None:
        notes.append(PLAN_SIZE_ALONE_NOTE)
    if rows and (overlap := expert_overlap_note(rows[0].planned.step)):
        notes.append(f"the best layout's {overlap}")
    if tight := tight_plan_note(rows, capacity) or roomy_first_note(rows, capacity):
        notes.append(tight)
    unfitted = unfitted_precision_note(precision)
    if unfitted:
        notes.append(unfitted)
    if chose_precision:  # said (code review 2026-11-28: a profile's fp32 default planned at bf16 without a word)
        notes.append(f"precision: {precision}, the first the step model times that {profile.name} has a peak at; the "
                     f"profile's default, {profile.default_precision}, is not one the step model times (`estimate` "
                     "times a run at it from the utilisation)")
    if seq_own is not None:
        notes.append(seq_own[1] + SEQ_TIMED)
    elif "seq_len" not in given:
        notes.append(default_seq_note(s_len))
    elif beyond := beyond_context_note(model, s_len):
        notes.append(beyond)
    if default.note is not None and batch_note is None:  # after the sequence's (diff review 2026-11-30: it had cut
        notes.append(default.note)                        # the chain, and a sequence past the context went unsaid)
    if rows and (rounded := batch_rounded_note(gbt, batch_whose(global_batch_tokens, batch_note, default),
                                                           rows[0].planned.layout)):
        notes.append(f"the best layout's {rounded}")
    if rows:
        notes.append(site_note(rows[0].estimate))
        # the chip draw measured here beside the fitted power, as `estimate` says it (diff review 2026-11-29)
        from estimator.services.training.chip_draw import with_chip_draw
        said = with_chip_draw(rows[0].estimate, profile)
        notes.extend(said.notes[len(rows[0].estimate.notes):])
        from estimator.services.grid import another_clouds_price_note
        if other := another_clouds_price_note(rows[0].estimate, site.get("region"), site.get("cloud"), site.get("country")):
            notes.append(other)
    if device_note := device_matmul_note(profile, step_range):
        notes.append(device_note)
    if rows and (outside := outside_fit_note(shape, profile, step_range)):
        notes.append(outside)
    if peak_note := no_faster_peak_note(profile, precision):
        notes.append(peak_note)
    notes.append(f"shape: {how}")
    return PlanReport(name, n, how, profile.id, profile.name, n_devices, float(tokens), s_len, gbt, precision, rows,
                      target, target_value, found.timed, found.considered, tuple(notes), step_range, fastest_within,
                      profile.memory_gb, batch_whose(global_batch_tokens, batch_note, default), w,
                      tokens_of=tokens_of, vp_given=vp, peak_flops_per_s=profile.peak_flops_per_s[precision])


# the settings every layout's energy, CO₂e and cost are computed at (the same for each layout), as `estimate` states
# them (researcher review 2026-11-27: the plan printed "1.46 kt CO₂e, $28M" and named none of them)
COST_SETTINGS = ("power_w", "pue", "carbon_intensity_g_per_kwh", "price_usd_per_device_hour",
                    "electricity_usd_per_kwh")
SITE_NOTE_START = "energy, CO₂e and cost at: "


def site_assumptions(est: Estimate) -> tuple:
    """The assumptions of ``est`` that set its energy, CO₂e and cost from its device-hours (``COST_SETTINGS``)."""
    return tuple(a for name in COST_SETTINGS if (a := est.assumption(name)) is not None and a.value is not None)


def site_note(est: Estimate, skip: tuple[str, ...] = ()) -> str:
    """``COST_SETTINGS`` in words, each with its origin and source ("PUE 1.10 (profile:h100-sxm: …)", one given
    "(given)"), but those in ``skip`` (a page that says the price apart); a run with no price says so."""
    words = {"power_w": lambda x: f"{gfmt(x, 3)} W a device", "pue": lambda x: f"PUE {x:.2f}",
             "carbon_intensity_g_per_kwh": lambda x: f"{gfmt(x, 3)} g CO₂e/kWh",
             "price_usd_per_device_hour": lambda x: f"${x:,.2f} a device-hour",
             "electricity_usd_per_kwh": lambda x: f"${x:,.3f} a kWh of electricity"}
    parts = [f"{words[a.name](float(a.value))} ({'given' if given_figure(a) else f'{a.origin}: {a.source}'})"
             for a in site_assumptions(est) if a.name not in skip]
    if est.cost_usd is None:  # said on the page too, which states a price apart only where there is one
        parts.append("no price (the profile has none and none was given: no cost)")
    return SITE_NOTE_START + "; ".join(parts)


# what the note on a deadline or budget met at the centre only says (the Plan page raises it to a warning)
CENTRE_ONLY = " is met at the centre, not across the"


# the devices of a server the deadline's and budget's searches count in: an HGX/DGX server's GPUs; a smaller
# scale-up domain (a PCIe pair) counts in its own size, a larger one (NVL72) in eights (a design choice)
SERVER_DEVICES = HGX_SERVER_DEVICES
# the counts below a server a deadline's or budget's search tries first: one GPU and the powers of two below eight, the
# sizes clouds rent (Google Cloud's a3-highgpu-1g, -2g and -4g machine types: 1, 2 and 4 H100s) (a design choice)
SUB_SERVER_COUNTS = (1, 2, 4)
# the share by which a layout's global batch must differ from the one asked for before the budget's fastest plan says
# it: 1% (a design choice: below it the batch is the one asked for to the figures the notes print)
BATCH_SAID_OVER = 0.01
# whole-server counts tried at most in each of the two ladder intervals below a deadline's or budget's first hit (up
# to twice this in all): every server up to ~a quarter of 2,048 devices; in a wider gap the multiples of a stride of
# whole servers, as many, then the servers below the first of them that meets it (each a search, ~15 ms on this
# project's CI machine); it also caps `plan`'s scan for the fewest devices that hold a layout
REFINE_COUNTS = 64
# the counts above a device count that holds no layout tried for the fewest that hold one: the next whole servers, at
# least 8 of them and up to the count the memory's search names (``memory.fewest``), at most ``REFINE_COUNTS``, then 2×,
# 4× … 64× the count (a design choice: a handful of searches, a few dozen where the memory's count is far)
FEWEST_FITTING_SERVERS = 8
FEWEST_FITTING_DOUBLINGS = 6


__all__ = ["CENTRE_ONLY", "PlanReport", "PlanRow", "REFINE_COUNTS", "SERVER_DEVICES", "plan"]
