"""Calibration files at the edge: write a calibrated profile atomically; read CodeCarbon logs.

Profiles are written with ``tomli-w`` (the TOML writer from the author of ``tomli``, which
became the standard library's ``tomllib``): it escapes text and writes nested tables and
arrays of tables correctly, which a hand-written serializer would have to re-implement.
The text is parsed back and validated before the file is touched, then written to a
temporary file in the same folder and moved over the target with ``os.replace``
(atomic on POSIX and Windows): an interrupt leaves the old file intact and no temporary file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from estimator.core.base.bounds import GPU_COUNT
from estimator.core.base.bounds import PUE as PUE_BOUND
from estimator.core.base.errors import DataFileError, InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import BYTES_PER_GB, BYTES_PER_GIB, BYTES_PER_MB, J_PER_KWH
from estimator.core.base.validation import require_number_in
from estimator.core.calibration.measurement import CODECARBON_CSV_CPU, CODECARBON_CSV_GPU, Measurement, mean_power_w
from estimator.core.hardware.reader import profile_from_dict
from estimator.io import safe_read
from estimator.report.csv_cells import neutral

MAX_CSV_BYTES = 5_000_000  # an emissions.csv gains ~0.4 kB per run: 5 MB is ~10,000 runs

# (measuring engineer's review 2026-11-29: a profile written by `track()` had said `calibrate` wrote it; [calibration]
# says which did)
HEADER = ("# Calibrated hardware profile written by this project's calibration (`python -m estimator calibrate` or "
          "`track()`).\n"
          "# Base profile's fields with measured throughput and power; see [calibration] for when, where and how.\n")


def profile_toml(data: Mapping) -> str:
    """The profile's TOML text, checked: it parses back and the profile validator accepts it."""
    text = HEADER + tomli_w.dumps(dict(data))
    profile_from_dict(tomllib.loads(text), f"calibrated profile {data.get('id', '')}")
    return text


