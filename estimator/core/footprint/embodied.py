"""Embodied (manufacturing) carbon of the devices a run uses, amortised over their lifetime.

Pure. A device's cradle-to-gate footprint (a profile's ``[embodied]`` table, or the fallback
below) is shared over the hours of its service life, as ACT does (Gupta et al., ISCA 2022:
CF = OP_CF + (T/LT)·E_CF) and LLMCarbon (Faiz et al., ICLR 2024: Σ tᵢ·CO2eq_chipᵢ/lifetimeᵢ):

    embodied_co2e_kg = device-hours × kg CO₂e per device ÷ (lifetime hours × lifetime utilisation)

Its range combines, in quadrature on the log scale (estimator/core/base/interval.py), the range of the
per-device figure (its basis below), the lifetime's 4–6 years, and the run's device-hours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from estimator.core.base.interval import around, combine, sides
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import HOURS_PER_YEAR

BASES = ("vendor-pcf", "lca", "die-area-model")
BASIS_TEXT = {
    "vendor-pcf": "the vendor's product carbon footprint (cradle-to-gate)",
    "lca": "a published life-cycle assessment",
    "die-area-model": "a die-area and memory model (ACT)",
    "fallback": "no figure for this device: the HGX H100 footprint scaled by memory",
}

# Lifetime: 5 years, LLMCarbon's (Faiz et al. 2024; the authors' repository sets lifespan = 5 × 365
# days), in the middle of the 4–6 years of useful life that hyperscalers book for servers
# (Microsoft and Alphabet raised it from 4 to 6 years in 2022–2023; Amazon books 5–6), as
# reported in their annual reports.
LIFETIME_YEARS = 5.0
LIFETIME_RANGE_YEARS = (4.0, 6.0)
LIFETIME_SOURCE = ("5 years (LLMCarbon, Faiz et al. 2024), range 4–6 years: the useful life hyperscalers book for "
                   "servers (Microsoft, Alphabet: 6 years since 2022–2023, 4 before; Amazon 5–6; annual reports)")
# Busy all its life: ACT's T/LT and LLMCarbon's t/lifetime share the footprint by time alone.
# A device idle half its life would put twice the share on each run.
LIFETIME_UTILIZATION = 1.0

# NVIDIA "HGX H100 PCF Summary": 1,312 kg CO₂e cradle-to-gate for one HGX H100 baseboard of 8 GPUs,
# 164 kg per GPU; memory ≈ 42% of it. The ACT model of the same GPU (die 814 mm² at 5 nm, 80 GB)
# gives 28.7 kg (research notes hardware.md §2.3): a die-and-memory model leaves out the board,
# power delivery, thermal parts and assembly. The A100 SXM 40GB agrees: 127.6 kg (Falk et al. 2025,
# arXiv:2509.00093, a teardown LCA) against 22.3 kg from ACT, ×5.7 again.
# The core reads no profile, so these two (and H100_MEMORY_GB below) restate profiles/h100-sxm.toml,
# h100-pcie.toml and h800.toml; tests/core/test_embodied_water.py holds them equal.
H100_PCF_KG_PER_GPU = 164.0
H100_ACT_MODEL_KG = 28.7
BOARD_TO_DIE_MODEL = H100_PCF_KG_PER_GPU / H100_ACT_MODEL_KG  # 5.71
DIE_MODEL_SOURCE = ("a die-and-memory model counts only die and memory; the board-level footprint of the HGX H100 "
                    f"(NVIDIA PCF, 164 kg per GPU) is ×{BOARD_TO_DIE_MODEL:.2f} the same model's H100 figure (28.7 kg), "
                    "as the A100 SXM 40GB's LCA is of its own (127.6 vs 22.3 kg): centre the model's figure × "
                    f"{BOARD_TO_DIE_MODEL:.2f}, assumed range ÷2 to ×2 as for a device with no figure, never below "
                    "the model's own figure")
# Fallback for a device with no figure: the HGX H100 footprint per GPU, its memory part (42%,
# NVIDIA's PCF summary) scaled by the device's memory against the H100's, both as the devices report
# them (80 GB marketed: 81,559 MiB = 85.52 GB); stated range ÷2 to ×2.
MEMORY_SHARE = 0.42
H100_MEMORY_GB = 85.52
FALLBACK_FACTOR = 2.0
FALLBACK_SOURCE = ("no published figure for this device: NVIDIA's HGX H100 PCF per GPU (164 kg, cradle-to-gate), "
                   "its memory part (42%) scaled by this device's memory against the H100's 85.52 GB (its 80 GB); "
                   "assumed range ÷2 to ×2")
FALLBACK_KINDS = ("gpu", "tpu", "accelerator")


@dataclass(frozen=True)
class DeviceEmbodied:
    """One device's manufacturing footprint as its profile states it."""
    kg_co2e: float
    basis: str                                     # vendor-pcf | lca | die-area-model
    scope: str
    source: str
    range_kg_co2e: tuple[float, float] | None = None


