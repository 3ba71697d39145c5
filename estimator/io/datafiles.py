"""File loading at the edge: profiles, presets, published runs, sources, carbon data.

Everything here reads files and hands plain data to the pure core. One broken profile
never stops the others from loading: ``load_profiles`` returns the good ones and the errors.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import io
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from estimator.core.base.errors import (
    MAX_QUOTED_CHARS,
    DataFileError,
    ProfileError,
    UnknownHardwareError,
    UnknownPresetError,
    quoted,
)
from estimator.core.hardware.names import nearest_hardware, resolve_name
from estimator.core.hardware.power_ratio import PowerFits
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.hardware.reader import profile_from_dict
from estimator.core.hardware.utilization_model import LowPrecision, UtilizationModel
from estimator.core.training.presets import Preset, preset_from_dict
from estimator.fit.power_fit import PowerMeasurement, fit_all
from estimator.io import safe_read
from estimator.io.carbon_data import load_carbon_data  # noqa: F401 (re-exported: the grid data beside the others)
from estimator.io.paths import CALIBRATED_DIR, CALIBRATED_DIR_ENV, DATA_DIR, PROFILES_DIR

UTILIZATION_FIT_PATH = DATA_DIR / "utilization_fit.json"
# the training step model's fit (written by `python -m estimator fit-step`; read whole by estimator.io.layouts_data)
STEP_FIT_PATH = DATA_DIR / "step_fit.json"
# The fit's nested cross-validation (what `validate` prints), written beside the fit by the same
# command: computing it takes about 20 s, too long for the first student to open the Accuracy page.
UTILIZATION_VALIDATION_PATH = DATA_DIR / "utilization_validation.json"
EPOCH_RUNS_PATH = DATA_DIR / "epoch_training_runs.csv"
PUBLISHED_RUNS_PATH = DATA_DIR / "published_runs.csv"
_FIT = object()  # "the shipped utilisation fit" (the default of the loaders below)


@lru_cache(maxsize=1)
def load_utilization_model() -> UtilizationModel:
    """The fitted utilisation model written by ``python -m estimator fit-utilization``."""
    data = safe_read.read_data_json(UTILIZATION_FIT_PATH, "re-create it with `python -m estimator fit-utilization`")
    if not isinstance(data, dict) or not isinstance(data.get("model"), dict):
        raise DataFileError(f"{UTILIZATION_FIT_PATH}: no 'model' table; re-create it with `python -m estimator fit-utilization`")
    model = UtilizationModel.from_dict(data["model"], str(UTILIZATION_FIT_PATH))
    # what a lower precision gains on a whole step: the step fit's (UtilizationModel.low_precision); without that file
    # (fit-step, which reads these profiles, re-creates it) none, and a lower precision's note says the share is the
    # 16-bit one's
    if not STEP_FIT_PATH.is_file():
        return model
    return replace(model, low_precision=_low_precision(
        safe_read.read_data_json(STEP_FIT_PATH, "re-create it with `python -m estimator fit-step`")))


def _low_precision(doc) -> LowPrecision:
    """step_fit.json's low_precision section, checked (a DataFileError names the file and the field)."""
    low = doc.get("low_precision") if isinstance(doc, dict) else None
    low = low if isinstance(low, dict) else {}
    fix = "re-create it with `python -m estimator fit-step`"

    def number(key, x, top):
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not 0 < x <= top:
            raise DataFileError(f"{STEP_FIT_PATH}: low_precision.{key} must be a number in (0, {top:g}], got {x!r}; {fix}")
        return float(x)
    # a whole step at fp8 at most the peaks' 2× its bf16 pace; its share of that at most all of it
    pace = number("pace_median", low.get("pace_median"), 2.0)
    ends = low.get("pace_range")
    if not (isinstance(ends, list) and len(ends) == 2):
        raise DataFileError(f"{STEP_FIT_PATH}: low_precision.pace_range must be [lowest, highest], got {ends!r}; {fix}")
    lo, hi = (number("pace_range", x, 2.0) for x in ends)
    rows = low.get("rows")
    if not (lo <= pace <= hi and isinstance(rows, list) and rows):
        raise DataFileError(f"{STEP_FIT_PATH}: low_precision's pace_median must lie in its pace_range, over its rows; "
                            f"{fix}")
    return LowPrecision(pace=pace, pace_range=(lo, hi), rows=len(rows))


