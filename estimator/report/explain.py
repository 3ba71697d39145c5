"""'How this was computed': each step (FLOPs → time → energy → CO₂e → cost) with its formula,
its numbers and the source of every assumption, built from the Estimate's own assumptions and figures
(pure: the Estimate page shows it; code audit: it sat with the page and read recomputation from a source's
words)."""

from __future__ import annotations

from dataclasses import dataclass

from estimator.core.base.number_text import gfmt
from estimator.core.base.units import G_PER_KG, HOURS_PER_YEAR, W_PER_KW
from estimator.core.footprint.embodied import LIFETIME_UTILIZATION
from estimator.core.workload.flops import FLOPS_PER_PARAM_TOKEN_TRAIN, FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE
from estimator.report import humanize as hz


@dataclass(frozen=True)
class Step:
    title: str
    formula: str            # plain text
    numbers: str            # plain text with the values put in
    sources: tuple[tuple[str, str, str], ...]  # (assumption, origin, source)


def _a(est, name):
    return next((a for a in est.assumptions if a.name == name), None)


def _src(est, *names):
    out = []
    for n in names:
        a = _a(est, n)
        if a is not None:
            out.append((n, a.origin, a.source))
    return tuple(out)


def steps(est) -> list[Step]:
    """The chain of the estimate, one Step per stage."""
    out = []
    flops = _a(est, "flops")
    hours = _a(est, "hours")
    dev_hours = _a(est, "device_hours")
    if flops is not None:
        formula = {FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE: "C = 8·N·D (with activation recomputation)",
                   FLOPS_PER_PARAM_TOKEN_TRAIN: "C = 6·N·D (dense transformer)"}.get(est.flops_per_param_token, "C = given")
        out.append(Step("1. Training FLOPs C", formula,
                        f"C = {hz.sci(est.flops, 4)} FLOPs", _src(est, "flops")))
    if hours is None and dev_hours is None:
        peak = _a(est, "peak_flops_per_s").value
        util = _a(est, "utilization").value
        # with full recomputation the fitted utilisation counts model FLOPs (6·N·D), so the time does too
        time_flops = est.time_flops if est.time_flops is not None else est.flops
        counted = "" if est.time_flops is None else \
            f" (C's model FLOPs, 6·N·D: the fitted utilisation counts those, not the {hz.sci(est.flops, 4)} executed)"
        device_s = time_flops / (peak * util)
        formula = "device-seconds = C ÷ (peak × utilisation);  wall clock = device-seconds ÷ devices"
        if est.time_flops is not None:
            formula = formula.replace("C ÷", "6·N·D ÷", 1)
        out.append(Step("2. Time", formula,
                        f"{hz.sci(time_flops, 4)}{counted} ÷ ({hz.sci(peak, 4)} FLOP/s × {gfmt(util, 4)}) = "
                        f"{hz.sci(device_s, 4)} device-s "
                        f"= {hz.sig(est.device_hours, 4)} device-hours;  ÷ {hz.noun(hz.count(est.devices), 'device')} = "
                        f"{hz.duration(est.wall_clock_s)}",
                        _src(est, "hardware", "precision", "peak_flops_per_s", "utilization", "devices")))
    else:
        given = hours if hours is not None else dev_hours
        out.append(Step("2. Time (from the known run)", "wall clock = hours given (device-hours = hours × devices)",
                        f"{gfmt(given.value)} {given.unit};  {hz.sig(est.device_hours, 4)} device-hours, "
                        f"{hz.duration(est.wall_clock_s)} wall clock", _src(est, given.name, "devices")))
    power = _a(est, "power_w").value
    pue = _a(est, "pue").value
    it_kwh = est.device_hours * power / W_PER_KW
    out.append(Step("3. Energy", f"energy = device-hours × power per device × PUE ÷ {gfmt(W_PER_KW)}",
                    f"{hz.sig(est.device_hours, 4)} h × {hz.sig(power, 4)} W × {gfmt(pue)} ÷ {gfmt(W_PER_KW)} = {hz.sig(it_kwh * pue, 4)} kWh "
                    f"= {hz.energy(est.energy_kwh)}", _src(est, "power_w", "pue")))
    ci = _a(est, "carbon_intensity_g_per_kwh").value
    out.append(Step("4. CO₂e", f"CO₂e (kg) = energy (kWh) × grid intensity (g/kWh) ÷ {gfmt(G_PER_KG)}",
                    f"{hz.sig(est.energy_kwh, 4)} kWh × {gfmt(ci)} g/kWh ÷ {gfmt(G_PER_KG)} = {hz.sig(est.co2e_kg, 4)} kg "
                    f"= {hz.co2e(est.co2e_kg)}", _src(est, "carbon_intensity_g_per_kwh")))
    price = _a(est, "price_usd_per_device_hour")
    elec = _a(est, "electricity_usd_per_kwh")
    if elec is not None:
        out.append(Step("5. Cost", "cost = energy × electricity price",
                        f"{hz.sig(est.energy_kwh, 4)} kWh × ${gfmt(elec.value)}/kWh = {hz.money(est.cost_usd)}",
                        _src(est, "electricity_usd_per_kwh")))
    elif price is not None and price.value is not None:
        out.append(Step("5. Cost", "cost = device-hours × price per device-hour",
                        f"{hz.sig(est.device_hours, 4)} h × ${gfmt(price.value)} = {hz.money(est.cost_usd)}",
                        _src(est, "price_usd_per_device_hour")))
    else:
        out.append(Step("5. Cost", "cost = device-hours × price per device-hour", "no price: give one in the sidebar",
                        _src(est, "price_usd_per_device_hour")))
    kg = _a(est, "embodied_kg_co2e_per_device")
    if est.embodied_co2e_kg is not None and kg is not None:
        years = _a(est, "lifetime_years").value
        out.append(Step("6. Embodied CO₂e (manufacturing, beside the operational CO₂e)",
                        f"embodied = device-hours × kg CO₂e per device ÷ (lifetime hours × {gfmt(LIFETIME_UTILIZATION)} utilisation)",
                        f"{hz.sig(est.device_hours, 4)} h × {gfmt(kg.value, 4)} kg ÷ ({gfmt(years)} years × "
                        f"{gfmt(HOURS_PER_YEAR)} h) = {hz.co2e(est.embodied_co2e_kg)}",
                        _src(est, "embodied_kg_co2e_per_device", "lifetime_years")))
    else:
        out.append(Step("6. Embodied CO₂e", "embodied = device-hours × kg per device ÷ lifetime hours",
                        "left out (switched off, or no figure for this device)", ()))
    if est.water_l is not None:
        wue, ewif = _a(est, "wue_l_per_kwh").value, _a(est, "ewif_l_per_kwh").value
        out.append(Step("7. Water (Li et al. 2023)", "water = energy ÷ PUE × on-site WUE + energy × off-site EWIF",
                        f"{hz.sig(est.energy_kwh, 4)} kWh ÷ {gfmt(pue)} × {gfmt(wue)} L/kWh + {hz.sig(est.energy_kwh, 4)} kWh × "
                        f"{gfmt(ewif)} L/kWh = {hz.sig(est.water_l, 4)} L = {hz.water(est.water_l)}",
                        _src(est, "wue_l_per_kwh", "ewif_l_per_kwh")))
    return out

