"""The most tokens a set of devices serves (pure): the tensor-parallel degree, replicas and batch that maximise
throughput in memory (MLPerf's Offline scenario), optionally under a bound on the time per output token (its
Server scenario). The building block for the serving questions ``--batch-size max`` and ``--tpot-ms``.

Given ``devices``, each power-of-two tensor-parallel degree ``tp`` that divides them and splits the attention
heads runs ``devices ÷ tp`` replicas; each replica's batch is the largest whose KV cache fits beside the
weights at the average sequence in flight (``memory.serving_footprint``, a paged engine; at full length in an engine
that decodes a static batch), at most the engine's
``max_batch`` (its scheduler's cap), and, under a TPOT bound, the largest whose step (a user's, its own prompt
aside) keeps within it. Throughput is replicas × batch ÷ a token served, the step's prefill included (``step.step``:
B ÷ T prompts start per step, as an in-flight batching engine with chunked prefill mixes them into the decode steps,
each request's own apart). The best degree wins (the
smaller on a tie).

A batch given (``batch``) is taken per replica, the largest that fits where it does not (a paged engine preempts
the rest); a degree whose replicas hold the batch given is chosen before one whose replicas do not, however many
tokens a second the smaller batch would serve (serving-engineer review 2026-11-27: 64 given for a 70B model on 8
H100s ran 8 replicas of 39, preempted, for 0.8% more tokens a second than 4 replicas of 64 at a shorter TPOT). Under a bound on the time to the first token (TTFT, MLPerf's Server and Interactive scenarios), a
request's first token waits for its own prompt's prefill at the compute roofline, as its replica runs a prompt alone,
and then one step of the batch: TTFT = one prompt's prefill + TPOT (``ttft_s``), both rising with the batch; a TTFT
bound is a p99 under the batch's own stream of requests (``ttft_p99_s``: the mean with the prompt's wait in a queue,
``loaded_ttft_s``, × the p99 ÷ mean MLPerf's Server runs measured); the batch is the largest that keeps both within
their bounds. The step is the steady state of in-flight batching; a
TPOT bound is a p99, and the step is held at ``tpot_p99_share`` of it (``ServingFit.server_share``: MLPerf Server
runs' mean TPOT ÷ their bound) where other requests' prompts ride in a sequence's steps, and at the bound itself where
none does (``p99_share``: one sequence at a time, or a static batch), the TTFT taken as is. An engine that decodes a
static batch (``ServingFit.static_batch``: the batch starts together and runs to its end, no stream of requests)
prefills every prompt of it before any first token: its TTFT is the batch's prompts' prefill and one step.

A tensor-parallel degree beyond the devices one scale-up domain links (a profile's ``scale_up_devices``: the 8 GPUs
of an NVLink server) spans nodes: its all-reduces cross the scale-out network (``device_at``), so the choice keeps
within a node where that serves more.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import MS_PER_S
from estimator.core.serving.memory import draft_layers_of, serving_footprint
from estimator.core.serving.notes import counted
from estimator.core.serving.result import ONE_PROMPT_TTFT
from estimator.core.serving.step import DEFAULT_ACCEPTANCE, Architecture, Device, ServingFit, Step, step
from estimator.core.serving.weights import DEFAULT_BITS, DEFAULT_KV_BITS
from estimator.core.workload.architecture import tensor_parallel_problem


@dataclass(frozen=True)
class Throughput:
    """The configuration that serves the most tokens per second on the devices, and its step."""
    tp: int
    replicas: int
    batch: int                    # per replica
    limit: str                    # what set the batch: "given", "memory", "engine" (its cap), "tpot" or "ttft"
    step: Step
    tokens_per_s: float           # over all the devices
    ttft_s: float = 0.0           # a prompt's prefill (a static batch's: all its prompts') and one step (``ttft_s``)
    ep: int = 1                   # expert-parallel devices a replica (``step.step``; tp 1 then)
    holds: bool = True            # its memory holds the batch given (none given: True), before any bound lowers it
    ttft_p99_s: float | None = None  # under a TTFT bound: the p99 it is held to (``ttft_p99_s``: under the batch's load;
    #                                  None in a static batch, held to the modelled TTFT)

    @property
    def devices(self) -> int:
        return self.tp * self.ep * self.replicas


def tensor_parallel_options(devices: int, arch: Architecture, whole_group: bool = False) -> list[int]:
    """The power-of-two degrees that divide ``devices`` and split the heads (the degrees the search weighs on devices
    given); ``whole_group``: all the devices as one group too, where that degree splits the heads though it is no power
    of two: where the devices are the fewest that hold the model (the layout takes them as one replica by default), or,
    on devices given, weighed beside the powers of two and a subset (``layout._whole_group``: kept unless a subset
    serves 5% more) (serving review 2026-11-30: Llama 4 Scout on the 40 L4s that hold it, TP 40 by default, was refused
    by `--batch-size max` and by a TPOT bound, whose searches tried powers of two only; Nemotron-4 340B on 24 H100s
    under 30 ms served 34 tokens/s on 16 of them, where TP 24 serves 79)."""
    out, tp = [], 1
    while tp <= devices:
        if devices % tp == 0 and not tensor_parallel_problem(tp, arch.heads, arch.kv_heads):
            out.append(tp)
        tp *= 2
    if whole_group and devices not in out and not tensor_parallel_problem(devices, arch.heads, arch.kv_heads):
        out.append(devices)
    return out


def p99_share(share: float, batch: float, static: bool = False) -> float:
    """The share of a p99 TPOT bound the steady TPOT may take: ``share`` (``ServingFit.server_share``, MLPerf Server
    runs' mean ÷ bound: its steps vary as other requests' prompts ride in them) for an engine that batches requests in
    flight, more than one at a time; 1 where no other request's prompt enters a sequence's steps, so that every step
    is its steady one: one sequence at a time, or a static batch (serving-engineer review 2026-11-28: one sequence of
    an 8B model on an H100, 7.8 ms a token, had been held to 0.69 of a 10 ms bound and sent to 4 devices).

    Between the two the share moves with the batch's other sequences, ``(batch - 1) / batch`` of it, whose prompts
    vary its steps: ``1 - (1 - share) × (batch - 1) / batch``, 1 at one sequence and ``share`` as the batch grows
    (MLPerf's Server batches, in the hundreds, within 1% of it). A step bound that fell from the whole bound at one
    sequence to ``share`` of it at two had refused a batch of 7 at 14.4 ms a token under a 20-ms bound while taking
    one sequence at 16.9 ms (serving-engineer review 2026-11-28, second: Llama 3.1 70B at 8 bits on 8 H100s, 118
    tokens/s at 20 ms, 486 at 21). The bound a batch may take then falls as its steady TPOT rises, so the largest
    batch within it is found by bisection."""
    if static or batch <= 1:
        return 1.0
    return 1.0 - (1.0 - share) * (batch - 1.0) / batch


def prefill_s_at_its_draw(st: Step) -> float:
    """The step's prefill as a prompt alone runs it, at the prefill's draw: as held (the step's stretch, or the
    prefill's own in an engine that prefills apart) taken back and held by the prefill's own stretch; a request's own
    prompt, where it runs as a phase at the prefill's draw (``Step.own_at_prefill_draw``), already is (review
    2026-11-29: it had been stretched twice, a 16 s TTFT bound refused at a 500 W limit)."""
    own = st.own_prefill_s if st.own_at_prefill_draw else 0.0
    return (st.prefill_s - own) / st.prefill_held_stretch * st.prefill_limit_stretch + own


def ttft_s(st: Step, batch: float, output_tokens: float, static: bool = False) -> float:
    """The time to a request's first token: its own prompt's prefill (the step's prefill is that of the batch ÷
    output tokens prompts that start per step, times the tokens a sequence emits a step) and one step of the batch
    (the module docstring). In a static batch (``static``) every prompt of the batch is prefilled before the first
    token: the device's share of them all, the step's prefill over the batch's steps (serving-engineer review
    2026-11-28: the latency engine's 1,024 sequences "decoded together from start to end" had read one prompt's 54.9
    ms; under expert parallelism each device runs its own prompts' dense products and its share of every prompt's
    experts, so not ``batch`` times one prompt alone, whose experts the whole replica runs: code review 2026-11-28).
    Under a power limit the prefill runs at the prefill's draw, held to the limit (``Step.prefill_limit_stretch``), not
    at the step's average draw (review 2026-11-27: a limit between the two had left the time to the first token
    unchanged)."""
    emitted = st.tokens_per_step
    own = prefill_s_at_its_draw(st)
    if static:  # the batch's prompts, all of them, before the first token: the steps' prefill summed, its one pass's
        # all-reduces with it (``Step.own_tp_s``, a step's share of them, as held)
        return (own + st.own_tp_s) * float(output_tokens) / emitted + st.user_tpot_s * emitted
    # where prompts are prefilled as steps of their own, that step emits the first token: its engine cost
    # (``Step.prompt_engine_s``) in place of a decode step's (review 2026-12-01: both had been counted)
    first = (st.prompt_engine_s * st.power_limit_stretch if st.prompt_engine_s > 0.0 else st.user_tpot_s * emitted)
    # that step prefills the prompts of every request that finished in the step before it together: more than one
    # where more finish a step than one (B > T), each prompt's compute in it (review 2026-12-01)
    together = (max(1.0, float(batch) * emitted / float(output_tokens)) if st.prompt_engine_s > 0.0 and not static
                else 1.0)
    if st.prompt_alone_s is not None:  # the prompt alone as its replica runs it, at the prefill's draw, and its
        # all-reduces, drawn and held as the decode steps are (``Step.prompt_tp_s``); a prefill step of its own reads
        # the weights at least (``Step.prompt_read_s``)
        return (max(st.prompt_alone_s * together, st.prompt_read_s) * st.prefill_limit_stretch
                + st.prompt_tp_s * st.power_limit_stretch + first)
    return own * float(output_tokens) / (float(batch) * emitted) + first


def loaded_ttft_s(st: Step, batch: float, output_tokens: float, static: bool = False) -> float:
    """The mean time to a request's first token in a steady stream of requests that keeps ``batch`` sequences in flight
    (per device under expert parallelism, as ``ttft_s`` takes it): ``ttft_s``, the wait for the prefills of the prompts
    before it and half the step under way. Requests arrive at the rate the batch turns over (Little's law), at random
    (Poisson, as MLPerf's loadgen sends them), and their prefills, S each (``ttft_s`` less one step), are served one at
    a time: the mean wait of M/D/1, ρ/(2(1 − ρ))·S (Pollaczek–Khinchine), ρ the share of the device's step its prompts'
    prefill takes (rate × S: the step's prefill ÷ the step, with drafts and under expert parallelism too: code review
    2026-11-28; the step holds its prefill, so ρ < 1); for a mixture of experts S holds the prompt at its own GEMMs'
    rate (``step.Step.prompt_alone_s``), ρ the step's prefill at the step's: the service time is the first token's, the
    load the device's (diff review 2026-12-03). No fitted parameter. A static batch (no stream)
    waits for none: ``ttft_s`` as is; nor does one sequence in flight on a device (``batch`` 1; under expert
    parallelism, whose attention is data-parallel, one on each device: diff review 2026-12-01): a single stream, each
    request sent as the last one ends (MLPerf's SingleStream scenario), where a Poisson stream at the rate one sequence
    turns over would queue behind prompts that fill the device (serving engineer's review 2026-12-01: an 8,000-token
    prompt and one output token, 239 ms to the first token idle, held to a p99 of 3,670 ms at batch 1 and refused
    under a 2,000 ms bound as "one sequence alone"). On MLPerf's 58 Server runs with a measured TTFT it is off their mean by a median
    1.31×, the idle TTFT by 1.61× (``research.ttft_under_load``; serving review 2026-11-28, third: a `--ttft-ms` bound
    had taken a batch whose TTFT under its own load missed it)."""
    idle = ttft_s(st, batch, output_tokens, static)
    if static or batch <= 1.0:
        return idle
    step_s = st.tpot_s * st.tokens_per_step
    # ``ttft_s`` less its one step; where prompts are prefilled as steps of their own, the prefill step is the one that
    # emits the first token, and S is all of ``ttft_s``
    prefill = idle if st.prompt_engine_s > 0.0 else max(0.0, idle - st.user_tpot_s * st.tokens_per_step)
    # the share of the step its prompts' prefill takes, as the step charges it: their compute and the own prompt's
    # all-reduces (the others' ride in the step's own, for their bytes); S, the prefill a request waits for, holds its
    # own prompt's all-reduces whole (diff review 2026-11-30: each prompt's charged whole here had passed ρ = 1)
    # and where prompts are prefilled as steps of their own, those steps' engine cost, every prompt's (review
    # 2026-12-01: the request's own share alone had been counted)
    own = prefill_s_at_its_draw(st) + st.own_tp_s + st.own_engine_s + st.others_engine_s
    rho = own / step_s if step_s > 0 else 0.0
    if rho >= 1.0:
        return math.inf
    return idle + rho / (2.0 * (1.0 - rho)) * prefill + step_s / 2.0


def ttft_p99_over_mean_at(p99_over_mean: float, batch: float, static: bool = False) -> float:
    """The p99 ÷ mean TTFT a batch takes: ``p99_over_mean`` (MLPerf's Server runs, their batches in the hundreds) as the
    batch's other sequences make the steps vary, ``1 + (p99_over_mean − 1) × (batch − 1) ÷ batch``, as ``p99_share``
    moves the TPOT's share; 1 at one sequence, or in a static batch (code review 2026-11-28: the p99 had jumped from the
    idle TTFT at batch 1 to 2.3× it at batch 2)."""
    if static or batch <= 1.0:
        return 1.0
    return 1.0 + (p99_over_mean - 1.0) * (float(batch) - 1.0) / float(batch)


def ttft_p99_s(st: Step, batch: float, output_tokens: float, static: bool, p99_over_mean: float) -> float:
    """The p99 time to the first token a TTFT bound is held to: the mean under the load (``loaded_ttft_s``; one
    sequence in flight on a device, a single stream) × the batch's p99 ÷ mean (``ttft_p99_over_mean_at``); a static
    batch's ``ttft_s`` as is."""
    if static:
        return ttft_s(st, batch, output_tokens, static)
    return loaded_ttft_s(st, batch, output_tokens, static) * ttft_p99_over_mean_at(p99_over_mean, batch)


def ttft_words(static: bool, batch: int, prefill_steps_apart: bool = False) -> str:
    """What ``ttft_s`` adds up, in words."""
    if static and batch > 1:
        return f"the batch's {batch:,} prompts' prefill (a static batch) and one step"
    if prefill_steps_apart:
        return ("the prompt's prefill step (its compute or its weights' read, the slower, and the engine's per-layer "
                "cost), which emits the first token")
    return ONE_PROMPT_TTFT


# The ratio between the batches an expert-parallel search tries above the bisection's (``_largest_within``): 10%
# apart, a design choice (a batch it skips is within 10% of one it tries; about 50 more steps timed at most)
NON_MONOTONE_GRID = 1.1


def _bisect(within, lo: int, hi: int) -> int:
    """The largest batch in ``lo``..``hi`` that ``within`` holds, ``within(lo)`` true, by bisection."""
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if within(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _largest_within(within, batch: int, monotone: bool = True) -> int:
    """The largest batch in 1..``batch`` that keeps ``within`` its bounds; 0 if none. Where TPOT and TTFT rise with
    the batch (``monotone``), by bisection. Under expert parallelism they need not: a larger step speeds the experts'
    share of the prompts it carries, and the p99 TTFT had fallen with the batch over a stretch (DeepSeek-R1 on 8 H200s
    in EP8: 250 ms at batch 200, 179 at 776), so that a bisection stopped below a larger batch that met the bound (a
    181 ms bound then: 15, where 920 met it; code review 2026-11-28). A request's own prompt is now held at its own
    GEMMs' rate in its time to the first token (``step.Step.prompt_alone_s``; 2026-12-03), which rises with the load;
    the grid stays as a guard for the TPOT, whose steps' experts still speed up. There the batches of a grid above the bisection's,
    ``NON_MONOTONE_GRID`` apart, are tried too, and the largest that holds is bisected up to the next one tried."""
    if not within(1):
        return 0
    lo = _bisect(within, 1, batch)
    if monotone or lo >= batch:
        return lo
    grid, g = [], float(lo)
    while g < batch:
        g *= NON_MONOTONE_GRID
        b = min(batch, math.ceil(g))
        if b > (grid[-1] if grid else lo):
            grid.append(b)
    holding = [b for b in grid if within(b)]
    if not holding:
        return lo
    top = holding[-1]
    above = [b for b in grid if b > top]
    return _bisect(within, top, above[0] - 1 if above else batch)


def _better(found: Throughput, best: Throughput | None, batch_given: bool) -> bool:
    """Whether ``found`` serves the question better than ``best`` (the module docstring): with a batch given, a degree
    that holds it first; then the more tokens a second (the smaller degree on a tie, as the options run upwards)."""
    if best is None:
        return True
    # whether the memory holds it, not what set the batch in the end: a bound may lower a batch the memory had already
    # cut (code review 2026-11-27: relabelled "tpot", a degree that preempted the batch counted as holding it)
    if batch_given and found.holds != best.holds:
        return found.holds
    return found.tokens_per_s > best.tokens_per_s * (1 + 1e-12)


def max_throughput(*, params: float, arch: Architecture, device: Device, fit: ServingFit, devices: int,
                   prompt_tokens: float, output_tokens: float, weight_bits: int = DEFAULT_BITS, kv_bits: int = DEFAULT_KV_BITS,
                   max_batch: int, tpot_bound_s: float | None = None, tp: int | None = None,
                   ttft_bound_s: float | None = None, batch: int | None = None,
                   device_at: Callable[[int], Device] | None = None, compute_fraction: float | None = None,
                   beams: int = 1, ep: int | None = None, tpot_p99_share: float = 1.0, draft_tokens: int = 0,
                   acceptance: float = DEFAULT_ACCEPTANCE, power_limit_w: float | None = None,
                   whole_group: bool = False) -> Throughput:
    """The tensor parallelism (or ``tp`` given), replicas and batch (or ``batch`` given, per replica) that serve
    the most tokens per second on ``devices`` (the module docstring); ``device_at(tp)``: the device as a replica
    of ``tp`` sees it (its link), default ``device``; ``beams``: each request's beam-search width (``step.step``:
    the batch counts requests, each holding its prompt once). ``ep``: replicas of that many expert-parallel devices
    (a mixture of experts, attention data-parallel, ``tp`` 1: ``step.step``), each device's scheduler capped at
    ``max_batch``. ``tpot_p99_share``: ``tpot_bound_s`` is a p99 and the steady TPOT is held at this share of it
    (``ServingFit.server_share``; 1: the step taken as the p99) at batches above 1 (``p99_share``); ``fit.static_batch``:
    the engine decodes a static batch (``p99_share``, ``ttft_s``). ``draft_tokens``, ``acceptance``: speculative
    decoding, ``power_limit_w``: each device's power limit (``step.step``); ``whole_group``: all the devices weighed as one
    group too (``tensor_parallel_options``). Refused where no degree holds the
    weights and one sequence, or none meets the bounds at batch 1."""
    static = fit.static_batch

    def step_bound(b: float) -> float | None:
        """The steady TPOT a batch of ``b`` may take under the p99 bound (``p99_share``)."""
        return None if tpot_bound_s is None else tpot_bound_s * p99_share(tpot_p99_share, b, static)
    best: Throughput | None = None
    # the least TPOT and TTFT one sequence reaches, each with its degree, where the bounds refused every batch
    fastest: dict[str, tuple[float, int]] = {}
    e = int(ep or 1)
    options = [1] if e > 1 else ([tp] if tp is not None else tensor_parallel_options(devices, arch, whole_group))
    cap = max_batch * e
    for t in options:
        group = t * e                # the devices of one replica
        dev = device if device_at is None else device_at(group)
        room = serving_footprint(params=params, arch=arch, memory_gb_per_device=dev.memory_gb, devices=group, batch=1,
                                 prompt_tokens=prompt_tokens, output_tokens=output_tokens, weight_bits=weight_bits,
                                 kv_bits=kv_bits, memory_fraction=fit.memory_fraction, beams=beams, ep=e,
                                 draft_layers=draft_layers_of(draft_tokens), static_batch=fit.static_batch).max_batch
        if room < 1:
            continue

        # each batch's step timed once for this degree: the checks below and the searches ask for one batch more than
        # once (an Offline answer timed its batch twice; fit-serving's folds call this 36,000 times)
        timed: dict[int, Step] = {}

        def run(b: int, t: int = t, dev: Device = dev, steps: dict[int, Step] = timed) -> Step:
            if b not in steps:
                steps[b] = step(params=params, arch=arch, device=dev, fit=fit, batch=b, prompt_tokens=prompt_tokens,
                                output_tokens=output_tokens, tp=t, weight_bits=weight_bits, kv_bits=kv_bits,
                                compute_fraction=compute_fraction, beams=beams, ep=e, draft_tokens=draft_tokens,
                                acceptance=acceptance, power_limit_w=power_limit_w)
            return steps[b]

        def within(b: int, run=run) -> bool:
            st = run(b)
            return ((tpot_bound_s is None or st.user_tpot_s <= step_bound(b))
                    and (ttft_bound_s is None or ttft_p99_s(st, b / e, output_tokens, static,
                                                            fit.ttft_p99_over_mean) <= ttft_bound_s))
        if batch is not None:
            size, limit = (batch, "given") if batch <= room else (room, "memory")
        else:
            size, limit = (room, "memory") if room <= cap else (cap, "engine")
        if not within(size):
            st = run(size)
            limit = "tpot" if tpot_bound_s is not None and st.user_tpot_s > step_bound(size) else "ttft"
            size = _largest_within(within, size, monotone=e == 1)
            if size >= 1:
                # which bound the next sequence breaks (review 2026-11-27: the label was the starting batch's, TPOT
                # where the TTFT bound set a batch whose step was far below the TPOT one)
                nxt = run(size + 1)
                limit = "tpot" if tpot_bound_s is not None and nxt.user_tpot_s > step_bound(size + 1) else "ttft"
            if size < 1:
                one = run(1)
                # the TTFT a bound is held to (one request at a time: its own; serving engineer's review 2026-12-01)
                # as a bound met says it (serving review
                # 2026-11-29: the refusal had quoted the idle TTFT, 6,960 ms, under an 8,000 ms bound it held to 10.9 s)
                held_ttft = ttft_p99_s(one, 1 / e, output_tokens, static, fit.ttft_p99_over_mean)
                for what, x in (("tpot", one.user_tpot_s), ("ttft", held_ttft)):
                    if what not in fastest or x < fastest[what][0]:
                        fastest[what] = (x, t)
                continue
        s = run(size)
        replicas = devices // group
        found = Throughput(t, replicas, size, limit, s, replicas * size / s.tpot_s,
                           ttft_s(s, size / e, output_tokens, static),
                           ep=e, holds=batch is None or batch <= room,
                           # a static batch has no stream of requests to be under: none (code review 2026-11-28)
                           ttft_p99_s=None if ttft_bound_s is None or static else ttft_p99_s(
                               s, size / e, output_tokens, static, fit.ttft_p99_over_mean))
        if _better(found, best, batch is not None):
            best = found
    if best is None:
        bounds = [f"{gfmt(x * MS_PER_S, 3)} ms {what}" for x, what in ((tpot_bound_s, "per output token"),
                                                                    (ttft_bound_s, "to the first token")) if x is not None]
        bound = f" within {' and '.join(bounds)}" if bounds else ""
        split = ("expert-parallel group" if e > 1 else
                 f"tensor-parallel degree {tp}" if tp is not None else "tensor-parallel split")
        given = ("devices",) + (("ep",) if e > 1 else ("tp",) if tp is not None else ())
        if not fastest:  # nothing held the weights and one sequence
            # with what the weights need beside what all the devices offer, as the answer without a bound says it
            # (serving engineer's review 2026-11-30: under --tpot-ms the refusal had lost its numbers)
            # of the largest replica tried (diff review 2026-11-30: all the devices' memory had been quoted, more than
            # the weights need, where a degree given or the heads' rule kept the replicas smaller)
            group = max(options) * e
            most = serving_footprint(params=params, arch=arch, memory_gb_per_device=device.memory_gb, devices=group,
                                     batch=1, prompt_tokens=prompt_tokens, output_tokens=output_tokens,
                                     weight_bits=weight_bits, kv_bits=kv_bits, memory_fraction=fit.memory_fraction,
                                     beams=beams, ep=e, draft_layers=draft_layers_of(draft_tokens),
                                     static_batch=fit.static_batch)
            replica = f"a replica of {counted(group, 'device')}, the largest tried"
            share = f"{gfmt(fit.memory_fraction, 2)} of its memory"
            why = (f"the weights need {gfmt(most.weights_gb, 3)} GB; {replica}, offers {gfmt(most.usable_gb, 3)} GB "
                   f"({share})" if most.weights_gb >= most.usable_gb else
                   f"one sequence's KV cache, {gfmt(most.kv_gb_full_sequence, 3)} GB by its last token, and "
                   f"{gfmt(most.weights_gb, 3)} GB of weights need more than the {gfmt(most.usable_gb, 3)} GB ({share}) "
                   f"{replica}, offers")
            raise InputError(f"no {split} of {devices} × {device.id} holds the model's weights and one sequence's KV "
                             f"cache ({why})", field=given)
        # the bounds, each named only where given, with the least one sequence reaches of each (browser review
        # 2026-11-26, second: the refusal named an empty TTFT bound and not the 34 ms a step takes at batch 1)
        reach = [f"{gfmt(fastest[what][0] * MS_PER_S, 3)} ms {words} ("
                 + ("one request at a time, " if what == "ttft" and not static else "")
                 + (f"expert parallelism {e})" if e > 1 else f"tensor parallelism {fastest[what][1]})")
                 for what, words, x in (("tpot", "per output token", tpot_bound_s), ("ttft", "to the first token",
                                                                                   ttft_bound_s)) if x is not None]
        # whose costs these are (review 2026-11-27: vllm-2024's batch 1 is FastChat's, read as a fact of vLLM)
        raise InputError(f"no {split} of {devices} × {device.id} serves the model{bound}: one sequence alone, at the "
                         f"{fit.engine} engine's costs, takes at least {' and '.join(reach)}",
                         field=given + tuple(k for k, x in (("ttft_ms", ttft_bound_s), ("tpot_ms", tpot_bound_s))
                                             if x is not None))
    return best


__all__ = ["Throughput", "max_throughput", "p99_share", "tensor_parallel_options", "ttft_s", "ttft_words"]