def load_validation_document(path: Path = UTILIZATION_VALIDATION_PATH) -> dict:
    """The shipped cross-validation of the utilisation fit (the JSON of `validate --format json`),
    written by ``python -m estimator fit-utilization``; the test suite checks it against a fresh run."""
    fix = "re-create it with `python -m estimator fit-utilization`"
    data = safe_read.read_data_json(path, fix)
    if not isinstance(data, dict) or not isinstance(data.get("validation"), dict):
        raise DataFileError(f"{path}: no 'validation' table; {fix}")
    return data["validation"]


def _model(utilization_model):
    return load_utilization_model() if utilization_model is _FIT else utilization_model


MEASURED_POWER_PATH = DATA_DIR / "measured_power.csv"


@lru_cache(maxsize=1)
def load_power_measurements() -> tuple[PowerMeasurement, ...]:
    """Measured average power per accelerator in training (estimator/data/measured_power.csv)."""
    rows = list(csv.DictReader(io.StringIO(safe_read.read_data_text(MEASURED_POWER_PATH), newline="")))
    try:
        return tuple(PowerMeasurement(r["id"], r["device"], r["group"], float(r["tdp_w"]), float(r["measured_w"]),
                                      r["workload"], r["source"]) for r in rows)
    except (KeyError, ValueError, TypeError) as exc:
        raise DataFileError(f"{MEASURED_POWER_PATH}: cannot be read ({exc!r})") from None


@lru_cache(maxsize=1)
def load_power_fits() -> PowerFits:
    """The average-draw fit of each measured-power group and of each device measured at least
    twice in one (cheap: fitted when loaded)."""
    return fit_all(load_power_measurements())


def load_profile_file(path: str | Path, utilization_model=_FIT) -> HardwareProfile:
    """One profile file. ``utilization_model=None`` loads it without the utilisation fit
    (the fit itself needs the profiles' families and peaks)."""
    path = Path(path)
    shown = display_path(path)

    def fail(problem, fix):
        raise ProfileError(shown, "(file)", problem, fix)
    if path.suffix != ".toml" and path.is_file():  # as every command and the profile folders take them (profile audit:
        fail("a profile is a .toml file", "give the profile's .toml file")  # validate said ok to a .txt)
    text = safe_read.read_text(path, safe_read.MAX_PROFILE_BYTES, fail)
    # today's date: a price's date may not be after it (the core reads no clock)
    model, fits, today = _model(utilization_model), load_power_fits(), datetime.date.today()
    key = (text, shown, today)
    built = _BUILT_PROFILES.get(key)
    if built is not None and built[0] is model and built[1] is fits:
        return built[2]
    profile = profile_from_dict(safe_read.parse_toml(text, fail), shown, model, fits, today=today)
    if len(_BUILT_PROFILES) >= _MAX_BUILT_PROFILES:
        _BUILT_PROFILES.clear()
    _BUILT_PROFILES[key] = (model, fits, profile)
    return profile


# Profiles already built, by their file's text, shown path and day, with the fits they were built with (kept only
# while those are the same objects): the file is read every time, so an edited file is built again, but the same
# text is not parsed and validated again (the app and a command line read every profile on each load; each takes
# about 1 ms of TOML parsing and validation). A profile is a frozen dataclass, safe to hand out twice; a file that
# fails to load raises each time, never cached.
_BUILT_PROFILES: dict[tuple[str, str, datetime.date], tuple[object, object, HardwareProfile]] = {}
_MAX_BUILT_PROFILES = 512  # bundled profiles are 44; a test session writes a few hundred odd ones


def source_path(source_file: str) -> Path:
    """The file a profile was read from, as an absolute path: ``source_file`` is shown relative to
    the project (``display_path``), so it is resolved against the project, never the working folder."""
    path = Path(source_file)
    return (path if path.is_absolute() else PROFILES_DIR.parent / path).resolve()


def is_bundled(profile: HardwareProfile) -> bool:
    """Whether a profile is one of the bundled ones (profiles/*.toml), wherever the command runs."""
    return bool(profile.source_file) and source_path(profile.source_file).parent == PROFILES_DIR.resolve()


def display_path(path: Path) -> str:
    """Paths inside the project are shown relative to it (profiles/v100-sxm2.toml)."""
    try:
        return str(path.resolve().relative_to(PROFILES_DIR.parent))
    except (ValueError, OSError, RuntimeError):
        # outside the project (ValueError), or a path that cannot be resolved: a symlink loop raises
        # RuntimeError before Python 3.13 and OSError after; reading it then says what is wrong
        return str(path)


