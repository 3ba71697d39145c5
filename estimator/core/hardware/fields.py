"""Reading one hardware profile's fields (pure): each number, text, pair and table checked, with
errors that name the source, the field and the fix. ``estimator.core.hardware.reader`` reads the
sections with it; a section that fails is recorded and the others are still read, so one pass
reports every broken section (``FieldReader.section``, ``FieldReader.raise_errors``).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from estimator.core.base import bounds as B
from estimator.core.base.errors import ProfileError
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.calibration_section import CALIBRATION_KEYS
from estimator.core.hardware.profile import PRECISIONS

# Plausibility bounds: outside these a number is almost surely a typo (wrong unit or
# exponent). One device here can be a whole system (AlphaGo ≈ 1 MW), hence the wide bounds; a
# gpu, tpu, accelerator or cpu is held to its kind's tighter limits (estimator/core/hardware/limits.py).
# Those an input shares have their one home in estimator/core/base/bounds.py.
# The fix for a number outside its bounds: a physical quantity's usual slip is its unit; a ratio's
# or a year's is its form.
UNIT_HINT = "check the unit and the exponent (FLOP/s not TFLOP/s, W not kW, GB/s)"
FRACTION_HINT = "write a fraction of the peak, one millionth (1e-6) up to 1, such as 0.3 for 30%"
# The most a device's average power may be above its TDP (or NVML's enforced power limit): "total
# board power draw is manipulated by the power management algorithm such that it stays under this
# value" (nvidia-smi(1), "Enforced Power Limit"), so an average far above it is a device count or
# energy mistake (a CSV's gpu_count, another device's base profile, kW for W), not a device. The
# measured-draw data (estimator/data/measured_power.csv) reach 1.25× TDP with the host; 1.5× is a
# design choice. Checked on load and when a calibration measures power (core/calibration/calibrate.py).
MAX_OVER_TDP = 1.5
PEAK_FLOPS_PER_S_BOUNDS = (B.PEAK_FLOPS_PER_S.low, B.PEAK_FLOPS_PER_S.high)
POWER_W_BOUNDS = (B.POWER_W.low, B.POWER_W.high)
MEMORY_GB_BOUNDS = (B.MEMORY_GB.low, B.MEMORY_GB.high)
# 1 GB/s: below any accelerator's or server's memory (the GTX 580 of 2010: 192 GB/s; one DDR4 channel
# 25.6 GB/s); a figure below it is a unit error (TB/s, or bytes), and it divides every decode step
BANDWIDTH_GB_PER_S_BOUNDS = (1.0, 1e7)
# Device-to-device link per direction: from PCIe 2.0 ×16 (8 GB/s) to well above NVLink 5 (900 GB/s).
LINK_GB_PER_S_BOUNDS = (1.0, 1e5)
PRICE_USD_PER_HOUR_BOUNDS = (B.PRICE_USD_PER_DEVICE_HOUR.low, B.PRICE_USD_PER_DEVICE_HOUR.high)
# A device's release year: from the first electronic computers (bounds.YEAR) to a few years past the
# newest profiles (2024-2025): a device announced for later has no datasheet to cite yet.
RELEASE_YEAR_BOUNDS = (B.YEAR.low, 2035)
PUE_BOUNDS = (B.PUE.low, B.PUE.high)
# A device's cradle-to-gate footprint: from a phone SoC's few kg up to 10 t (an HGX B200 board of
# 8 GPUs is 2,274 kg, NVIDIA's PCF summary); a whole system (AlphaGo) is not given one.
EMBODIED_KG_BOUNDS = (0.1, 1e4)


# The keys each table may hold (profiles/README.md documents them). [sources] is free text.
TABLE_KEYS = {
    "peak_flops_per_s": set(PRECISIONS) | {"source", "range"},
    "power": {"tdp_w", "fit", "measured_device", "average_w", "average_range_w", "includes_host", "host_share_w", "source"},
    "utilization": {"family", "prior_from", "default", "range", "basis", "source", "same_chip", "unlike_held_out"},
    "memory": {"capacity_gb", "bandwidth_gb_per_s", "source"},
    "interconnect": {"link_gb_per_s", "source"},
    "sparsity": {"structured_2_4", "source"},
    "price": {"usd_per_device_hour", "date", "basis", "source"},
    "datacenter": {"pue", "cooling", "source"},
    "embodied": {"kg_co2e", "range_kg_co2e", "basis", "scope", "source"},
    "calibration": CALIBRATION_KEYS,
}

TOP_LEVEL_KEYS = {
    "id", "name", "kind", "release_year", "default_precision", "notes",
    "peak_flops_per_s", "memory", "power", "utilization", "price", "datacenter",
    "calibration", "sources", "embodied", "interconnect", "sparsity",
}


class FieldReader:
    """Reads fields from one profile's data, raising ProfileError with file and field."""

    def __init__(self, data: Mapping[str, Any], source: str):
        self.data = data
        self.source = source
        self.errors: list[ProfileError] = []

    @contextmanager
    def section(self) -> Iterator[None]:
        """Read one section: a ProfileError inside it is recorded, and reading goes on with the next."""
        try:
            yield
        except ProfileError as exc:
            self.errors.append(exc)

    def raise_errors(self) -> None:
        """Raise what the sections recorded: the one error as it is, several as one that lists them all."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ProfileErrors(self.source, self.errors)

    def fail(self, field_name: str, problem: str, fix: str):
        raise ProfileError(self.source, field_name, problem, fix)

    def table(self, key: str, required: bool = True) -> Mapping[str, Any]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(key, "missing section", f"add a [{key}] table (see profiles/README.md)")
            return {}
        if not isinstance(value, Mapping):
            self.fail(key, f"expected a table, got {type(value).__name__}", f"write it as [{key}]")
        allowed = TABLE_KEYS.get(key)
        if allowed is not None:
            self.known_keys(value, allowed, key)
        return value

    def known_keys(self, tbl: Mapping[str, Any], allowed, where: str) -> None:
        """Every key of ``tbl`` is one of ``allowed`` (a typo is an error, never silently ignored)."""
        for key in tbl:
            # a precision is never a near miss of another ("did you mean 'fp64'?" for fp4: audit); a typo of the
            # table's other keys (sorce, rnge) still is
            others = sorted(allowed - set(PRECISIONS))
            if key not in allowed and where == "peak_flops_per_s" and not difflib.get_close_matches(key, others, n=1):
                self.fail(f"{where}.{key}", "unknown precision",
                          f"use one of {', '.join(PRECISIONS)}; a precision not among them cannot be used here")
            elif key not in allowed:
                close = difflib.get_close_matches(key, others if where == "peak_flops_per_s" else sorted(allowed), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"remove it; allowed: {', '.join(sorted(allowed))}"
                self.fail(f"{where}.{key}", "unknown field", hint)

    def text(self, tbl: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
        value = tbl.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(where, "missing or empty text", f'add {key.split(".")[-1]} = "..."')
            return ""
        if not isinstance(value, str):
            self.fail(where, f"expected text, got {value!r}", "put the value in quotes")
        return value.strip()

    def number(self, tbl, key, where, bounds=None, required=True, allow_zero=False, hint=UNIT_HINT,
               what: str = "", example: str = "312e12") -> float | None:
        """A number inside ``bounds``; ``hint``: the fix when it is outside (a unit for a physical
        quantity, the form for a ratio or a year); ``what``: whose bounds they are (" for a gpu");
        ``example``: a plain number of the field's kind, for text given instead of one."""
        value = tbl.get(key)
        if value is None:
            if required:
                self.fail(where, "missing number", f"add {key} = <number>")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(where, f"expected a number, got {value!r}", f"write a plain number such as {example}, no quotes or units")
        try:
            value = float(value)
        except OverflowError:  # an integer of hundreds of digits
            self.fail(where, f"{str(value)[:12]}… ({len(str(value))} digits) is too large for a number", hint)
        if not math.isfinite(value):
            self.fail(where, f"{value} is not a finite number", "write a finite number")
        if value < 0 or (value == 0 and not allow_zero):
            self.fail(where, f"{gfmt(value)} must be greater than 0", "write a positive number")
        if bounds is not None and not (bounds[0] <= value <= bounds[1]):
            self.fail(where, f"{gfmt(value)} is implausible{what} (expected {gfmt(bounds[0])} to {gfmt(bounds[1])})", hint)
        return value

    def pair(self, tbl, key, where, bounds=None, hint=UNIT_HINT, what: str = "") -> tuple[float, float] | None:
        value = tbl.get(key)
        if value is None:
            return None
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            self.fail(where, f"expected [low, high], got {value!r}", f"write {key} = [low, high]")
        low = self.number({"v": value[0]}, "v", where, bounds, hint=hint, what=what)
        high = self.number({"v": value[1]}, "v", where, bounds, hint=hint, what=what)
        if low > high:
            self.fail(where, f"low {gfmt(low)} is above high {gfmt(high)}", "write [low, high] with low ≤ high")
        return (low, high)


class ProfileErrors(ProfileError):
    """Several sections of one profile are broken: the first one's field and fix, and all of them in
    ``errors`` and in the message."""

    def __init__(self, source: str, errors: list[ProfileError]):
        first = errors[0]
        super().__init__(source, first.field, first.problem, first.fix)
        self.errors = tuple(errors)
        self.args = (f"{source}: {len(errors)} problems: "
                     + " | ".join(f"field '{e.field}': {e.problem}; fix: {e.fix}" for e in errors),)

    def __str__(self) -> str:
        return self.args[0]


__all__ = ["BANDWIDTH_GB_PER_S_BOUNDS", "EMBODIED_KG_BOUNDS", "FRACTION_HINT", "LINK_GB_PER_S_BOUNDS", "MAX_OVER_TDP",
           "MEMORY_GB_BOUNDS", "PEAK_FLOPS_PER_S_BOUNDS", "POWER_W_BOUNDS", "PRICE_USD_PER_HOUR_BOUNDS", "PUE_BOUNDS",
           "RELEASE_YEAR_BOUNDS", "TABLE_KEYS", "TOP_LEVEL_KEYS", "UNIT_HINT", "FieldReader", "ProfileErrors"]