@dataclass(frozen=True)
class DeviceFigure:
    """The per-device figure an estimate uses: centre, range, and how it was reached."""
    kg_co2e: float
    low_kg_co2e: float
    high_kg_co2e: float
    basis: str
    source: str


def device_figure(stated: DeviceEmbodied | None, kind: str, memory_gb: float | None) -> DeviceFigure | None:
    """The per-device figure from the profile's ``[embodied]``, or the fallback (None: a reference
    point or a device without memory, for which no figure is made)."""
    if stated is not None:
        kg = stated.kg_co2e
        if stated.basis == "die-area-model":
            # the same board-to-model ratio both measured devices show (H100, A100 40GB), so a board
            # modelled alike (the H800 is an H100) gets the same figure
            center = kg * BOARD_TO_DIE_MODEL
            low, high = stated.range_kg_co2e or (max(kg, center / FALLBACK_FACTOR), center * FALLBACK_FACTOR)
            return DeviceFigure(center, low, high, stated.basis,
                                f"{gfmt(kg)} kg die and memory ({stated.source}); {DIE_MODEL_SOURCE}")
        low, high = stated.range_kg_co2e or (kg, kg)
        return DeviceFigure(kg, low, high, stated.basis, f"{BASIS_TEXT[stated.basis]}: {stated.scope}; {stated.source}")
    if kind not in FALLBACK_KINDS or not memory_gb:
        return None
    kg = H100_PCF_KG_PER_GPU * ((1 - MEMORY_SHARE) + MEMORY_SHARE * memory_gb / H100_MEMORY_GB)
    return DeviceFigure(kg, kg / FALLBACK_FACTOR, kg * FALLBACK_FACTOR, "fallback", FALLBACK_SOURCE)


def run_embodied(figure: DeviceFigure, device_hours: float, device_hours_range: tuple[float, float],
                 lifetime_years: float | None = None,
                 lifetime_utilization: float = LIFETIME_UTILIZATION) -> tuple[float, float, float]:
    """(centre, low, high) kg CO₂e of the run's share of its devices' manufacturing. A lifetime
    given is exact; otherwise 5 years with the 4–6-year range."""
    years = LIFETIME_YEARS if lifetime_years is None else float(lifetime_years)
    center = device_hours * figure.kg_co2e / (years * HOURS_PER_YEAR * lifetime_utilization)
    f_down, f_up = sides(figure.kg_co2e, figure.low_kg_co2e, figure.high_kg_co2e)
    if lifetime_years is None:
        # a longer life spreads the footprint thinner: the low end is at the longest lifetime
        l_down, l_up = math.log(LIFETIME_RANGE_YEARS[1] / years), math.log(years / LIFETIME_RANGE_YEARS[0])
    else:
        l_down = l_up = 0.0
    h_down, h_up = sides(device_hours, *device_hours_range)
    low, high = around(center, combine(f_down, l_down, h_down), combine(f_up, l_up, h_up))
    return center, float(low), float(high)


def no_figure_why(kind: str, reference_point: bool = False) -> str:
    """Why ``device_figure`` made no figure for a device: one home for the estimate's note and the profile's words
    (measuring engineer's review 2026-11-29: `profiles show` gave a CPU server with 25 GB of memory "a device without
    memory", where `estimate` said the fallback is made for accelerators only)."""
    if kind in FALLBACK_KINDS:
        return "it has no device memory to scale the fallback figure by"
    if reference_point:
        return "it is a reference point, not hardware with a manufacturing footprint"
    return (f"its profile states no figure, and the fallback (an H100's footprint scaled by memory) is made only for "
            f"accelerators, not a {kind}")


def figure_text(stated: DeviceEmbodied | None, kind: str, memory_gb: float | None,
                co2: str = "CO₂e", reference_point: bool = False) -> tuple[str, str]:
    """(a profile's ``[embodied]`` figure per device in words, its basis, scope and source), naming the
    figure estimates use where it differs: a die-area model's board, or the fallback for a device
    without one. One text for the Profiles page and ``profiles show`` (researcher audit: the CLI showed
    the A100's 25.2 kg die model where estimates take 144 kg). ``co2``: how the caller writes CO₂e."""
    used = device_figure(stated, kind, memory_gb)
    spread = "" if used is None or used.low_kg_co2e == used.high_kg_co2e else \
        f" (range {gfmt(used.low_kg_co2e, 3)} – {gfmt(used.high_kg_co2e, 3)} kg)"
    if stated is None:
        if used is None:
            return f"none ({no_figure_why(kind, reference_point)})", "not applicable"
        return f"not stated; estimates use {gfmt(used.kg_co2e, 3)} kg {co2} per device{spread}", used.source
    text = f"{gfmt(stated.kg_co2e)} kg {co2} per device, basis {stated.basis}"
    text += spread if used.kg_co2e == stated.kg_co2e else f"; estimates use {gfmt(used.kg_co2e, 3)} kg{spread}"
    return text, f"{BASIS_TEXT.get(stated.basis, stated.basis)}; scope: {stated.scope}; {stated.source}"