def did_you_mean(given: str, ids, nearest=()) -> str:
    """'did you mean h100-sxm or h100-pcie? ' for a near miss (ids it begins, else ``nearest``
    where the caller knows better ones, else close spellings, case ignored), else ''."""
    if len(given) > MAX_QUOTED_CHARS:
        return ""
    key = given.strip().lower()
    near = (sorted((i for i in ids if i.startswith(key)), key=lambda i: (len(i), i)) or list(nearest)
            or difflib.get_close_matches(key, sorted(ids), n=3, cutoff=0.6))
    return f"did you mean {' or '.join(near[:3])}? " if near else ""


@dataclass(frozen=True)
class ProfileSet:
    profiles: Mapping[str, HardwareProfile]
    errors: tuple[ProfileError, ...] = field(default_factory=tuple)
    files_read: int = 0      # profile files found (0: unknown, a set built by hand)
    files_unusable: int = 0  # of those, the files that failed to load or share an id with another
    # the error of each file that failed to load, by the id it gives (where its TOML could be read)
    broken_ids: Mapping[str, ProfileError] = field(default_factory=dict)

    @property
    def counts(self) -> tuple[int, int]:
        """(files unusable, files read): from the loader where it counted them, else from the set."""
        if self.files_read:
            return self.files_unusable, self.files_read
        return len(self.errors), len(self.profiles) + len(self.errors)

    def get(self, hardware: str) -> HardwareProfile:
        """A profile by id (a bundled one's in any case), by path to a profile file, or by a name that
        says what one bundled profile's name or an alias says (``core.hardware_names``)."""
        if not isinstance(hardware, str) or not hardware.strip():
            raise UnknownHardwareError(f"hardware must be a profile id or a profile file, got {repr(hardware)[:40]}")
        # an id in any case, as the app takes it (profile audit: "H200" meant a user's "h200" in the app, the
        # bundled H200 SXM by its name in the CLI); ids are lower-case (profile_reader.id_problem)
        if (as_id := hardware.strip().lower()) in self.profiles:
            return self.profiles[as_id]
        for err in self.errors:
            if err.field == "id" and f"'{as_id}' is defined by" in err.problem:
                raise err
        if hardware.endswith(".toml") or ("/" in hardware and _exists(hardware)):
            # a file as `profiles validate` takes it (CLI audit: a .txt file, and a copy with a bundled
            # profile's id that validate calls broken, were used without a word)
            shown = display_path(Path(hardware))
            if Path(hardware).suffix != ".toml" and Path(hardware).is_file():  # a device or a missing path: the reader says
                raise ProfileError(shown, "(file)", "a profile is a .toml file", "give the profile's .toml file")
            profile = load_profile_file(hardware)
            clash = id_clash(self, profile, hardware)
            if clash is not None:
                raise ProfileError(shown, "id", *clash)
            return profile
        if as_id in self.broken_ids:  # its file names it, whatever the file is called
            raise self.broken_ids[as_id]
        try:
            return self._by_name(hardware)
        except UnknownHardwareError:
            # a broken file whose id could not be read, by its file's name: only where no profile's name fits
            # (profile audit: a broken h200.toml of id "my-broken" stood in the way of the bundled H200's name)
            for err in self.errors:
                if Path(err.source).stem.lower() == as_id:
                    raise err from None
            raise

    def by_id(self, hardware_id: str) -> HardwareProfile:
        """A profile by its exact id, as the project's data files name them: there a name or a file is
        a typo, never a profile (review 11: "gtx-1080" would have passed as the 1080 Ti's name)."""
        if hardware_id in self.profiles:
            return self.profiles[hardware_id]
        raise UnknownHardwareError(f"no profile has the id {quoted(hardware_id)}; {did_you_mean(hardware_id, self.profiles)}"
                                   f"valid ids: {', '.join(sorted(self.profiles))}")

    def _by_name(self, hardware: str) -> HardwareProfile:
        """The one profile a name as people write it fits ("NVIDIA A100 SXM4 80 GB": a100-sxm-80gb),
        else the refusal: the profiles it could be, or the nearest ones."""
        # the bundled profiles by their names; a calibrated one by its id or file (review: a calibrated
        # profile's name took "Intel Xeon")
        names, short = bundled_names(self), len(hardware) <= MAX_QUOTED_CHARS
        pid = resolve_bundled_name(self, hardware)
        if pid is not None:
            return self.profiles[pid]
        hint = did_you_mean(hardware, self.profiles, nearest_hardware(hardware, names) if short else ())
        nofile = " (nor a file of that name)" if "/" in hardware else ""  # "MI250X/MI250" is a name, "my/x" a path
        raise UnknownHardwareError(f"unknown hardware {quoted(hardware)}{nofile}; {hint}"
                                   f"valid ids: {', '.join(sorted(self.profiles))}")


