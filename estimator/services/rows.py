"""A result as plain data (JSON-ready): the headline numbers that `scaling` embeds and the row of a
comparison the CLI prints and the app's Compare table is built from, so that both report the same
price basis and the same numbers. ``estimator.services.api`` re-exports these."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from estimator.core.base.number_text import gfmt
from estimator.core.hardware.utilization_model import POOLED, RULE
from estimator.core.training.estimate import ALL_KEYS
from estimator.core.training.utilization_choice import centre_name
from estimator.report.humanize import whole
from estimator.report.provenance import tool_info

if TYPE_CHECKING:
    from estimator.core.hardware.profile import HardwareProfile
    from estimator.services.result import Result


def compared_ids(profiles: Mapping[str, HardwareProfile], with_references: bool = False) -> list[str]:
    """The profiles a comparison covers when none are named, in the order the CLI and the app list them: every
    profile by id, the reference points (the brain, AlphaGo: not hardware to buy) only when asked for
    (structure audit: the CLI and the Compare page each wrote this list, in two orders)."""
    return sorted(i for i, p in profiles.items() if with_references or not p.reference_point)


def price_basis(result: Result) -> str:
    """How a result's price was set (``Estimate.price_basis``, decided where the estimate prices it): the
    profile's price kind (on-demand, reserved, spot, other, none), "given" when a price per device-hour
    not the profile's was used, or "electricity" when the cost is the energy at an electricity price."""
    return result.estimate.price_basis


# A compare row's words for whether the power per device includes its host's share (Estimate.power_includes_host):
# yes, no, or, where the power is not the profile's, whose it is: the user's or a preset's (review: a preset's
# measured system average was called "given").
HOST_WORDS = {True: "yes", False: "no", None: "n/a (given)"}
PRESET_POWER_WORDS = "n/a (preset's)"


def host_words(result: Result) -> str:
    """"yes", "no", "n/a (given)" or "n/a (preset's)": whether the power per device a row used includes its
    host's share, the same in the CLI's table and Markdown and the app's Compare page."""
    e = result.estimate
    power = e.assumption("power_w")
    if e.power_includes_host is None and power is not None and power.origin.startswith("preset:"):
        return PRESET_POWER_WORDS
    return HOST_WORDS[e.power_includes_host]


def utilization_short(result: Result) -> str:
    """A compare row's utilisation and where it came from, in a few words ("0.21, H100 fit",
    "0.30, 30% rule (no runs)"); "n/a" when the run's time was given, not computed."""
    u = result.estimate.utilization
    return "n/a" if u is None else u.short


# The assumptions a compare row reports, so that a reader sees what each profile was run with.
COMPARE_ASSUMPTIONS = ("power_w", "price_usd_per_device_hour", "pue", "carbon_intensity_g_per_kwh")


def summary_dict(est) -> dict[str, Any]:
    """An estimate's headline numbers as plain data (JSON-ready): the one shape that `scaling`
    embeds and that every `compare` row starts from."""
    return {"hardware": est.hardware_id, **{k: getattr(est, k) for k in ALL_KEYS},
            "range": {k: list(v) for k, v in est.range.items() if k != "flops"}, "range_level": est.level,
            "range_basis": {k: est.basis(k) for k in est.range if k != "flops"},
            "utilization": None if est.utilization is None else est.utilization.to_dict()}


