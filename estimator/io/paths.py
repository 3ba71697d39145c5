"""Where the project's files are: the bundled data, the hardware profiles, calibrated profiles,
and CodeCarbon's grid data. The one module that knows.

Data files are package data, found with ``importlib.resources`` (so an installed package,
``pip install .``, reads its own copy). The hardware profiles live at the top of a checkout
(``profiles/``); an installed package carries them as ``estimator/bundled_profiles/``
(pyproject.toml maps the folder). Calibrated profiles go to ``profiles/calibrated/`` in a
checkout and to the user's data folder (``$XDG_DATA_HOME/compute-cost/calibrated``, default
``~/.local/share/…``) when installed, since site-packages is not the user's to write.
"""

from __future__ import annotations

import importlib.util
import os
from importlib.resources import files
from pathlib import Path

from estimator.core.base.errors import DataFileError

PACKAGE = "estimator"


def _package_path(*parts: str) -> Path:
    return Path(str(files(PACKAGE).joinpath(*parts)))


DATA_DIR = _package_path("data")
_CHECKOUT_PROFILES = _package_path().parent / "profiles"
INSTALLED = not _CHECKOUT_PROFILES.is_dir()
PROFILES_DIR = _package_path("bundled_profiles") if INSTALLED else _CHECKOUT_PROFILES
# ESTIMATOR_CALIBRATED_DIR, where set, moves them elsewhere (the tests use an empty folder of their
# own, so that a developer's calibrations cannot change what the tests see; newcomer audit)
CALIBRATED_DIR_ENV = "ESTIMATOR_CALIBRATED_DIR"
# whether the folder was named by the variable: such a folder is never created (a typo in it is not a
# folder to make), where the default folders are made on the first calibration
CALIBRATED_DIR_NAMED = bool(os.environ.get(CALIBRATED_DIR_ENV))


def _resolved(path: Path) -> Path:
    """``path`` made absolute, its links followed where they lead somewhere: a link loop or a name too long is kept
    as written (issue 55: a loop in ESTIMATOR_CALIBRATED_DIR stopped every command at import, even `presets`);
    the folder then reads as missing, as ``calibrated_files`` says."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # RuntimeError: Python 3.11's "Symlink loop from …"
        return path.absolute()


def path_exists(path: str | os.PathLike) -> bool:
    """Whether ``path`` names something, False for a name the system refuses (over 255 bytes, a link loop)
    rather than an OSError."""
    try:
        return Path(path).exists()
    except (OSError, ValueError):
        return False


CALIBRATED_DIR = (_resolved(Path(os.environ[CALIBRATED_DIR_ENV]).expanduser()) if os.environ.get(CALIBRATED_DIR_ENV) else
                  (Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "compute-cost"
                   / "calibrated") if INSTALLED else PROFILES_DIR / "calibrated")


def codecarbon_available() -> bool:
    """Whether CodeCarbon is installed, without importing it (importing it is slow and only the
    CodeCarbon measurement backend needs it)."""
    return importlib.util.find_spec("codecarbon") is not None


def codecarbon_data_dir() -> Path:
    """CodeCarbon's data folder (its grid intensities by country and cloud region)."""
    # found, not imported: ``importlib.resources.files`` imports the package, and CodeCarbon's __init__ imports its
    # tracker (0.28 s, most of a CLI estimate's start-up, measured 2026-11-26 with ``python -X importtime``)
    spec = importlib.util.find_spec("codecarbon")
    if spec is None or not spec.submodule_search_locations:
        raise DataFileError("CodeCarbon is not installed; its data gives the grid intensity by region")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def codecarbon_version() -> str:
    # importlib.metadata costs 35 ms to import, a tenth of the CLI's start-up: only here
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("codecarbon")
    except PackageNotFoundError:
        return "(unknown version)"


def tool_public_url() -> str | None:
    """The tool's public address as this deployment sets it (``ESTIMATOR_PUBLIC_URL``: the Lecture page's share
    box and the tool's BibTeX entry), checked by ``estimator.report.provenance.public_url``; None while unset."""
    from estimator.report.provenance import public_url
    return public_url(os.environ)
