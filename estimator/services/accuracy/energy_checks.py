"""Published runs' energy and CO₂e recomputed from their published device-hours, power, PUE
and grid intensity: a check of the arithmetic (``validate``'s energy table), not of a prediction.

Edge module: reads the published runs and the hardware profiles, and calls the pure core.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from estimator.core.base.units import G_PER_KG, KG_PER_T, KWH_PER_MWH
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.training.estimate import estimate
from estimator.core.workload.scenario import Scenario
from estimator.io.datafiles import default_profiles, load_published_runs
from estimator.services.training.runs import published_device_hours


@dataclass(frozen=True)
class EnergyCheck:
    """A published run's energy and CO₂e recomputed from its published device-hours, power,
    PUE and grid intensity: a check of the arithmetic, not of a prediction."""
    run: str
    source: str
    published_energy_kwh: float | None
    energy_kwh_from_published_hours: float
    published_co2e_kg: float | None
    co2e_kg_from_published_hours: float | None


def energy_checks(profiles: Mapping[str, HardwareProfile] | None = None) -> list[EnergyCheck]:
    """Every published run with device-hours, power and PUE. A run's profile that failed to load
    raises its ProfileError (file, field, fix), as any command that needs that profile does."""
    lookup = profiles.__getitem__ if profiles else default_profiles().get
    out = []
    for r in load_published_runs():
        dh = published_device_hours(r)
        if dh is None or not (r.power_w_per_accelerator and r.pue):
            continue
        e = estimate(Scenario(device_hours=dh, devices=r.accelerators or 1, power_w=r.power_w_per_accelerator, pue=r.pue,
                              carbon_intensity_g_per_kwh=(r.kgco2e_per_kwh or 0) * G_PER_KG), lookup(r.hardware_id))
        out.append(EnergyCheck(r.run, r.source, r.energy_mwh * KWH_PER_MWH if r.energy_mwh else None, e.energy_kwh,
                               r.tco2e * KG_PER_T if r.tco2e else None, e.co2e_kg if r.kgco2e_per_kwh else None))
    return out