def compare_row(result: Result) -> dict[str, Any]:
    """One profile's row of a comparison, as plain data: the CLI's JSON row, and what the app's
    table is built from (so the two report the same price basis and the same numbers)."""
    e, p = result.estimate, result.profile
    used = {k: e.assumption(k).to_dict() if e.assumption(k) else None for k in COMPARE_ASSUMPTIONS}
    # `range` maps each number of the row to its interval as `estimate`'s JSON does (README: the JSON
    # contract), FLOPs, embodied CO₂e and water included; [null, null] where the number is null
    as_estimate = e.to_dict()
    return {**summary_dict(e), "range": as_estimate["range"], "range_basis": as_estimate["range_basis"],
            "range_meaning": as_estimate["range_meaning"],
            # the device's name under estimate's key (it was "name" here, "hardware_name" there)
            "hardware_name": p.name, "kind": p.kind, "devices": e.devices,
            # each profile runs at its own default precision unless one is given (V100 fp16, a CPU fp32)
            "precision": e.precision,
            **used, "price_basis": price_basis(result), "power_includes_host": e.power_includes_host,
            "reference_point": p.reference_point, "notes": list(e.notes),
            # the run as set against the device's memory (None: no shape to count it)
            "memory_fits": None if e.memory is None else bool(e.memory.fits),
            "memory_of_defaults": None if e.memory is None else e.memory.of_defaults,
            "memory_gb_per_device": None if e.memory is None else e.memory.per_device.total_gb,
            # what estimate's JSON carries beside its numbers (review: compare's JSON alone had neither)
            "provenance": as_estimate["provenance"], "tool": tool_info()}


def memory_words(result: Result) -> str:
    """Whether the run as set fits each device's memory, as the row says it: "fits", "tight" (above 90% of it), "does
    not fit", or "" where the model's shape is unknown (FLOPs alone). Compare review 2026-11-29: a layout given that
    needs 215 GB a device was ranked by its time on every device, nothing in the table saying it cannot run."""
    m = result.estimate.memory
    if m is None:
        return ""
    if not m.fits and m.of_defaults:
        return "not at the defaults"  # no layout given nor planned: the verdict is of the settings shown, not the run's
    return "does not fit" if not m.fits else "tight" if m.tight else "fits"


def reference_words(result: Result) -> str:
    """What a reference point's row says beside its id, the same in the CLI's table and Markdown and the app's
    Compare page: "reference point, × 8" (8 brains, not "8 of it"); "" for hardware."""
    if not result.profile.reference_point:
        return ""
    return f"reference point, × {whole(result.estimate.devices)}"


