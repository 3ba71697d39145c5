"""A hardware profile from plain data (pure), every field checked.

``profile_from_dict`` takes the parsed contents of a profile (a dict) and the name of where it
came from, and returns a :class:`~estimator.core.hardware.profile.HardwareProfile` or raises
:class:`ProfileError` naming the source, the field and the fix; where several sections are
broken, one :class:`ProfileErrors` lists them all (each section is read even when another
failed). The field checks are ``estimator.core.hardware.fields``'. Reading the files is
``estimator.io.datafiles``'s job.
"""

from __future__ import annotations

import datetime
import difflib
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from estimator.core.base import bounds as B
from estimator.core.base.errors import ProfileError
from estimator.core.base.number_text import gfmt
from estimator.core.footprint.embodied import DeviceEmbodied
from estimator.core.hardware.calibration_section import read_calibration
from estimator.core.hardware.fields import (
    FLAG,
    MAX_OVER_TDP,
    NUMBER,
    PAIR,
    TEXT,
    TOP_LEVEL_KEYS,
    UNIT_HINT,
    FieldReader,
)
from estimator.core.hardware.plausibility import (
    KIND_LIMITS,
    MIN_OF_TDP,
    efficiency_problem,
    limits_for,
    price_date_problem,
    text_problem,
)
from estimator.core.hardware.power_ratio import DATA_FILE as POWER_FIT_FILE
from estimator.core.hardware.power_ratio import GROUPS, MIN_OWN, PowerFits
from estimator.core.hardware.profile import (
    DISPLAY_FLOPS,
    FITTED_BASIS,
    KINDS,
    PRECISIONS,
    HardwareProfile,
    Power,
    Price,
    Utilization,
)
from estimator.core.hardware.schema import FIELDS, STATED, TABLES, TOP_FIELDS, table_fields
from estimator.core.hardware.utilization_model import POOLED, UtilizationModel

FIT_FILE = "estimator/data/utilization_fit.json"



# The precisions whose tensor peak is at least the 16-bit one on every device that has them (the reader's check)
NARROW_PRECISIONS = ("fp8", "fp4", "int8", "int4")
# the precisions of 16 bits and more, whose highest peak present the narrower ones are held to
WIDER_PRECISIONS = ("bf16", "fp16", "tf32", "fp32", "fp64")


def _says(kind: str) -> dict[str, str]:
    """How a number outside its kind's limits is told (``FieldReader.number``'s what and hint)."""
    if kind not in KIND_LIMITS:
        return {}
    return {"what": f" for a {kind}", "hint": f'{UNIT_HINT}; a whole cluster or system is kind = "system"'}


# The kinds of device each measured-power group's fit may stand for: the GPUs' for GPUs and for accelerators in
# servers like theirs (Gaudi: OAM modules in 8-way servers), the TPUs' for TPUs.
FIT_KINDS = {"gpu": ("gpu", "accelerator"), "tpu": ("tpu",)}

F = FIELDS  # the declared fields by path (estimator/core/hardware/schema.py)
PLAIN = (NUMBER, TEXT, PAIR, FLAG)  # the types a field is read by its declaration alone


def _rest(r: FieldReader, key: str | None, tbl: Mapping[str, Any], form: str | None = None) -> dict[str, Any]:
    """Read the declared fields of table ``key`` (None: the top level) that its rules did not, in
    their declared order, and give them by the attribute each becomes (a dotted one's leaf: its
    table's dataclass's): a field with no rule of its own needs no code here. Skipped: an optional
    table left out, a field of another form, and one whose attribute a field read already gives
    (``prior_from`` beside ``family``)."""
    if key is not None and not tbl and not TABLES[key].required:
        return {}
    fields = tuple(TOP_FIELDS.values()) if key is None else table_fields(key, form)
    given = {f.attr for f in fields if f.path in r.tried}
    out = {}
    for f in fields:
        if f.type in PLAIN and f.path not in r.tried and f.attr not in given:
            value = r.field(f, tbl)
            if f.attr:
                out[f.attr.rsplit(".", 1)[-1]] = value
    return out


