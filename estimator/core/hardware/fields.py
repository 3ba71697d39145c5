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

from estimator.core.base.errors import ProfileError
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.profile import PRECISIONS
from estimator.core.hardware.schema import (  # noqa: F401  (re-exported: the bounds' and keys' one home is the schema)
    BANDWIDTH_GB_PER_S_BOUNDS,
    EMBODIED_KG_BOUNDS,
    FLAG,
    FRACTION_HINT,
    LINK_GB_PER_S_BOUNDS,
    MEMORY_GB_BOUNDS,
    NUMBER,
    PAIR,
    PEAK_FLOPS_PER_S_BOUNDS,
    POWER_W_BOUNDS,
    PRICE_USD_PER_HOUR_BOUNDS,
    PUE_BOUNDS,
    RELEASE_YEAR_BOUNDS,
    TABLE_KEYS,
    TEXT,
    TOP_LEVEL_KEYS,
    UNIT_HINT,
    Field,
)

# The bounds and fixes of each field are declared in estimator/core/hardware/schema.py.
# The most a device's average power may be above its TDP (or NVML's enforced power limit): "total
# board power draw is manipulated by the power management algorithm such that it stays under this
# value" (nvidia-smi(1), "Enforced Power Limit"), so an average far above it is a device count or
# energy mistake (a CSV's gpu_count, another device's base profile, kW for W), not a device. The
# measured-draw data (estimator/data/measured_power.csv) reach 1.25× TDP with the host; 1.5× is a
# design choice. Checked on load and when a calibration measures power (core/calibration/calibrate.py).
MAX_OVER_TDP = 1.5


class FieldReader:
    """Reads fields from one profile's data, raising ProfileError with file and field."""

    def __init__(self, data: Mapping[str, Any], source: str):
        self.data = data
        self.source = source
        self.errors: list[ProfileError] = []
        self.values: dict[str, Any] = {}     # each declared field read, by its path
        self.tried: set[str] = set()         # each declared field read or refused, by its path
        self.limits = None                   # the kind's limits (plausibility.KindLimits), once the kind is read
        self.says: Mapping[str, str] = {}    # how a number outside them is told (what, hint)

    def field(self, f: Field, tbl: Mapping[str, Any], key: str | None = None, *, required: bool | None = None,
              by_kind: bool = True) -> Any:
        """The value of declared field ``f`` in ``tbl``, checked as its declaration says (``key``: a
        PEAKS field's precision); recorded in ``values``. ``required``: where the requirement
        depends on another field; ``by_kind``: held to the kind's limits where it has them."""
        where = f.path if key is None else f"{f.table}.{key}"
        key = key or f.key
        self.tried.add(where)
        required = f.required if required is None else required
        says: dict[str, str] = {"hint": f.fix}
        bounds = f.bounds
        if f.kind_limit and by_kind and self.limits is not None:
            bounds = getattr(self.limits, f.kind_limit)
            says.update(self.says)
        if f.type == TEXT:
            value = self.values[where] = self.text(tbl, key, where, required=required)
            if f.choices is not None and value and value not in f.choices:  # recorded as written: other messages name it
                self.fail(where, f.problem.format(value=value), f.choice_fix())
        elif f.type == FLAG:
            value = tbl.get(key, None if required else False)
            if not isinstance(value, bool):
                self.fail(where, f.problem.format(value=value), f.fix)
        elif f.type == PAIR:
            value = self.pair(tbl, key, where, bounds, **says)
        else:
            value = self.number(tbl, key, where, bounds, required=required, allow_zero=f.allow_zero, example=f.example,
                                **says)
        self.values[where] = value
        return value

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
            # a TOML date or time as the file wrote it (profile author's review 2026-12-01: "datetime.date(2026, 8, 1)")
            shown = value.isoformat() if hasattr(value, "isoformat") else repr(value)
            self.fail(where, f"expected text, got {shown} (a {type(value).__name__})", "put the value in quotes")
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


__all__ = ["BANDWIDTH_GB_PER_S_BOUNDS", "NUMBER", "PAIR", "FLAG", "TEXT", "EMBODIED_KG_BOUNDS", "FRACTION_HINT", "LINK_GB_PER_S_BOUNDS", "MAX_OVER_TDP",
           "MEMORY_GB_BOUNDS", "PEAK_FLOPS_PER_S_BOUNDS", "POWER_W_BOUNDS", "PRICE_USD_PER_HOUR_BOUNDS", "PUE_BOUNDS",
           "RELEASE_YEAR_BOUNDS", "TABLE_KEYS", "TOP_LEVEL_KEYS", "UNIT_HINT", "FieldReader", "ProfileErrors"]
