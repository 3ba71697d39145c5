"""`profiles show` and `profiles validate` in words: one profile's figures with their sources, and
why a profile file would not load beside the others (``estimator.cli.estimate_cmds.cmd_profiles``)."""

from __future__ import annotations

from estimator.core.base.number_text import gfmt
from estimator.core.footprint.embodied import figure_text
from estimator.core.hardware.matmul import matmul_words
from estimator.core.hardware.profile import DISPLAY_FLOPS, INTEGER_PRECISIONS, peak_unit
from estimator.core.serving.pruning import sparsity_words
from estimator.core.training.utilization_choice import fit_used, reference_run, same_for_every_run
from estimator.services.training.plan import unlinked_words

NOT_STATED = "not stated"


def _stated(value, fmt=gfmt, unit="") -> str:
    """A profile's figure for people: "not stated" where the profile has none (the brain's memory)."""
    if value is None:
        return NOT_STATED
    return (fmt.format(value) if isinstance(fmt, str) else fmt(value)) + (f" {unit}" if unit else "")


def _plain(value) -> str:
    """One value of a calibration record: yes/no, 4 significant figures, lists joined."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{gfmt(value, 4)}"
    if isinstance(value, (list, tuple)) and not any(isinstance(x, (dict, list, tuple)) for x in value):
        return "; ".join(_plain(x) for x in value)  # "; ": a number may hold commas (12,300)
    if isinstance(value, dict):
        return "; ".join(f"{k} {_plain(x)}" for k, x in value.items())
    return str(value)


def _record_lines(record, indent: str = "    ") -> list[str]:
    """A calibration record as readable ``key: value`` lines (a table nested one level deeper,
    a list of tables one line each), never a raw dict."""
    lines = []
    for key, value in record.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:")
            lines += _record_lines(value, indent + "  ")
        elif isinstance(value, (list, tuple)) and any(isinstance(x, dict) for x in value):
            lines.append(f"{indent}{key}:")
            lines += [f"{indent}  - {_plain(x)}" for x in value]
        else:
            lines.append(f"{indent}{key}: {_plain(value)}")
    return lines


def show_profile(p) -> None:
    print(f"{p.name} ({p.id}), {p.kind}, released {_stated(p.release_year, '{}')}")
    for prec, v in p.peak_flops_per_s.items():
        print(f"  peak {prec:<5} {gfmt(v, 4)} {peak_unit(prec)}" + (" (integer operations)" if prec in INTEGER_PRECISIONS else ""))
    if p.peak_range_flops_per_s is not None:
        lo, hi = p.peak_range_flops_per_s
        print(f"  peak range {gfmt(lo, 4)}–{gfmt(hi, 4)} {peak_unit(p.default_precision)} ({p.default_precision}, "
              "the peak itself being uncertain)")
    print(f"    source: {p.peak_source}")
    print(f"  memory {_stated(p.memory_gb, unit='GB')}, bandwidth {_stated(p.memory_bandwidth_gb_per_s, unit='GB/s')}"
          f"  ({p.memory_source})")
    if p.link_gb_per_s is not None:
        print(f"  interconnect {gfmt(p.link_gb_per_s)} GB/s per direction, device to device  ({p.link_source})")
    else:
        print(f"  interconnect {NOT_STATED}")
    if p.scale_up_devices is not None or p.scale_up_gb_per_s is not None:
        devices = f"{p.scale_up_devices:,} devices" if p.scale_up_devices is not None else f"devices {NOT_STATED}"
        print(f"  scale-up domain {devices}, {_stated(p.scale_up_gb_per_s, unit='GB/s')} per device per direction"
              f"  ({p.scale_up_source})")
    if p.scale_out_gb_per_s is not None:
        print(f"  scale-out {gfmt(p.scale_out_gb_per_s)} GB/s per device per direction  ({p.scale_out_source})")
    unlinked = unlinked_words(p)
    if unlinked:
        print(f"  training layouts: {unlinked}")
    print("  sparsity {}  ({})".format(*sparsity_words(p)))
    print("  best matmul {}  ({})".format(*matmul_words(p)))
    print(f"  power average {gfmt(p.power.average_w, 4)} W (range {gfmt(p.power.average_range_w[0], 4)}–{gfmt(p.power.average_range_w[1], 4)} W, "
          f"host included: {'yes' if p.power.includes_host else 'no'}), TDP {_stated(p.power.tdp_w, lambda w: gfmt(w, 4), 'W')}"
          f"  ({p.power.source})")
    u = p.utilization
    if u.fitted:
        at = u.predict(DISPLAY_FLOPS)
        where = "for every run" if same_for_every_run(u) else f"at {reference_run(u.model, DISPLAY_FLOPS)}"
        how = f"{fit_used(u)}; {where}: {at.center:.3f}, {at.level:.0%} interval {at.low:.3f}–{at.high:.3f}"
        print(f"  utilisation {how}  ({u.basis}; {u.source})")
    else:
        print(f"  utilisation {gfmt(u.default)} (range {gfmt(u.range[0])}–{gfmt(u.range[1])})  ({u.basis}; {u.source})")
    price = (NOT_STATED if p.price.usd_per_device_hour is None
             else f"${p.price.usd_per_device_hour}/device-hour" + (f", {p.price.date}" if p.price.date else ""))
    print(f"  price {price}  ({'; '.join(x for x in (p.price.basis, p.price.source) if x and x != 'none')})")
    print(f"  PUE {gfmt(p.pue)}" + (f", cooling {p.cooling}" if p.cooling else "") + f"  ({p.pue_source})")
    text, source = figure_text(p.embodied, p.kind, p.memory_gb, co2="CO2e",
                                 reference_point=bool(p.reference_point))  # the Profiles page's words
    print(f"  embodied {text}  ({source})")
    if p.notes:
        print(f"  notes: {p.notes}")
    if p.calibration:
        print("  calibration:")
        for line in _record_lines(dict(p.calibration)):
            print(line)