def _with_rest(r: FieldReader, key: str, tbl: Mapping[str, Any], obj, form: str | None = None):
    """``obj``, the dataclass table ``key``'s rules built, with its declared fields that they did not read."""
    extra = _rest(r, key, tbl, form)
    return replace(obj, **extra) if extra and obj is not None else obj


def _power(r: FieldReader, pw: Mapping[str, Any], fits: PowerFits | None, kind: str = "gpu") -> Power:
    """[power]: ``fit = "<group>"`` with ``tdp_w`` (average and range from the measured-draw fit;
    with ``measured_device``, from that device's own measurements in the group), or an explicit ``average_w`` with ``average_range_w`` and ``includes_host``; within the kind's
    limits, the average between MIN_OF_TDP and MAX_OVER_TDP × tdp_w."""
    tdp = r.field(F["power.tdp_w"], pw)
    if "fit" in pw:
        group = r.field(F["power.fit"], pw)
        # a CPU took the GPU servers' ratio (profile audit); a kind not known is its own error, said once (compare
        # review 2026-11-29: "gpuu" was also told its fit is measured on other devices)
        if kind in KINDS and kind not in FIT_KINDS.get(group.split("-")[0], ()):
            ours = [g for g in GROUPS if kind in FIT_KINDS.get(g.split("-")[0], ())]
            r.fail("power.fit", f"'{group}' is measured on other devices than this {kind}",
                   f"use {' or '.join(ours)}" if ours else "give average_w, average_range_w and includes_host instead")
        for key in ("average_w", "average_range_w", "includes_host", "host_share_w"):
            if key in pw:
                r.fail(f"power.{key}", "given together with power.fit", f"drop {key}: the fit sets it, or drop fit")
        if tdp is None:
            r.fail("power.tdp_w", "power.fit needs the device's TDP", "add tdp_w = <W> from the datasheet")
        src = r.field(F["power.source"], pw)
        if fits is None or group not in fits.groups:
            r.fail("power.fit", f"no fit for group '{group}' is loaded", f"load profiles with the fits of {POWER_FIT_FILE}")
        f = fits.groups[group]
        device = r.field(F["power.measured_device"], pw) or None
        if device is not None:
            f = fits.device(group, device)
            if f is None:
                named = sorted(d for g, d in fits.devices if g == group)
                r.fail("power.measured_device", f"'{device}' is not a device measured at least {MIN_OWN} times in group "
                       f"'{group}' of {POWER_FIT_FILE}",
                       f"use one of {', '.join(named)}, or drop measured_device to take the group's fit" if named
                       else "drop measured_device to take the group's fit")
            if f.device_tdp_w is not None and not math.isclose(f.device_tdp_w, tdp, rel_tol=1e-9):
                # the centre is a share of that TDP: an H100 PCIe (350 W) naming the SXM's 700 W runs would take
                # the SXM's share of its own TDP (review)
                r.fail("power.measured_device", f"the {device}'s measurements are shares of a {gfmt(f.device_tdp_w)} W "
                       f"TDP, but tdp_w is {gfmt(tdp)} W", "name the device measured, or drop measured_device")
        chip = fits.groups.get("gpu-chip")
        includes_host = group.endswith("-system")
        # the host's part of a system-level draw: the system fit's centre less the chip-only fit's
        host = (f.center - chip.center) * tdp if (group == "gpu-system" and chip is not None and chip.center < f.center) else 0.0
        return Power(tdp, f.center * tdp, (f.low * tdp, f.high * tdp), includes_host, host,
                     f"average {f.describe()}; TDP: {src}"
                     + (f"; host share {host:.0f} W = (system − chip-only fit centre) × TDP" if host else ""), group, src, device)
    if "measured_device" in pw:
        r.fail("power.measured_device", "given without power.fit", 'add fit = "<group>" (the device\'s measurements are '
               "in a group's fit), or drop measured_device")
    # with a TDP, the average is held to MIN_OF_TDP–MAX_OVER_TDP × it below, a narrower check than the kind's
    avg = r.field(F["power.average_w"], pw, by_kind=tdp is None)
    avg_range = r.field(F["power.average_range_w"], pw, by_kind=tdp is None) or (avg, avg)
    if not avg_range[0] <= avg <= avg_range[1]:
        r.fail("power.average_range_w", f"[{gfmt(avg_range[0])}, {gfmt(avg_range[1])}] does not contain average_w = {gfmt(avg)}",
               "widen the range or correct average_w")
    includes_host = r.field(F["power.includes_host"], pw)
    host_share = r.field(F["power.host_share_w"], pw) or 0.0
    if host_share and not includes_host:
        r.fail("power.host_share_w", "a host share is given but includes_host = false", "set includes_host = true or drop host_share_w")
    if host_share >= avg:
        r.fail("power.host_share_w", f"{gfmt(host_share)} W is not below average_w = {gfmt(avg)} W", "the host share is part of average_w")
    if tdp is not None and avg_range[1] > MAX_OVER_TDP * tdp:
        r.fail("power.average_range_w" if avg_range[1] > avg else "power.average_w",
               f"{gfmt(avg_range[1])} W is more than {gfmt(MAX_OVER_TDP)} × tdp_w = {gfmt(tdp)} W",
               "give the average per device in W (not kW, not a whole server's), or correct tdp_w")
    if tdp is not None and avg_range[0] < MIN_OF_TDP * tdp:
        r.fail("power.average_range_w" if avg_range[0] < avg else "power.average_w",
               f"{gfmt(avg_range[0])} W is less than {gfmt(MIN_OF_TDP)} × tdp_w = {gfmt(tdp)} W, under half of what even an idle "
               "GPU draws of its TDP",
               "give the average per device in W (not kW), or correct tdp_w")
    return Power(tdp, avg, avg_range, includes_host, host_share, r.field(F["power.source"], pw))


