"""The hardware profile's schema, declared once (pure): every field a profile's TOML may hold.

Each :class:`Field` says its TOML path, its type, its unit, its bounds and their source, whether it
is required, the fix an error gives for a value outside them, the attribute of the profile's
dataclasses it becomes (``estimator.core.hardware.profile``) and, where the written value is not
that attribute as it is, how it is written. The reader (``estimator.core.hardware.reader``) checks
each field by its declaration and builds the dataclasses from the attributes; the writer
(``estimator.core.hardware.writer``) writes a profile back in the order declared here. The keys a
table may hold (``TABLE_KEYS``, ``TOP_LEVEL_KEYS``) are read from it: a key not declared is refused.

Adding a field is one entry in its table below (and its dataclass attribute): a field with no rule
that involves another field is read, checked, built and written from the entry alone. A rule that
involves several fields (a range that must contain its centre, the two forms of ``[power]``) is the
reader's, named in the table's ``doc``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from estimator.core.base import bounds as B
from estimator.core.footprint.embodied import BASES as EMBODIED_BASES
from estimator.core.footprint.water import COOLING
from estimator.core.hardware.calibration_section import CALIBRATION_KEYS
from estimator.core.hardware.power_ratio import GROUPS
from estimator.core.hardware.profile import FITTED_BASIS, KINDS, PRECISIONS, HardwareProfile

# --- The fixes an error gives for a number outside its bounds ---------------------------------
# A physical quantity's usual slip is its unit; a ratio's or a year's is its form.
UNIT_HINT = "check the unit and the exponent (FLOP/s not TFLOP/s, W not kW, GB/s)"
FRACTION_HINT = "write a fraction of the peak, one millionth (1e-6) up to 1, such as 0.3 for 30%"
PUE_HINT = "write the PUE as a ratio of at least 1, such as 1.1 (facility energy ÷ IT energy)"
YEAR_HINT = "write the four-digit year the device came out, such as 2020"

# --- Bounds ---------------------------------------------------------------------------------
# Plausibility bounds: outside these a number is almost surely a typo (wrong unit or exponent).
# One device here can be a whole system (AlphaGo ≈ 1 MW), hence the wide bounds; a gpu, tpu,
# accelerator or cpu is held to its kind's tighter limits (``kind_limit``: estimator/core/hardware/plausibility.py).
# Those an input shares have their one home in estimator/core/base/bounds.py.
PEAK_FLOPS_PER_S_BOUNDS = (B.PEAK_FLOPS_PER_S.low, B.PEAK_FLOPS_PER_S.high)
POWER_W_BOUNDS = (B.POWER_W.low, B.POWER_W.high)
MEMORY_GB_BOUNDS = (B.MEMORY_GB.low, B.MEMORY_GB.high)
# 1 GB/s: below any accelerator's or server's memory (the GTX 580 of 2010: 192 GB/s; one DDR4 channel
# 25.6 GB/s); a figure below it is a unit error (TB/s, or bytes), and it divides every decode step
BANDWIDTH_GB_PER_S_BOUNDS = (1.0, 1e7)
# Device-to-device link per direction: from PCIe 2.0 ×16 (8 GB/s) to well above NVLink 5 (900 GB/s).
LINK_GB_PER_S_BOUNDS = (1.0, 1e5)
# The devices of one scale-up domain: from one up to well past the largest ICI pod (TPU v5p: 8,960 chips,
# Google Cloud TPU v5p documentation); an NVL72 rack is 72.
SCALE_UP_DEVICES_BOUNDS = (1.0, 1e5)
# A device's share of the scale-out network per direction: from a few devices sharing one 10 Gb/s port
# (0.1 GB/s) to well above NVLink 5 (a figure above it is a unit slip: Gb/s for GB/s, or a whole node's)
SCALE_OUT_GB_PER_S_BOUNDS = (0.1, 1e4)
DEVICES_HINT = "write the number of devices in one scale-up domain, such as 8 for an HGX node or 72 for an NVL72 rack"
PRICE_USD_PER_HOUR_BOUNDS = (B.PRICE_USD_PER_DEVICE_HOUR.low, B.PRICE_USD_PER_DEVICE_HOUR.high)
# A device's release year: from the first electronic computers (bounds.YEAR) to a few years past the
# newest profiles (2024-2025): a device announced for later has no datasheet to cite yet.
RELEASE_YEAR_BOUNDS = (B.YEAR.low, 2035)
PUE_BOUNDS = (B.PUE.low, B.PUE.high)
# A device's cradle-to-gate footprint: from a phone SoC's few kg up to 10 t (an HGX B200 board of
# 8 GPUs is 2,274 kg, NVIDIA's PCF summary); a whole system (AlphaGo) is not given one.
EMBODIED_KG_BOUNDS = (0.1, 1e4)
# A stated utilisation: the bound a utilisation given as an input meets (CLI audit: default = 1e-9 passed and timed 1e22
# FLOPs at 3.17 billion years)
UTILIZATION_BOUNDS = (B.UTILIZATION.low, B.UTILIZATION.high)

KIND_LIMITS_SOURCE = "its kind's limits (estimator/core/hardware/plausibility.py KIND_LIMITS); the brain and a system: "

# --- Types ----------------------------------------------------------------------------------
NUMBER = "number"        # a plain number inside ``bounds``
TEXT = "text"            # text; with ``choices``, one of them
PAIR = "pair"            # [low, high], each inside ``bounds``, low ≤ high
FLAG = "flag"            # true or false
PEAKS = "peaks"          # one number per precision (PRECISIONS), each key its own line
TEXT_TABLE = "text table"  # key = "text" lines ([sources])
RECORD = "record"        # a table the reader checks as a whole ([calibration]: calibration_section.py)


def _attr(p: Any, attr: str) -> Any:
    for name in attr.split("."):
        p = None if p is None else getattr(p, name)
    return p


@dataclass(frozen=True)
class Field:
    """One field of a profile's TOML.

    ``path``: "table.key", or "key" at the top. ``bounds``: (low, high) of a NUMBER or a PAIR (None:
    any positive number); ``kind_limit``: the attribute of ``plausibility.KindLimits`` that holds a
    gpu, tpu, accelerator or cpu to its kind's tighter limits instead. ``required``: where it must be
    given (a requirement that depends on another field is a rule of the reader's). ``fix``: what an
    error says to do with a value outside the bounds or not among ``choices`` (``{choices}``: them
    joined); ``problem``: how it words that (``{value}``). ``attr``: the dataclass attribute it
    becomes, dotted below a table's dataclass ("power.tdp_w"). ``form``: in a table of several forms
    (``[power]``, ``[utilization]``), the one it belongs to (None: every form). ``write``: the TOML
    value written from a profile and whether the profile's fits are written as numbers (``snapshot``);
    default: its ``attr``, left out where None (an optional text also where empty, an optional flag
    where false)."""

    path: str
    type: str
    unit: str = ""
    bounds: tuple[float, float] | None = None
    bounds_source: str = ""
    kind_limit: str | None = None
    required: bool = False
    fix: str = UNIT_HINT
    problem: str = ""
    choices: tuple[str, ...] | None = None
    allow_zero: bool = False
    example: str = "312e12"
    attr: str | None = None
    form: str | None = None
    write: Callable[[HardwareProfile, bool], Any] | None = None
    doc: str = ""

    @property
    def key(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def table(self) -> str | None:
        return self.path.rsplit(".", 1)[0] if "." in self.path else None

    def choice_fix(self) -> str:
        return self.fix.format(choices=", ".join(self.choices or ()))

    def value(self, p: HardwareProfile, snapshot: bool = False) -> Any:
        """The TOML value written for profile ``p``; None: not written."""
        if self.write is not None:
            return self.write(p, snapshot)
        value = _attr(p, self.attr) if self.attr else None
        if isinstance(value, tuple):
            return list(value)
        if not self.required and (value == "" or value is False):
            return None
        return value


@dataclass(frozen=True)
class Table:
    """One ``[table]`` of a profile: its fields in the order written. ``builds``: the attribute of
    :class:`HardwareProfile` its dataclass becomes ("power"); None: its fields are the profile's own
    attributes. ``present``: whether a profile writes the table (default: where it has a field to
    write)."""

    key: str
    fields: tuple[Field, ...]
    required: bool = True
    builds: str | None = None
    present: Callable[[HardwareProfile], bool] | None = None
    doc: str = ""

    def keys(self) -> set[str]:
        return {k for f in self.fields for k in (PRECISIONS if f.type == PEAKS else (f.key,))}


# --- How the forms of [power] and [utilization] are written -----------------------------------

def power_fit_written(p: HardwareProfile, snapshot: bool) -> bool:
    """[power] written as its fit (``fit = "<group>"``), not as the numbers it gives."""
    return bool(p.power.fit_group) and not snapshot


def utilization_fit_written(p: HardwareProfile, snapshot: bool) -> bool:
    """[utilization] written as its family, not as the numbers it gives at 1e22 FLOPs."""
    return p.utilization.fitted and not snapshot


def _when(test: Callable[[HardwareProfile, bool], bool], get: Callable[[HardwareProfile], Any], fit: bool = True):
    """Written ``get(p)`` only in one form (``fit``: the fitted one; else the stated one)."""
    return lambda p, snapshot: get(p) if test(p, snapshot) == fit else None


# the basis a snapshot of a fitted utilisation states where it has none
SNAPSHOT_BASIS = "fitted utilisation at 1e22 FLOPs"

FIT, STATED = "fit", "stated"

SCHEMA: tuple[Field | Table, ...] = (
    Field("id", TEXT, required=True, attr="id",
          doc="lower-case letters, digits, '-', '_', '.', from a letter or digit (reader.id_problem)"),
    Field("name", TEXT, required=True, attr="name", doc="one line, no control characters (plausibility.text_problem)"),
    Field("kind", TEXT, required=True, attr="kind", choices=KINDS, problem="{value!r} is not a known kind",
          fix="use one of {choices}"),
    Field("release_year", NUMBER, unit="year", bounds=RELEASE_YEAR_BOUNDS, required=True, fix=YEAR_HINT, example="2020",
          bounds_source="bounds.YEAR to a few years past the newest profiles", attr="release_year",
          doc="a whole year; not required of the brain"),
    Field("default_precision", TEXT, required=True, attr="default_precision", doc="a key of [peak_flops_per_s]"),
    Field("notes", TEXT, attr="notes", doc="what the figures leave out or how they were read"),
    Table("peak_flops_per_s", (
        Field("peak_flops_per_s.<precision>", PEAKS, unit="FLOP/s", bounds=PEAK_FLOPS_PER_S_BOUNDS,
              kind_limit="peak_flops_per_s", bounds_source=KIND_LIMITS_SOURCE + "bounds.PEAK_FLOPS_PER_S",
              attr="peak_flops_per_s", write=lambda p, snapshot: dict(p.peak_flops_per_s),
              doc="dense peak per device at each precision (never the 2:4-sparse figure); at least one"),
        Field("peak_flops_per_s.range", PAIR, unit="FLOP/s", bounds=PEAK_FLOPS_PER_S_BOUNDS, kind_limit="peak_flops_per_s",
              bounds_source=KIND_LIMITS_SOURCE + "bounds.PEAK_FLOPS_PER_S", attr="peak_range_flops_per_s",
              doc="only where the peak itself is uncertain (the brain, a system); contains the default precision's peak"),
        Field("peak_flops_per_s.source", TEXT, required=True, attr="peak_source"),
    ), doc="rules: a precision not in PRECISIONS, default_precision among the peaks, a range only off the kinds' "
           "limits, the peak per watt (plausibility.efficiency_problem), fp8/fp4/int8/int4 at least the 16-bit peak"),
    Table("memory", (
        Field("memory.capacity_gb", NUMBER, unit="GB", bounds=MEMORY_GB_BOUNDS, kind_limit="memory_gb",
              bounds_source=KIND_LIMITS_SOURCE + "bounds.MEMORY_GB", attr="memory_gb",
              doc="decimal GB, as the device reports it"),
        Field("memory.bandwidth_gb_per_s", NUMBER, unit="GB/s", bounds=BANDWIDTH_GB_PER_S_BOUNDS,
              kind_limit="bandwidth_gb_per_s", bounds_source=KIND_LIMITS_SOURCE + "BANDWIDTH_GB_PER_S_BOUNDS (above)",
              attr="memory_bandwidth_gb_per_s"),
        Field("memory.source", TEXT, required=True, attr="memory_source"),
    )),
    Table("interconnect", (
        Field("interconnect.link_gb_per_s", NUMBER, unit="GB/s", bounds=LINK_GB_PER_S_BOUNDS,
              bounds_source="PCIe 2.0 ×16 (8 GB/s) to well above NVLink 5 (900 GB/s)", attr="link_gb_per_s",
              doc="device-to-device link per direction"),
        Field("interconnect.source", TEXT, attr="link_source", doc="required with link_gb_per_s"),
        Field("interconnect.scale_up_devices", NUMBER, unit="devices", bounds=SCALE_UP_DEVICES_BOUNDS, example="8",
              bounds_source="one device up to past the largest ICI pod (TPU v5p: 8,960 chips)", fix=DEVICES_HINT,
              attr="scale_up_devices", doc="a whole number: the devices that share the scale-up fabric (an NVSwitch "
                                           "node or rack, a TPU pod); rule: reader"),
        Field("interconnect.scale_up_gb_per_s", NUMBER, unit="GB/s", bounds=LINK_GB_PER_S_BOUNDS,
              bounds_source="as link_gb_per_s", attr="scale_up_gb_per_s",
              doc="per device, per direction, inside the scale-up domain (absent: link_gb_per_s)"),
        Field("interconnect.scale_up_source", TEXT, attr="scale_up_source",
              doc="required with scale_up_devices or scale_up_gb_per_s"),
        Field("interconnect.scale_out_gb_per_s", NUMBER, unit="GB/s", bounds=SCALE_OUT_GB_PER_S_BOUNDS,
              bounds_source="10 Gb/s Ethernet (1.25 GB/s) shared by a few devices up to well above NVLink 5",
              attr="scale_out_gb_per_s", doc="per device, per direction, to devices outside the scale-up domain"),
        Field("interconnect.scale_out_source", TEXT, attr="scale_out_source", doc="required with scale_out_gb_per_s"),
    ), required=False, present=lambda p: any(v is not None for v in (p.link_gb_per_s, p.scale_up_devices,
                                                                      p.scale_up_gb_per_s, p.scale_out_gb_per_s))),
    Table("sparsity", (
        Field("sparsity.structured_2_4", FLAG, required=True, attr="sparse_2_4",
              problem="expected true or false, got {value!r}",
              fix="write structured_2_4 = true where the chip skips 2:4-pruned weights (else leave [sparsity] out)"),
        Field("sparsity.source", TEXT, required=True, attr="sparse_source"),
    ), required=False, present=lambda p: p.sparse_2_4),
    Table("matmul", (
        Field("matmul.bf16_flops_per_s", NUMBER, unit="FLOP/s", bounds=PEAK_FLOPS_PER_S_BOUNDS, kind_limit="peak_flops_per_s",
              bounds_source=KIND_LIMITS_SOURCE + "bounds.PEAK_FLOPS_PER_S; at most the bf16 (else fp16) peak (rule: reader)",
              required=True, attr="matmul_bf16_flops_per_s", example="7.945e14",
              doc="the fastest 16-bit matrix multiply measured on one device (Maximum Achievable Matmul FLOP/s: "
                  "the best of a search over shapes), dense; the serving step scales its compute-bound rates by its "
                  "share of the peak against the reference device's (core/hardware/matmul.py)"),
        Field("matmul.source", TEXT, required=True, attr="matmul_source"),
    ), required=False, present=lambda p: p.matmul_bf16_flops_per_s is not None,
        doc="rule: at most the bf16 (else fp16) peak, which the profile must state"),
    Table("power", (
        Field("power.tdp_w", NUMBER, unit="W", bounds=POWER_W_BOUNDS, kind_limit="power_w",
              bounds_source=KIND_LIMITS_SOURCE + "bounds.POWER_W", attr="power.tdp_w", doc="required with fit"),
        Field("power.fit", TEXT, form=FIT, required=True, choices=tuple(GROUPS), attr="power.fit_group",
              problem="'{value}' is not a measured-power group", fix="use one of {choices}",
              write=_when(power_fit_written, lambda p: p.power.fit_group)),
        Field("power.average_w", NUMBER, unit="W", form=STATED, required=True, bounds=POWER_W_BOUNDS, kind_limit="power_w",
              bounds_source=KIND_LIMITS_SOURCE + "bounds.POWER_W; with tdp_w, 0.05–1.5 × it (plausibility.MIN_OF_TDP, "
                            "fields.MAX_OVER_TDP) instead of the kind's", attr="power.average_w",
              write=_when(power_fit_written, lambda p: p.power.average_w, fit=False)),
        Field("power.average_range_w", PAIR, unit="W", form=STATED, bounds=POWER_W_BOUNDS, kind_limit="power_w",
              bounds_source="as average_w", attr="power.average_range_w",
              write=_when(power_fit_written, lambda p: list(p.power.average_range_w), fit=False)),
        Field("power.includes_host", FLAG, form=STATED, required=True, attr="power.includes_host",
              problem="expected true or false, got {value!r}",
              fix="say whether average_w includes the host's share (CPU, memory, network): true or false",
              write=_when(power_fit_written, lambda p: p.power.includes_host, fit=False)),
        Field("power.source", TEXT, required=True, attr="power.source",
              write=lambda p, snapshot: p.power.tdp_source if power_fit_written(p, snapshot) else p.power.source,
              doc="with fit: the TDP's source (Power.tdp_source)"),
        Field("power.measured_device", TEXT, form=FIT, attr="power.fit_device",
              write=_when(power_fit_written, lambda p: p.power.fit_device)),
        Field("power.host_share_w", NUMBER, unit="W", form=STATED, allow_zero=True, attr="power.host_share_w",
              write=_when(power_fit_written, lambda p: p.power.host_share_w or None, fit=False)),
    ), builds="power", doc="two forms: fit = \"<group>\" with tdp_w (reader._power), or average_w with "
                           "average_range_w and includes_host"),
    Table("utilization", (
        Field("utilization.family", TEXT, form=FIT, attr="utilization.family",
              write=_when(utilization_fit_written, lambda p: None if p.utilization.borrowed else p.utilization.family)),
        Field("utilization.prior_from", TEXT, form=FIT, attr="utilization.family",
              write=_when(utilization_fit_written, lambda p: p.utilization.family if p.utilization.borrowed else None)),
        Field("utilization.default", NUMBER, unit="fraction of peak", form=STATED, required=True, bounds=UTILIZATION_BOUNDS,
              bounds_source="bounds.UTILIZATION, the bound a utilisation given as an input meets", fix=FRACTION_HINT, attr="utilization.default",
              write=_when(utilization_fit_written, lambda p: p.utilization.default, fit=False)),
        Field("utilization.range", PAIR, unit="fraction of peak", form=STATED, bounds=UTILIZATION_BOUNDS,
              bounds_source="bounds.UTILIZATION", fix=FRACTION_HINT, attr="utilization.range",
              write=_when(utilization_fit_written, lambda p: list(p.utilization.range), fit=False)),
        Field("utilization.basis", TEXT, attr="utilization.basis",
              write=lambda p, snapshot: (
                  (None if p.utilization.basis == FITTED_BASIS else p.utilization.basis)
                  if utilization_fit_written(p, snapshot) else p.utilization.basis or SNAPSHOT_BASIS),
              doc="required with default and prior_from"),
        Field("utilization.source", TEXT, form=STATED, required=True, attr="utilization.source",
              write=_when(utilization_fit_written, lambda p: p.utilization.source, fit=False)),
        Field("utilization.same_chip", FLAG, form=FIT, attr="utilization.same_chip", problem="{value!r} is not true or false",
              fix="write same_chip = true or leave it out",
              write=_when(utilization_fit_written, lambda p: p.utilization.same_chip or None)),
        Field("utilization.unlike_held_out", TEXT, form=FIT, attr="utilization.unlike_held_out",
              write=_when(utilization_fit_written, lambda p: p.utilization.unlike_held_out)),
    ), builds="utilization", doc="one of family, prior_from or default (reader._utilization)"),
    Table("price", (
        Field("price.usd_per_device_hour", NUMBER, unit="USD per device-hour", bounds=PRICE_USD_PER_HOUR_BOUNDS,
              kind_limit="price_usd_per_hour", allow_zero=True,
              bounds_source=KIND_LIMITS_SOURCE + "bounds.PRICE_USD_PER_DEVICE_HOUR; 0 or at least bounds.SMALLEST_NONZERO",
              attr="price.usd_per_device_hour"),
        Field("price.date", TEXT, attr="price.date", doc='"YYYY", "YYYY-MM" or "YYYY-MM-DD" (plausibility.price_date_problem); '
                                                   "required with a price"),
        Field("price.basis", TEXT, required=True, attr="price.basis"),
        Field("price.source", TEXT, required=True, attr="price.source"),
    ), builds="price"),
    Table("datacenter", (
        Field("datacenter.pue", NUMBER, unit="ratio", bounds=PUE_BOUNDS, required=True, fix=PUE_HINT,
              bounds_source="bounds.PUE", attr="pue"),
        Field("datacenter.cooling", TEXT, choices=tuple(COOLING), problem="'{value}' is not a kind of cooling",
              fix="use one of {choices}", attr="cooling", doc="absent: the average (core/footprint/water.py)"),
        Field("datacenter.source", TEXT, required=True, attr="pue_source"),
    )),
    Table("embodied", (
        Field("embodied.kg_co2e", NUMBER, unit="kg CO2e per device", bounds=EMBODIED_KG_BOUNDS, required=True,
              bounds_source="a phone SoC's few kg up to 10 t (an HGX B200 board is 2,274 kg)", attr="embodied.kg_co2e"),
        Field("embodied.basis", TEXT, required=True, choices=EMBODIED_BASES, problem="'{value}' is not a known basis",
              fix="use one of {choices} (leave the table out when there is no figure)", attr="embodied.basis"),
        Field("embodied.scope", TEXT, required=True, attr="embodied.scope"),
        Field("embodied.source", TEXT, required=True, attr="embodied.source"),
        Field("embodied.range_kg_co2e", PAIR, unit="kg CO2e per device", bounds=EMBODIED_KG_BOUNDS,
              bounds_source="as kg_co2e", attr="embodied.range_kg_co2e", doc="contains kg_co2e"),
    ), required=False, builds="embodied", present=lambda p: p.embodied is not None),
    Table("calibration", (
        Field("calibration", RECORD, attr="calibration",
              write=lambda p, snapshot: dict(p.calibration) if p.calibration else None,
              doc="a calibrated profile's measurement (core/hardware/calibration_section.py CALIBRATION_KEYS)"),
    ), required=False),
    Table("sources", (
        Field("sources", TEXT_TABLE, attr="extra_sources",
              write=lambda p, snapshot: dict(p.extra_sources) or None, doc='key = "full citation" lines'),
    ), required=False),
)

TABLES: dict[str, Table] = {t.key: t for t in SCHEMA if isinstance(t, Table)}
TOP_FIELDS: dict[str, Field] = {f.path: f for f in SCHEMA if isinstance(f, Field)}
# every field by its path ("memory.capacity_gb"; the one-field tables by their key)
FIELDS: dict[str, Field] = {**TOP_FIELDS, **{f.path: f for t in TABLES.values() for f in t.fields}}

# The keys each table may hold (profiles/README.md documents them). [sources] is free text.
TABLE_KEYS: dict[str, set[str]] = {
    key: (set(CALIBRATION_KEYS) if key == "calibration" else t.keys())
    for key, t in TABLES.items() if key != "sources"}
TOP_LEVEL_KEYS: set[str] = set(TOP_FIELDS) | set(TABLES)


def table_fields(key: str, form: str | None = None) -> tuple[Field, ...]:
    """The fields of table ``key`` that a profile of ``form`` reads (every form's and its own)."""
    return tuple(f for f in TABLES[key].fields if f.form is None or form is None or f.form == form)


def field(path: str) -> Field:
    """The declared field at ``path`` ("power.tdp_w")."""
    return FIELDS[path]


__all__ = ["BANDWIDTH_GB_PER_S_BOUNDS", "EMBODIED_KG_BOUNDS", "FIELDS", "FRACTION_HINT", "Field", "LINK_GB_PER_S_BOUNDS",
           "MEMORY_GB_BOUNDS", "PEAK_FLOPS_PER_S_BOUNDS", "POWER_W_BOUNDS", "PRICE_USD_PER_HOUR_BOUNDS", "PUE_BOUNDS",
           "RELEASE_YEAR_BOUNDS", "SCALE_OUT_GB_PER_S_BOUNDS", "SCALE_UP_DEVICES_BOUNDS", "SCHEMA", "TABLES", "TABLE_KEYS", "TOP_LEVEL_KEYS", "Table", "UNIT_HINT", "field",
           "table_fields"]