def resolve_bundled_name(ps: ProfileSet, hardware: str) -> str | None:
    """The id of the bundled profile a name as people write it names (``names.resolve_name``, with each profile's
    capacity for a size the device exposes); None where it names none; the refusal where it could be several."""
    if len(hardware) > MAX_QUOTED_CHARS:
        return None
    names = bundled_names(ps)
    memory_gb = {pid: p.memory_gb for pid, p in ps.profiles.items() if pid in names and p.memory_gb}
    return resolve_name(hardware, names, memory_gb)


def bundled_names(ps: ProfileSet) -> dict[str, str]:
    """The bundled profiles' names by id: the profiles a hardware name may name (a calibrated one is
    named by its id or its file; review: a calibrated profile's name took "Intel Xeon")."""
    return {pid: p.name for pid, p in ps.profiles.items() if is_bundled(p)}


def _exists(path: str) -> bool:
    """Whether ``path`` is there; a string no file can have (too long, a NUL) is not."""
    try:
        return Path(path).exists()
    except (OSError, ValueError):
        return False


def id_clash(ps, profile, path: str) -> tuple[str, str] | None:
    """Why ``profile`` (read from ``path``) would not load beside the loaded profiles, as (problem, fix), or None: its
    id is a bundled profile's, another loaded file's, or one that several files already define (audit: validate said
    ok for a calibrated file whose id another file had, and `profiles show` refused it). One pair of words for
    `profiles validate` and every command that takes the file (profile author's review 2026-12-01: they differed)."""
    pid = profile.id
    other = ps.profiles.get(pid)
    if other is not None and source_path(other.source_file) != Path(path).resolve():
        if is_bundled(other) and not is_bundled(profile):  # a calibrated profile never takes a bundled id
            return (f"'{pid}' is the id of the bundled profile {other.source_file}",
                    f"give this profile an id of its own (e.g. id = \"{pid}-mine\"): an id names one profile")
        return (f"'{pid}' is also the id of {other.source_file}",
                "give one of them another id (profiles load together, so an id names one file)")
    for err in ps.errors:
        if err.field == "id" and f"'{pid}' is defined by" in err.problem:
            return err.problem, err.fix
    return None


def load_profiles(*dirs: str | Path, utilization_model=_FIT) -> ProfileSet:
    """Every profile in ``dirs`` (default: profiles/ and profiles/calibrated/). A file that fails
    to load is an error beside the others; an id defined by more than one file is an error and
    none of those files is used, so which one "wins" never depends on file names, except that a
    bundled profile (profiles/) always loads and a copy of its id elsewhere is the error."""
    dirs = dirs or (PROFILES_DIR, CALIBRATED_DIR)
    model = _model(utilization_model)
    loaded: dict[str, list[HardwareProfile]] = {}
    errors: list[ProfileError] = []
    broken: dict[str, ProfileError] = {}
    n_files = 0
    for directory in dirs:
        directory = Path(directory)
        try:  # a name the system refuses (over 255 bytes, a link loop) is an error beside the others, not a traceback
            if not directory.is_dir():
                if os.path.lexists(directory):  # there, but no folder to read: a link loop, a file
                    errors.append(ProfileError(str(directory), "(folder)", "is not a folder that can be read (a link "
                                               "loop, or a file)", f"point {CALIBRATED_DIR_ENV} at a folder"))
                continue
            paths = sorted(directory.glob("*.toml"))
        except OSError as exc:
            errors.append(ProfileError(str(directory)[:80], "(folder)", f"cannot be read: {exc.strerror or exc}",
                                       f"point {CALIBRATED_DIR_ENV} at a folder with a shorter name"))
            continue
        for path in paths:
            n_files += 1
            try:
                profile = load_profile_file(path, model)
            except ProfileError as exc:
                errors.append(exc)
                claimed = _claimed_id(path)
                if claimed is not None:
                    broken[claimed] = exc
                continue
            loaded.setdefault(profile.id, []).append(profile)
    profiles = {}
    for pid, found in loaded.items():
        bundled = [p for p in found if is_bundled(p)]
        if len(found) == 1:
            profiles[pid] = found[0]
        elif len(bundled) == 1:
            # a bundled profile always loads: a copy elsewhere (a calibrated file with its id) is set aside
            profiles[pid] = bundled[0]
            for p in found:
                if p is not bundled[0]:
                    errors.append(ProfileError(p.source_file, "id", f"'{pid}' is the id of the bundled profile "
                                               f"{bundled[0].source_file}, so this file is not used",
                                               f"give this profile its own id (e.g. id = \"{pid}-cal\")"))
        else:
            files = ", ".join(p.source_file for p in found)
            errors.append(ProfileError(files, "id", f"'{pid}' is defined by {len(found)} files ({files}), so none is used",
                                       "give each profile a unique id, or remove the copy"))
    return ProfileSet(profiles, tuple(errors), files_read=n_files, files_unusable=n_files - len(profiles),
                      broken_ids={k: v for k, v in broken.items() if k not in profiles})