def _links(r: FieldReader, tbl: Mapping[str, Any]) -> dict[str, Any]:
    """[interconnect]'s cluster links: the scale-up domain (a whole number of devices) and its bandwidth
    with their source, the scale-out bandwidth with its own: a figure without its source is refused."""
    devices = r.field(F["interconnect.scale_up_devices"], tbl)
    if devices is not None and devices != int(devices):
        bad, devices = devices, None
        r.fail("interconnect.scale_up_devices", f"{gfmt(bad)} is not a whole number of devices", F["interconnect.scale_up_devices"].fix)
    up = r.field(F["interconnect.scale_up_gb_per_s"], tbl)
    up_source = r.field(F["interconnect.scale_up_source"], tbl, required=devices is not None or up is not None)
    out = r.field(F["interconnect.scale_out_gb_per_s"], tbl)
    out_source = r.field(F["interconnect.scale_out_source"], tbl, required=out is not None)
    return {"scale_up_devices": None if devices is None else int(devices), "scale_up_gb_per_s": up,
            "scale_up_source": up_source, "scale_out_gb_per_s": out, "scale_out_source": out_source}


def _embodied(r: FieldReader, em: Mapping[str, Any]) -> DeviceEmbodied | None:
    """[embodied]: kg CO2e per device (cradle-to-gate), its basis, what it covers and its source."""
    if not em:
        return None
    kg = r.field(F["embodied.kg_co2e"], em)
    basis = r.field(F["embodied.basis"], em)
    rng = r.field(F["embodied.range_kg_co2e"], em)
    if rng and not rng[0] <= kg <= rng[1]:
        r.fail("embodied.range_kg_co2e", f"[{gfmt(rng[0])}, {gfmt(rng[1])}] does not contain kg_co2e = {gfmt(kg)}",
               "widen the range or correct kg_co2e")
    return DeviceEmbodied(kg, basis, r.field(F["embodied.scope"], em), r.field(F["embodied.source"], em), rng)


