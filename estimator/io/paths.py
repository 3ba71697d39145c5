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
CALIBRATED_DIR = (Path(os.environ[CALIBRATED_DIR_ENV]).expanduser().resolve() if os.environ.get(CALIBRATED_DIR_ENV) else
                  (Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "compute-cost"
                   / "calibrated") if INSTALLED else PROFILES_DIR / "calibrated")


def codecarbon_available() -> bool:
    """Whether CodeCarbon is installed, without importing it (importing it is slow and only the
    CodeCarbon measurement backend needs it)."""
    return importlib.util.find_spec("codecarbon") is not None


def codecarbon_data_dir() -> Path:
    """CodeCarbon's data folder (its grid intensities by country and cloud region)."""
    if not codecarbon_available():
        raise DataFileError("CodeCarbon is not installed; its data gives the grid intensity by region")
    return Path(str(files("codecarbon").joinpath("data")))


def codecarbon_version() -> str:
    # importlib.metadata costs 35 ms to import, a tenth of the CLI's start-up: only here
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("codecarbon")
    except PackageNotFoundError:
        return "(unknown version)"