def _claimed_id(path: Path) -> str | None:
    """The id a profile file that failed to load gives, when its TOML can be read at all."""
    try:
        pid = _read_toml(path).get("id")
    except DataFileError:
        return None
    return pid.strip() if isinstance(pid, str) and pid.strip() else None


@lru_cache(maxsize=1)
def default_profiles() -> ProfileSet:
    return load_profiles()


def _read_toml(path: Path) -> dict:
    def fail(problem, fix):
        raise DataFileError(f"{path}: {problem}; {fix}")
    return safe_read.read_toml(path, safe_read.MAX_PROFILE_BYTES, fail)


@lru_cache(maxsize=1)
def load_presets() -> Mapping[str, Preset]:
    path = DATA_DIR / "presets.toml"
    return {pid: preset_from_dict(pid, data, str(path)) for pid, data in _read_toml(path).items()}


def get_preset(pid: str) -> Preset:
    presets = load_presets()
    if pid not in presets:
        raise UnknownPresetError(f"unknown preset {quoted(pid)}; {did_you_mean(str(pid), presets)}valid: "
                                 f"{', '.join(presets)}")
    return presets[pid]


@lru_cache(maxsize=1)
def load_sources() -> Mapping[str, Mapping[str, str]]:
    return _read_toml(DATA_DIR / "sources.toml")


def _num(text: str, run: str, column: str) -> float | None:
    """A published run's number, None for an empty cell; a cell that is not a finite positive number is refused by
    file, run and column (review: a typo was read as missing and "nan" or "-5" reached the fit). A range in words
    ("3751 to 12571") belongs in a text column (``cost_usd``), which is not read as a number."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise DataFileError(f"{PUBLISHED_RUNS_PATH.name}, run '{run}': {column} = {text!r} is not a positive number; "
                            "correct it or leave the cell empty")
    return value


@dataclass(frozen=True)
class PublishedRun:
    run: str
    hardware_id: str
    source: str
    params: float | None
    tokens: float | None
    train_flops: float | None
    accelerators: float | None
    wall_clock_days: float | None
    accelerator_hours: float | None
    power_w_per_accelerator: float | None
    energy_mwh: float | None
    pue: float | None
    kgco2e_per_kwh: float | None
    tco2e: float | None
    achieved_tflops_per_accelerator: float | None  # as published; held to the FLOPs and hours by the tests
    row: Mapping[str, str]


@lru_cache(maxsize=1)
def load_published_runs() -> tuple[PublishedRun, ...]:
    path = PUBLISHED_RUNS_PATH
    rows = list(csv.DictReader(io.StringIO(safe_read.read_data_text(path), newline="")))
    numeric = ("params", "tokens", "train_flops", "accelerators", "wall_clock_days", "accelerator_hours",
               "power_w_per_accelerator", "energy_mwh", "pue", "kgco2e_per_kwh", "tco2e",
               "achieved_tflops_per_accelerator")
    return tuple(PublishedRun(run=r["run"], hardware_id=r["hardware_id"], source=r["source"],
                              row=dict(r), **{k: _num(r[k], r["run"], k) for k in numeric}) for r in rows)
