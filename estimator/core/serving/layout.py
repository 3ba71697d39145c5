"""How the devices serve (pure): the tensor-parallel degree, the replicas side by side and the batch each runs. A
stage of ``estimator.core.serving.estimate.inference``, before the memory and the step.

- Nothing asked of the layout (no devices in all, no ``tp``, a batch given, no latency bound): one replica on the
  fewest devices that hold the weights and the batch's KV cache (``memory_fit``), as before; ``serving_layout``
  answers None.
- Otherwise the devices in all are the ones given, or ``tp`` given alone (one replica), or the fewest that hold the
  weights and one sequence; ``throughput.max_throughput`` chooses the degree (or takes ``tp``) and the batch: the
  one given (per replica), the largest in memory under the engine's cap (``batch_size`` "max", MLPerf's Offline), or
  the largest that meets the TTFT and TPOT bounds (MLPerf's Server and Interactive), whichever serves the most
  tokens per second over all the devices.
- A degree beyond one scale-up domain (``profile.scale_up_devices``, the GPUs one NVLink server links) spans nodes:
  its all-reduces cross the scale-out network (``device_at``); the layout says how many nodes a replica spans.
- A mixture of experts with latent attention (one KV head: DeepSeek-V2/V3's MLA, whose compressed latent every
  tensor-parallel rank must hold whole) is also weighed in expert parallelism, attention data-parallel, when neither
  ``tp`` nor ``ep`` is given (``latent_moe``): engines serve it so (DeepSeek-AI 2024, DeepSeek-V3, arXiv:2412.19437,
  §3.4.2; TensorRT-LLM's DeepSeek-R1 guide runs TP8 with EP8 and ``enable_attention_dp``), and under tensor
  parallelism alone its answer was about half what TensorRT-LLM's published DeepSeek-R1 runs measured (review
  2026-11-27). Other mixtures of experts stay opt-in (``--ep``): on TensorRT-LLM's Qwen3 runs the step runs expert
  parallelism faster than engines do.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import count_text, gfmt
from estimator.core.base.units import MS_PER_S
from estimator.core.hardware.profile import HardwareProfile, inside_domain
from estimator.core.serving.memory import draft_layers_of, serving_footprint
from estimator.core.serving.memory_fit import expert_parallel, memory_fit
from estimator.core.serving.notes import counted
from estimator.core.serving.scenario import MAX_BATCH_WORD
from estimator.core.serving.step import Device, ServingFit, cross_node_allreduce_s
from estimator.core.serving.throughput import (
    max_throughput,
    p99_share,
    tensor_parallel_options,
    ttft_p99_over_mean_at,
)
from estimator.core.workload.architecture import tensor_parallel_problem

if TYPE_CHECKING:
    from estimator.core.serving.device import ServingCompute
    from estimator.core.serving.scenario import InferenceScenario
    from estimator.core.serving.served import ServedModel

# What set the batch, in words (``Throughput.limit``).
LIMIT_WORDS = {"given": "as given", "memory": "the largest the memory holds",
               "engine": "the engine scheduler's cap", "tpot": "the largest that meets the TPOT bound",
               "ttft": "the largest that meets the TTFT bound"}


@dataclass(frozen=True)
class Layout:
    """The devices as they serve: replicas of ``tp`` devices, each decoding ``batch`` sequences per step."""
    tp: int
    replicas: int
    batch: int                    # per replica: the batch run (the largest that fits where a given one does not)
    limit: str                    # what set the batch (``LIMIT_WORDS``)
    nodes_per_replica: int        # scale-up domains (NVLink servers) one replica spans
    ttft_s: float | None          # the modelled time to the first token (None: no layout chosen)
    how: str                      # the choice in words, for the result's notes and assumptions
    batch_words: str = ""         # what set the batch, in words ("the largest that meets the TPOT bound, of the 2,000 given")
    ep: int = 1                   # expert-parallel devices a replica (tp 1 then: attention data-parallel)
    ttft_p99_s: float | None = None  # under a TTFT bound: the p99 it was held to (``throughput.ttft_p99_s``)
    batch_lowered: bool = False   # a batch given that a TTFT or TPOT bound lowered (``batch_words`` says from what)
    whose: str = ""               # why the devices are as many, short ("the tensor-parallel degree given")
    idle: int = 0                 # devices given that serve nothing: a subset serves more than all of them can

    @property
    def devices(self) -> int:
        return self.tp * self.ep * self.replicas


def device_at(profile: HardwareProfile, device: Device, tp: int, devices: int | None = None) -> Device:
    """``device`` as a replica of ``tp`` sees it: beyond the profile's scale-up domain its all-reduces cross the
    scale-out network (the profile's ``scale_out_gb_per_s``, with its source) and pay its latency for the nodes
    spanned (``cross_node_allreduce_s``; an expert-parallel group's all-to-alls too, as a stand-in); within it,
    unchanged. Refused where the profile states no scale-out network (its links within one domain say nothing of
    the network between). ``devices``: all of them, the replicas laid out in order, so a group that does not tile the
    domain may straddle one more (``nodes_spanned``), timed as its busiest group spans."""
    spans = nodes_spanned(profile, tp, devices)
    if profile.scale_up_devices and spans > 1 and not profile.scale_out_gb_per_s:
        # (serving review 2026-11-28: the A800's 16-way replica had all-reduced at its NVLink's 200 GB/s across nodes,
        # 2.3× faster than the A100's over InfiniBand, while its profile stated no network)
        raise InputError(f"a replica of {tp:,} devices spans {spans:,} scale-up domains of "
                         f"{profile.scale_up_devices:,}, and {profile.id}'s profile states no scale-out bandwidth "
                         "(scale_out_gb_per_s) to time their all-reduces: give a degree of at most "
                         f"{profile.scale_up_devices:,}", field="tp")
    if profile.scale_up_devices and spans > 1:
        return replace(device, link_gb_per_s=profile.scale_out_gb_per_s,
                       link_source=(f"the scale-out network across nodes: {profile.scale_out_source}"
                                    if profile.domains_word == "nodes" else
                                    f"the link across {profile.domains_word}: {profile.scale_out_source}"),
                       cross_node_latency_s=cross_node_allreduce_s(spans))
    if spans > 1:
        # cards with no scale-up domain stated, in servers of ``server_devices``: across servers, the card's own PCIe
        # link as a stand-in for the network between them (no profile of one states a network), and the nodes' latency
        return replace(device, link_source=(f"{device.link_source}, a stand-in for the network between servers of "
                                            f"{profile.server_devices} cards (its profile states none)"),
                       cross_node_latency_s=cross_node_allreduce_s(spans))
    return device


def nodes_spanned(profile: HardwareProfile, tp: int, devices: int | None = None) -> int:
    """The scale-up domains a group of ``tp`` devices spans (a card with none stated: servers of
    ``profile.server_devices``): ceil(tp ÷ domain), or, with ``devices`` in all laid out in order in groups of ``tp``,
    the most any group spans (sweep review 2026-11-30: EP 29 × 5 on 8-GPU B200 servers read "each across 4 nodes",
    devices 29–57 on 5; 2 groups of 50 on 72-GPU racks, the second across two, had been timed as inside one)."""
    up = profile.server_devices
    if not up:
        return 1
    if devices is None or devices <= tp:
        return math.ceil(tp / up)
    if inside_domain(tp, devices, up):
        # groups that tile the domains, or devices that fill no whole number of them, taken as domains run in part,
        # each a whole number of groups, as the training step takes them (diff review 2026-11-30: 128 GB200s at TP 16
        # were inside a rack in training, across two in serving)
        return 1
    return max((i * tp + tp - 1) // up - (i * tp) // up + 1 for i in range(devices // tp))


def chosen(s: InferenceScenario) -> bool:
    """Does the scenario ask anything of the layout (devices in all, a degree, the largest batch, a bound)?"""
    return (s.devices is not None or s.tp is not None or s.batch_size == MAX_BATCH_WORD
            or s.ttft_ms is not None or s.tpot_ms is not None or expert_parallel(s) > 1)


def serving_layout(s: InferenceScenario, profile: HardwareProfile, served: ServedModel, compute: ServingCompute,
                   fit: ServingFit) -> Layout | None:
    """The layout (the module docstring); None where nothing is asked of it (``memory_fit`` then places one
    replica as before)."""
    if not chosen(s):
        return None
    fixed = None if s.batch_size == MAX_BATCH_WORD else int(s.batch_size)
    if s.tp is not None:
        problem = tensor_parallel_problem(int(s.tp), served.architecture.heads, served.architecture.kv_heads)
        if problem:
            raise InputError(problem, field="tp")
    if s.devices is not None:
        devices, whose = int(s.devices), s.devices_whose or "given"
    elif expert_parallel(s) > 1:
        devices, whose = expert_parallel(s), "the expert-parallel degree given"
    elif s.tp is not None:
        devices, whose = int(s.tp), "the tensor-parallel degree given"
    else:  # the fewest that hold the weights and one sequence (or the batch given)
        devices = memory_fit(replace(s, batch_size=fixed or 1), profile, served, fit.memory_fraction,
                             fit.memory_source, fit.static_batch).devices
        whose = "the fewest that hold the weights and " + ("the batch's KV cache" if fixed else "one sequence")
    # a batch given with neither devices nor a degree: one replica of the devices that hold it, as without a bound; a
    # bound may only lower its batch (review 2026-11-27: a loose bound had split the devices sized for 4,000 in all
    # into 4 replicas of 1,569 each, 3.4 times the tokens/s of the same question without it)
    one_replica = (s.devices is None and s.tp is None and fixed is not None and expert_parallel(s) == 1
                   and not latent_moe(s, served))
    # a degree given that does not divide the devices given: as many replicas as they hold serve, the rest idle and
    # said (serving review 2026-11-30: `--devices 12 --tp 8` was refused where `--devices 12` alone serves on 8)
    given_degree = int(s.tp) if s.tp is not None else expert_parallel(s) if expert_parallel(s) > 1 else None
    uneven = devices % given_degree if s.devices is not None and given_degree else 0

    def best_on(n: int):
        if not one_replica:
            return _best(s, profile, served, compute, fit, n, fixed)
        try:
            return _best(replace(s, tp=n), profile, served, compute, fit, n, fixed)
        except InputError:
            # the refusal in the user's terms, naming no degree they did not give (review 2026-11-27: "no tensor-
            # parallel degree 8 …" with --tp flagged): a smaller degree is no faster, so this refuses as well
            return _best(s, profile, served, compute, fit, n, fixed)
    refused_on_all = None
    try:
        try:
            best = best_on(devices - uneven)
            if s.devices is None and s.tp is None and fixed and best.limit in ("tpot", "ttft") and best.batch < fixed:
                # a bound lowered the batch given: the fewest devices that hold the batch it allows (review 2026-11-26:
                # 2,000 given with a 20 ms bound took 2 devices for 2,000 and ran 166, which one holds)
                fewer = memory_fit(replace(s, batch_size=best.batch), profile, served, fit.memory_fraction,
                                   fit.memory_source, fit.static_batch).devices
                if fewer < devices:
                    devices, best = fewer, best_on(fewer)
                    whose = "the fewest that hold the weights and the batch the bound allows"
        except InputError as refused:
            if expert_parallel(s) > 1:
                if s.ttft_ms is None and s.tpot_ms is None:
                    # where the group's memory is what fails, its own refusal says the sizes (review 2026-11-26), and a
                    # group given is what to enlarge, not the devices (serving-engineer review 2026-11-28)
                    try:
                        memory_fit(replace(s, devices=expert_parallel(s), batch_size=fixed or 1), profile, served,
                                   fit.memory_fraction, fit.memory_source, fit.static_batch)
                    except InputError as exc:
                        if s.ep is None:
                            raise
                        raise _given_degree_refusal(exc, "expert-parallel", "ep", int(s.ep), s.devices) from None
                raise
            # where the memory is what fails, its own refusal says why (the weights, one sequence, the batch) on the
            # most devices one replica could take
            if s.ttft_ms is None and s.tpot_ms is None:
                largest = int(s.tp) if s.tp is not None else max(
                    tensor_parallel_options(devices, served.architecture, whole_group=s.devices is None), default=devices)
                if largest < devices and latent_moe(s, served) and devices in ep_options(devices,
                                                                                         served.architecture.experts):
                    # no tensor-parallel group takes them all, but one expert-parallel group of all the devices was
                    # weighed: its memory says why it holds too little, and more devices is the way (diff review
                    # 2026-11-30: "one replica takes at most 1 of the 5 devices")
                    try:
                        memory_fit(replace(s, ep=devices, devices=devices, batch_size=fixed or 1), profile, served,
                                   fit.memory_fraction, fit.memory_source, fit.static_batch)
                    except InputError as exc:
                        raise InputError(f"{str(exc).removesuffix(': use more devices')}, in one expert-parallel group of "
                                         f"all {devices} devices (redundant experts in their spare slots): use more devices",
                                         field="devices") from None
                try:
                    memory_fit(replace(s, devices=largest, batch_size=fixed or 1), profile, served, fit.memory_fraction,
                               fit.memory_source, fit.static_batch)
                except InputError as exc:
                    if s.tp is not None:  # the degree given is what holds too little: more devices would not help
                        raise _given_degree_refusal(exc, "tensor-parallel", "tp", int(s.tp), s.devices) from None
                    whole = serving_footprint(devices=devices, params=served.params, arch=served.architecture,
                                              memory_gb_per_device=profile.memory_gb, batch=1,
                                              prompt_tokens=float(s.prompt_tokens), output_tokens=float(s.tokens_per_query),
                                              weight_bits=int(s.bits), kv_bits=int(s.kv_bits),
                                              memory_fraction=fit.memory_fraction, beams=int(s.beams),
                                              draft_layers=draft_layers_of(s.draft_tokens), static_batch=fit.static_batch)
                    if largest >= devices or not whole.runs:  # all the devices would not hold it either: more, as said
                        raise
                    # the devices hold it, but no tensor-parallel group can take them all (review 2026-11-26: 3 H100s
                    # for a 70B model were told to "use more devices" when 2 or 4 would do)
                    arch = served.architecture
                    why = str(exc).removesuffix(": use more devices")
                    # the subset that serves, named (serving-engineer review 2026-11-30: 405B at 8 bits on 12 H100s was
                    # refused with no word that 8 of them serve it)
                    subset, kind = _any_subset(s, profile, served, compute, fit, devices, fixed)
                    hint = (f" ({_subset_words(subset, devices, kind, _degree(subset, kind))}: give {subset.devices} "
                            "devices at that degree to take it)" if subset is not None else "")
                    # a latent-attention mixture (one KV head, its latent whole on every rank): its expert-parallel degrees
                    # too, and no "1 KV head" to divide (serving review 2026-11-30)
                    degrees = (f"a tensor-parallel degree is a power of two dividing the devices and the "
                               f"{counted(arch.heads, 'attention head')}, an expert-parallel one a divisor of the devices up "
                               f"to the {counted(arch.experts, 'expert')}" if latent_moe(s, served) else
                               f"a tensor-parallel degree is a power of two dividing the devices, the "
                               f"{counted(arch.heads, 'attention head')} and the {counted(arch.kv_heads, 'KV head')}")
                    advice = f"so give a device count that a larger such degree divides{hint}"
                    if not latent_moe(s, served) and not _larger_power_of_two(largest, arch.heads, arch.kv_heads):
                        # no larger power of two splits the heads (Llama 4 Maverick's 40 heads, 8 KV heads: serving
                        # engineer's review 2026-11-30 was told to give a count "a larger such degree divides"): the
                        # fewest devices that, as one group of them all, split the heads and hold the weights
                        group = next((n for n in range(largest + 1, arch.heads + 1)
                                      if not tensor_parallel_problem(n, arch.heads, arch.kv_heads)
                                      and serving_footprint(devices=n, params=served.params, arch=arch,
                                                            memory_gb_per_device=profile.memory_gb, batch=1,
                                                            prompt_tokens=float(s.prompt_tokens),
                                                            output_tokens=float(s.tokens_per_query),
                                                            weight_bits=int(s.bits), kv_bits=int(s.kv_bits),
                                                            memory_fraction=fit.memory_fraction, beams=int(s.beams),
                                                            draft_layers=draft_layers_of(s.draft_tokens),
                                                            static_batch=fit.static_batch).runs), None)
                        advice = (f"no larger power of two divides the heads{hint}"
                                  + (f"; {group} devices hold it as one tensor-parallel group of them all (give "
                                     f"{group} devices)" if group is not None else "")
                                  + ("; a mixture of experts also serves in expert parallelism"
                                     if arch.experts else ""))
                    raise InputError(f"{why}; one replica takes at most {largest} of the {devices} devices: {degrees}, "
                                     f"{advice}", field=("devices", "tp") + (("ep",) if arch.experts else ())) from None
            elif s.devices is not None and s.tp is None:
                # a bound no degree dividing the devices meets: the subset that does, named (diff review 2026-11-30: 3
                # H100s under a 25 ms TPOT were refused where 2 of them at TP 2 serve it)
                subset, kind = _any_subset(s, profile, served, compute, fit, devices, fixed)
                if subset is not None:
                    raise InputError(f"{refused}; {_subset_words(subset, devices, kind, _degree(subset, kind))} within the "
                                     f"bound: give {subset.devices} devices at that degree to take it",
                                     field=refused.fields) from None
            raise
    except InputError as refused:
        # no degree dividing all the devices given serves (memory, or a bound): a subset of them that does is the
        # layout, the rest idle and said (serving review 2026-11-30: 405B at 8 bits on 12 H100s had been refused and
        # pointed to 8 of them)
        subset = None
        if s.devices is not None and s.tp is None and s.ep is None:
            subset, _ = _any_subset(s, profile, served, compute, fit, devices, fixed)
        if subset is None and s.devices is not None and s.tp is None and s.ep is None:
            # no power-of-two degree on all of them or a subset serves: all the devices as one group, where that degree
            # splits the heads, as the default layout takes the fewest that hold the model (serving review 2026-11-30:
            # Llama 4 Scout on 40 L4s under a TPOT bound had been refused as held by no split, where TP 40 holds it;
            # last, so that a power-of-two layout given devices is kept: diff review 2026-11-30)
            try:
                subset = _best(s, profile, served, compute, fit, devices - uneven, fixed, True)
            except InputError as whole:
                # a bound that group holds but does not meet is the refusal to give, not the memory's of the
                # power-of-two degrees (diff review 2026-11-30: "no split holds the weights" under a 5-ms TPOT)
                if {"ttft_ms", "tpot_ms"} & set(whole.fields or ()):
                    raise whole from None
                subset = None
        if subset is None and uneven:
            # the devices the degree given took, said beside the refusal (diff review 2026-11-30: "of 8 × h100-sxm"
            # where 12 were given)
            kind = "tensor" if s.tp is not None else "expert"
            raise InputError(f"{refused} ({count_text(devices - uneven)} of the {count_text(devices)} devices given "
                             f"take replicas of the {kind}-parallel degree {count_text(given_degree)}, the other "
                             f"{count_text(uneven)} idle)", field=refused.fields) from None
        if subset is None:
            _refuse_for_the_bound(s, profile, served, compute, fit, devices, fixed)
            raise
        # why all of them do not, without the hints that name this subset or ask for a device count
        best, refused_on_all = subset, re.split(r"; (?:one replica takes|[\d,]+ of the [\d,]+ devices)|: use more devices",
                                                str(refused))[0]
    # a subset of the devices given that serves more than all of them can in replicas of one degree dividing them: the
    # layout, the rest idle and said (serving review 2026-11-30: 72 GB200s had served Llama 3.1 405B under 50 ms at
    # 11,600 tokens/s, where 64 of them serve 14,700, and DeepSeek-R1 on 145 B200s 353,000 where 144 serve 741,000)
    idle, on_all = (devices - best.devices, None) if refused_on_all is not None or uneven else (0, None)
    near = None  # a subset that serves more, but not ``FEWER_DEVICES_GAIN`` more: all kept, and it said
    if refused_on_all is None and s.devices is not None and s.tp is None and s.ep is None:
        found, _ = _any_subset(s, profile, served, compute, fit, devices, fixed)
        if found is not None and found.tokens_per_s > best.tokens_per_s * FEWER_DEVICES_GAIN:
            idle, on_all, best = devices - found.devices, best, found
        elif found is not None and found.tokens_per_s > best.tokens_per_s * (1 + 1e-12):
            near = found
    whole = _whole_group(s, profile, served, compute, fit, devices, fixed)
    if whole is not None and (whole.tokens_per_s * FEWER_DEVICES_GAIN >= best.tokens_per_s if idle
                              else whole.tokens_per_s > best.tokens_per_s * (1 + 1e-12)):
        best, idle, on_all, refused_on_all, whole = whole, 0, None, None, None
        near = near if near is not None and near.tokens_per_s > best.tokens_per_s * (1 + 1e-12) else None
    nodes = nodes_spanned(profile, best.tp * best.ep, devices - idle if s.devices is not None else None)
    layout = _layout(s, profile, best, devices, whose, nodes, fixed,
                     p99_share(fit.server_share, best.batch, fit.static_batch), one_replica, fit.static_batch,
                     fit.server_share, fit.ttft_p99_over_mean,
                     tp_only_moe=bool(served.architecture.active_params) and not latent_moe(s, served))
    if idle:
        idle_words = (f"{layout.how}; {counted(idle, 'device')} of the {count_text(devices)} idle, not counted in the "
                      "power, energy and cost: every replica the same, ")
        if on_all is not None:
            # the best on all of them: one group of them all where that serves more (diff review 2026-11-30: TP 4 × 3
            # at 318 tokens/s had been given as "on all of them" beside TP 12's 1,070)
            if whole is not None and whole.tokens_per_s > on_all.tokens_per_s:
                on_all, whole = whole, None
            split = (f"expert parallelism {on_all.ep}" if on_all.ep > 1 else f"tensor parallelism {on_all.tp}")
            idle_words += (f"no degree dividing all {count_text(devices)} serves as much (on all of them, {split} × "
                           f"{counted(on_all.replicas, 'replica')}, {gfmt(on_all.tokens_per_s, 3)} tokens/s against "
                           f"these {gfmt(best.tokens_per_s, 3)})")
        elif refused_on_all is not None:
            # the degrees weighed: powers of two (a latent-attention mixture's expert-parallel divisors too), and all
            # of them as one group, which, where it serves, is said apart (diff review 2026-11-30: "no degree dividing
            # all 24" where TP 24 holds it)
            kind = "power-of-two " if whole is not None else ""
            idle_words += f"no {kind}degree dividing all {count_text(devices)} serves it ({refused_on_all})"
        else:
            kind = "tensor" if s.tp is not None else "expert"
            idle_words += (f"the {kind}-parallel degree given, {count_text(given_degree)}, does not divide the "
                           f"{count_text(devices)} (give a multiple of it to serve on all of them)")
        if whole is not None:
            idle_words += (f"; all {count_text(devices)} as one group, tensor parallelism {count_text(devices)}, serve "
                           f"{gfmt(whole.tokens_per_s, 3)} tokens/s")
        layout = replace(layout, idle=idle, how=idle_words)
    elif near is not None:
        # (serving engineer's review 2026-11-30: DeepSeek-R1 on 22 H200s read "chosen for the most tokens per second"
        # at 46,500 tokens/s, where 16 of them serve 48,350 at 0.7x the cost a token, unsaid)
        split = f"expert parallelism {near.ep}" if near.ep > 1 else f"tensor parallelism {near.tp}"
        layout = replace(layout, how=(
            f"{layout.how}; {count_text(near.devices)} of the {count_text(devices)} at {split} × "
            f"{counted(near.replicas, 'replica')} ({counted(devices - near.devices, 'device')} idle) would serve "
            f"{gfmt(near.tokens_per_s, 3)} tokens/s ({near.tokens_per_s / best.tokens_per_s - 1:+.1%}), under the "
            f"{FEWER_DEVICES_GAIN - 1:.0%} more for which devices given are left idle: all kept (give {near.devices} "
            "devices for that layout: more tokens on fewer devices)"))
    return layout


def _refuse_for_the_bound(s, profile, served, compute, fit, devices: int, fixed: int | None) -> None:
    """Where no degree on all the devices given holds the model and a subset that holds it misses a latency bound:
    refused for the bound, on that subset, not for the memory of all of them (diff review 2026-11-30: Llama 3.1 405B on
    24 H100s under a 20 ms TPOT read "no tensor-parallel split of 24 × h100-sxm holds the model's weights", where 16 of
    them hold it at 36.8 ms a token at least); returns where that is not the case."""
    if s.devices is None or s.tp is not None or s.ep is not None or (s.ttft_ms is None and s.tpot_ms is None):
        return
    unbound = replace(s, ttft_ms=None, tpot_ms=None)
    held, kind = _any_subset(unbound, profile, served, compute, fit, devices, fixed)
    if held is None:
        return
    degree = _degree(held, kind)
    on = replace(s, tp=degree) if kind == "tensor" else replace(s, ep=degree)
    try:
        _best(on, profile, served, compute, fit, held.devices - held.devices % degree, fixed)
    except InputError as bound:
        if {"ttft_ms", "tpot_ms"} & set(bound.fields):
            raise InputError(f"{bound} ({count_text(held.devices)} of the {count_text(devices)} devices given, at "
                             f"{kind} parallelism {degree}, hold the model; no degree dividing all "
                             f"{count_text(devices)} does)",
                             field=tuple(f for f in bound.fields if f in ("ttft_ms", "tpot_ms", "devices"))) from None


def _whole_group(s, profile, served, compute, fit, devices: int, fixed: int | None):
    """All the devices given as one tensor-parallel group, a degree that splits the heads though it is no power of two
    (None where it is not weighed, holds nothing, or a power-of-two layout on all of them serves more). The layout
    takes it where it serves more than the powers of two on all of them, or where a subset of them serves less than
    ``FEWER_DEVICES_GAIN`` times as much: all the devices are kept unless fewer serve that much more (issue 54's
    serving note 2026-11-30: Nemotron-4 340B on 24 H100s under a 30 ms TPOT had served on 16 at TP 16, 34 tokens/s,
    where TP 24 over all of them serves 79; it had been weighed only where no power-of-two degree on them or a subset
    served)."""
    arch = served.architecture
    if (s.devices is None or s.tp is not None or s.ep is not None or devices & (devices - 1) == 0
            or tensor_parallel_problem(devices, arch.heads, arch.kv_heads)):
        return None
    try:
        whole = _best(s, profile, served, compute, fit, devices, fixed, True)
    except InputError:
        return None
    return whole if whole.tp == devices else None


def _larger_power_of_two(degree: int, heads: int, kv_heads: int | None) -> bool:
    """Whether a power of two above ``degree`` splits the heads (``tensor_parallel_problem``)."""
    t = 2
    while t <= heads:
        if t > degree and not tensor_parallel_problem(t, heads, kv_heads):
            return True
        t *= 2
    return False


def _tp_subset(s, profile, served, compute, fit, devices: int, fixed: int | None):
    """The most a subset of the devices serves in replicas of one tensor-parallel degree that does not divide them
    (a power of two splitting the heads, the rest of the devices idle); None where no such degree serves (serving-
    engineer review 2026-11-30: a 70B model at 8 bits on 3 H100s was answered as 3 replicas of one device, 3,470
    tokens/s, where 2 of them in tensor parallelism serve 6,120, with nothing said)."""
    arch = served.architecture
    found, t = None, 2
    while t <= devices:
        # a degree that does not divide the devices: the replicas they hold; one that does but whose replicas, laid out
        # in order, straddle scale-up domains: those that fit whole in the domains (80 GB200s at TP 16 on 72-GPU racks:
        # 64 in one rack, where the fifth replica across two racks had timed every replica at its span)
        held = devices - devices % t
        count = _unstraddled(profile, t, held) or (held if held < devices else 0)
        if count and not tensor_parallel_problem(t, arch.heads, arch.kv_heads):
            try:
                other = _best_split(replace(s, tp=t), profile, served, compute, fit, count, fixed, expert_parallel(s))
            except InputError:
                other = None
            if other is not None and (found is None or other.tokens_per_s > found.tokens_per_s):
                found = other
        t *= 2
    return found


def _unstraddled(profile: HardwareProfile, tp: int, devices: int) -> int:
    """The devices whose replicas of ``tp``, laid out in order, lie whole inside scale-up domains, where fewer than
    ``devices`` (0 where all do, or a replica is larger than a domain; ``devices`` a multiple of ``tp``)."""
    up = profile.scale_up_devices
    if not up or tp > up or nodes_spanned(profile, tp, devices) <= nodes_spanned(profile, tp):
        return 0
    count = (devices // up) * (up // tp) * tp + (devices % up) // tp * tp
    # only where those replicas stay whole in their domains as every layout here is timed (``nodes_spanned``: 144
    # GB200s at TP 16: 128, filling no whole number of racks, are taken as 64 in each of two, 8 whole replicas)
    if not 0 < count < devices or nodes_spanned(profile, tp, count) > nodes_spanned(profile, tp):
        return 0
    return count


def _ep_subset(s, profile, served, compute, fit, devices: int, fixed: int | None):
    """As ``_tp_subset``, in replicas of one expert-parallel degree (a power of two dividing the experts, not the
    devices) of a latent-attention mixture of experts (``latent_moe``); None where none serves or it is not one."""
    if not latent_moe(s, served):
        return None
    found = None
    for e in subset_ep_degrees(devices, served.architecture.experts, profile.scale_up_devices):
        try:
            other = _best_split(s, profile, served, compute, fit, devices - devices % e, fixed, e)
        except InputError:
            other = None
        if other is not None and (found is None or other.tokens_per_s > found.tokens_per_s):
            found = other
    return found


def subset_ep_degrees(devices: int, experts: int, scale_up: int | None) -> list[int]:
    """The expert-parallel degrees a subset of ``devices`` is weighed at (the rest idle): those that do not divide the
    devices, up to the experts, among the powers of two, the divisors of the scale-up domain and its multiples (72
    of 73 GB200s in one group: diff review 2026-11-30, where only powers of two had named 64)."""
    powers = {2 ** i for i in range(1, max(1, devices).bit_length())}
    domain = set() if not scale_up else ({d for d in range(2, scale_up + 1) if scale_up % d == 0}
                                         | set(range(scale_up, devices + 1, scale_up)))
    return sorted(e for e in powers | domain
                  if 2 <= e <= min(devices, experts) and devices % e)


def _any_subset(s, profile, served, compute, fit, devices: int, fixed: int | None):
    """The subset of the devices that serves the most in replicas of one degree that does not divide them, tensor- or
    (a latent-attention mixture of experts) expert-parallel, and its kind ("tensor", "expert"); (None, "") where none
    serves (serving review 2026-11-30: DeepSeek-R1 on 12 GB200s was pointed to 8 at TP 8, 5,440 tokens/s, where 8 at
    EP 8 serve 32,200)."""
    tp = _tp_subset(s, profile, served, compute, fit, devices, fixed)
    ep = _ep_subset(s, profile, served, compute, fit, devices, fixed)
    if ep is not None and (tp is None or ep.tokens_per_s > tp.tokens_per_s):
        return ep, "expert"
    return (tp, "tensor") if tp is not None else (None, "")


def _degree(found, kind: str) -> int:
    return found.ep if kind == "expert" else found.tp


def _subset_words(found, devices: int, kind: str, degree: int) -> str:
    """"8 of the 12 devices at tensor parallelism 8 × 1 replica (4 devices idle) would serve N tokens/s"."""
    return (f"{count_text(found.devices)} of the {count_text(devices)} devices at {kind} parallelism {degree} × "
            f"{counted(found.replicas, 'replica')} ({counted(devices - found.devices, 'device')} idle) would serve "
            f"{gfmt(found.tokens_per_s, 3)} tokens/s")


# A subset of the devices given that serves this much more in all (a larger expert- or tensor-parallel degree that does
# not divide them, the rest idle) is named beside the layout chosen on all of them (a design choice: 5%, past the step
# model's resolution of a layout's ranking)
FEWER_DEVICES_GAIN = 1.05


def latent_attention_moe(arch) -> bool:
    """A mixture of experts with one KV head (latent attention: DeepSeek-V2/V3's MLA), which the layout also weighs in
    expert parallelism (the module docstring)."""
    return arch.experts is not None and bool(arch.active_params) and arch.kv_heads == 1


def latent_moe(s, served) -> bool:
    """Whether the layout also weighs expert parallelism (the module docstring): a mixture of experts with one KV
    head (latent attention), neither a tensor-parallel nor an expert-parallel degree given."""
    return s.tp is None and s.ep is None and latent_attention_moe(served.architecture)


def _best(s, profile, served, compute, fit, devices: int, fixed: int | None, whole_group: bool | None = None):
    """``max_throughput`` for the scenario on ``devices``; for a latent-attention mixture of experts (``latent_moe``)
    the better of that and each expert-parallel degree of ``ep_options`` (a divisor of the devices up to the experts)."""
    best = None
    try:
        best = _best_split(s, profile, served, compute, fit, devices, fixed, expert_parallel(s), whole_group)
    except InputError:
        if not latent_moe(s, served):
            raise
    if latent_moe(s, served):
        for e in ep_options(devices, served.architecture.experts):
            try:
                found = _best_split(s, profile, served, compute, fit, devices, fixed, e)
            except InputError:
                found = None
            if found is not None and (best is None or found.tokens_per_s > best.tokens_per_s * (1 + 1e-12)):
                best = found
        if best is None:  # no split serves it: tensor parallelism's own refusal says why
            return _best_split(s, profile, served, compute, fit, devices, fixed, expert_parallel(s))
    return best


def ep_options(devices: int, experts: int) -> list[int]:
    """The expert-parallel degrees a latent-attention mixture of experts is weighed in on ``devices``: each divisor of
    the devices from 2 up to the experts, the powers of two that divide the experts first; a degree that does not
    divide the experts holds redundant copies in its spare slots (``step.expert_slots``), so that 72 GPUs of an NVL72
    rack serve in one group of 72 (serving review 2026-11-30: they had served as 9 groups of 8, 290,000 tokens/s under
    a 50 ms TPOT, where 64 of them in one group of 64 served 395,000). A degree whose groups, laid out in order,
    straddle scale-up domains is timed as its busiest group spans (``nodes_spanned``; diff review 2026-11-30: 100
    GB200s in 2 groups of 50, the second across two racks, had been timed as inside one)."""
    divisors = [e for e in range(2, min(devices, experts) + 1) if devices % e == 0]
    return sorted(divisors, key=lambda e: (experts % e != 0, e))


def _best_split(s, profile, served, compute, fit, devices: int, fixed: int | None, ep: int,
                whole_group: bool | None = None):
    """``max_throughput`` for the scenario on ``devices``, in tensor parallelism (``ep`` 1) or replicas of ``ep``
    expert-parallel devices; ``whole_group``: all the devices as one group weighed too (``tensor_parallel_options``;
    None: where the devices were not given, the fewest that hold the model)."""
    return _max_throughput(s, profile, served, compute, fit, devices, fixed, ep,
                           whole_group=s.devices is None if whole_group is None else whole_group)


def _max_throughput(s, profile, served, compute, fit, devices: int, fixed: int | None, ep: int, whole_group: bool):
    return max_throughput(params=served.params, arch=served.architecture, device=compute.device, fit=fit,
                          devices=devices, prompt_tokens=float(s.prompt_tokens), output_tokens=float(s.tokens_per_query),
                          weight_bits=int(s.bits), kv_bits=int(s.kv_bits), max_batch=fit.max_batch,
                          # a p99 bound: the steady TPOT held at the share of it engines' means hold (server_share)
                          tpot_bound_s=None if s.tpot_ms is None else float(s.tpot_ms) / MS_PER_S,
                          tpot_p99_share=fit.server_share,
                          ttft_bound_s=None if s.ttft_ms is None else float(s.ttft_ms) / MS_PER_S,
                          tp=None if s.tp is None else int(s.tp), batch=fixed,
                          device_at=lambda t: device_at(profile, compute.device, t, devices),
                          compute_fraction=compute.utilization, beams=int(s.beams), ep=ep,
                          draft_tokens=int(s.draft_tokens), acceptance=float(s.acceptance),
                          power_limit_w=s.power_limit_w, whole_group=whole_group)


def _given_degree_refusal(exc: InputError, what: str, flag: str, degree: int, devices) -> InputError:
    """A replica of the degree given holds too little (``exc``, the memory's refusal for it): the degree is what to raise,
    not the devices (serving-engineer review 2026-11-28: "--tp 1" on 4 H100s and "--ep 4" on 8 were told to give more
    devices or another device count), and the devices with it where they are all one replica already (code review
    2026-11-28: "--ep 8" on 8 devices had been told to raise the degree, which 8 devices refuse)."""
    why = str(exc).removesuffix(": use more devices")
    if devices is not None and degree >= int(devices):
        return InputError(f"{why}; a replica is the {what} degree given, {counted(degree, 'device')}, all the devices "
                          "given: give a larger degree and as many devices", field=(flag, "devices"))
    return InputError(f"{why}; a replica is the {what} degree given, {counted(degree, 'device')}: give a larger one",
                      field=flag)


def _layout(s, profile, best, devices: int, whose: str, nodes: int, fixed: int | None,
            server_share: float = 1.0, one_replica: bool = False, static: bool = False,
            engines_share: float | None = None, ttft_p99_over_mean: float = 1.0, tp_only_moe: bool = False) -> Layout:
    """The layout ``best`` chose, in words (``one_replica``: the devices that hold a batch given, one replica;
    ``tp_only_moe``: a mixture of experts whose expert parallelism was not weighed)."""
    # a batch given: the most among the layouts whose replicas hold it, before one that preempts it (serving engineer's
    # review 2026-11-27: batch 2,048 at TP2 × 4 served fewer tokens/s than 1,536 at TP1 × 8 under the same words)
    # a mixture of experts without latent attention: only tensor-parallel layouts weighed, and said (serving review
    # 2026-11-29: "chosen for the most tokens per second" where expert parallelism served 2.6× as many)
    weighed = "tensor-parallel layouts" if tp_only_moe and s.ep is None else "layouts"
    unweighed = "; expert parallelism not weighed" if weighed != "layouts" else ""
    # where none of them holds the batch given, the most among them all, each replica running what its memory holds
    # (serving engineer's review 2026-11-30: 6,000 on 8 H100s read "among the layouts whose replicas hold the batch
    # given", which none did)
    held = (f"among the {weighed} whose replicas hold the batch given{unweighed}" if best.holds else
            f"among the {weighed}, none of whose replicas holds the batch given"
            + (": each runs what its memory holds" if best.limit == "memory" else "") + unweighed)
    # one device has one split: nothing chosen (serving review 2026-12-03: "tensor parallelism 1 (chosen for the most
    # tokens per second)" on 1 device)
    degree = ("given" if s.tp is not None else "the one device's only split" if devices == 1
              else "one replica of them, as for the batch given" if one_replica
              else f"chosen for the most tokens per second {held}" if fixed else
              "chosen for the most tokens per second" + (f" among the {weighed}{unweighed}" if unweighed else ""))
    across = (f", each across {count_text(nodes)} {profile.domains_word}" + (
        f" of {profile.server_devices}" if profile.domains_word != "NVLink pairs" else "") if nodes > 1 else "")
    bounds = [f"{what} ≤ {gfmt(x, 3)} ms" for what, x in (("TTFT", s.ttft_ms), ("TPOT", s.tpot_ms)) if x is not None]
    # one is singular (it read "1 devices (given)")
    # a batch given that a bound lowered says so (review 2026-11-26: 2,000 given ran 166 without a word of the 2,000)
    lowered = f", of the {count_text(fixed)} given" if fixed and best.batch < fixed and best.limit in ("tpot", "ttft") \
        else ""
    if s.batch_size == MAX_BATCH_WORD and s.batch_given and best.limit in ("tpot", "ttft"):
        # "max" asked for and a bound (given, or the benchmark's) lowering it, said as a batch given is (serving review
        # 2026-11-29: `--batch-size max` on a deepseek-r1-interactive run read batch 24 with no word of the max asked)
        lowered = ", where max asked for the largest the memory holds"
    # the default batch is no batch given (review 2026-11-26: "batch 1 per replica (as given)" where none was)
    words = "the default" if best.limit == "given" and not s.batch_given else LIMIT_WORDS[best.limit]
    ep_how = ("given" if s.ep is not None else "chosen for the most tokens per second: a latent-attention mixture of "
              "experts, whose KV latent every tensor-parallel rank would hold whole, served as engines serve it")
    split = (f"expert parallelism {best.ep} ({ep_how}; attention data-parallel, each device at most "
             f"{count_text(-(-best.batch // best.ep))} of the replica's sequences)" if best.ep > 1
             else f"tensor parallelism {best.tp} ({degree})")
    ttft_rule = ("" if s.ttft_ms is None or s.tpot_ms is None else
                 f"; {ttft_p99_words(best.ttft_p99_s, ttft_p99_over_mean, static, best.batch / best.ep, best.batch)}")
    how = (f"{counted(devices, 'device')} ({whose}"
           + (f"; {count_text(best.devices)} of them serve" if best.devices < devices else "") + f"): {split} × "
           f"{counted(best.replicas, 'replica')}{across}; batch {count_text(best.batch)} "
           f"per replica ({words}{lowered}" + (
               f"; {', '.join(bounds)}, "
               f"{p99_words(s.tpot_ms, server_share, static, engines_share, best.ttft_p99_s, ttft_p99_over_mean, best.batch / best.ep, best.batch)}"
               f"{ttft_rule}" if bounds else "") + ")")
    # a batch given that does not fit runs as the largest that does: the memory stage says so (its preemption note)
    batch = fixed if best.limit == "memory" and fixed is not None else best.batch
    return Layout(whose=whose, tp=best.tp, replicas=best.replicas, batch=batch, limit=best.limit, nodes_per_replica=nodes,
                  ttft_s=best.ttft_s, how=how, batch_words=f"{words}{lowered}", ep=best.ep, ttft_p99_s=best.ttft_p99_s,
                  batch_lowered=bool(lowered))


def ttft_p99_words(ttft_p99_s: float | None, p99_over_mean: float, static: bool, batch: float,
                   sequences: float | None = None) -> str:
    """How a TTFT bound (a p99) is met: under the batch's own stream of requests, the mean (the prompt's prefill, its
    wait for the prompts before it, M/D/1, and half a step: ``throughput.loaded_ttft_s``) × the p99 ÷ mean MLPerf's
    Server runs measured (``ServingFit.ttft_p99_over_mean``); a static batch's, or one sequence's, the modelled TTFT.
    ``batch``: per device under expert parallelism (1 or fewer: a single stream); ``sequences``: the replica's whole
    batch (more than one at one a device: a single stream on each device)."""
    at = "" if ttft_p99_s is None else f", {gfmt(ttft_p99_s * MS_PER_S, 3)} ms"
    if static or p99_over_mean <= 1.0:
        return f"the p99 TTFT taken as the modelled one{at}"
    if batch <= 1.0:  # one sequence on a device: a single stream (``throughput.loaded_ttft_s``)
        each = " on each device" if sequences is not None and sequences > 1 else ""
        return (f"the p99 TTFT taken as one request's alone{at}: one request at a time{each}, each sent as the last one "
                "ends (MLPerf's SingleStream), none waiting")
    what = "the prompt's prefill, its wait for the prompts before it, M/D/1, and half a step"
    ratio = ttft_p99_over_mean_at(p99_over_mean, batch)
    spread = (f"{p99_over_mean:.2f}, the p99 ÷ mean MLPerf's Server runs measured" if f"{ratio:.2f}" == f"{p99_over_mean:.2f}"
              else f"{ratio:.2f}: MLPerf's Server runs measured {p99_over_mean:.2f} with hundreds of sequences in flight, "
                   "fewer vary the steps less")
    return f"the p99 TTFT under that load{at}: its mean ({what}) × {spread}"


def p99_words(tpot_ms: float | None, server_share: float, static: bool = False,
              engines_share: float | None = None, ttft_p99_s: float | None = None, ttft_p99_over_mean: float = 1.0,
              batch: float = 1.0, sequences: float | None = None) -> str:
    """How a p99 bound is met: with a TPOT bound, the steady TPOT held at the share of it engines' means hold under a
    stream of requests (MLPerf Server runs), or at the bound itself where no other request's prompt rides in a
    sequence's steps (``throughput.p99_share``: ``server_share`` 1); a TTFT bound alone, ``ttft_p99_words``
    (serving-engineer review 2026-11-28: "TTFT ≤ 30 ms, p99 taken as the steady TPOT")."""
    if tpot_ms is None:
        return ttft_p99_words(ttft_p99_s, ttft_p99_over_mean, static, batch, sequences)
    if server_share >= 1.0:
        return p99_held_words(static)
    return (f"{p99_share_words(server_share, tpot_ms, engines_share)} (the median of mean ÷ bound: their p99 under the bound with a "
            "margin, their mean under their p99)")


def p99_share_words(server_share: float, tpot_ms: float | None = None, engines_share: float | None = None) -> str:
    """The steady TPOT's share of a p99 bound, the steady TPOT it allows where the bound is known; the CLI's layout
    words and the Inference page's say it alike (code review 2026-11-28: two wordings). ``engines_share``: the share
    MLPerf's Server runs held (``ServingFit.server_share``), said where a smaller batch's share is above it
    (``throughput.p99_share``)."""
    allowed = "" if tpot_ms is None else f", {gfmt(float(tpot_ms) * server_share, 3)} ms"
    if engines_share is None or f"{engines_share:.2f}" == f"{server_share:.2f}":
        return (f"the steady TPOT at most {server_share:.2f} of the p99 TPOT bound{allowed}, as MLPerf's Server runs "
                "held their mean")
    return (f"the steady TPOT at most {server_share:.2f} of the p99 TPOT bound{allowed}: MLPerf's Server runs held "
            f"their mean at {engines_share:.2f} of it with hundreds of sequences in flight, and fewer sequences bring "
            "fewer other prompts into a step")


def p99_held_words(static: bool) -> str:
    """Why a TPOT bound holds the steady TPOT itself (``throughput.p99_share`` 1)."""
    return ("the steady TPOT held to the p99 bound itself: a static batch's steps are all alike" if static else
            "the steady TPOT held to the p99 bound itself: one sequence at a time, no other request's prompt in its steps")


__all__ = ["LIMIT_WORDS", "Layout", "chosen", "device_at", "latent_moe", "nodes_spanned", "p99_held_words",
           "p99_share_words", "p99_words", "ttft_p99_words",
           "serving_layout"]
