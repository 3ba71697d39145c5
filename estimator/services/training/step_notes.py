"""The training step model's notes (``step_setup``'s): what a layout timed says of itself, each note a sentence
with its source where it has one: a pipeline's bubble, ZeRO-3's gathers, a replica across nodes, the experts'
all-to-all, the attention a time from the FLOPs alone leaves out, a batch rounded to whole micro-batches, the
fewest devices that fit."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from estimator.core.base import bounds as B
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import S_PER_HOUR
from estimator.core.hardware.matmul import REFERENCE_NAME, REFERENCE_SHARE, SAID_FROM, matmul_share
from estimator.core.hardware.profile import HGX_SERVER_DEVICES, HardwareProfile
from estimator.core.training import memory as mem
from estimator.core.training import plan as core_plan
from estimator.core.training import step as core_step
from estimator.core.training.memory import expert_tensor_parallel
from estimator.core.training.step import (
    Layout,
    ModelShape,
    StepHardware,
    StepParams,
    StepTime,
    bubble_fraction,
    matmul_cap,
    stage_layers,
    step_time,
)
from estimator.core.training.words import DEVICE_NOT_IN_FIT
from estimator.core.workload.flops import FLOPS_PER_PARAM_TOKEN_TRAIN
from estimator.report import humanize as hz
from estimator.services.training.fitted_layouts import (
    outside_fit_words,
)
from estimator.services.training.fitted_step import step_model

# A layout given whose pipeline bubble is at least this share of the compute time is said, with what shrinks it.
# The bubble is (p − 1)/(v·m) of the ideal time for p stages, m micro-batches per step and v interleaved chunks
# (Narayanan et al. 2021, arXiv:2104.04473, §2.2.1-2.2.2, who ask m ≫ p); at a half, a third of the step or more goes
# to it. The threshold is a design choice on that formula.
BUBBLE_NOTE_FRACTION = 0.5


# The larger global batch the note times (a design choice: 4 × the micro-batches quarters the bubble).
BUBBLE_BATCH_MULTIPLE = 4


# The interleaving the note times (Narayanan et al. 2021 §2.2.2: v chunks divide the bubble by v).
BUBBLE_VP = 2


def pcie_card_links_note(profile: HardwareProfile, devices: int | None) -> str | None:
    """Where the step times more than one PCIe card whose profile states no links (``core_step.pcie_card_links_source``),
    or more than a server of cards bridged in pairs or groups: the links it took, said (code review 2026-12-02: the
    stand-in was in the step's sources, which nothing printed)."""
    if devices is None or devices < 2:
        return None
    if profile.pcie_card and not profile.scale_out_gb_per_s:
        return f"links: {core_step.pcie_card_links_source(profile)}"
    if (profile.domains_word.startswith("NVLink") and profile.scale_out_gb_per_s
            and devices > HGX_SERVER_DEVICES):
        # cards bridged in pairs or groups (H100 NVL, RTX 3090 …) reach the rest over their PCIe link, their
        # scale_out_gb_per_s, which stands in for the network past a server too (diff review 2026-12-02: unsaid)
        return (f"links: {profile.name} cards in {profile.domains_word} of {profile.scale_up_devices}, each reaching "
                f"the rest over its own PCIe link ({gfmt(profile.scale_out_gb_per_s, 3)} GB/s per direction, its "
                f"scale_out_gb_per_s) inside a server of {HGX_SERVER_DEVICES} and, as a stand-in for the network, "
                "beyond it (a cluster's network per card is often slower, so the exposed communication across servers "
                "is a floor, and the time with it)")
    return None


def cross_node_note(hardware: StepHardware, st: StepTime, planned: bool = False, ep_given: bool = False) -> str | None:
    """Where a layout given puts tensor parallelism, or context parallelism over it, across the scale-up domain: those
    collectives then run at the scale-out bandwidth, which the step counts and this says, with their exposed share of
    the step (review 2026-11-27: `--tp 16` on 8-GPU H100 servers gave 10% MFU without a word of why). ``planned``: the
    layout is the planner's best (MoE review 2026-11-30: a plan whose expert groups crossed the domains said nothing,
    and `estimate`'s note claimed the planner keeps them inside one); the planner keeps its own tensor-parallel degrees
    within a domain, so a plan's that crosses one was given, and ``ep_given``: so was its expert-parallel degree (diff
    review 2026-11-30: "the fastest layout tried" had been said of an EP 64 given)."""
    lay, parts, up = st.layout, st.parts, hardware.scale_up_devices
    links = (f"at {gfmt(hardware.scale_out_gb_per_s, 3)} GB/s per device, against {gfmt(hardware.scale_up_gb_per_s, 3)} "
             "GB/s inside a domain")
    if lay.tp > up:
        return (f"tensor parallelism {lay.tp} spans {math.ceil(lay.tp / up)} scale-up domains of {up} devices: its "
                f"all-reduces cross the scale-out network {links}, exposed {parts.tp_comm_s / parts.total_s:.0%} of the "
                "step; " + ("the tensor-parallel degree is the one given" if planned else
                            "the planner keeps tensor parallelism within one domain (`plan` lists its layouts)"))
    if not core_step.inside_domain(lay.tp, lay.devices, up):
        # a degree that does not tile the whole domains the devices fill: laid out in order, some groups straddle two
        # domains, and the synchronous step waits on them (summary of weak points, 2026-11-28: `--tp 16` on GB200
        # NVL72 racks, unsaid; researcher review 2026-11-30: said, but timed as inside one domain)
        groups = lay.devices // lay.tp
        straddle = sum(i * lay.tp // up != ((i + 1) * lay.tp - 1) // up for i in range(groups))
        return (f"tensor parallelism {lay.tp} does not tile the {up}-device scale-up domain: {straddle} of its "
                f"{groups:,} groups {'straddles' if straddle == 1 else 'straddle'} two domains, whose all-reduces "
                f"cross the scale-out network {links}, and the step waits on the slowest group: exposed "
                f"{parts.tp_comm_s / parts.total_s:.0%} of the step ("
                + ("the tensor-parallel degree is the one given" if planned else
                   "the planner takes degrees that tile it: `plan` lists its layouts") + ")")
    if not core_step.inside_domain(lay.tp * lay.cp, lay.devices, up):
        where = (f"spans {math.ceil(lay.tp * lay.cp / up)} scale-up domains of {up} devices" if lay.tp * lay.cp > up
                 else f"does not tile the {up}-device scale-up domain, its groups straddling two")
        return (f"context parallelism {lay.cp} over tensor parallelism {lay.tp} {where}: its K and V exchanges cross "
                f"the scale-out network {links}, exposed {parts.cp_comm_s / parts.total_s:.0%} of the step (the tensor "
                "parallelism's stay inside a domain)")
    group = lay.ep * expert_tensor_parallel(lay.tp, lay.ep, lay.dp * lay.cp, lay.etp)   # the all-to-all's devices
    if lay.ep > 1 and group <= up and not core_step.inside_domain(group, lay.devices, up) and parts.expert_comm_s > 0.0:
        return (f"expert parallelism {lay.ep}" + (f" over tensor parallelism {lay.tp}" if group > lay.ep else "")
                + f" does not tile the {up}-device scale-up domain: its groups of {group} straddle two domains, their "
                f"all-to-alls over the scale-out network {links}, exposed {parts.expert_comm_s / parts.total_s:.0%} of "
                "the step; a degree that divides the domain keeps them inside it")
    if lay.ep > 1 and group > up and parts.expert_comm_s > 0.0:
        # review 2026-11-27: TP 2 × EP 8 on 8-GPU B200 servers gave 2.7% MFU, 70% of the step in all-to-alls, unsaid
        return (f"expert parallelism {lay.ep}" + (f" over tensor parallelism {lay.tp}" if group > lay.ep else "")
                + f" spans {math.ceil(group / up)} scale-up domains of {up} devices: its all-to-alls cross the "
                f"scale-out network {links}, exposed {parts.expert_comm_s / parts.total_s:.0%} of the step ("
                + (f"{lay.expert_overlap_applied:.0%} of it given as hidden, up to the compute beside it" if lay.expert_overlap_applied
                   else f"none of it hidden: the share given does not apply, {lay.expert_overlap_blocked}"
                   if lay.expert_overlap_share and lay.expert_overlap_blocked
                   else "none of it hidden under compute unless the schedule overlaps it, as DeepSeek-V3's DualPipe does")
                + "); " + ("the expert-parallel degree is the one given" if planned and ep_given else
                           "the fastest layout tried: those whose expert groups stay inside one domain, each expert then "
                           "held by more ranks whose gradients reduce across the domains, ran slower or did not fit"
                           if planned else "the planner weighs it against expert groups inside one domain, whose "
                           "experts' gradients then reduce across the domains (`plan` lists its layouts)"))
    return None


def no_faster_peak_note(profile: HardwareProfile, precision: str) -> str | None:
    """Where the run's narrower precision (fp8, fp4) has no higher peak than the device's 16-bit one: its matrix
    products gain nothing (compare review 2026-11-29: Gaudi 3 at fp8, both peaks 1,835 TFLOP/s, took 16.0 days where
    bf16 took 12.3, unsaid; since 2026-12-01 its GEMMs run as fast as at 16 bits, no slower). None where the peak is
    higher."""
    if precision not in ("fp8", "fp4"):
        return None
    peak = profile.peak_flops_per_s.get(precision)
    wide = next((k for k in ("bf16", "fp16") if profile.peak_flops_per_s.get(k)), None)
    if not peak or wide is None or peak > profile.peak_flops_per_s[wide]:
        return None
    # the 16-bit precision it has, named (diff review 2026-11-29: an fp16-only device had been pointed at bf16)
    return (f"precision: {profile.name}'s {precision} peak is no higher than its {wide} one "
            f"({hz.flops_rate(peak)} against {hz.flops_rate(profile.peak_flops_per_s[wide])}): its matrix products run "
            f"no faster at {precision}, so the run takes as long as at {wide}")


def device_matmul_note(profile: HardwareProfile, step_range) -> str | None:
    """Where the device's measured best matmul is below the step model's fitted asymptotic share of the peak, so that
    its matrix multiplies are held to it (``step.matmul_cap``; planner review 2026-11-28: an MI300X had been planned
    at 58% MFU, past the 51% its best matmul reaches): said, with the factor. Nothing where the cap does not bind."""
    share = matmul_share(profile)
    if share is None:
        return None
    fitted = step_model()[0].gemm_efficiency
    cap = matmul_cap(share, fitted)
    if cap >= 1.0 - SAID_FROM:
        return None
    return (f"on the {profile.name} the best measured matrix multiply reaches {share:.0%} of the 16-bit peak (at BF16; "
            f"its profile's [matmul]), below the {fitted:.0%} the step model's matrix multiplies reach at their largest "
            f"(fitted on NVIDIA and Google devices, the {REFERENCE_NAME}'s best {REFERENCE_SHARE:.0%}): its matrix "
            f"multiplies and attention are held to it, × {cap:.2f} of the fitted rates, a step up to {1.0 / cap:.2f}× as "
            f"long where compute-bound; {DEVICE_NOT_IN_FIT}, so its "
            f"{step_range.level:.0%} range (×/÷ {math.exp(step_range.half_log):.2f}) is not measured there")


def outside_fit_note(shape: ModelShape, profile: HardwareProfile, step_range, in_sample: bool = False) -> str | None:
    """Where the run's device or kind of model is outside the step model's fit data (``outside_fit_words``), its
    range's coverage not measured there; a device whose matmul note says it already is not said twice, and a run that
    is one of the fitted layouts (its in-sample note says its agreement is no test) not at all."""
    if in_sample:
        return None
    return outside_fit_words(shape, profile.id, profile.name, device_matmul_note(profile, step_range) is not None)


def expert_overlap_note(st: StepTime) -> str | None:
    """Where a mixture of experts' all-to-alls take at least ``EXPERT_NOTE_SHARE`` of the step, exposed (the step model
    hides none unless the layout says its schedule does): their share, and the most a schedule that hides them under
    compute would gain (``core_plan.expert_hiding_gain``: no more than the compute beside them hides) (review 2026-11-27: DeepSeek-V3 on 2,048 H800s planned at 88.8 days, its
    all-to-alls 58% of the step, without a word; DeepSeek's DualPipe hid them, and its pre-training took about 54 days:
    2,664K H800-hours, arXiv:2412.19437 Table 1)."""
    share = core_plan.exposed_expert_share(st)
    lay = st.layout
    if lay.expert_overlap_share and lay.expert_overlap_blocked:
        # a share given that no schedule can apply to this layout (planner review 2026-11-28, third)
        return (f"expert all-to-alls: {share:.0%} of the step, counted exposed: the {lay.expert_overlap_share:.0%} "
                f"given as hidden does not apply to this layout, {lay.expert_overlap_blocked}")
    if share < core_plan.EXPERT_NOTE_SHARE:
        return None
    hidden = lay.expert_overlap_applied
    counted = ("counted exposed (none hidden under compute)" if not hidden else
               f"the {1 - hidden:.0%} of them not hidden under compute, as given")
    if lay.expert_overlap_blocked:  # no schedule hides them on this layout: what it would take, not a gain
        return (f"expert all-to-alls: {share:.0%} of the step, {counted}; no schedule hides them on this layout, "
                f"{lay.expert_overlap_blocked}")
    gain = core_plan.expert_hiding_gain(st)
    if hidden and st.parts.expert_comm_s <= st.parts.expert_comm_floor_s:  # hidden as far as compute allows
        return (f"expert all-to-alls: {share:.0%} of the step exposed, what outlasts the compute beside them with the "
                f"{hidden:.0%} given hidden: a schedule hides them under compute, no more")
    ask = "" if hidden else ": give the share of the all-to-all it hides"  # asked only where none was given
    most = ("" if st.parts.expert_comm_floor_s <= 0.0 else
            f" (not all: they outlast the compute beside them by {gfmt(st.parts.expert_comm_floor_s, 3)} s a step)")
    return (f"expert all-to-alls: {share:.0%} of the step, {counted}; a schedule that overlaps them with compute "
            f"(DeepSeek-V3's DualPipe, arXiv:2412.19437 §3.2.1) would run the step up to {gain:.2f}× as "
            f"fast{most}{ask}")


def kv_heads_split_note(shape: ModelShape, st: StepTime) -> str | None:
    """Where a tensor-parallel degree given splits grouped-query attention's KV heads into parts (more ranks than KV
    heads, or not a divisor of them): Megatron-Core refuses it (its attention divides the query groups over the ranks,
    ``divide(num_query_groups, world_size)``), frameworks that take it copy a KV head to each rank of its group, and the
    step and the memory count the KV projections split as the other weights (the planner does not choose such a degree:
    ``core.training.plan``). Planner review 2026-11-28: accepted without a word."""
    lay = st.layout
    if not 1 < shape.kv_heads < shape.heads or shape.kv_heads % lay.tp == 0:
        return None
    return (f"tensor parallelism {lay.tp} over {shape.kv_heads} KV heads splits them: Megatron-Core refuses it (each "
            "rank holds whole query groups), frameworks that run it copy each KV head to the ranks that share it; the "
            "step and the memory count the KV projections split as the other weights, so a little less than such a run")


def uneven_stages_note(shape: ModelShape, st: StepTime) -> str | None:
    """Where the layers do not split evenly over the pipeline's stages (and their interleaved chunks): the step is
    timed at the slowest stage (``step.stage_layers``: researcher review 2026-12-02), the memory counts the average
    stage (researcher review 2026-11-27: 126 layers on 16 stages, 32 on 2 × 3 chunks, taken without a word)."""
    lay = st.layout
    chunks = lay.pp * lay.vp
    if chunks < 2 or shape.layers % chunks == 0:
        return None
    what = f"{lay.pp} stages" + (f" × {lay.vp} interleaved chunks" if lay.vp > 1 else "")
    busiest, lightest = stage_layers(shape.layers, lay.pp, lay.vp)
    if busiest == lightest:
        # the chunks uneven, the stages not (diff review 2026-12-02: 32 layers on 2 × 3 chunks had read "the busiest
        # stage holds 16, the lightest 16"): each stage's chunks differ by a layer, which the step does not time
        return (f"pipeline: {shape.layers} layers over {what} do not split evenly into chunks: each stage holds "
                f"{busiest}, its chunks {math.ceil(shape.layers / chunks)} or {shape.layers // chunks} layers; the step "
                "is timed by stage, the chunks' imbalance within the interleaved schedule not counted"
                " (Megatron-LM splits them evenly unless told each end's layers; Llama 3 405B, 126 layers on 16 stages, "
                "ran one layer fewer on its first and last stages: arXiv:2407.21783 §3.3.2)")
    return (f"pipeline: {shape.layers} layers over {what} do not split evenly: the busiest stage holds {busiest}, the "
            f"lightest {lightest}; the step is timed at the slower of the busiest and the stage with the output layer, "
            f"and the memory counts the average stage, {gfmt(shape.layers / lay.pp, 3)} layers"
            " (Megatron-LM splits them evenly unless told each end's layers; Llama 3 405B, 126 layers on 16 stages, "
            "ran one layer fewer on its first and last stages: arXiv:2407.21783 §3.3.2)")


def bubble_note(shape: ModelShape, hardware: StepHardware, params: StepParams, st: StepTime,
                memory_gb: Callable[[Layout], float] | None = None, capacity_gb: float = math.inf) -> str | None:
    """Where a layout given leaves the devices idle in the pipeline bubble for at least ``BUBBLE_NOTE_FRACTION`` of
    the compute time: the bubble's share of the step, and the MFU with more micro-batches (a larger global batch),
    with interleaving, and the other remedies (fewer stages, a smaller micro-batch), in words. ``memory_gb``: a
    layout's memory per device, so that a remedy that would not fit in ``capacity_gb`` says so (researcher review
    2026-11-27: interleaving was offered to a 405B layout it took to 119 GB of 85.52)."""
    lay = st.layout
    p, vp, m = lay.pp, lay.vp, lay.micro_batches
    fraction = bubble_fraction(p, vp, m)
    if p < 2 or fraction < BUBBLE_NOTE_FRACTION:
        return None
    bigger = replace(lay, global_batch=lay.global_batch * BUBBLE_BATCH_MULTIPLE)
    batch_tokens = bigger.global_batch * lay.seq_len
    fixes = [f"a larger global batch ({batch_tokens:,} tokens, {BUBBLE_BATCH_MULTIPLE} × this one's "
             f"{lay.global_batch * lay.seq_len:,} tokens: {gfmt(m * BUBBLE_BATCH_MULTIPLE, 4)} micro-batches, MFU "
             f"{step_time(shape, bigger, hardware, params).mfu:.1%})"]
    if vp == 1 and p * BUBBLE_VP <= shape.layers and m % p == 0:
        chunks = replace(lay, vp=BUBBLE_VP)
        need = memory_gb(chunks) if memory_gb is not None else None
        over = (f", but {mem.gb(need)} GB a device of {mem.capacity_gb_text(capacity_gb)}: it fits only with less memory "
                "elsewhere, recomputation or more sharding" if need is not None and need > capacity_gb else "")
        fixes.append(f"interleaved stages (vp {BUBBLE_VP}: the bubble ÷ {BUBBLE_VP}, MFU "
                     f"{step_time(shape, chunks, hardware, params).mfu:.1%}{over})")
    elif p * vp * BUBBLE_VP <= shape.layers:
        fixes.append("more interleaved chunks per stage (vp: the bubble ÷ vp; needs the micro-batches a multiple of the "
                     "stages)")
    fixes.append("fewer pipeline stages (pp), their devices to data or tensor parallelism where memory allows "
                 "(`plan` ranks the layouts that fit)")
    if lay.micro_batch > 1:
        fixes.append("a smaller micro-batch: more micro-batches in the same batch")
    share = st.parts.bubble_s / st.seconds
    return (f"pipeline bubble: {gfmt(m, 4)} micro-batches per step over {p} stages"
            + (f" ({vp} interleaved chunks each)" if vp > 1 else "")
            + f" leave each device idle for (p − 1)/(v·m) = {p - 1}/{gfmt(vp * m, 4)} of the compute time (Narayanan "
            f"et al. 2021 §2.2; of an average stage's where the layers split unevenly), {share:.0%} of the step; MFU {st.mfu:.1%}. More micro-batches per step, or fewer "
            "stages, shrink it: " + "; ".join(fixes))


# A layout given under ZeRO-3 whose exposed data-parallel traffic is at least this share of its step is said, with what
# shrinks it (planner review 2026-11-30: GPT-3 175B under ZeRO-3 at micro-batch 1 spent 41 s of a step re-gathering
# its parameters for each of 8 micro-batches, 12.5% MFU, unsaid). A design choice, as BUBBLE_NOTE_FRACTION.
GATHERS_NOTE_FRACTION = 0.25


def zero3_gathers_note(st: StepTime) -> str | None:
    """Where ZeRO-3 gathers the parameters for each of a step's several micro-batches and the traffic it leaves exposed
    is at least ``GATHERS_NOTE_FRACTION`` of the step: its share, and what shrinks it (fewer, larger micro-batches)."""
    lay, parts = st.layout, st.parts
    share = parts.dp_comm_s / st.seconds
    if lay.zero_stage != 3 or lay.micro_batches <= 1 or share < GATHERS_NOTE_FRACTION:
        return None
    return (f"ZeRO-3 gathers the parameters for the forward and the backward of each of the step's "
            f"{gfmt(lay.micro_batches, 4)} micro-batches and reduce-scatters their gradients: "
            f"{gfmt(parts.dp_comm_total_s, 3)} s of data-parallel traffic a step, {gfmt(parts.dp_comm_s, 3)} s of it "
            f"exposed, {share:.0%} of the step; a larger micro-batch (fewer of them a step) gathers them fewer times, "
            "ZeRO-1 or -2 gathers them once a step where memory allows (`plan` ranks the layouts that fit)")


def sharded_pipeline_note(layout: Layout, memory_gb: Callable[[Layout], float] | None = None,
                          capacity_gb: float = math.inf) -> str | None:
    """Where a layout pipelines (PP > 1) and shards gradients or parameters (ZeRO-2 or -3): which stacks run it. Llama
    3 405B did (FSDP-style, parameters not resharded after the forward, with PP 16: arXiv:2407.21783 §3.3.2, Table 4);
    DeepSpeed's pipeline engine takes ZeRO stage 1 at most (its PipelineEngine asserts ``zero_optimization_stage() <
    2``: "ZeRO-2 and ZeRO-3 are incompatible with pipeline parallelism", deepspeed/runtime/pipe/engine.py; DeepSpeed
    issue #1110) and Megatron-LM's distributed optimizer shards the optimizer states alone (ZeRO-1). The step model
    times ZeRO-2's gradients reduced once a step, as the Llama 3 runs it was fitted on, and ZeRO-3's parameters
    gathered and gradients reduce-scattered every micro-batch (planner review 2026-11-30: the planner had picked PP
    with ZeRO-2 unsaid). ``memory_gb``: a layout's memory per
    device, so that the same layout under ZeRO-1 is said to fit in ``capacity_gb`` or not (app review 2026-11-30: a
    ZeRO-3 layout at 100% of an H100 had been pointed to ZeRO-1, which needs 141 GB)."""
    if layout.pp < 2 or layout.zero_stage < 2:
        return None
    whole = "gradients" + (" and parameters" if layout.zero_stage == 3 else "")
    said = (f"ZeRO-{layout.zero_stage} with pipeline parallelism (PP {layout.pp}): Llama 3 405B ran so (FSDP-style, "
            "arXiv:2407.21783 §3.3.2); DeepSpeed's pipeline engine refuses ZeRO-2 and -3 and Megatron-LM's "
            f"distributed optimizer is ZeRO-1, under which each device holds its {whole} whole")
    if memory_gb is None:
        return said
    need = memory_gb(replace(layout, zero_stage=1))
    fits = (f"fits in {mem.capacity_gb_text(capacity_gb)}" if need <= capacity_gb else
            f"does not fit in {mem.capacity_gb_text(capacity_gb)}: those stacks need another layout")
    return f"{said}: this layout under ZeRO-1 needs {mem.gb(need)} GB a device and {fits}"


# A step's tokens within this share of the batch asked are not said to differ (a rounding of the last sequence).
BATCH_SAID_SHARE = 0.005


def batch_rounded_note(asked_tokens: float, whose: str, layout: Layout) -> str | None:
    """Where a layout's step holds other than the tokens asked (a whole number of micro-batches on every data-parallel
    replica, ``core_plan.global_batch_for``): both said, and why (researcher review 2026-11-27: 4,194,304 tokens given
    ran as 3,833,856 without a word); None where they agree within ``BATCH_SAID_SHARE``."""
    used = layout.global_batch * layout.seq_len
    if abs(used / asked_tokens - 1) <= BATCH_SAID_SHARE:
        return None
    return (f"global batch: {whose}, {asked_tokens:,.0f} tokens; the layout's step "
            f"holds {used:,} ({layout.global_batch:,} sequence{'' if layout.global_batch == 1 else 's'} of "
            f"{layout.seq_len:,}, {used / asked_tokens - 1:+.1%}): "
            f"a whole number of micro-batches of {layout.micro_batch} on each of its {layout.dp:,} "
            f"data-parallel replica{'' if layout.dp == 1 else 's'}")


# Where the attention the fitted utilisation's FLOPs (6·N·D) leave out is this share of them or more, a time from it
# says so: a reporting threshold (a design choice), above what ordinary runs add, which the fitted utilisation's runs
# held too (over 6·N: Mistral 7B at 2,048 tokens 5.6%, Llama 3.1 8B at 8,192, its pretraining sequence, 20%).
ATTENTION_SAID_ABOVE = 0.25


def left_out_words(share: float) -> str:
    """A share as a whole percent, never rounded up to all of it ("over 99%" past 0.99: second diff review 2026-11-29,
    327× had read "leaves 100% … out")."""
    return "over 99%" if share > 0.99 else f"{share:.0%}"


def attention_left_out_note(shape: ModelShape, seq_len: int, params_counted: float | None = None) -> str | None:
    """Where the time falls back to the fitted utilisation of 6·N·D and the attention at ``seq_len`` adds
    ``ATTENTION_SAID_ABOVE`` or more to the model's FLOPs: said, with the factor (researcher review 2026-11-29: a
    1,000,000-token sequence that fit no layout on 8 devices read 1.07 years from 6·N·D, where the step model counts 35×
    those FLOPs; on 1,024 devices, 74 days × 1,024)."""
    model, _ = core_step.flops_per_token(shape, seq_len)
    ratio = model / (FLOPS_PER_PARAM_TOKEN_TRAIN * (params_counted or shape.matmul_params_active()))  # the estimate's N where it counts one
    if ratio < 1 + ATTENTION_SAID_ABOVE:
        return None
    # the share left out, said as it is (diff review 2026-11-29: "most" at 1.59×, 37%)
    return (f"attention at sequence {seq_len:,}: the model's FLOPs are {gfmt(ratio, 3)}× the 6·N·D the fitted "
            f"utilisation times, so its time leaves {left_out_words(1 - 1 / ratio)} of the run's work out; give a layout "
            "that fits, "
            "or more devices, for the step model's time")


def beyond_context_note(model: str | None, seq_len: int) -> str | None:
    """A sequence longer than the catalog model's released context: said (researcher review 2026-11-27: 200,000 tokens
    of Llama 3.1 8B's 131,072 passed without a word); a new context length is a run of its own, as a long-context
    stage is, so it is timed, not refused. None for a shape given or within the context."""
    if model is None:
        return None
    from estimator.io.serving_data import catalog_model
    m = catalog_model(model)
    if m.context is None or seq_len <= m.context:
        return None
    return (f"sequence {seq_len:,}: longer than the context {m.name} was released with, {m.context:,} tokens; timed "
            "as a sequence of that length (a long-context stage's, the model's position encoding extended)")


# The doublings of a device count tried for the fewest on which a layout fits (``fewest_fitting_note``): up to 64×.
FITTING_DOUBLINGS = 6


def fewest_fitting_note(devices: int, search_on: Callable[[int], object], memory_fewest: int | None = None) -> str | None:
    """Where no layout of a model fits ``devices`` and the time falls back to the fitted utilisation: the step model's
    device-hours on the fewest of ``devices`` × 2, 4, … 64 on which one fits (``search_on(n)``: the planner's best
    there, or None), said as another estimate, so that more devices reading cheaper is not taken for a saving (lecturer
    review 2026-11-30: Llama 3.1 70B on 8 H100s read $43M, on 16 $34M). None where no doubling fits.

    ``memory_fewest``: the fewest devices the memory's note says would hold the model (``memory.fewest``), tried first,
    so that the two notes name one count where the planner lays the run out there (researcher review 2026-11-30:
    Llama 3.1 405B on 8 H100s read 88 in one note and 128 in the other)."""
    if memory_fewest is not None and devices < memory_fewest <= B.DEVICES.high:
        best = search_on(memory_fewest)
        if best is not None:
            return _fitting_words(memory_fewest, best, "the count the memory's note says would hold it (its search is of fewer layouts than the planner's)")
    for k in range(1, FITTING_DOUBLINGS + 1):
        n = devices * 2 ** k
        if n > B.DEVICES.high:
            return None
        if memory_fewest is not None and n < memory_fewest:
            continue  # too few to hold it (the memory's search)
        best = search_on(n)
        if best is not None:
            return _fitting_words(n, best, f"the fewest of {devices * 2:,}, {devices * 4:,}, … on which a layout fits")
    return None


def _fitting_words(n: int, best, which: str) -> str:
    """``fewest_fitting_note``'s words for the planner's ``best`` layout on ``n`` devices."""
    return (f"on {n:,} devices, {which} "
            f"({core_plan.layout_words(best.layout)}), the step model times the run at "
            f"{hz.human('device_hours', best.run_seconds * n / S_PER_HOUR)} (MFU {best.step.mfu:.0%}: a "
            "tuned stack's); the fitted utilisation here is another estimate, of published whole runs: "
            "device-hours that differ between the two are the estimates', not a saving or a cost of more "
            "devices")
