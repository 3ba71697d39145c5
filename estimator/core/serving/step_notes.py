"""What a serving result says of how it came about (pure): the decode step's parts, the power drawn, a mixture
of experts, the batch, the devices, a calibrated profile and the memory, in that order; what its ranges mean;
and times in words (``fmt_ms``). The last stage of ``estimator.core.serving.estimate.inference``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from estimator.core.base.number_text import gfmt, rounded, sci
from estimator.core.base.units import MS_PER_S, US_PER_MS
from estimator.core.hardware.plausibility import power_over_tdp_note
from estimator.core.hardware.power_base import CHIP_DRAW, chip_draw_note, power_base
from estimator.core.hardware.profile import HGX_SERVER_DEVICES, HardwareProfile
from estimator.core.serving.engines import EAGER_ENGINE, LATENCY_ENGINE, OPTIMIZED_ENGINE
from estimator.core.serving.notes import (
    EAGER_RANGE_MEANING,
    ENGINE_FITTED_TO,
    LATENCY_RANGE_MEANING,
    OPTIMIZED_NEWER,
    OPTIMIZED_RANGE_MEANING,
    POWER_GIVEN_RANGE,
    RANGE_MEANING,
    count_text,
    moe_note,
)
from estimator.core.serving.step import (
    BANDWIDTH_FRACTION,
    CROSS_NODE_ALLREDUCE_SOURCE,
    IDLE_POWER_FRACTION,
    Device,
    ServingFit,
    Step,
)
from estimator.core.serving.weights import expert_slots, kv_replication

if TYPE_CHECKING:
    from estimator.core.serving.device import ServingCompute
    from estimator.core.serving.memory_fit import MemoryFit
    from estimator.core.serving.scenario import InferenceScenario
    from estimator.core.serving.served import ServedModel

SMALLEST_PLAIN_MS = 1e-3  # below this a power of ten (5 × 10⁻⁴ ms), not .3g's zeros or e-notation (1e-05)


def fmt_ms(x: float) -> str:
    """A time in the notes: ms below a second, seconds from one on, never e-notation (audit: "7.17e+04 ms")."""
    ms = x * MS_PER_S
    if abs(rounded(ms)) >= MS_PER_S:  # 999.6 ms reads "1 s", not "1,000 ms"
        return f"{gfmt(x, 3)} s"
    return f"{sci(ms) if 0 < abs(ms) < SMALLEST_PLAIN_MS else gfmt(ms, 3)} ms"


def step_notes(s: InferenceScenario, profile: HardwareProfile, fit: ServingFit, served: ServedModel,
               compute: ServingCompute, memory: MemoryFit, decode: Step, batch_words: str = "") -> tuple[str, ...]:
    """The notes after the totals': the step's time, its power, then the scale it runs at, then its memory.
    ``batch_words``: what set the batch where a layout chose it (``Layout.batch_words``); "" where it was given."""
    ep = int(s.ep) if s.ep is not None else 1
    return ((time_note(fit, compute, decode, float(s.batch_size)),) + power_notes(s, profile, compute, decode, fit)
            + speculative_note(s, decode) + static_lengths_note(fit, s)
            + scale_notes(profile, fit, served, int(s.batch_size), memory.devices, compute.device, ep, batch_words,
                          positions=int(s.draft_tokens) + 1, beams=int(s.beams),
                          chosen="" if s.devices is not None else memory.devices_why or memory.devices_how)
            + (memory_note(s, profile, served, memory, fit.static_batch),))


def static_lengths_note(fit: ServingFit, s: InferenceScenario) -> tuple[str, ...]:
    """A static batch of several sequences: every output taken at the mean length; one that varies keeps the batch
    running to its longest, its tokens a second the mean ÷ the longest of these (serving review 2026-11-30: the
    latency engine's static batch at the largest batch served 28,900 tokens/s on 8 H200s where the in-flight engine
    served 27,000, OpenOrca's outputs running up to 1,024 tokens against their mean of 294)."""
    if not fit.static_batch or int(s.batch_size) <= 1:
        return ()
    n = gfmt(float(s.tokens_per_query), 5)
    return (f"a static batch: every sequence's output is taken as {n} token{'' if n == '1' else 's'} long; where the "
            "lengths vary (this is then their mean), the batch runs until its longest sequence ends, and its tokens a second are "
            "those here × the mean ÷ the longest (an engine that batches in flight refills a finished sequence's slot)",)


def time_note(fit: ServingFit, compute: ServingCompute, decode: Step, batch: float) -> str:
    """Time per output token from its parts, as the step adds them: the roofline's and prefill's (in an engine whose
    prompts ride in the decode step, the slower of the memory and the compute with the prompts), then tensor
    parallelism's, expert parallelism's and the engine's (review 2026-11-27: the mixed step had read as a plain sum
    of parts that added up to more than the total)."""
    rates = (f"weights and KV cache at {gfmt(BANDWIDTH_FRACTION)} of the bandwidth, FLOPs at "
             f"{gfmt(compute.utilization, 3)} of the {compute.precision} peak"
             # the experts' GEMMs slower, their few tokens each (serving engineer's review 2026-11-30: "FLOPs at 0.6 of
             # the peak" beside a compute time 6× that)
             + (f", the experts' GEMMs at {gfmt(decode.expert_gemm_rate, 2)} of that (few tokens reach each expert)"
                if gfmt(decode.expert_gemm_rate, 2) != "1" else ""))
    # the other requests' prompts, which a user's steps carry; its own prompt's prefill is before its first token
    # its prefill, with its all-reduces (``Step.own_tp_s``) and its prefill step's engine cost (``Step.own_engine_s``)
    own_s = decode.own_prefill_s + decode.own_tp_s + decode.own_engine_s
    others_s = decode.prefill_s - decode.own_prefill_s
    if fit.mixed_prefill:
        others = f" + the other requests' prompts' prefill {fmt_ms(others_s)} in the same step" if others_s > 0.0 else ""
        gpu = (f"{compute.chip} {fmt_ms(max(decode.memory_s, decode.compute_s + others_s))} "
               f"({decode.bound}-bound, the slower of memory {fmt_ms(decode.memory_s)} and compute "
               f"{fmt_ms(decode.compute_s)}{others}: {rates})")
    else:
        others = f" + the other requests' prefill {fmt_ms(others_s)}" if others_s > 0.0 else ""
        gpu = f"{compute.chip} {fmt_ms(decode.gpu_s)} ({decode.bound}-bound: {rates}){others}"
    parts = (f"{gpu} + tensor parallel {fmt_ms(decode.tp_s)} + "
             + (f"expert parallel {fmt_ms(decode.ep_s)} + " if decode.ep_s else "") +
             f"engine {fmt_ms(decode.engine_s)} ({gfmt(fit.engine_s_per_layer * MS_PER_S, 2)} ms per layer"
             # an engine that prefills new prompts as steps of their own pays it again in those steps
             + (f", again in the other requests' prefill steps ({fmt_ms(decode.others_engine_s)} a step)," if
                decode.others_engine_s > 0.0 else "") +
             f" and {gfmt(fit.engine_s_per_sequence * MS_PER_S, 2)} ms per sequence, {ENGINE_FITTED_TO[fit.engine]})")
    # under a power limit every part is stretched alike, the fitted engine costs named above too (review 2026-11-27)
    apart = decode.prefill_held_stretch > max(decode.power_limit_stretch, 1.0)  # a prefill phase held on its own
    others = (f", every other part {decode.power_limit_stretch:.2f}×" if decode.power_limit_stretch > 1.0 else "")
    limited = (f"; under the power limit the prefill phase {decode.prefill_held_stretch:.2f}× as long (at the "
               f"prefill's draw){others}" if apart else
               f"; every part {decode.power_limit_stretch:.2f}× as long under the power limit"
               if decode.power_limit_stretch > 1.0 else "")
    # served: the request's own prompt's prefill added, apart from its steps (the throughput's and the energy's time)
    whose = ("the batch's prompts' prefill" if own_prompt_noun(fit.static_batch, batch).endswith("prompts")
             else "the request's own prompt's prefill")
    served = (f"; a token served {fmt_ms(decode.tpot_s)}, with {whose}, {fmt_ms(own_s / decode.tokens_per_step)} a "
              f"token, before its first ({own_prompt_words(decode.own_prompt_share, fit.static_batch and batch > 1)}): what the "
              "throughput, the energy and the totals count"
              if own_s >= OWN_PREFILL_SAID * decode.user_tpot_s * decode.tokens_per_step else "")
    # both already held by a power limit's stretch (diff review 2026-11-30: divided by it again, 68% read 50%)
    engine_share = decode.engine_s / (decode.user_tpot_s * decode.tokens_per_step)
    engine_bound = (f"; the engine's fitted costs are {engine_share:.0%} of this step: where they dominate (a small "
                    "model, short prompts, a large batch) this engine read low on TensorRT-LLM's own published runs, "
                    "its per-sequence cost pinned by MLPerf's harness (the serving accuracy check, by model), so read its "
                    "tokens/s as a floor there"
                    if fit.engine == OPTIMIZED_ENGINE and engine_share > ENGINE_BOUND_SHARE else "")
    if decode.tokens_per_step > 1.0:  # speculative decoding: the step's parts over the tokens it emits
        return (f"time per output token {fmt_ms(decode.user_tpot_s)} = (a step: {parts} + the draft head's passes "
                f"{fmt_ms(decode.draft_s)}) ÷ {gfmt(decode.tokens_per_step, 3)} tokens a sequence emits a step"
                f"{limited}{served}{engine_bound}")
    return f"time per output token {fmt_ms(decode.user_tpot_s)} = {parts}{limited}{served}{engine_bound}"


# The share of a step the optimised engine's fitted costs take past which its time note says they dominate: a half, a
# design choice (serving-engineer review 2026-11-30: Llama 3.1 8B on an H100 at FP8 read 0.44x TensorRT-LLM's published
# tokens/s at 128/128, the engine 68% of its step, and 0.70x at 1,000/1,000, 61%, its range stated without a word;
# Llama 3.1 70B on 8 H100s, 38%, is not said)
ENGINE_BOUND_SHARE = 0.5


# The share of the TPOT a request's own prompt's prefill must add to a token served before the time note says it: 1%, a
# design choice (below it the throughput's time and the TPOT agree to the 3 figures the CLI prints)
OWN_PREFILL_SAID = 0.01


def own_prompt_noun(static: bool, batch: float) -> str:
    """What runs before a request's first token, apart from its steps: a static batch's prompts, all of them (as the
    TTFT's ``throughput.ttft_words`` says, a batch of more than one), or the request's own (``step.own_prompt_share``)."""
    return "the batch's prompts" if static and batch > 1 else "the request's own prompt"


def own_prompt_words(share: float, static: bool) -> str:
    """What share of the step's prefill is a request's own prompt, in words (``step.own_prompt_share``)."""
    if static:
        return "a static batch prefills every prompt before its first token"
    if share >= 1.0:
        return "alone in its batch, its prefill and its decode add up, the prefill at the prefill's draw"
    return (f"a prompt rides in other sequences' steps, never its own: {share:.2g} of the step's prompts, one "
            "request's of the batch, apart")


def speculative_note(s: InferenceScenario, decode: Step) -> tuple[str, ...]:
    """Speculative decoding's draft, acceptance and tokens a step, and what the estimate does not know of it."""
    if not int(s.draft_tokens):
        return ()
    k, a = int(s.draft_tokens), float(s.acceptance)
    return (f"speculative decoding: {count_text(k)} draft token{'s' if k > 1 else ''} a step from a one-layer draft head "
            f"with the model's LM head (EAGLE, arXiv:2401.15077; DeepSeek-V3's MTP module, arXiv:2412.19437), each "
            f"accepted with probability {gfmt(a, 3)} given the ones before it: {gfmt(decode.tokens_per_step, 3)} tokens a "
            f"sequence a step on average, (1 − a^(k+1)) ÷ (1 − a) (Leviathan et al. 2023, arXiv:2211.17192, eq. 1); "
            f"the model verifies {count_text(k + 1)} positions of every sequence a step (their FLOPs, the weights and "
            "KV cache read once) and the engine's per-sequence cost is paid per token emitted. No measurement of "
            "speculative decoding is in the engine's fit: the range is the engine's, the acceptance taken as given (a "
            "draft head's acceptance varies with the task and the sampling)",)


# A power given this far below the model's draw at the load is said (a design choice: past the serving power fit's own
# scatter, predicted ÷ measured 0.9–1.1 on the measured decode steps, estimator/data/measured_decode.csv)
POWER_GIVEN_UNDER_MODEL = 0.8


def power_given_under_note(given_w: float, modelled_w: float) -> str | None:
    """Where the power given lies ``POWER_GIVEN_UNDER_MODEL`` or more below the modelled draw at this load: the
    tokens/s are still the model's, at its own draw, not those of a device held to the power given (serving review
    2026-11-30: 300 W given for 8 H200s at their largest batch kept 26,300 tokens/s and cut the energy 57%, without a
    word); None otherwise."""
    if given_w >= POWER_GIVEN_UNDER_MODEL * modelled_w:
        return None
    return (f"power given: {gfmt(given_w, 3)} W per device, {given_w / modelled_w:.2f} of the {gfmt(modelled_w, 3)} W "
            "the model draws at this load: the time and tokens/s are the model's, at its own draw, not those of a "
            f"device held to {gfmt(given_w, 3)} W (a power limit given instead holds each device to it and runs the "
            "steps slower), and the energy is the draw given over that time")


def power_notes(s: InferenceScenario, profile: HardwareProfile, compute: ServingCompute,
                decode: Step, fit: ServingFit | None = None) -> tuple[str, ...]:
    """A power given beyond the chip's TDP (or the draw standing in for it); else the modelled power, and the
    chip draw that stands in for a TDP the profile does not state; a power limit, what it does to the step (``fit``'s
    exponent) and whether it lies outside the limits that exponent was fitted at."""
    notes = []
    # against the TDP, or the chip draw standing in for it (review: a TPU v4, no TDP, took 5 kW without a word)
    base = power_base(profile)
    if s.power_w is not None and base and (over := power_over_tdp_note(s.power_w, base[0], profile.name, base[1],
                                                                            devices_only=True)):
        notes.append(over)  # as estimate notes it (review: the inference audit's 5 kW on an A100 had none here)
    device = compute.device
    if s.power_w is None and decode.unlimited_power_w is not None:
        notes.append(f"power {gfmt(decode.power_w, 3)} W per device ({decode.power_fraction:.2f} × "
                     f"{device.tdp_label}): the power limit given; the model's draw by load would be "
                     f"{gfmt(decode.unlimited_power_w, 3)} W; energy counts the devices only, as measured (Zeus), not the "
                     "host; PUE multiplies it")
    elif s.power_w is None:
        notes.append(f"power {gfmt(decode.power_w, 3)} W per device ({decode.power_fraction:.2f} × "
                     f"{device.tdp_label}), from idle towards the decode and prefill draw by load (fitted to measured "
                     "draw, not the TDP); energy counts the devices only, as measured (Zeus), not the host; PUE "
                     "multiplies it")
        if device.tdp_label == CHIP_DRAW:
            notes.append(chip_draw_note(profile, device.tdp_w))
    if s.power_limit_w is not None and fit is not None:
        watts = float(s.power_limit_w)
        limit = gfmt(watts, 4)
        lo, hi = fit.power_limit_tdp_shares
        share = watts / device.tdp_w
        # between the highest fitted share and the TDP (no slowdown) it interpolates; below the lowest it extrapolates
        outside = (f"; {limit} W is {share:.2f} of the {device.tdp_label}, below the limits the exponent was fitted at "
                   f"({lo:.2f}–{hi:.2f} of it): extrapolated" if share < lo - 0.005 else "")
        prefill = (f"; a prompt's prefill alone, at the prefill's draw, {decode.prefill_limit_stretch:.2f}× as long "
                   "(the time to the first token)" if decode.prefill_limit_stretch > 1.0 else "")
        # an engine that prefills as its own phase holds that phase to the limit at the prefill's draw even where the
        # decode's draw is under it: each step's prefill share slows too (browser review 2026-11-27: "the steps run
        # as without it" where TPOT rose 81.6 → 84.1 ms)
        phase = decode.prefill_held_stretch > max(decode.power_limit_stretch, 1.0)
        if phase:
            prefill = (f"; the engine prefills as its own phase, at the prefill's draw: held to the limit, that phase "
                       f"runs {decode.prefill_held_stretch:.2f}× as long, in each step (its prefill share) and for a "
                       "prompt alone (the time to the first token), drawing the limit, not the prefill's draw"
                       + ("" if decode.unlimited_power_w is not None else
                          f" (the step's draw by load {gfmt(decode.power_w, 3)} W)"))
        if decode.unlimited_power_w is not None:
            notes.append(f"power limit {limit} W per device: the modelled draw, {gfmt(decode.unlimited_power_w, 3)} W, is "
                         f"held to it, and each step runs {decode.power_limit_stretch:.2f}× as long: ((draw − idle) ÷ "
                         f"(limit − idle))^{fit.power_limit_exponent:.2f}, idle {gfmt(IDLE_POWER_FRACTION)} × "
                         f"{device.tdp_label}, as MLPerf Inference's power-capped results ran against the same systems "
                         f"uncapped (serving_fit.json's power_limit){prefill}{outside}")
        else:
            # with a prefill phase held the draw the result carries is the held one, given with that phase's words
            held = ("the rest of the step runs as without it" if phase else "so the steps run as without it")
            notes.append(f"power limit {limit} W per device: at or above the step's modelled draw"
                         + ("" if phase else f" ({gfmt(decode.power_w, 3)} W)") + f", {held}{prefill}{outside}")
    return tuple(notes)



def scale_notes(profile: HardwareProfile, fit: ServingFit, served: ServedModel, batch: int, devices: int,
                device: Device, ep: int = 1, batch_words: str = "", positions: int = 1,
                beams: int = 1, chosen: str = "") -> tuple[str, ...]:
    """A mixture of experts' routing, the batch (and what set it: ``batch_words``, "" where it was given), the tensor
    (or expert) parallelism, and a calibrated profile's measurements left unused. ``positions``: the tokens of each
    sequence a step runs (draft tokens + 1 with speculative decoding), whose routes reach the experts; ``beams``: the
    sequences each request of the batch decodes. ``chosen``: why the devices are as many, where none were given (serving
    review 2026-11-29: a batch of 1,409 moved Llama 3.1 8B to 2 GPUs, said in the JSON's assumptions only)."""
    notes = []
    why = f" (not given: {chosen})" if chosen else ""
    if served.architecture.active_params:
        moe = moe_note(served.architecture, served.params, batch * positions)
        # under expert parallelism that is the replica's; each device reads its own experts (review 2026-11-26)
        notes.append(moe + (f", over the replica's {devices} devices: each reads the weights outside the experts and "
                            "those of its own experts the batch reaches" if ep > 1 else ""))
        if ep == 1 and devices > 1 and served.architecture.kv_heads != 1:
            # serving engineer's review 2026-11-27: Qwen3-235B-A22B on 8 H200s read 22,258 tokens/s at TP2 × 4 and
            # 48,610 with --ep 8, and nothing said expert parallelism had not been weighed
            notes.append("expert parallelism not weighed: a mixture of experts without latent attention is served in "
                         "tensor parallelism here unless an expert-parallel degree is given (attention data-parallel); "
                         "the engine's expert-parallel figures rest on few published runs (the serving check of "
                         "validate: TensorRT-LLM's EP8 runs of Qwen3 235B-A22B read fast)")
    if batch > 1 and fit.engine == LATENCY_ENGINE:
        # above its cap said, as the other engines' are (serving review 2026-11-30: 1,000 sequences taken silently)
        over = (f"; above {count_text(fit.max_batch)}, the engine's cap (the largest batch it is given of its own "
                "accord), and far beyond the batches of the benchmarks it was fitted to (estimator/data/"
                "small_batch_tpot.csv): the step is modelled as given" if batch > fit.max_batch else "")
        notes.append(f"batch {count_text(batch)}: {count_text(batch)} sequences decoded together from start to end, "
                     f"as the latency benchmarks ran them{over}")
    elif batch > 1:
        # what set it, not always the engine's cap (review 2026-11-27: memory's 39 and 1,569 had read as the
        # "running-batch limit" of an engine whose cap is 2,048)
        # under expert parallelism (attention data-parallel) each device's scheduler holds its own share, so the
        # replica's cap is ep times the engine's (throughput.max_throughput's; serving review 2026-11-27: DeepSeek-R1's
        # 3,940 on 8 B200s, 493 a device, was said to be above the cap)
        cap = fit.max_batch * max(1, ep)
        cap_words = (f"{count_text(fit.max_batch)} for each device's scheduler, {count_text(cap)} for the replica's {ep}"
                     if ep > 1 else count_text(fit.max_batch))
        over = (f"; above the engine's cap of {count_text(cap)}, which a real engine would not run at once: "
                "the step is modelled as given" if batch > cap else "")
        # requests, each of its beams a sequence (serving review 2026-11-28: 555 requests of 4 beams were called "the
        # sequences the engine runs at once", 2,220 of them)
        runs = ("the sequences the engine runs at once" if beams <= 1 else
                f"the requests the engine runs at once, {count_text(batch * beams)} sequences of their {beams} beams each")
        notes.append(f"batch {count_text(batch)} ({batch_words or 'as given'}; the engine's cap "
                     f"{cap_words}): {runs}; continuous batching keeps "
                     "it nearly full while requests queue (in the measurements the realised average was 96–100% of "
                     f"it), less under light load{over}")
    if ep > 1:
        a = served.architecture
        slots = expert_slots(a, ep)
        # a degree that does not divide the experts: their slots, the extra ones redundant copies (``expert_slots``)
        spare = ep * slots - a.experts
        redundant = ("" if a.experts % ep == 0 else
                     f" ({count_text(ep * slots)} slots over the group, {count_text(spare)} of them "
                     f"{'a redundant copy' if spare == 1 else 'redundant copies'}, as DeepSeek-V3's inference deploys: "
                     "arXiv:2412.19437, §3.4.1)")
        notes.append(f"{devices} devices in expert parallelism: each holds the weights outside the experts whole and "
                     f"{count_text(slots)} of the {count_text(a.experts)} experts of every layer"
                     f"{' that has them' if a.moe_layer_share < 1.0 else ''}{redundant}, and runs "
                     f"attention for its own sequences, at most {count_text(-(-batch // ep))} of the {count_text(batch)} "
                     "(attention "
                     "data-parallel: DeepSeek-V3, arXiv:2412.19437, §3.4.2; TensorRT-LLM's enable_attention_dp); "
                     "routing taken as even; two all-to-alls per layer and step (dispatch and combine, 16-bit hidden "
                     f"states, k copies of each token) over {gfmt(device.link_gb_per_s)} GB/s ({device.link_source}), "
                     "all of a group's traffic at that link, each with the fitted fixed cost of a collective (fitted "
                     "to all-reduces: a stand-in)"
                     + (f" and {gfmt(device.cross_node_latency_s * US_PER_MS * MS_PER_S)} µs for the "
                        f"{profile.domains_word} it spans "
                        f"(an all-reduce's, {CROSS_NODE_ALLREDUCE_SOURCE}, as a stand-in)"
                        if device.cross_node_latency_s else "")
                     + ("; every layer has experts" if a.moe_layer_share >= 1.0 else
                        f"; in the {count_text(round(a.layers * a.moe_layer_share))} of its {count_text(a.layers)} "
                        "layers that have experts (the rest dense, as the catalog gives them)"))
    elif devices > 1:
        notes.append(f"{devices} devices{why} in tensor parallelism: each holds 1/{devices} of every layer; two all-reduces "
                     f"per layer per step over {gfmt(device.link_gb_per_s)} GB/s ({device.link_source})"
                     + (f", each {gfmt(device.cross_node_latency_s * US_PER_MS * MS_PER_S)} µs longer for the "
                        f"{profile.domains_word} it spans ({CROSS_NODE_ALLREDUCE_SOURCE}"
                        + (", its network's latency a stand-in for the PCIe hops between them)"
                           if profile.domains_word not in ("nodes", "servers") else ")")
                        if device.cross_node_latency_s else ""))
    # beyond one scale-up domain (8 on an HGX board; 72 in an NVL72 rack: serving engineer's review 2026-11-27, GB200
    # TP16 had read "beyond 8 devices (one NVLink domain)")
    domain = profile.server_devices or HGX_SERVER_DEVICES
    if devices > domain and ep == 1:
        notes.append(f"tensor parallelism beyond {domain} devices (one {profile.id} scale-up domain) is rarely used; "
                     "serving usually adds replicas or pipeline stages instead, not modelled")
    if profile.calibration is not None and profile.kind == "cpu":
        # a calibrated CPU's TDP is the draw measured (core.calibration.calibrate._tdp): its serving power is this
        # machine's, its time the base server's (measuring engineer's review 2026-11-29: the note had said the
        # measured power is not used, and the energy per token fell 57x with the time unchanged)
        notes.append(f"{profile.id} is a calibrated CPU profile: its TDP is the draw measured during the calibration, "
                     "so the serving power here is the machine measured, while the time is the base profile's (its "
                     "peak and memory bandwidth, not measured here): if the machine measured is smaller than that "
                     "server, the time is too short and the energy per token too low; the training estimate and the "
                     "break-even use the measured throughput")
    elif profile.calibration is not None:  # calibrate audit: the serving numbers ignored it without a word
        notes.append(f"{profile.id} is a calibrated profile: its measured matmul throughput and mean power are "
                     "training figures and are not used here; serving takes the profile's peak, memory bandwidth and "
                     "TDP through the serving model (the training estimate and the break-even use the measurements)")
    return tuple(notes)


def memory_note(s: InferenceScenario, profile: HardwareProfile, served: ServedModel, memory: MemoryFit,
                static_batch: bool = False) -> str:
    """Weights plus the batch's KV cache (each sequence at prompt + half its output, as a paged engine holds it; at
    prompt + its whole output in an engine that runs a static batch), copies of the KV heads across devices included,
    and the largest batch."""
    architecture, devices, footprint = served.architecture, memory.devices, memory.footprint
    # more devices than KV heads: each head is copied, not split (inference audit: 8 devices held twice 1 device's
    # cache with no word why)
    copies = 1.0 if s.ep is not None and s.ep > 1 else kv_replication(architecture, devices)
    # beam search: the prompt held once, each beam's own output (step.beam_search_holds)
    beams = f"{count_text(int(s.beams))} beams × " if int(s.beams) > 1 else ""
    copied = (f", held {gfmt(copies, 3)}× over: each of the {count_text(architecture.kv_heads)} KV heads on "
              f"{gfmt(copies, 3)} of the {devices} devices, as a KV head is copied across devices, never split"
              if copies > 1 else "")
    # windowed layers hold at most their window (Architecture.held_share): the share of the tokens said
    held = architecture.held_share(float(s.prompt_tokens), float(s.tokens_per_query))
    if held < 1.0:
        copied += (f"; {count_text(architecture.windowed_layers)} of the {count_text(architecture.layers)} layers hold "
                   f"at most the last {count_text(architecture.window)} tokens (windowed attention), "
                   f"{gfmt(held, 3)} of the whole cache")
    return (f"memory: weights {gfmt(footprint.weights_gb, 3)} GB + KV cache {gfmt(footprint.kv_cache_gb, 3)} GB "
            f"(batch {count_text(int(s.batch_size))} × {count_text(float(s.prompt_tokens))} + {beams}"
            + (f"{count_text(float(s.tokens_per_query))} tokens, every sequence at its full length by a static batch's "
               "last step" if static_batch else
               f"{count_text(float(s.tokens_per_query))} ÷ 2 tokens, a sequence's average in flight as a paged engine "
               "holds it")
            + f", at {int(s.kv_bits)} bits{copied}); the largest batch that "
            f"fits on {devices} × {profile.id} is {count_text(footprint.max_batch)} "
            f"({memory.memory_source})")


# the footprint's ranges, which are no fitted interval (``result.range_basis``), as training's meaning says them
FOOTPRINT_RANGE = ("; embodied CO₂e and water: ranges as their sources state them or the tool assumes them (embodied "
                   "carbon per device, "
                   "water per kWh), marked stated, with no measured coverage")


def range_meaning(fit: ServingFit, power_given: bool, footprint: bool = True) -> str:
    """What the result's 80% ranges mean: the engine's fitted interval and its held-out coverage; with a power
    given (online engine), that the energy's range is the time's."""
    held = "a share nobody measured" if fit.held_out_coverage is None else f"{fit.held_out_coverage:.0%}"
    if fit.engine == EAGER_ENGINE and fit.held_out_coverage is not None:  # a few rows: counted, not a percentage
        held = f"{round(fit.held_out_coverage * fit.n_configs)} of {fit.n_configs}"
    meaning = {LATENCY_ENGINE: LATENCY_RANGE_MEANING, OPTIMIZED_ENGINE: OPTIMIZED_RANGE_MEANING,
               EAGER_ENGINE: EAGER_RANGE_MEANING}.get(fit.engine, RANGE_MEANING).format(
        level=fit.level, n=fit.n_configs, models=fit.n_models, held=held,
        least="a share nobody measured" if fit.held_out_group_coverage is None else f"{fit.held_out_group_coverage:.0%}")
    if fit.engine == OPTIMIZED_ENGINE and fit.newer_coverage is not None:
        short = f", short of {fit.level:.0%}" if round(fit.newer_coverage, 2) < fit.level else ""
        meaning += OPTIMIZED_NEWER.format(runs=fit.newer_runs, newer=f"{fit.newer_coverage:.0%}", short=short)
    return (meaning + (POWER_GIVEN_RANGE if power_given and fit.engine != LATENCY_ENGINE else "")
            + (FOOTPRINT_RANGE if footprint else ""))


__all__ = ["SMALLEST_PLAIN_MS", "fmt_ms", "memory_note", "own_prompt_noun", "power_notes", "range_meaning", "scale_notes",
           "speculative_note", "step_notes", "time_note"]
