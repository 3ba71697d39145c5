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
from typing import Any

from estimator.core.base import bounds as B
from estimator.core.base.errors import ProfileError
from estimator.core.base.number_text import gfmt
from estimator.core.footprint.embodied import BASES as EMBODIED_BASES
from estimator.core.footprint.embodied import DeviceEmbodied
from estimator.core.footprint.water import COOLING
from estimator.core.hardware.calibration_section import read_calibration
from estimator.core.hardware.fields import (  # noqa: F401  (re-exported: calibrate and the tests read them here)
    BANDWIDTH_GB_PER_S_BOUNDS,
    EMBODIED_KG_BOUNDS,
    FRACTION_HINT,
    LINK_GB_PER_S_BOUNDS,
    MAX_OVER_TDP,
    MEMORY_GB_BOUNDS,
    PEAK_FLOPS_PER_S_BOUNDS,
    POWER_W_BOUNDS,
    PRICE_USD_PER_HOUR_BOUNDS,
    PUE_BOUNDS,
    RELEASE_YEAR_BOUNDS,
    TOP_LEVEL_KEYS,
    UNIT_HINT,
    FieldReader,
    ProfileErrors,
)
from estimator.core.hardware.limits import (
    KIND_LIMITS,
    MIN_OF_TDP,
    KindLimits,
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
from estimator.core.hardware.utilization_model import POOLED, UtilizationModel

FIT_FILE = "estimator/data/utilization_fit.json"


def _says(kind: str) -> dict[str, str]:
    """How a number outside its kind's limits is told (``FieldReader.number``'s what and hint)."""
    if kind not in KIND_LIMITS:
        return {}
    return {"what": f" for a {kind}", "hint": f'{UNIT_HINT}; a whole cluster or system is kind = "system"'}


# The kinds of device each measured-power group's fit may stand for: the GPUs' for GPUs and for accelerators in
# servers like theirs (Gaudi: OAM modules in 8-way servers), the TPUs' for TPUs.
FIT_KINDS = {"gpu": ("gpu", "accelerator"), "tpu": ("tpu",)}


def _power(r: FieldReader, pw: Mapping[str, Any], fits: PowerFits | None, lim: KindLimits,
           says: Mapping[str, str], kind: str = "gpu") -> Power:
    """[power]: ``fit = "<group>"`` with ``tdp_w`` (average and range from the measured-draw fit;
    with ``measured_device``, from that device's own measurements in the group), or an explicit ``average_w`` with ``average_range_w`` and ``includes_host``; within the kind's
    limits (``lim``), the average between MIN_OF_TDP and MAX_OVER_TDP × tdp_w."""
    tdp = r.number(pw, "tdp_w", "power.tdp_w", lim.power_w, required=False, **says)
    if "fit" in pw:
        group = r.text(pw, "fit", "power.fit")
        if group not in GROUPS:
            r.fail("power.fit", f"'{group}' is not a measured-power group", f"use one of {', '.join(GROUPS)}")
        if kind not in FIT_KINDS.get(group.split("-")[0], ()):  # a CPU took the GPU servers' ratio (profile audit)
            ours = [g for g in GROUPS if kind in FIT_KINDS.get(g.split("-")[0], ())]
            r.fail("power.fit", f"'{group}' is measured on other devices than this {kind}",
                   f"use {' or '.join(ours)}" if ours else "give average_w, average_range_w and includes_host instead")
        for key in ("average_w", "average_range_w", "includes_host", "host_share_w"):
            if key in pw:
                r.fail(f"power.{key}", "given together with power.fit", f"drop {key}: the fit sets it, or drop fit")
        if tdp is None:
            r.fail("power.tdp_w", "power.fit needs the device's TDP", "add tdp_w = <W> from the datasheet")
        src = r.text(pw, "source", "power.source")
        if fits is None or group not in fits.groups:
            r.fail("power.fit", f"no fit for group '{group}' is loaded", f"load profiles with the fits of {POWER_FIT_FILE}")
        f = fits.groups[group]
        device = r.text(pw, "measured_device", "power.measured_device", required=False) or None
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
    avg_lim, avg_says = (lim.power_w, says) if tdp is None else (POWER_W_BOUNDS, {})
    avg = r.number(pw, "average_w", "power.average_w", avg_lim, **avg_says)
    avg_range = r.pair(pw, "average_range_w", "power.average_range_w", avg_lim, **avg_says) or (avg, avg)
    if not avg_range[0] <= avg <= avg_range[1]:
        r.fail("power.average_range_w", f"[{gfmt(avg_range[0])}, {gfmt(avg_range[1])}] does not contain average_w = {gfmt(avg)}",
               "widen the range or correct average_w")
    includes_host = pw.get("includes_host")
    if not isinstance(includes_host, bool):
        r.fail("power.includes_host", f"expected true or false, got {includes_host!r}",
               "say whether average_w includes the host's share (CPU, memory, network): true or false")
    host_share = r.number(pw, "host_share_w", "power.host_share_w", required=False, allow_zero=True) or 0.0
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
    return Power(tdp, avg, avg_range, includes_host, host_share, r.text(pw, "source", "power.source"))


def _embodied(r: FieldReader, em: Mapping[str, Any]) -> DeviceEmbodied | None:
    """[embodied]: kg CO2e per device (cradle-to-gate), its basis, what it covers and its source."""
    if not em:
        return None
    kg = r.number(em, "kg_co2e", "embodied.kg_co2e", EMBODIED_KG_BOUNDS)
    basis = r.text(em, "basis", "embodied.basis")
    if basis not in EMBODIED_BASES:
        r.fail("embodied.basis", f"'{basis}' is not a known basis",
               f"use one of {', '.join(EMBODIED_BASES)} (leave the table out when there is no figure)")
    rng = r.pair(em, "range_kg_co2e", "embodied.range_kg_co2e", EMBODIED_KG_BOUNDS)
    if rng and not rng[0] <= kg <= rng[1]:
        r.fail("embodied.range_kg_co2e", f"[{gfmt(rng[0])}, {gfmt(rng[1])}] does not contain kg_co2e = {gfmt(kg)}",
               "widen the range or correct kg_co2e")
    return DeviceEmbodied(kg, basis, r.text(em, "scope", "embodied.scope"), r.text(em, "source", "embodied.source"), rng)


def _utilization(r: FieldReader, ut: Mapping[str, Any], model: UtilizationModel | None,
                 release_year: int | None) -> Utilization:
    """[utilization]: ``family`` (fitted), ``prior_from`` (no runs: the nearest family, whose fit,
    the pooled one or the flat rule is used as the fit chose; ``Utilization.fit_family``) or an explicit
    ``default`` with its ``range``."""
    forms = [k for k in ("family", "prior_from", "default") if k in ut]
    same_chip = ut.get("same_chip", False)
    if not isinstance(same_chip, bool):
        r.fail("utilization.same_chip", f"{same_chip!r} is not true or false", "write same_chip = true or leave it out")
    if same_chip and "prior_from" not in ut:
        r.fail("utilization.same_chip", "same_chip only applies to a device that borrows its family's fit",
               "give prior_from = \"<family>\" with it, or leave same_chip out")
    if len(forms) != 1:
        r.fail("utilization", f"give exactly one of family, prior_from or default (got {', '.join(forms) or 'none'})",
               f"write family = \"a100\" for a device with runs in {FIT_FILE}, prior_from = \"h100\" for one "
               "without, or default = 0.3 with range = [low, high] for a stated value")
    if "default" in ut:
        # held to the bound a --utilization meets (CLI audit: default = 1e-9 passed and timed 1e22 FLOPs at 3.17 billion years)
        within = (B.UTILIZATION.low, B.UTILIZATION.high)
        u_default = r.number(ut, "default", "utilization.default", within, hint=FRACTION_HINT)
        u_range = r.pair(ut, "range", "utilization.range", within, hint=FRACTION_HINT) or (u_default, u_default)
        if not u_range[0] <= u_default <= u_range[1]:
            r.fail("utilization.range", f"[{gfmt(u_range[0])}, {gfmt(u_range[1])}] does not contain default = {gfmt(u_default)}",
                   "make the range contain the default")
        return Utilization(r.text(ut, "basis", "utilization.basis"), r.text(ut, "source", "utilization.source"),
                           default=u_default, range=u_range)
    key = forms[0]
    if "range" in ut:
        r.fail("utilization.range", f"a range is stated beside {key}, which takes the fit's interval",
               "drop range, or give default = <fraction> with it instead of " + key)
    family = r.text(ut, key, f"utilization.{key}")
    borrowed = key == "prior_from"
    if model is not None:
        known = sorted(model.families) + ([POOLED] if borrowed else [])
        if family not in known:
            r.fail(f"utilization.{key}", f"'{family}' is not a fitted family",
                   f"use one of {', '.join(known)} (families with runs in {FIT_FILE})")
    # a borrowed fit must say why that neighbour; a fitted family may add a note
    basis = r.text(ut, "basis", "utilization.basis", required=borrowed) or FITTED_BASIS
    if same_chip and family == POOLED:
        r.fail("utilization.same_chip", "the pooled fit has no chip of its own", "leave same_chip out")
    # what a device without runs is, where no family held out to calibrate its range is like it (a CPU, a consumer
    # or another vendor's GPU): its estimates say the range's coverage on it is not measured (fit_caveats)
    unlike = r.text(ut, "unlike_held_out", "utilization.unlike_held_out", required=False) or None
    if unlike is not None and not borrowed:
        r.fail("utilization.unlike_held_out", "only a device without runs (prior_from) takes a range calibrated on "
               "families held out whole", "leave unlike_held_out out")
    u = Utilization(basis, FIT_FILE, family=family, borrowed=borrowed, model=model, release_year=release_year,
                    same_chip=same_chip, unlike_held_out=unlike)
    if model is None:
        return u
    at_ref = u.predict(DISPLAY_FLOPS)
    return Utilization(basis, FIT_FILE, default=at_ref.center, range=(at_ref.low, at_ref.high),
                       family=family, borrowed=borrowed, model=model, release_year=release_year,
                       same_chip=same_chip, unlike_held_out=unlike)


ID_FIX = "use an id like 'a100-sxm-80gb'"


def id_problem(pid: str) -> str | None:
    """Why ``pid`` cannot be a profile id (it names a file, profiles/calibrated/<id>.toml, and is typed
    on command lines), or None: lower-case ASCII letters, digits, '-', '_' and '.' only."""
    if not all(c.isascii() and (c.isalnum() or c in "-_.") for c in pid) or pid != pid.lower():
        return f"{pid!r} has characters other than lower-case letters, digits, '-', '_' and '.'"
    if not pid[:1].isalnum():  # "-acme" reads as an option, "." and ".." as folders (profile audit)
        return f"{pid!r} does not start with a letter or a digit"
    return None


def _price(r: FieldReader, pr: Mapping[str, Any], lim: KindLimits, says: Mapping[str, str],
           today: datetime.date | None, release_year: int | None) -> Price:
    """[price]: a price within the kind's limits, 0 or at least bounds.SMALLEST_NONZERO (as an input
    price is), and its date (``price_date_problem``): the trend of costs starts from it (audit:
    "2099-13" started a trend in 2099, "2100-12" printed a cost in 2100, "last tuesday" fell back silently)."""
    value = r.number(pr, "usd_per_device_hour", "price.usd_per_device_hour", lim.price_usd_per_hour,
                     required=False, allow_zero=True, **says)
    if value is not None and 0 < value < B.SMALLEST_NONZERO:
        r.fail("price.usd_per_device_hour", f"{gfmt(value)} must be 0 or at least {gfmt(B.SMALLEST_NONZERO)} (a smaller "
               "value is an underflow or a typo)", "write the price in USD per device-hour, or 0 for a free device")
    date = r.text(pr, "date", "price.date", required=value is not None)
    if date and (problem := price_date_problem(date, today, release_year)) is not None:
        r.fail("price.date", *problem)
    return Price(value, date, r.text(pr, "basis", "price.basis"), r.text(pr, "source", "price.source"))


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
        pid = r.text(data, "id", "id")
        if (problem := id_problem(pid)) is not None:
            r.fail("id", problem, ID_FIX)
    with r.section():
        name = r.text(data, "name", "name")
        if (problem := text_problem(name)) is not None:
            r.fail("name", problem, "write the name on one line, without control characters")
    with r.section():
        kind = r.text(data, "kind", "kind")
        if kind not in KINDS:
            r.fail("kind", f"{kind!r} is not a known kind", f"use one of {', '.join(KINDS)}")
    with r.section():
        year = r.number(data, "release_year", "release_year", RELEASE_YEAR_BOUNDS, required=kind != "brain",
                        hint="write the four-digit year the device came out, such as 2020", example="2020")
        if year is not None and year != int(year):
            bad, year = year, None
            r.fail("release_year", f"{bad} is not a whole year", "write a year such as 2020")
    lim, says = limits_for(kind), _says(kind)

    peaks: dict[str, float] = {}
    peak_source, default_precision, peak_range = "", "", None
    with r.section():
        peak_tbl = r.table("peak_flops_per_s")
        for key in peak_tbl:
            if key in ("source", "range"):
                continue
            if key not in PRECISIONS:
                r.fail(f"peak_flops_per_s.{key}", "unknown precision", f"use one of {', '.join(PRECISIONS)}")
            peaks[key] = r.number(peak_tbl, key, f"peak_flops_per_s.{key}", lim.peak_flops_per_s, **says)
        if not peaks:
            r.fail("peak_flops_per_s", "no precision given", "add at least one line such as fp32 = 19.5e12")
        peak_source = r.text(peak_tbl, "source", "peak_flops_per_s.source")
        default_precision = r.text(data, "default_precision", "default_precision")
        if default_precision not in peaks:
            r.fail("default_precision", f"{default_precision!r} has no peak in [peak_flops_per_s]",
                   f"use one of {', '.join(peaks)} or add its peak")
        peak_range = r.pair(peak_tbl, "range", "peak_flops_per_s.range", lim.peak_flops_per_s, **says)
        if peak_range and kind in KIND_LIMITS:  # a datasheet's peak is exact (profile audit: a GPU's range turned
            r.fail("peak_flops_per_s.range", f"a {kind}'s peak is its datasheet's, not uncertain",  # every range "stated")
                   "drop range: it is for a peak that is itself uncertain (the brain, a whole system)")
        if peak_range and not peak_range[0] <= peaks[default_precision] <= peak_range[1]:
            r.fail("peak_flops_per_s.range", "does not contain the default precision's peak",
                   "make the range [low, high] contain the peak")

    memory_gb = bandwidth = link = None
    memory_source = link_source = ""
    with r.section():
        mem = r.table("memory")
        memory_gb = r.number(mem, "capacity_gb", "memory.capacity_gb", lim.memory_gb, required=False, **says)
        bandwidth = r.number(mem, "bandwidth_gb_per_s", "memory.bandwidth_gb_per_s", lim.bandwidth_gb_per_s,
                             required=False, **says)
        memory_source = r.text(mem, "source", "memory.source")
    with r.section():
        link_tbl = r.table("interconnect", required=False)
        link = r.number(link_tbl, "link_gb_per_s", "interconnect.link_gb_per_s", LINK_GB_PER_S_BOUNDS, required=False)
        link_source = r.text(link_tbl, "source", "interconnect.source", required=link is not None)
    sparse, sparse_source = False, ""
    with r.section():
        sparse_tbl = r.table("sparsity", required=False)
        if sparse_tbl:
            sparse = sparse_tbl.get("structured_2_4")
            if not isinstance(sparse, bool):
                r.fail("sparsity.structured_2_4", f"expected true or false, got {sparse!r}",
                       "write structured_2_4 = true where the chip skips 2:4-pruned weights (else leave [sparsity] out)")
            sparse_source = r.text(sparse_tbl, "source", "sparsity.source")

    power = utilization = price = embodied = calibration = None
    with r.section():
        power = _power(r, r.table("power"), power_fits, lim, says, kind)
        if power is not None and (bad := efficiency_problem(kind, peaks, power.tdp_w or power.average_w - power.host_share_w)):
            r.fail("peak_flops_per_s" if power.tdp_w else "power.average_w", *bad)
    with r.section():
        utilization = _utilization(r, r.table("utilization"), utilization_model, None if year is None else int(year))
    with r.section():
        price = _price(r, r.table("price"), lim, says, today, None if year is None else int(year))

    pue, pue_source, cooling = None, "", None
    with r.section():
        dc = r.table("datacenter")
        pue = r.number(dc, "pue", "datacenter.pue", PUE_BOUNDS,
                       hint="write the PUE as a ratio of at least 1, such as 1.1 (facility energy ÷ IT energy)")
        pue_source = r.text(dc, "source", "datacenter.source")
        cooling = r.text(dc, "cooling", "datacenter.cooling", required=False) or None
        if cooling is not None and cooling not in COOLING:
            r.fail("datacenter.cooling", f"'{cooling}' is not a kind of cooling", f"use one of {', '.join(COOLING)}")
    with r.section():
        embodied = _embodied(r, r.table("embodied", required=False))
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
        if not isinstance(notes, str):
            r.fail("notes", f"expected text, got {notes!r}", "put the notes in quotes")
    r.raise_errors()

    return HardwareProfile(
        id=pid, name=name, kind=kind, release_year=None if year is None else int(year), default_precision=default_precision,
        peak_flops_per_s=dict(peaks), peak_range_flops_per_s=peak_range, peak_source=peak_source,
        memory_gb=memory_gb, memory_bandwidth_gb_per_s=bandwidth, memory_source=memory_source,
        power=power, utilization=utilization, price=price, pue=pue, pue_source=pue_source, cooling=cooling,
        notes=notes.strip(), calibration=calibration,
        source_file=source, extra_sources=dict(sources), embodied=embodied,
        link_gb_per_s=link, link_source=link_source, sparse_2_4=sparse, sparse_source=sparse_source,
    )
