"""How far can an estimate be trusted? The training runs, the utilisation fit and its
out-of-sample validation, shared by ``validate``, ``fit-utilization`` and the app.

Edge module: reads the run files (``estimator/data/epoch_training_runs.csv``,
``estimator/data/published_runs.csv``) and writes the fit (``utilization_fit.json``); the
statistics are in the pure ``estimator.fit.utilization_fit`` (the fit) and
``estimator.fit.utilization_cv`` (its validation).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from estimator.core.errors import DataFileError
from estimator.core.profile import HardwareProfile
from estimator.core.utilization_model import RULE_GOODPUT, UtilizationModel
from estimator.core.workload import dense_training_flops
from estimator.fit.power_fit import leave_one_device_out, leave_one_out
from estimator.fit.utilization_cv import (
    BASELINE_GOODPUT,
    FACTOR_BANDS,
    CrossValidation,
    RunResult,
    cross_validate,
    cross_validate_new_family,
    metrics,
)
from estimator.fit.utilization_fit import TrainingRun, select_and_fit
from estimator.io import safe_read
from estimator.io.calibration_io import write_text_atomic
from estimator.io.datafiles import (
    EPOCH_RUNS_PATH,
    UTILIZATION_FIT_PATH,
    UTILIZATION_VALIDATION_PATH,
    load_power_measurements,
    load_profiles,
    load_published_runs,
)
from estimator.services.api import energy_checks, published_device_hours

EPOCH_SOURCE = ("Epoch AI, 'Notable AI Models' database, CC BY 4.0 (https://epoch.ai/data/notable-ai-models); "
                "rows selected and mapped to hardware profiles by this project")
FIT_COMMAND = "python -m estimator fit-utilization"
MISS_FACTOR = 2.0  # runs missed by more than this factor are named with a likely reason


@dataclass(frozen=True)
class ExcludedRun:
    name: str
    source: str
    reason: str


@dataclass(frozen=True)
class RunSet:
    runs: tuple[TrainingRun, ...]
    excluded: tuple[ExcludedRun, ...]


def _num(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _notes(text: str) -> dict[str, str]:
    out = {}
    for part in (text or "").split("; "):
        key, sep, value = part.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _profiles_without_fit() -> Mapping[str, HardwareProfile]:
    # the fit needs only each profile's family and peak, not a previous fit
    return load_profiles(utilization_model=None).profiles


def _family(profile: HardwareProfile) -> str | None:
    u = profile.utilization
    return u.family if (u.family and not u.borrowed) else None


def family_release_years(profiles: Mapping[str, HardwareProfile]) -> dict[str, int]:
    """Each fitted family's first release: the earliest ``release_year`` of the profiles that are
    its members. Software matures with the chip, not the board: the H800 (2023) runs the H100's
    (2022) kernels and libraries, so a member's "years since release" count from the family's."""
    out: dict[str, int] = {}
    for p in profiles.values():
        f = _family(p)
        if f is not None and p.release_year is not None:
            out[f] = min(out.get(f, p.release_year), p.release_year)
    return out


def _developer(row: Mapping[str, str], run: str) -> str:
    developer = (row.get("developer") or "").strip()
    if not developer:
        raise DataFileError(f"training run '{run}': no developer (the 'developer' column names who trained it)")
    return developer


def build_runs(epoch_rows, published, profiles: Mapping[str, HardwareProfile]) -> RunSet:
    """Training runs from both data files; every row left out is listed with its reason."""
    runs: list[TrainingRun] = []
    excluded: list[ExcludedRun] = []
    first_release = family_release_years(profiles)

    def add(name, hardware_id, flops, device_hours, source, devices, year, dataset, notes, basis, developer):
        profile = profiles.get(hardware_id)
        if profile is None:
            excluded.append(ExcludedRun(name, source, f"no hardware profile '{hardware_id}'"))
            return
        family = _family(profile)
        if family is None:
            excluded.append(ExcludedRun(name, source, f"{hardware_id} is not a fitted family"))
            return
        runs.append(TrainingRun(name, hardware_id, family, flops, device_hours, profile.peak(), source,
                                devices, year, dataset, notes, basis, first_release.get(family), developer,
                                profile.kind))

    for row in epoch_rows:
        notes = _notes(row.get("notes", ""))
        src = f"Epoch AI ({row.get('source', '').split('; primary: ')[-1]})"
        if row.get("flagged", "").strip().lower() == "yes":
            reason = "; ".join(v for k, v in notes.items() if k.startswith(("data_flag", "data_note", "chip_hours_mismatch")))
            excluded.append(ExcludedRun(row["run"], src, f"flagged in the data: {reason or row.get('notes', '')}"))
            continue
        flops, dh = _num(row.get("train_flops")), _num(row.get("chip_hours"))
        if not flops or not dh:
            excluded.append(ExcludedRun(row["run"], src, "no FLOPs or chip-hours"))
            continue
        year = _num(row.get("year"))
        add(row["run"], row["hardware_id"], flops, dh, src, _num(row.get("accelerators")),
            int(year) if year else None, "epoch", notes.get("data_note", ""), row.get("flops_basis", ""),
            _developer(row, row["run"]))

    for r in published:
        fit = r.row.get("fit", "").strip()
        if not fit.startswith("yes"):
            excluded.append(ExcludedRun(r.run, r.source, fit.removeprefix("no: ") or "not marked for the fit"))
            continue
        dh = published_device_hours(r)
        flops = r.train_flops or (float(dense_training_flops(r.params, r.tokens)) if r.params and r.tokens else None)
        if not flops or not dh:
            excluded.append(ExcludedRun(r.run, r.source, "no FLOPs or device-hours"))
            continue
        year = _num(r.row.get("year"))
        add(r.run, r.hardware_id, flops, dh, r.source, r.accelerators, int(year) if year else None, "published",
            r.row.get("notes", ""), "reported" if r.train_flops else "6ND", _developer(r.row, r.run))

    names = [re.sub(r"[^a-z0-9]", "", r.name.lower()) for r in runs]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise DataFileError(f"training runs listed twice: {', '.join(sorted(dupes))}")
    return RunSet(tuple(runs), tuple(excluded))


def read_epoch_rows(path: Path = EPOCH_RUNS_PATH) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(safe_read.read_data_text(path), newline="")))


@lru_cache(maxsize=1)
def training_runs() -> RunSet:
    """Every run the project holds that can test a utilisation, and those left out with why."""
    return build_runs(read_epoch_rows(), load_published_runs(), _profiles_without_fit())


@lru_cache(maxsize=1)
def validation() -> CrossValidation:
    """Nested leave-one-out over every run the project holds (a few seconds; cached)."""
    return cross_validate(training_runs().runs)


@lru_cache(maxsize=1)
def validation_new_family() -> CrossValidation:
    """Nested leave-one-family-out: each family predicted as a device without runs, the case of a
    user on hardware the data does not hold (B200, TPU v5p; a few seconds; cached)."""
    return cross_validate_new_family(training_runs().runs)


@lru_cache(maxsize=1)
def validation_by_developer() -> CrossValidation:
    """Nested leave-one-developer-out: each run predicted by a fit on other developers' runs only,
    the case of a user from a lab the data does not hold (a few seconds; cached)."""
    runs = training_runs().runs
    return cross_validate(runs, groups=[r.developer for r in runs])


# ----------------------------------------------------------------------------------------
# Reasons for large misses: from the row's own notes, else from what the run looks like


def likely_reason(result: RunResult) -> str:
    run = result.run
    actual, predicted = run.goodput, result.predicted_goodput
    parts = []
    if run.notes:
        parts.append(run.notes)
    if run.devices is not None and run.devices <= 8:
        noun = "device" if run.devices == 1 else "devices"
        parts.append(f"a small run on {run.devices:g} {noun}: research code is rarely tuned for throughput")
    if actual < predicted:
        parts.append(f"achieved {actual:.1%} of peak against a predicted {predicted:.1%}: the hours may include "
                     "evaluation, restarts or other experiments, or the FLOP count may leave out work"
                     + (" (FLOPs from an operation count)" if "operation" in run.flops_basis else ""))
    else:
        parts.append(f"achieved {actual:.1%} of peak against a predicted {predicted:.1%}: a throughput-optimised "
                     "system, or hours that leave out part of the run")
    return "; ".join(parts)


@lru_cache(maxsize=1)
def validation_document() -> dict:
    """Everything `validate` reports, as plain numbers (the JSON shape of `validate --format json`;
    the app's accuracy page draws from the same). Treat it as read-only: it is cached."""
    cv = validation()
    runs = training_runs()
    summary = cv.summary()
    no_year = metrics(cv.model_without_year)
    doc = {
        "method": f"{cv.method} over every run the project holds (the candidate model is chosen and fitted "
                  "without the held-out run)",
        "interval_level": cv.level,
        "baseline": f"flat {BASELINE_GOODPUT:.0%} of dense peak",
        "ratio_to_baseline": cv.ratio_to_baseline,
        "without_year": {**no_year.to_dict(),
                         "ratio_to_baseline": no_year.median_factor / summary["all"][1].median_factor},
        "summary": {fam: {"model": m.to_dict(), "baseline": b.to_dict()} for fam, (m, b) in summary.items()},
        "by_developer": _by_developer(),
        "new_family": _new_family(),
        "runs": [],
        "excluded": [{"run": e.name, "source": e.source, "reason": e.reason} for e in runs.excluded],
        "power": [],
        "energy_checks": [],
    }
    for r, b in zip(cv.model, cv.baseline):
        lo, hi = r.device_hours_interval
        doc["runs"].append({
            "run": r.run.name, "family": r.run.family, "hardware": r.run.hardware_id, "source": r.run.source,
            "published_device_hours": r.run.device_hours, "predicted_device_hours": r.predicted_device_hours,
            "interval_device_hours": [lo, hi], "inside_interval": r.inside, "factor": r.factor,
            "published_utilization": r.run.goodput, "predicted_utilization": r.predicted_goodput,
            "baseline_device_hours": b.predicted_device_hours, "baseline_factor": b.factor,
            "likely_reason": likely_reason(r) if r.factor > MISS_FACTOR else None,
        })
    for chk in leave_one_out(load_power_measurements()):
        doc["power"].append({
            "id": chk.point.id, "group": chk.point.group, "device": chk.point.device, "source": chk.point.source,
            "tdp_w": chk.point.tdp_w, "measured_w": chk.point.measured_w,
            "predicted_w": chk.fit.center * chk.point.tdp_w,
            "interval_w": [chk.fit.low * chk.point.tdp_w, chk.fit.high * chk.point.tdp_w],
            "inside_interval": chk.inside, "factor": chk.factor,
            "tdp_factor": max(chk.point.ratio, 1 / chk.point.ratio),
        })
    doc["power_summary"] = _power_summary(doc["power"], cv.level)
    for group, held in _power_device_held_out(cv.level).items():
        doc["power_summary"][group]["device_held_out"] = held
    for c in energy_checks():
        doc["energy_checks"].append({
            "run": c.run, "source": c.source, "published_energy_kwh": c.published_energy_kwh,
            "energy_kwh_from_published_hours": c.energy_kwh_from_published_hours,
            "published_co2e_kg": c.published_co2e_kg, "co2e_kg_from_published_hours": c.co2e_kg_from_published_hours,
        })
    return doc


def _by_developer() -> dict[str, Any]:
    """The same figures with every developer's runs left out together (their other runs share code,
    cluster and accounting, so plain leave-one-out lets them vouch for each other)."""
    cv = validation_by_developer()
    summary = cv.summary()
    developers = {r.run.developer for r in cv.model}
    return {"method": f"{cv.method}, the groups being the {len(developers)} developers who trained the runs",
            "n_developers": len(developers), "ratio_to_baseline": cv.ratio_to_baseline,
            "summary": {fam: {"model": m.to_dict(), "baseline": b.to_dict()} for fam, (m, b) in summary.items()}}


# How a device without runs is predicted, for people (the CLI's `validate`, the app's Accuracy page).
NEW_DEVICE_CHOICE = (f"from its nearest family's fit, the pooled fit or the flat {RULE_GOODPUT:.0%} rule, as the fit on "
                     "the other families chose")


def _new_family() -> dict[str, Any]:
    """The same figures with each family held out whole and predicted as a device without runs
    (B200, TPU v5p) is estimated: from its nearest family's fit, the pooled fit or the flat rule,
    as the fit on the other families chose. The families are the unit here."""
    cv = validation_new_family()
    summary = cv.summary()
    families = [f for f in summary if f != "all"]
    return {"method": f"{cv.method}, each of the {len(families)} families predicted as a device without runs, "
                      f"{NEW_DEVICE_CHOICE} (the nearest: same kind, nearest release; estimator/fit/new_family.py)",
            "n_families": len(families), "ratio_to_baseline": cv.ratio_to_baseline,
            "family_mean_coverage": float(np.mean([summary[f][0].coverage for f in families])),
            "nearest": {f: near or "pooled" for f, near, _ in cv.borrowed_from},
            "predicted_from": {f: used or "pooled" for f, _, used in cv.borrowed_from},
            "summary": {fam: {"model": m.to_dict(), "baseline": b.to_dict()} for fam, (m, b) in summary.items()}}


def _power_summary(rows: list[dict], level: float) -> dict:
    """Per measured-power group: leave-one-out median factor and coverage, beside the 'TDP' convention."""
    out = {}
    for group in sorted({r["group"] for r in rows}):
        g = [r for r in rows if r["group"] == group]
        out[group] = {"n": len(g), "median_factor": float(np.median([r["factor"] for r in g])),
                      "tdp_median_factor": float(np.median([r["tdp_factor"] for r in g])),
                      "interval_coverage": float(np.mean([r["inside_interval"] for r in g])), "level": level}
    return out


def _power_device_held_out(level: float) -> dict[str, dict]:
    """Per group: each device's measurements predicted by the other devices' fit (a device the
    group has not measured, as most profiles are)."""
    checks = leave_one_device_out(load_power_measurements(), level)
    out = {}
    for group in sorted({c.point.group for c in checks}):
        g = [c for c in checks if c.point.group == group]
        out[group] = {"n": len(g), "n_devices": len({c.point.device for c in g}),
                      "median_factor": float(np.median([c.factor for c in g])),
                      "interval_coverage": float(np.mean([c.inside for c in g]))}
    return out


# ----------------------------------------------------------------------------------------
# The fit file


def fit_document(runs: RunSet, model: UtilizationModel) -> dict[str, Any]:
    return {
        "about": ("Whole-run utilisation (model-FLOPs goodput) fitted to published training runs. "
                  f"Written by `{FIT_COMMAND}`; do not edit by hand. Method: estimator/fit/utilization_fit.py "
                  "and profiles/README.md."),
        "data": {"runs": [r.name for r in runs.runs], "n_runs": len(runs.runs),
                 "files": ["estimator/data/epoch_training_runs.csv", "estimator/data/published_runs.csv"],
                 "attribution": EPOCH_SOURCE},
        "model": model.to_dict(),
    }


def refit() -> tuple[RunSet, UtilizationModel]:
    runs = build_runs(read_epoch_rows(), load_published_runs(), _profiles_without_fit())
    return runs, select_and_fit(runs.runs)


def write_fit(document: Mapping[str, Any], path: Path = UTILIZATION_FIT_PATH) -> None:
    """Write the fit atomically (estimator/io/calibration_io.py's writer)."""
    write_text_atomic(path, json.dumps(document, indent=1) + "\n")


def validation_file_document() -> dict[str, Any]:
    """What ``fit-utilization`` writes beside the fit: the nested cross-validation, for the app."""
    return {"about": ("The utilisation fit's nested leave-one-out validation, as `python -m estimator validate "
                      f"--format json` prints it. Written by `{FIT_COMMAND}`; do not edit by hand. The app's "
                      "Accuracy page reads it; the test suite checks it against a fresh run."),
            "validation": validation_document()}


def write_validation(document: Mapping[str, Any], path: Path = UTILIZATION_VALIDATION_PATH) -> None:
    """Write the validation document atomically (no NaN: missing values are null)."""
    write_text_atomic(path, json.dumps(document, indent=1, allow_nan=False) + "\n")


def stale_fields(document: Mapping[str, Any], shipped: Mapping[str, Any], rel_tol: float = 1e-6) -> list[str]:
    """Where a fresh fit differs from the shipped file (empty: the shipped fit is current)."""
    out: list[str] = []

    def walk(a, b, where):
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            for k in set(a) | set(b):
                if k == "about":
                    continue
                if k not in a or k not in b:
                    out.append(f"{where}{k}")
                else:
                    walk(a[k], b[k], f"{where}{k}.")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                out.append(where.rstrip("."))
            else:
                for i, (x, y) in enumerate(zip(a, b)):
                    walk(x, y, f"{where}{i}.")
        elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
            if abs(a - b) > rel_tol * max(1.0, abs(a), abs(b)):
                out.append(where.rstrip("."))
        elif a != b:
            out.append(where.rstrip("."))

    walk(document, shipped, "")
    return sorted(out)


def inference_validation_document() -> dict:
    """What `validate --inference` reports: the serving model judged leave-one-model-out on every
    measured serving configuration the project holds (``estimator.io.serving_data``; cached)."""
    from estimator.io.serving_data import validation_document as serving_validation
    return serving_validation()


__all__ = ["BASELINE_GOODPUT", "FACTOR_BANDS", "NEW_DEVICE_CHOICE", "ExcludedRun", "RunSet", "build_runs", "fit_document",
           "inference_validation_document", "likely_reason", "refit", "stale_fields", "training_runs", "validation",
           "validation_document", "validation_file_document", "write_fit", "write_validation"]
