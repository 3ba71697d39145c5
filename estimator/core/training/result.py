"""What an estimate is: the ``Estimate`` that ``estimator.core.training.estimate.estimate`` returns, the assumptions
it rests on, and the facts about where its inputs come from that exports state (the grid's place, the
price's kind, whether the power includes the host, the off-site water factor's country), carried as data
where they are decided, so that no export reads them back out of a source text. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from estimator.core.base.interval import EXACT, LEVEL, PREDICTION, STATED, meaning_text
from estimator.core.footprint.carbon import PROVIDER_NAMES
from estimator.core.footprint.equivalents import Equivalent
from estimator.core.hardware.calibration_section import CalibrationFacts
from estimator.core.training.fit_caveats import FitCaveat
from estimator.core.training.utilization_choice import UtilizationInfo

RESULT_KEYS = ("flops", "wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd")
# Beside the operational figures: the devices' manufacturing share (None when switched off or
# unknown) and the water, each with its own range (estimator/core/footprint/total.py).
FOOTPRINT_KEYS = ("embodied_co2e_kg", "water_l")
ALL_KEYS = RESULT_KEYS + FOOTPRINT_KEYS  # every quantity an estimate reports, in the order shown


@dataclass(frozen=True)
class Assumption:
    name: str
    value: object
    unit: str
    origin: str  # user, preset:<id>, profile:<id>, default, derived
    source: str

    def to_dict(self) -> dict:
        return {"value": self.value, "unit": self.unit, "origin": self.origin, "source": self.source}


@dataclass(frozen=True)
class EnergyBreakdown:
    """Where the energy goes: the devices, the host's share, the facility (PUE − 1)."""

    devices_kwh: float
    host_kwh: float
    facility_kwh: float


# How a price's basis names each cloud provider a `--cloud` region can be of (services/grid.py: aws, azure, gcp), as
# whole words, and how people name them
PROVIDER_WORDS = {"aws": r"\b(aws|amazon)\b", "gcp": r"\b(gcp|google)\b", "azure": r"\b(azure|microsoft)\b"}


@dataclass(frozen=True)
class GridPlace:
    """Where the grid of an estimate's carbon intensity is, when a country or a cloud region names it
    (CodeCarbon's data, estimator/services/grid.py): the country's ISO 3166 alpha-3 code and name, and the
    cloud region ("gcp:europe-west1") when one was given. The intensity's source text is for display only."""

    country: str | None = None       # "FRA"; a cloud region's country ("BEL"); None when the data gives none
    country_name: str | None = None  # "France", from CodeCarbon's country table; None when it has no name
    cloud_region: str | None = None  # "provider:region" when the grid is a cloud region's
    region: str | None = None        # a region inside the country, CodeCarbon's key ("california"), when one was given

    @property
    def country_label(self) -> str | None:
        """"France (FRA)", or "FRA" when the name is not known; None without a country."""
        if self.country is None:
            return None
        return f"{self.country_name} ({self.country})" if self.country_name else self.country


@dataclass(frozen=True)
class ChipDraw:
    """The chip draw this project measured in training steps on the estimate's device beside the chip's part of the
    profile's fitted power (``services.training.chip_draw``): the note's facts as data, for the statement to say them."""

    chip_w: float       # the profile's fitted average less its host's share
    measured_w: float   # the median of the measured configurations, at the chip alone (NVML)
    device: str         # the device measured, as the note names it
    configurations: int
    host_w: float = 0.0  # the profile's host share a device: with ``measured_w``, the slot's draw the measurements imply
    node_w: float | None = None  # a whole node's measured draw a GPU, host included, where one of this chip was measured
    # where no step was measured on this device: the median share of their TDP the measured chips (``device``, their
    # names) drew, ``measured_w`` that share of this one's TDP (``configurations`` 0)
    tdp_share: float | None = None
    # the estimate's energy at ``implied_w`` a device, and the top of its 80% range (the power fit's), where the energy
    # follows the fitted power (researcher review 2026-12-01: the measured draw put the energy above the range's top,
    # unsaid)
    energy_kwh: float | None = None
    energy_top_kwh: float | None = None

    @property
    def implied_w(self) -> float:
        """The measured chip's draw and its host's share: a device's power at the wall, before PUE, as measured."""
        return self.measured_w + self.host_w

    @property
    def above_range(self) -> bool | None:
        """Whether the energy at the measured draw is above the top of the estimate's 80% energy range; None where
        either is not known."""
        if self.energy_kwh is None or self.energy_top_kwh is None:
            return None
        return self.energy_kwh > self.energy_top_kwh


