"""One decode step, and what the tokens come to (pure): the step's time and energy (``decode_step``), then the
device-hours the tokens take, their energy, CO₂e and cost from ``estimate`` at the step's power, the assumptions
that say where each input came from, the wall clock of a batch the tokens do not fill, and the 80% ranges
(``serving_totals``). Stages of ``estimator.core.serving.estimate.inference``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import S_PER_HOUR
from estimator.core.footprint.total import Footprint, footprint
from estimator.core.hardware.power_base import CHIP_DRAW
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.checks import unfilled_batch
from estimator.core.serving.engines import LATENCY_ENGINE, OPTIMIZED_ENGINE
from estimator.core.serving.memory_fit import expert_parallel
from estimator.core.serving.node import node_power
from estimator.core.serving.ranges import physical_floor_s, serving_ranges
from estimator.core.serving.step import BANDWIDTH_FRACTION, POWER_SOURCE, Device, ServingFit, Step, step
from estimator.core.serving.step_notes import fmt_ms
from estimator.core.training.estimate import Assumption, Estimate, estimate
from estimator.core.workload.scenario import SITE_FIELDS, Scenario

if TYPE_CHECKING:
    from estimator.core.serving.device import ServingCompute
    from estimator.core.serving.memory_fit import MemoryFit
    from estimator.core.serving.scenario import InferenceScenario
    from estimator.core.serving.served import ServedModel


def decode_step(s: InferenceScenario, fit: ServingFit, served: ServedModel, compute: ServingCompute,
                memory: MemoryFit) -> Step:
    """One decode step of the batch on the devices (``serving.step``); refused where its time or energy per
    output token is not a finite number."""
    decode = step(params=served.params, arch=served.architecture, device=compute.device, fit=fit,
                  batch=int(s.batch_size), prompt_tokens=float(s.prompt_tokens), output_tokens=float(s.tokens_per_query),
                  tp=memory.devices // expert_parallel(s), weight_bits=int(s.bits), kv_bits=int(s.kv_bits),
                  compute_fraction=compute.utilization, power_w=s.power_w, beams=int(s.beams), ep=expert_parallel(s),
                  draft_tokens=int(s.draft_tokens), acceptance=float(s.acceptance), power_limit_w=s.power_limit_w)
    for name, x in (("time per output token", decode.tpot_s), ("energy per output token", decode.joules_per_output_token)):
        v.require_finite_result(name, x)
    return decode


@dataclass(frozen=True)
class ServingTotals:
    """What all the tokens come to, and how far each figure may be off."""
    estimate: Estimate            # device-hours, energy, CO₂e, cost and wall clock, with the serving's assumptions
    ranges: dict                  # InferenceResult.range: key → (low, high), and "per_token", "per_query"
    notes: tuple[str, ...]        # where the tokens fill less than one batch
    node_power_w: float = 0.0     # the devices given and their hosts at the wall, before PUE (``node.node_power``)
    footprint: Footprint | None = None   # the devices' embodied CO₂e and the water, with the serving's ranges


def serving_totals(s: InferenceScenario, profile: HardwareProfile, fit: ServingFit, served: ServedModel,
                   compute: ServingCompute, memory: MemoryFit, decode: Step,
                   inputs: tuple[Assumption, ...], replicas: int = 1) -> ServingTotals:
    """The tokens' totals from ``estimate`` at the step's power; its assumptions rewritten to say how the serving
    model set them, followed by ``inputs`` (the serving inputs it does not know); the wall clock at least one
    query's own steps; the ranges, cut at the roofline's floor (a mixture of experts' at the least it can read:
    ``ranges.physical_floor_s``); the nodes at the wall for all ``replicas``; the embodied carbon and
    the water of the tokens' device-hours and energy, with the serving's ranges (``footprint``, as training's)."""
    batch, devices = int(s.batch_size), memory.devices
    tokens, tokens_per_query = float(s.tokens), float(s.tokens_per_query)
    device_hours = device_hours_for(s, decode, devices)
    estimated = priced(s, profile, compute.device, decode, devices, device_hours)
    said = {"device_hours": ("derived", f"tokens × time per output token served {fmt_ms(decode.tpot_s)} ÷ batch {batch} × {devices} device{'s' if devices != 1 else ''}"),
            # one replica's devices: the user's only where the replica takes them all (review 2026-11-26: 8 given,
            # TP 2 × 4 replicas, read "2 devices, given")
            "devices": ("user" if s.devices is not None and int(s.devices) == devices else "derived",
                        memory.devices_how),
            "power_w": ("user" if s.power_w is not None else "model", power_source(s, fit, compute.device, decode))}
    # one replica's devices under their own name: the result's `devices` are all those that serve (serving review
    # 2026-11-27: `devices` 8 beside `assumptions.devices` 2, TP 2 × 4 replicas)
    renamed = {"devices": "devices_per_replica"}
    estimated = replace(estimated, assumptions=tuple(
        Assumption(renamed.get(a.name, a.name), a.value, a.unit, *said[a.name]) if a.name in said else a
        for a in estimated.assumptions) + inputs)
    notes = ()
    if (unfilled := unfilled_batch(tokens, batch, tokens_per_query, decode.tpot_s, decode.tokens_per_step)) is not None:
        wall_clock_s, note = unfilled
        estimated = replace(estimated, wall_clock_s=max(estimated.wall_clock_s, wall_clock_s))
        notes = (note,)
    floor_s = physical_floor_s(decode, BANDWIDTH_FRACTION, compute.utilization)
    user_floor_s = physical_floor_s(decode, BANDWIDTH_FRACTION, compute.utilization, user=True)
    # throughput over all the replicas: each its batch per step (the time per token the inverse)
    ranges = serving_ranges(estimated, decode, fit, batch=batch * replicas, tokens=tokens,
                            tokens_per_query=tokens_per_query, power_given=s.power_w is not None, floor_s=floor_s,
                            user_floor_s=user_floor_s)
    ranges["memory_gb"] = (memory.footprint.total_gb, memory.footprint.total_gb)
    node = node_power(profile, decode.power_w, devices * replicas,
                      None if s.power_limit_w is None else float(s.power_limit_w), device_power_given=s.power_w is not None)
    ranges["node_power_w"] = node.range_w
    pue = estimated.assumption("pue")
    fp = footprint(profile, device_hours=estimated.device_hours, device_hours_range=ranges["device_hours"],
                   energy_kwh=estimated.energy_kwh, energy_range_kwh=ranges["energy_kwh"],
                   pue=1.0 if pue is None else float(pue.value), country=s.grid_country)
    ranges["embodied_co2e_kg"], ranges["water_l"] = fp.embodied_co2e_range_kg, fp.water_range_l
    for scope, scale in (("per_token", 1.0 / tokens), ("per_query", tokens_per_query / tokens)):
        ranges[scope]["embodied_co2e_kg"] = tuple(None if x is None else x * scale for x in fp.embodied_co2e_range_kg)
        ranges[scope]["water_l"] = tuple(x * scale for x in fp.water_range_l)
    wall = f"at the wall (node_power_w), before PUE: {node.source}"
    return ServingTotals(estimate=estimated, ranges=ranges, notes=notes + fp.notes + (wall,), node_power_w=node.power_w,
                         footprint=fp)


def device_hours_for(s: InferenceScenario, decode: Step, devices: int) -> float:
    """Device-hours of ``s.tokens`` tokens: a token served (``Step.tpot_s``) ÷ batch × devices each; refused below one device-millisecond
    (too little to price) and beyond ``bounds.DEVICE_HOURS``."""
    per_token_device_s = decode.tpot_s / int(s.batch_size) * devices
    device_hours = float(s.tokens) * per_token_device_s / S_PER_HOUR
    if device_hours < B.DEVICE_HOURS.low:
        count = f"{gfmt(s.tokens)}"  # "1 token takes", "2 tokens take" (humanize.noun's rule; the core cannot import it)
        raise InputError(f"{count} {'token takes' if count == '1' else 'tokens take'} "
                         f"{gfmt(device_hours * S_PER_HOUR, 3)} device-seconds: less than one device-millisecond, "
                         "too little to price; give more tokens")
    if device_hours > B.DEVICE_HOURS.high:
        raise InputError(f"{gfmt(s.tokens, 3)} tokens would take {gfmt(device_hours, 3)} device-hours, beyond "
                         f"{gfmt(B.DEVICE_HOURS.high)}: give fewer tokens")
    return device_hours


def priced(s: InferenceScenario, profile: HardwareProfile, device: Device, decode: Step, devices: int,
           device_hours: float) -> Estimate:
    """``estimate`` of the device-hours on the site given, at the step's power per device; a modelled power that
    ``estimate`` refuses is named as the serving model's (CLI audit: it was named as a --power-w given)."""
    site = {k: getattr(s, k) for k in SITE_FIELDS} | {"power_w": decode.power_w}
    try:
        return estimate(Scenario(device_hours=device_hours, devices=devices, **site), profile)
    except InputError as exc:
        if s.power_w is not None or exc.fields != ("power_w",):
            raise
        raise InputError(f"{exc}: that is the serving model's draw, {decode.power_fraction:.2f} × the profile's "
                         f"{device.tdp_label} of {gfmt(device.tdp_w)} W; give the power per device, or a profile with "
                         "its real TDP", field=("power_w", "hardware")) from None


def power_source(s: InferenceScenario, fit: ServingFit, device: Device, decode: Step) -> str:
    """Where the power per device comes from: given, or the serving model's fraction of the TDP (or of the chip
    draw standing in for it) and the engine's fitted busy time."""
    if s.power_w is not None:
        return "given"
    if decode.unlimited_power_w is not None:
        return (f"the power limit given, {gfmt(decode.power_w)} W per device (the model's draw, "
                f"{gfmt(decode.unlimited_power_w, 3)} W, held to it: each step "
                f"{decode.power_limit_stretch:.2f}× as long, serving_fit.json's power_limit)")
    borrowed = {LATENCY_ENGINE: "; the online engine's, the load capped at a busy step",
                OPTIMIZED_ENGINE: "; vllm-2024's: no device energy of this engine was measured"}.get(fit.engine, "")
    return (f"{decode.power_fraction:.2f} × {device.tdp_label} {gfmt(device.tdp_w)} W"
            + (" (in place of the TDP that the fractions after it are of)" if device.tdp_label == CHIP_DRAW else "")
            + f": {POWER_SOURCE}; GPU-busy time "
            f"{fit.busy_per_roofline_s:.2f} × the roofline time (fitted, estimator/data/serving_fit.json{borrowed})")


__all__ = ["ServingTotals", "decode_step", "device_hours_for", "power_source", "priced", "serving_totals"]