def check_writable(path: str | Path) -> None:
    """Refuse, before any work, a path whose folder cannot take a file: a temporary file is made
    and removed in the nearest folder that exists (``os.access`` says yes to root even on /proc)."""
    folder = Path(path).resolve().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".write-check.", suffix=".tmp")
    except OSError as exc:
        raise DataFileError(f"cannot write {path}: {folder} does not take new files ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(tmp)


def write_text_atomic(path: str | Path, text: str) -> Path:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise DataFileError(f"cannot write {path}: {exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; a profile is an ordinary file
        os.replace(tmp, path)
    except BaseException as exc:  # KeyboardInterrupt included: never leave the temporary file
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise DataFileError(f"cannot write {path}: {exc}") from None
        raise
    return path


def write_profile(data: Mapping, path: str | Path) -> Path:
    """Write a profile atomically; the loaded profiles are read again on their next use (a second calibration in the
    same process had checked its id against the set as it was before the first was written)."""
    written = write_text_atomic(path, profile_toml(data))
    from estimator.io.datafiles import default_profiles  # datafiles reads profiles; this module writes them
    default_profiles.cache_clear()
    return written


def one_gpu_name(gpu_model: str, gpu_count: int) -> str:
    """One GPU's name from CodeCarbon's ``gpu_model``, which counts them ("8 x NVIDIA H100 80GB
    HBM3", codecarbon/core/resource_tracker.py): a profile of one device named after eight read as
    64 GPUs with --devices 8 (calibrate audit). Several kinds, or a count that is not the run's, stay as
    written."""
    m = re.fullmatch(r"(\d+) x (.+)", gpu_model.strip())
    return m.group(2).strip() if m and int(m.group(1)) == gpu_count and " x " not in m.group(2) else gpu_model


# --- CodeCarbon emissions.csv -------------------------------------------------------------
# Columns read by name: CodeCarbon 2.2–2.3 write 31 columns, 3.x 38 (experiment_id, water and
# utilisation columns added); both have these. Energies are in kWh, duration in seconds.
REQUIRED_COLUMNS = ("duration", "cpu_energy", "gpu_energy")


@dataclass(frozen=True)
class CodeCarbonRun:
    source: str
    columns: int
    run_id: str
    project_name: str
    timestamp: str
    duration_s: float
    cpu_energy_j: float
    gpu_energy_j: float
    ram_energy_j: float
    gpu_count: int
    cpu_model: str
    gpu_model: str
    codecarbon_version: str
    tracking_mode: str
    country_iso_code: str
    ram_total_gb: float | None = None  # the machine's RAM in GB (10⁹ bytes), if the log has it
    # the PUE the log's energies were multiplied by (its ``pue`` column; 1 where it has none): the energies above are
    # the devices' own, divided by it
    pue: float = 1.0


def codecarbon_ram_gb(ram_total_size) -> float | None:
    """CodeCarbon's ram_total_size in GB (10⁹ bytes): it divides psutil's bytes by 1024³
    (codecarbon/external/hardware.py, B_TO_GB), so its "GB" are gibibytes. None if absent or not
    a positive number."""
    if not isinstance(ram_total_size, (int, float)) or isinstance(ram_total_size, bool):
        return None
    if not math.isfinite(ram_total_size) or ram_total_size <= 0:
        return None
    return float(ram_total_size) * BYTES_PER_GIB / BYTES_PER_GB


# A CodeCarbon run's numbers: up to ~30 years of duration and 1 TWh of energy per component.
MAX_DURATION_S = 1e9
MAX_ENERGY_KWH = 1e9


def _float(row, key, where, required=True) -> float:
    text = (row.get(key) or "").strip()
    if not text:
        if required:
            raise InputError(f"{where}: column '{key}' is empty")
        return 0.0
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: column '{key}' is not a number: {text[:40]!r}") from None
    high = MAX_DURATION_S if key == "duration" else MAX_ENERGY_KWH
    if not math.isfinite(value) or value < 0 or value > high:
        raise InputError(f"{where}: column '{key}' must be a number from 0 to {gfmt(high)}, got {text[:40]!r}")
    return value


# Text imported from a CSV is neutralised with a leading apostrophe (a formula's first characters:
# report/csv_cells.FORMULA_STARTS, OWASP "CSV Injection") before it reaches a profile field and, from there,
# any CSV the user downloads.


def neutralise(text: str) -> str:
    """``text``, stripped, safe to put in a spreadsheet cell: the exports' own rule (``csv_cells.neutral``: a leading
    formula character quoted, a number left as it is), one rule for both (code review 2026-11-28)."""
    return neutral(text.strip())


# A CodeCarbon timestamp: an ISO 8601 date and time ("2024-05-01T12:00:00.123456", with or without a zone)
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(?:Z|[+-]\d\d:?\d\d)?")


def _log_pue(row, where: str) -> float:
    """The PUE a CodeCarbon log's energies include: its ``pue`` column, 1 where the log has none. CodeCarbon multiplies
    every component's power and energy by its PUE before it writes them (codecarbon/emissions_tracker.py,
    ``_do_measurements``: ``energy *= self._pue``; 3.3.2 as installed here), so a profile made from them would apply a
    PUE twice (engineer review 2026-11-28: a log at PUE 1.5 gave 750 W for GPUs drawing 500 W)."""
    text = (row.get("pue") or "").strip()
    if not text:
        return 1.0
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: column 'pue' is not a number: {text[:40]!r}") from None
    return require_number_in(f"{where}: column 'pue'", value, PUE_BOUND)


def _timestamp(row, where: str) -> str:
    """The row's timestamp, or "" when it has none; one that is not a date and time is refused (issue 55: "'=1+1"
    reached the paper statement as the day of the measurement)."""
    text = (row.get("timestamp") or "").strip()
    if text and not _TIMESTAMP.fullmatch(text):
        raise InputError(f"{where}: column 'timestamp' is not an ISO 8601 date and time: {_printable(text[:40])}; "
                         "CodeCarbon writes e.g. 2024-05-01T12:00:00")
    return text


def parse_codecarbon_csv(text: str, source: str = "emissions.csv") -> list[CodeCarbonRun]:
    """Every run (row) of a CodeCarbon emissions.csv, oldest first."""
    if not text.strip():
        raise InputError(f"{source} is empty; expected CodeCarbon's emissions.csv")
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    reader.fieldnames = columns
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        found = ", ".join(_printable(c) for c in columns[:8])
        raise InputError(f"{source} is not a CodeCarbon emissions.csv: no column(s) {', '.join(missing)} "
                         f"(found: {found or 'none'}{'…' if len(columns) > 8 else ''})")
    runs = []
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(f"{source} is not valid CSV: {exc}") from None
    for i, row in enumerate(rows, start=2):
        if None in row:
            raise InputError(f"{source} line {i}: more values than columns; is the file complete?")
        where = f"{source} line {i}"
        gpu_count_text = (row.get("gpu_count") or "").strip()
        try:
            gpu_count = float(gpu_count_text) if gpu_count_text else 0.0
        except ValueError:
            raise InputError(f"{where}: column 'gpu_count' is not a number: {gpu_count_text[:40]!r}") from None
        gpu_count = int(require_number_in(f"{where}: column 'gpu_count'", gpu_count, GPU_COUNT))
        pue = _log_pue(row, where)
        runs.append(CodeCarbonRun(
            source=source, columns=len(columns), run_id=neutralise(row.get("run_id") or ""),
            project_name=neutralise(row.get("project_name") or ""), timestamp=_timestamp(row, where),
            duration_s=_float(row, "duration", where),
            cpu_energy_j=_float(row, "cpu_energy", where) * J_PER_KWH / pue,
            gpu_energy_j=_float(row, "gpu_energy", where, required=False) * J_PER_KWH / pue,
            ram_energy_j=_float(row, "ram_energy", where, required=False) * J_PER_KWH / pue, pue=pue,
            gpu_count=gpu_count, cpu_model=neutralise(row.get("cpu_model") or ""),
            gpu_model=neutralise(row.get("gpu_model") or ""),
            codecarbon_version=neutralise(row.get("codecarbon_version") or ""),
            tracking_mode=neutralise(row.get("tracking_mode") or ""),
            country_iso_code=neutralise(row.get("country_iso_code") or ""),
            ram_total_gb=codecarbon_ram_gb(_float(row, "ram_total_size", where, required=False))))
    if not runs:
        raise InputError(f"{source} has a header but no runs")
    return runs


def decode_csv_bytes(data: bytes, source: str) -> str:
    if len(data) > MAX_CSV_BYTES:
        raise InputError(f"{source} is {len(data) / BYTES_PER_MB:.1f} MB; the limit is {MAX_CSV_BYTES / BYTES_PER_MB:.0f} MB "
                         "(keep only the runs you need)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{source} is not a text (UTF-8) CSV file") from None


def _printable(text: str, limit: int = 40) -> str:
    """A column name as a message can show it: control and undecodable characters as "?", cut at ``limit``."""
    shown = "".join(ch if ch.isprintable() and ch != "\ufffd" else "?" for ch in text)
    return shown[:limit] + ("…" if len(shown) > limit else "")


def read_codecarbon_csv(path: str | Path) -> list[CodeCarbonRun]:
    path = Path(path)

    def fail(problem, fix):
        raise InputError(f"{path}: {problem}; {fix}")
    data = safe_read.read_bytes(path, MAX_CSV_BYTES, fail)
    return parse_codecarbon_csv(decode_csv_bytes(data, str(path)), str(path))


def select_run(runs: list[CodeCarbonRun], run_id: str | None = None) -> CodeCarbonRun:
    """The run with this id (or id prefix), else the last (newest) run of the file."""
    if not run_id:
        return runs[-1]
    found = [r for r in runs if r.run_id.startswith(run_id)]
    if len(found) != 1:
        ids = ", ".join(r.run_id[:8] for r in runs)
        raise InputError(f"{'no' if not found else 'more than one'} run in {runs[0].source} matches run id "
                         f"{run_id!r}; runs: {ids}")
    return found[0]


def measurement_from_codecarbon(run: CodeCarbonRun, device_kind: str) -> tuple[Measurement, int]:
    """(measurement of one device, number of devices) from a CodeCarbon run.

    GPU: CodeCarbon reads GPU energy through NVML; the run's GPUs share it equally.
    CPU: the CSV does not record whether CPU power came from RAPL or from CodeCarbon's
    TDP-based model, so it is labelled a possible estimate.
    """
    if device_kind not in ("gpu", "cpu"):
        # CodeCarbon reads NVIDIA GPUs through NVML and CPUs through RAPL or its TDP model, nothing else (CLI
        # audit: a brain base took a CPU log and wrote a "brain" profile at the brain's peak)
        raise InputError(f"a CodeCarbon log measures GPUs and CPUs, not a {device_kind}: choose a GPU or CPU base "
                         "profile", field="base")
    if not (run.duration_s > 0 and math.isfinite(run.duration_s)):  # a bad log: InputError, not mean_power_w's
        raise InputError(f"{run.source}: run {run.run_id[:8]} lasted {run.duration_s} s; nothing to derive")
    details = {"codecarbon_version": run.codecarbon_version, "tracking_mode": run.tracking_mode,
               "csv_columns": run.columns, "run_id": run.run_id, "project_name": run.project_name,
               "run_timestamp": run.timestamp, "ram_energy_j": run.ram_energy_j,
               "country_iso_code": run.country_iso_code,
               # the PUE divided out of the log's energies (``_log_pue``): the profile's power is the devices' own
               "codecarbon_pue": run.pue}
    if device_kind == "gpu":
        if run.gpu_energy_j > 0 and run.gpu_count < 1:
            # GPU energy without the GPUs' count (an empty or missing column): the count is what is missing, not the
            # GPUs (measuring-engineer review 2026-11-29: told to take a CPU base)
            raise InputError(f"{run.source}: run {run.run_id[:8]} has GPU energy ({run.gpu_energy_j:,.0f} J) but no GPU "
                             "count (column 'gpu_count' empty, missing or 0): the energy per GPU cannot be told; write the "
                             "number of GPUs the run used in its gpu_count")
        if run.gpu_energy_j <= 0:
            raise InputError(f"{run.source}: run {run.run_id[:8]} has no GPU energy (gpu_count "
                             f"{run.gpu_count}); use a CPU profile as the base for a CPU-only run", field="base")
        devices = run.gpu_count
        # one device's share, energy and power alike (power × duration = energy); the run's total is kept
        energy_j = run.gpu_energy_j / devices
        power_w = mean_power_w(energy_j, run.duration_s)
        m = Measurement(run.duration_s, energy_j, power_w, CODECARBON_CSV_GPU, False,
                        one_gpu_name(run.gpu_model, devices) or "GPU", "codecarbon-csv",
                        {**details, "gpus": devices, "gpu_energy_j_all_devices": run.gpu_energy_j})
        return m, devices
    if run.gpu_energy_j > 0 and run.gpu_count >= 1:
        # the FLOPs of a run on GPUs are the GPUs' work: timed on the CPU they would make a CPU profile of
        # the GPUs' speed (CLI audit: an 8-GPU log on a CPU base was calibrated as a CPU without a word)
        raise InputError(f"{run.source}: run {run.run_id[:8]} ran on {run.gpu_count} GPU(s) (their energy is in the "
                         "log): use a GPU profile as the base, or a log of a CPU-only run", field="base")
    if run.cpu_energy_j <= 0:
        raise InputError(f"{run.source}: run {run.run_id[:8]} has no CPU energy")
    power_w = mean_power_w(run.cpu_energy_j, run.duration_s)
    details["estimate_note"] = ("the CSV does not record whether CodeCarbon read RAPL or estimated CPU power "
                                "from the TDP; treated as an estimate")
    if run.ram_total_gb is not None:
        details["ram_total_gb"] = run.ram_total_gb  # the logged machine's RAM: a CPU profile's memory
    m = Measurement(run.duration_s, run.cpu_energy_j, power_w, CODECARBON_CSV_CPU, True,
                    run.cpu_model or "CPU", "codecarbon-csv", details)
    return m, 1