def _utilization(r: FieldReader, ut: Mapping[str, Any], model: UtilizationModel | None,
                 release_year: int | None) -> Utilization:
    """[utilization]: ``family`` (fitted), ``prior_from`` (no runs: the nearest family, whose fit,
    the pooled one or the flat rule is used as the fit chose; ``Utilization.fit_family``) or an explicit
    ``default`` with its ``range``."""
    forms = [k for k in ("family", "prior_from", "default") if k in ut]
    same_chip = r.field(F["utilization.same_chip"], ut)
    if same_chip and "prior_from" not in ut:
        r.fail("utilization.same_chip", "same_chip only applies to a device that borrows its family's fit",
               "give prior_from = \"<family>\" with it, or leave same_chip out")
    if len(forms) != 1:
        r.fail("utilization", f"give exactly one of family, prior_from or default (got {', '.join(forms) or 'none'})",
               f"write family = \"a100\" for a device with runs in {FIT_FILE}, prior_from = \"h100\" for one "
               "without, or default = 0.3 with range = [low, high] for a stated value")
    if "default" in ut:
        # held to the bound a utilisation given as an input meets (schema.UTILIZATION_BOUNDS)
        u_default = r.field(F["utilization.default"], ut)
        u_range = r.field(F["utilization.range"], ut) or (u_default, u_default)
        if not u_range[0] <= u_default <= u_range[1]:
            r.fail("utilization.range", f"[{gfmt(u_range[0])}, {gfmt(u_range[1])}] does not contain default = {gfmt(u_default)}",
                   "make the range contain the default")
        return Utilization(r.field(F["utilization.basis"], ut, required=True), r.field(F["utilization.source"], ut),
                           default=u_default, range=u_range, low_precision=None if model is None else model.low_precision)
    key = forms[0]
    if "range" in ut:
        r.fail("utilization.range", f"a range is stated beside {key}, which takes the fit's interval",
               "drop range, or give default = <fraction> with it instead of " + key)
    family = r.field(F[f"utilization.{key}"], ut, required=True)
    borrowed = key == "prior_from"
    if model is not None:
        known = sorted(model.families) + ([POOLED] if borrowed else [])
        if family not in known:
            r.fail(f"utilization.{key}", f"'{family}' is not a fitted family",
                   f"use one of {', '.join(known)} (families with runs in {FIT_FILE})")
    # a borrowed fit must say why that neighbour; a fitted family may add a note
    basis = r.field(F["utilization.basis"], ut, required=borrowed) or FITTED_BASIS
    if same_chip and family == POOLED:
        r.fail("utilization.same_chip", "the pooled fit has no chip of its own", "leave same_chip out")
    # what a device without runs is, where no family held out to calibrate its range is like it (a CPU, a consumer
    # or another vendor's GPU): its estimates say the range's coverage on it is not measured (fit_caveats)
    unlike = r.field(F["utilization.unlike_held_out"], ut) or None
    if unlike is not None and not borrowed:
        r.fail("utilization.unlike_held_out", "only a device without runs (prior_from) takes a range calibrated on "
               "families held out whole", "leave unlike_held_out out")
    low = None if model is None else model.low_precision
    u = Utilization(basis, FIT_FILE, family=family, borrowed=borrowed, model=model, release_year=release_year,
                    same_chip=same_chip, unlike_held_out=unlike, low_precision=low)
    if model is None:
        return u
    at_ref = u.predict(DISPLAY_FLOPS)
    return Utilization(basis, FIT_FILE, default=at_ref.center, range=(at_ref.low, at_ref.high),
                       family=family, borrowed=borrowed, model=model, release_year=release_year,
                       same_chip=same_chip, unlike_held_out=unlike, low_precision=low)