def compare_caveats(results) -> list[str]:
    """What a comparison's rows do not share, said under the table in the CLI and on the Compare page (numbers
    audit: the TPU v5p's chip-only power read 2.7× less energy than the TPU v4's host-included one, and the
    B200 at the 30% rule 3.5× the H100's fitted speed per device, with no word under the table)."""
    out = []
    # reference points are left out: the brain's 20 W is the whole organ, AlphaGo's the whole system, not a chip
    # beside a server's share (audit: "brain counts the chip alone")
    hardware = [r for r in results if not r.profile.reference_point]
    hosts = {r.estimate.power_includes_host for r in hardware} - {None}
    if hosts == {True, False}:
        chip = sorted(r.profile.id for r in hardware if r.estimate.power_includes_host is False)
        others, beside = ("the others", "the others") if len(hardware) == len(results) else \
            ("the other hardware", "that hardware's")
        # whose energy reads low, named (compare review 2026-11-29: "so their energy" read as the others')
        out.append(f"power incl. host differs: {', '.join(chip)} count{'s' if len(chip) == 1 else ''} the chip alone, "
                   f"{others} the device's share of its server too, so {', '.join(chip)}'s energy reads low beside "
                   f"{beside}")
    # a run as set that a device cannot hold, said under the table (compare review 2026-11-29)
    over = sorted(r.profile.id for r in hardware if memory_words(r) == "does not fit")
    if over:
        out.append(f"memory: the run as set needs more memory a device than {', '.join(over)} "
                   f"{'has' if len(over) == 1 else 'have'}: {'its row is' if len(over) == 1 else 'their rows are'} of a "
                   "run those devices cannot hold as set (the row's notes say what would)")
    # a catalog model times each profile by the step model, but one it does not time (a device older than its fit)
    # by the fitted utilisation: two methods side by side, said (compare --model, 2026-11-27)
    stepped = sorted(r.profile.id for r in hardware if r.estimate.stepped)
    fitted = sorted(r.profile.id for r in hardware if not r.estimate.stepped)
    if stepped and fitted:
        # the layout given where it was, not "planned" (compare review 2026-11-29)
        given = all(getattr(r.estimate.step, "chosen_by", "") == "given" for r in hardware if r.estimate.stepped)
        layout = "the layout given" if given else "a planned layout"
        out.append(f"time differs in method: {', '.join(stepped)} timed by the step model over {layout} (a "
                   f"tuned stack's time), {', '.join(fitted)} by a whole run's utilisation (a family's fit to published "
                   "runs, or the 30% rule where it has none: each row's utilisation says which, its notes why)")
    # only the rows whose utilisation the fit set: one given (or a preset's) is the same figure whatever the
    # device's runs (audit: "0.5, given" on both rows, yet "rows at the flat 30% rule … the others take their
    # family's fit")
    # reference points apart: the brain and AlphaGo are no family of devices (diff review 2026-11-29: AlphaGo had been
    # said to have "no published runs")
    from_fit = {r.profile.id: u for r in hardware if (u := r.estimate.utilization) is not None
                and u.origin.startswith("fit:")}
    no_runs = {u.family for u in from_fit.values() if u.family in (RULE, POOLED)}  # the rule or the pooled fit
    if no_runs and any(u.family not in (RULE, POOLED) for u in from_fit.values()):
        without = sorted(no_runs)
        # the rows that take a family's fit, named, and the others apart after (compare review 2026-11-29: "the others,
        # but h100-sxm, b200 (utilisation not from a fit), take" read garbled)
        unfitted = [r.profile.id for r in hardware if r.profile.id not in from_fit]
        apart = (f"; {_first(unfitted)} take{'s' if len(unfitted) == 1 else ''} no utilisation from a fit"
                 if unfitted else "")
        # the fitted figures beside the rule's, and how to compare alike (researcher review 2026-11-29: the MI300X
        # at the rule's 0.30 ranked 1.67× faster than the H100 at its fitted 0.237, with no word of why)
        # (at most FIGURES_SAID of them: browser review 2026-11-29, eighteen cut the page's note mid-word; and only
        # what holds: a catalog model or a shape is timed by the step model on each device that can hold it, diff
        # reviews 2026-11-29)
        fitted = [f"{pid} {gfmt(u.value, 3)}" for pid, u in from_fit.items() if u.family not in (RULE, POOLED)]
        figures = ", ".join(fitted[:FIGURES_SAID]) + (", …" if len(fitted) > FIGURES_SAID else "")
        at_rule = [pid for pid, u in from_fit.items() if u.family in (RULE, POOLED)]
        out.append(f"utilisation differs in kind: rows at {' or '.join(centre_name(f) for f in without)} "
                   f"({_first(at_rule)}) have no published runs and take the centre chosen for such devices, with a range calibrated on "
                   f"families held out whole; the rows fitted to their family's own runs ({figures} of the "
                   f"peak) differ from them in that, so their order across the two kinds rests on that difference, not on a measured "
                   f"throughput{apart}; a catalog model or a shape is timed by the step model alike on each device it "
                   "covers that can hold it")
    return out


def _first(names) -> str:
    """The first ``FIGURES_SAID`` of ``names``, ", …" after them where there are more (a note, not a table)."""
    names = list(names)
    return ", ".join(names[:FIGURES_SAID]) + (", …" if len(names) > FIGURES_SAID else "")


# The fitted rows' utilisations the in-kind note names, the first few (a design choice: a note, not a table)
FIGURES_SAID = 3

# What a group of notes is headed by when every row has them, in the CLI and on the Compare page.
EVERY_ROW = "every row"


def grouped_notes(results) -> list[tuple[str | None, list[str]]]:
    """Each row's notes (``Estimate.notes``) for under a comparison's table, each said once: a note every row has
    (of two or more) under None first, then each hardware id with the rest of its own notes, in the rows' order
    (exports audit: the table and the Markdown dropped them all, though the JSON and the CSV carry them)."""
    notes = [(r.profile.id, list(dict.fromkeys(r.estimate.notes))) for r in results]
    common = [n for n in notes[0][1] if all(n in own for _, own in notes)] if len(notes) > 1 else []
    out: list[tuple[str | None, list[str]]] = [(None, common)] if common else []
    for hw, own in notes:
        rest = [n for n in own if n not in common]
        if rest:
            out.append((hw, rest))
    return out
