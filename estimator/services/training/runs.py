"""The training runs that test a utilisation: both run files read, mapped to hardware
profiles and checked, every row left out listed with its reason. Shared by the fit
(``fit-utilization``), its validation (``validate``) and the app.

Edge module: reads ``estimator/data/epoch_training_runs.csv`` and
``estimator/data/published_runs.csv``; the runs themselves are the pure
``estimator.fit.utilization_fit.TrainingRun``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from estimator.core.base.errors import DataFileError
from estimator.core.base.units import HOURS_PER_DAY
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.workload.flops import dense_training_flops
from estimator.fit.utilization_fit import TrainingRun
from estimator.io import safe_read
from estimator.io.datafiles import (
    EPOCH_RUNS_PATH,
    PUBLISHED_RUNS_PATH,
    load_profiles,
    load_published_runs,
    load_sources,
)

# An Epoch AI row's source as its run gives it ("Epoch AI (https://arxiv.org/abs/…)"): how validate's rows tell them apart
EPOCH_RUN_SOURCE_PREFIX = "Epoch AI"
EPOCH_SOURCE = ("Epoch AI, 'Notable AI Models' database, CC BY 4.0 (https://epoch.ai/data/notable-ai-models); "
                "rows selected and mapped to hardware profiles by this project")


# Sources that report the figures of another source's runs: one paper, held out together in the
# fit's and the validation's folds (``TrainingRun.paper``). Every other source is its own paper.
SAME_PAPER = {"L31": "L3",  # the Llama 3.1 card re-reports the Llama 3 pre-training
              "Epoch AI (https://arxiv.org/abs/2404.14219)": "PHI3"}  # phi-3.5 rows: the Phi-3 report


ARXIV_ID = re.compile(r"arxiv\.org/abs/(\d{4}\.\d{4,5})|arXiv:(\d{4}\.\d{4,5})")


def arxiv_keys(sources: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Each arXiv id a cited source (``sources.toml``) names → that source's key: an Epoch row
    that links the same paper is then the same paper (Pythia-12b's row and PY23's seven sizes)."""
    out: dict[str, str] = {}
    for key, entry in sources.items():
        for m in ARXIV_ID.finditer(str(entry.get("cite", ""))):
            out.setdefault(m.group(1) or m.group(2), key)
    return out


def paper_of(source: str, by_arxiv: Mapping[str, str] | None = None) -> str:
    """The paper a run's figures come from: the source it re-reports (``SAME_PAPER``), else the
    cited source whose arXiv id its link names, else its source."""
    if source in SAME_PAPER:
        return SAME_PAPER[source]
    m = ARXIV_ID.search(source)
    if m and by_arxiv and (m.group(1) or m.group(2)) in by_arxiv:
        return by_arxiv[m.group(1) or m.group(2)]
    return source


@dataclass(frozen=True)
class ExcludedRun:
    name: str
    source: str
    reason: str


@dataclass(frozen=True)
class RunSet:
    runs: tuple[TrainingRun, ...]
    excluded: tuple[ExcludedRun, ...]


def _num(row: Mapping[str, str], column: str, run: str, data: str = EPOCH_RUNS_PATH.name) -> float | None:
    """A row's number, or None where the cell is empty. A cell that is not a finite positive number is refused
    by its run and column (code audit: a typo read as missing dropped the run or its year unseen, and a
    negative or non-finite number reached the fit)."""
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value <= 0:
        raise DataFileError(f"{data}, run '{run}': {column} = {text!r} is not a positive number; correct it or leave "
                            "the cell empty")
    return value


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


def published_device_hours(r) -> float | None:
    """A published run's device-hours: as stated, else devices × wall-clock days."""
    if r.accelerator_hours:
        return r.accelerator_hours
    if r.accelerators and r.wall_clock_days:
        return r.accelerators * r.wall_clock_days * HOURS_PER_DAY
    return None


def build_runs(epoch_rows, published, profiles: Mapping[str, HardwareProfile],
               by_arxiv: Mapping[str, str] | None = None) -> RunSet:
    """Training runs from both data files; every row left out is listed with its reason.
    ``by_arxiv`` (:func:`arxiv_keys`) names the cited paper an Epoch row's arXiv link is."""
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
                                profile.kind, paper_of(source, by_arxiv)))

    for row in epoch_rows:
        notes = _notes(row.get("notes", ""))
        src = f"{EPOCH_RUN_SOURCE_PREFIX} ({row.get('source', '').split('; primary: ')[-1]})"
        if row.get("flagged", "").strip().lower() == "yes":
            reason = "; ".join(v for k, v in notes.items() if k.startswith(("data_flag", "data_note", "chip_hours_mismatch")))
            excluded.append(ExcludedRun(row["run"], src, f"flagged in the data: {reason or row.get('notes', '')}"))
            continue
        flops, dh = _num(row, "train_flops", row["run"]), _num(row, "chip_hours", row["run"])
        if not flops or not dh:
            excluded.append(ExcludedRun(row["run"], src, "no FLOPs or chip-hours"))
            continue
        year = _num(row, "year", row["run"])
        add(row["run"], row["hardware_id"], flops, dh, src, _num(row, "accelerators", row["run"]),
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
        year = _num(r.row, "year", r.run, PUBLISHED_RUNS_PATH.name)
        add(r.run, r.hardware_id, flops, dh, r.source, r.accelerators, int(year) if year else None, "published",
            r.row.get("notes", ""), "reported" if r.train_flops else "6ND", _developer(r.row, r.run))

    names = [re.sub(r"[^a-z0-9]", "", r.name.lower()) for r in runs]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise DataFileError(f"training runs listed twice: {', '.join(sorted(dupes))}")
    return RunSet(tuple(runs), tuple(excluded))


def read_epoch_rows(path: Path = EPOCH_RUNS_PATH) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(safe_read.read_data_text(path), newline="")))


def read_training_runs() -> RunSet:
    """Every run the project holds that can test a utilisation, and those left out with why,
    read afresh from the files."""
    return build_runs(read_epoch_rows(), load_published_runs(), _profiles_without_fit(), arxiv_keys(load_sources()))


@lru_cache(maxsize=1)
def training_runs() -> RunSet:
    """``read_training_runs``, read once per process (the validation and the app reuse it)."""
    return read_training_runs()