ID_FIX = "use an id like 'a100-sxm-80gb'"


def id_problem(pid: str) -> str | None:
    """Why ``pid`` cannot be a profile id (it names a file, profiles/calibrated/<id>.toml, and is typed
    on command lines), or None: lower-case ASCII letters, digits, '-', '_' and '.' only."""
    if not all(c.isascii() and (c.isalnum() or c in "-_.") for c in pid) or pid != pid.lower():
        return f"{pid!r} has characters other than lower-case letters, digits, '-', '_' and '.'"
    if not pid[:1].isalnum():  # "-acme" reads as an option, "." and ".." as folders (profile audit)
        return f"{pid!r} does not start with a letter or a digit"
    return None


def _price(r: FieldReader, pr: Mapping[str, Any], today: datetime.date | None, release_year: int | None) -> Price:
    """[price]: a price within the kind's limits, 0 or at least bounds.SMALLEST_NONZERO (as an input
    price is), and its date (``price_date_problem``): the trend of costs starts from it (audit:
    "2099-13" started a trend in 2099, "2100-12" printed a cost in 2100, "last tuesday" fell back silently)."""
    value = r.field(F["price.usd_per_device_hour"], pr)
    if value is not None and 0 < value < B.SMALLEST_NONZERO:
        r.fail("price.usd_per_device_hour", f"{gfmt(value)} must be 0 or at least {gfmt(B.SMALLEST_NONZERO)} (a smaller "
               "value is an underflow or a typo)", "write the price in USD per device-hour, or 0 for a free device")
    date = r.field(F["price.date"], pr, required=value is not None)
    if date and (problem := price_date_problem(date, today, release_year)) is not None:
        r.fail("price.date", *problem)
    return Price(value, date, r.field(F["price.basis"], pr), r.field(F["price.source"], pr))