@dataclass(frozen=True)
class Estimate:
    hardware_id: str
    hardware_name: str
    devices: int
    precision: str
    flops: float | None
    wall_clock_s: float
    device_hours: float
    energy_kwh: float
    co2e_kg: float
    cost_usd: float | None
    range: Mapping[str, tuple]
    assumptions: tuple[Assumption, ...]
    equivalents: tuple[Equivalent, ...]
    breakdown: EnergyBreakdown
    achieved_flops_per_s: float | None = None  # per device, when FLOPs are known
    # a known run's time and FLOPs that imply more of the peak than any published layout reached: that share (words.
    # HIGHEST_PUBLISHED_MFU; None otherwise): the notes and the paper statement say it
    implied_peak_share: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # where the fitted utilisation is not vouched for (core/training/fit_caveats.py), in the order of their notes
    fit_caveats: tuple[FitCaveat, ...] = ()
    level: float = LEVEL  # every range is a stated prediction interval at this level
    utilization: UtilizationInfo | None = None  # None when the time was given (a known run)
    embodied_co2e_kg: float | None = None  # the devices' manufacturing share (None: switched off or unknown)
    water_l: float | None = None           # on-site + off-site water consumed
    memory: object | None = None           # estimator.core.training.memory.TrainingMemory, when the model's shape is known
    # the FLOPs the time was computed from, where they are not ``flops``: with full recomputation the
    # fitted utilisation counts model FLOPs, 6·N·D, not the 8·N·D the devices execute
    time_flops: float | None = None
    # the FLOPs per parameter and token when ``flops`` came from N and D (6, or 8 with full recomputation); None
    # when the FLOPs were given or there are none
    flops_per_param_token: float | None = None
    # a mixture of experts: the active parameters N of those 6·N·D FLOPs (None: every parameter, or no N)
    active_params: float | None = None
    hardware_release_year: int | None = None  # the profile's release_year (a datasheet citation's year)
    hardware_kind: str | None = None  # the profile's kind (gpu, tpu, cpu, system, brain): a "system" is one whole device
    # what each range is (interval.PREDICTION, STATED or EXACT), by the key of ``range``
    range_basis: Mapping[str, str] = field(default_factory=dict)
    calibration: CalibrationFacts | None = None  # the profile's [calibration] table; None: not calibrated
    # how the cost is priced: "electricity" (a price per kWh), "given" (a price per device-hour not the
    # profile's), or the profile's price kind (profile.Price.kind: on-demand, reserved, spot, other, none)
    price_basis: str = "none"
    # whether the power per device includes the device's share of its host, as the profile says; None when
    # the power is not the profile's (given, a preset's)
    power_includes_host: bool | None = None
    grid: GridPlace | None = None  # where the grid is, when a country or cloud region names it
    # the country whose off-site water factor is used ("USA" for the U.S. average, water.ewif_country);
    # None when the factor was given
    ewif_country: str | None = None
    # the grid's country when Li et al. give no figure for it and the U.S. average stands in (water.ewif_fallback)
    ewif_fallback_country: str | None = None
    # the run's time from the step model (estimator.core.training.plan.StepRun), when a layout or a shape was given
    step: object | None = None
    # the chip draw this project measured on the device, where the fitted power leaves the chip far less
    chip_draw: ChipDraw | None = None

    def price_of_another_cloud(self) -> str | None:
        """The cloud region's provider as people name it ("Google Cloud") where the price is the profile's and its
        basis is another provider's rate, or no cloud's (researcher review 2026-11-26: `--cloud gcp:us-central1` was
        priced at AWS's p4de rate without a word); None where the price is given, none, or the provider's own (or
        the grid is no cloud's, or the profile states no price: researcher review 2026-11-28, `--cloud` with an H800 had
        raised a TypeError formatting the price it lacks). A price's provider is the first one its basis names ("on-demand, AWS g4dn.xlarge
        …; GCP's T4 is …" is AWS's)."""
        region = self.grid.cloud_region if self.grid is not None else None
        price = self.assumption("price_usd_per_device_hour")
        if not region or price is None or price.value is None or not price.origin.startswith("profile:"):
            return None
        provider = region.split(":", 1)[0].lower()
        basis = price.source.split(";")[0]  # the basis (the source's words before its first semicolon)
        of_price = None
        # a basis that names no provider ("on-demand, per chip-hour, us-east5") takes the one its source names first
        # (consistency review 2026-12-01: Google Cloud's own TPU price was called "not Google Cloud's")
        for text in (basis, price.source):
            named = sorted((m.start(), key) for key, pattern in PROVIDER_WORDS.items()
                           if (m := re.search(pattern, text, flags=re.IGNORECASE)))
            if named:
                of_price = named[0][1]
                break
        return None if of_price == provider else PROVIDER_NAMES.get(provider, provider)

    @property
    def stepped(self) -> bool:
        """Whether the step model timed the run (its time's range the step model's and the goodput's)."""
        return self.step is not None

    def basis(self, key: str) -> str | None:
        """What the range of ``key`` is: a prediction interval at ``level``, a stated range (also a
        stated single figure: a calibration's one measurement), or exact; None for a figure the
        estimate does not have (no price, embodied carbon off or unknown, a known run's FLOPs)."""
        if getattr(self, key, None) is None:
            return None
        low, high = self.range.get(key, (None, None))
        given = self.range_basis.get(key)
        if low is None or low == high:  # no width: exact, but for the time and energy of one stated figure
            return STATED if given == STATED and key in RESULT_KEYS else EXACT
        return given or PREDICTION

    @property
    def predicted(self) -> bool:
        """Whether a range of the estimate is a prediction interval (``basis``), as its legend says."""
        return any(self.basis(k) == PREDICTION for k in self.range)

    def assumption(self, name: str) -> Assumption | None:
        return next((a for a in self.assumptions if a.name == name), None)

    def to_dict(self) -> dict:
        """The JSON shape of ``estimate --format json``."""
        return {
            "hardware": self.hardware_id,
            "hardware_name": self.hardware_name,
            "devices": self.devices,
            "precision": self.precision,
            **{k: getattr(self, k) for k in RESULT_KEYS},
            **{k: getattr(self, k) for k in FOOTPRINT_KEYS},
            "range": {k: list(self.range[k]) for k in ALL_KEYS if k in self.range},
            "range_level": self.level,
            "range_basis": {k: self.basis(k) for k in ALL_KEYS if k in self.range},
            "range_meaning": meaning_text(self.level, self.stepped, self.predicted),
            "utilization": None if self.utilization is None else self.utilization.to_dict(),
            # the step model's figures, only where it gave the time (a FLOPs-only estimate's JSON is as before)
            **({} if self.step is None else {"step": self.step.to_dict()}),
            # the FLOPs the devices execute over their time: with full recomputation 8·N·D, so above the utilisation
            "achieved_flops_per_s_per_device": self.achieved_flops_per_s,
            # the FLOPs the time is computed from: ``flops``, or with full recomputation and a fitted utilisation
            # 6·N·D (the fit counts model FLOPs), so that time = time_flops / (peak × utilisation × devices)
            # holds from the JSON's own fields (audit: with 8·N·D it missed by 25%)
            "time_flops": self.flops if self.time_flops is None else self.time_flops,
            "energy_breakdown_kwh": {
                "devices": self.breakdown.devices_kwh,
                "host": self.breakdown.host_kwh,
                "facility": self.breakdown.facility_kwh,
            },
            "assumptions": {a.name: a.to_dict() for a in self.assumptions},
            "equivalents": {e.key: {"value": e.value, "unit": e.unit, "label": e.label, "source": e.source}
                            for e in self.equivalents},
            "memory": None if self.memory is None else self.memory.to_dict(),
            # where the inputs come from, as data (what the CSV repeats on each row and the statement says)
            "provenance": {"price_basis": self.price_basis, "power_includes_host": self.power_includes_host,
                           "grid_country": None if self.grid is None else self.grid.country,
                           "cloud_region": None if self.grid is None else self.grid.cloud_region,
                           "ewif_country": self.ewif_country, "ewif_fallback_country": self.ewif_fallback_country},
            "notes": list(self.notes),
        }