def profile_from_dict(data: Mapping[str, Any], source: str,
                      utilization_model: UtilizationModel | None = None,
                      power_fits: PowerFits | None = None,
                      today: datetime.date | None = None) -> HardwareProfile:
    """Validate one profile's data and build a HardwareProfile.

    ``source`` names where the data came from (a file path) for the error messages.
    ``today``: the price's date may not be after it (the loader, ``estimator.io.datafiles``, gives
    the day; None: not checked, the core reading no clock).
    ``utilization_model`` is the fit that ``[utilization] family`` refers to; without it a
    fitted profile loads, but cannot predict its utilisation (used by the fit itself).
    ``power_fits`` are the measured-draw fits that ``[power] fit`` and ``measured_device`` refer to.
    """
    if not isinstance(data, Mapping):
        raise ProfileError(source, "(file)", "not a table of fields", "write the profile as TOML key = value pairs")
    r = FieldReader(data, source)
    with r.section():
        unknown = sorted(set(data) - TOP_LEVEL_KEYS)
        if unknown:
            key = unknown[0]
            close = difflib.get_close_matches(key, sorted(TOP_LEVEL_KEYS), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"remove it; allowed: {', '.join(sorted(TOP_LEVEL_KEYS))}"
            r.fail(key, "unknown field", hint)
    pid = name = kind = ""
    year = None
    with r.section():
        pid = r.field(F["id"], data)
        if (problem := id_problem(pid)) is not None:
            r.fail("id", problem, ID_FIX)
    with r.section():
        name = r.field(F["name"], data)
        if (problem := text_problem(name)) is not None:
            r.fail("name", problem, "write the name on one line, without control characters")
    with r.section():
        r.field(F["kind"], data)
    kind = r.values.get("kind", "")  # as written, even where it is not a kind: the other sections' messages name it
    with r.section():
        year = r.field(F["release_year"], data, required=kind != "brain")
        if year is not None and year != int(year):
            bad, year = year, None
            r.fail("release_year", f"{bad} is not a whole year", "write a year such as 2020")
    lim, says = limits_for(kind), _says(kind)
    r.limits, r.says = lim, says

    peaks: dict[str, float] = {}
    peak_source, default_precision, peak_range = "", "", None
    flat: dict[str, Any] = {}  # the profile's own attributes from declared fields no rule reads
    with r.section():
        r.tried.add("default_precision")  # read below, once the peaks it names are
        peak_tbl = r.table("peak_flops_per_s")
        peak = F["peak_flops_per_s.<precision>"]
        for key in peak_tbl:
            if key in ("source", "range"):
                continue
            if key not in PRECISIONS:
                r.fail(f"peak_flops_per_s.{key}", "unknown precision", f"use one of {', '.join(PRECISIONS)}")
            peaks[key] = r.field(peak, peak_tbl, key)
        if not peaks:
            r.fail("peak_flops_per_s", "no precision given", "add at least one line such as fp32 = 19.5e12")
        peak_source = r.field(F["peak_flops_per_s.source"], peak_tbl)
        default_precision = r.field(F["default_precision"], data)
        if default_precision not in peaks:
            r.fail("default_precision", f"{default_precision!r} has no peak in [peak_flops_per_s]",
                   f"use one of {', '.join(peaks)} or add its peak")
        peak_range = r.field(F["peak_flops_per_s.range"], peak_tbl)
        if peak_range and kind in KIND_LIMITS:  # a datasheet's peak is exact (profile audit: a GPU's range turned
            r.fail("peak_flops_per_s.range", f"a {kind}'s peak is its datasheet's, not uncertain",  # every range "stated")
                   "drop range: it is for a peak that is itself uncertain (the brain, a whole system)")
        if peak_range and not peak_range[0] <= peaks[default_precision] <= peak_range[1]:
            r.fail("peak_flops_per_s.range", "does not contain the default precision's peak",
                   "make the range [low, high] contain the peak")
        # a narrower precision's tensor peak below the 16-bit one is a unit or an exponent typed wrong (compare review
        # 2026-11-29: fp8 1e12 beside bf16 9.89e14 validated, and timed a run at 55 years): no bundled device
        # multiplies fp8, fp4, int8 or int4 slower than bf16/fp16 (Gaudi 3's fp8 equals its bf16)
        # the highest of the wider precisions' peaks present (diff review 2026-11-29: fp8 beside fp32 alone, and an fp16
        # above the bf16, had passed)
        wider = [(x, k) for k in WIDER_PRECISIONS if isinstance(x := peaks.get(k), (int, float))]
        top, top_key = max(wider, key=lambda w: w[0]) if wider else (None, None)
        for key in NARROW_PRECISIONS:
            x = peaks.get(key)
            if top and isinstance(x, (int, float)) and x < top:
                r.fail(f"peak_flops_per_s.{key}", f"{gfmt(x, 4)} FLOP/s is below the {top_key} peak, {gfmt(top, 4)} "
                       "FLOP/s: no device multiplies at fewer bits more slowly",
                       "write the dense peak in FLOP/s per device (1,979 TFLOP/s is 1.979e15), check the "
                       f"{top_key} peak's own figure (a wider precision's written too high shows here), or leave the "
                       "precision out where the device has no such tensor path")

    link, link_source = None, ""
    with r.section():  # [memory] and [sparsity]: their fields alone, as declared
        flat.update(_rest(r, "memory", r.table("memory")))
    with r.section():
        link_tbl = r.table("interconnect", required=False)
        link = r.field(F["interconnect.link_gb_per_s"], link_tbl)
        link_source = r.field(F["interconnect.source"], link_tbl, required=link is not None)
        flat.update(_links(r, link_tbl))
        flat.update(_rest(r, "interconnect", link_tbl))
    with r.section():
        flat.update(_rest(r, "sparsity", r.table("sparsity", required=False)))
    with r.section():
        mm_tbl = r.table("matmul", required=False)
        mm = r.field(F["matmul.bf16_flops_per_s"], mm_tbl) if mm_tbl else None
        sixteen = peaks.get("bf16") or peaks.get("fp16")
        # the 16-bit peak as written; peaks written as anything but a table are [peak_flops_per_s]'s own error, and
        # this one waits too (conventions audit 2026-11-28: a number there had raised Python's TypeError here)
        peak_tbl = data.get("peak_flops_per_s")
        written = (peak_tbl is not None if not isinstance(peak_tbl, Mapping)
                   else any(k in peak_tbl for k in ("bf16", "fp16")))
        if sixteen is None and written:
            pass  # the 16-bit peak is written but broken: its own error says so, and this one waits for its fix
        elif mm is not None and sixteen is None:
            r.fail("matmul.bf16_flops_per_s", "the profile states no bf16 or fp16 peak to compare it with",
                   "add the 16-bit peak to [peak_flops_per_s], or leave [matmul] out")
        elif mm is not None and mm > sixteen:
            r.fail("matmul.bf16_flops_per_s", f"{mm:.4g} FLOP/s is above the 16-bit peak, {sixteen:.4g} FLOP/s",
                   "write the measured rate of one device, dense, in FLOP/s (not TFLOP/s, not the 2:4-sparse rate)")
        if mm is not None:
            flat["matmul_bf16_flops_per_s"] = mm
        flat.update(_rest(r, "matmul", mm_tbl))

    power = utilization = price = embodied = calibration = None
    with r.section():
        pw = r.table("power")
        power = _with_rest(r, "power", pw, _power(r, pw, power_fits, kind), "fit" if "fit" in pw else STATED)
        if power is not None and (bad := efficiency_problem(kind, peaks, power.tdp_w or power.average_w - power.host_share_w)):
            r.fail("peak_flops_per_s" if power.tdp_w else "power.average_w", *bad)
    with r.section():
        ut = r.table("utilization")
        utilization = _with_rest(r, "utilization", ut,
                                 _utilization(r, ut, utilization_model, None if year is None else int(year)),
                                 STATED if "default" in ut else "fit")
    with r.section():
        pr = r.table("price")
        price = _with_rest(r, "price", pr, _price(r, pr, today, None if year is None else int(year)))

    pue, pue_source, cooling = None, "", None
    with r.section():
        dc = r.table("datacenter")
        pue = r.field(F["datacenter.pue"], dc)
        pue_source = r.field(F["datacenter.source"], dc)
        cooling = r.field(F["datacenter.cooling"], dc) or None
        flat.update(_rest(r, "datacenter", dc))
    with r.section():
        em = r.table("embodied", required=False)
        embodied = _with_rest(r, "embodied", em, _embodied(r, em))
    if power is not None:  # the calibration's measured power is checked against the profile's
        with r.section():
            calibration = read_calibration(r, r.table("calibration", required=False), power.average_w, peaks)
    sources, notes = {}, ""
    with r.section():
        sources = data.get("sources") or {}
        if not isinstance(sources, Mapping) or not all(isinstance(v, str) for v in sources.values()):
            r.fail("sources", "expected a table of text", 'write [sources] with key = "citation" lines')
    with r.section():
        notes = data.get("notes", "")
        r.tried.add("notes")
        if not isinstance(notes, str):
            r.fail("notes", f"expected text, got {notes!r}", "put the notes in quotes")
    with r.section():
        flat.update(_rest(r, None, data))
    r.raise_errors()

    return HardwareProfile(
        id=pid, name=name, kind=kind, release_year=None if year is None else int(year), default_precision=default_precision,
        peak_flops_per_s=dict(peaks), peak_range_flops_per_s=peak_range, peak_source=peak_source,
        power=power, utilization=utilization, price=price, pue=pue, pue_source=pue_source, cooling=cooling,
        notes=notes.strip(), calibration=calibration,
        source_file=source, extra_sources=dict(sources), embodied=embodied,
        link_gb_per_s=link, link_source=link_source, **flat,
    )
