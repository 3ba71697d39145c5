"""Fixtures shared by the test files.

- ``root``: the repository's folder.
- ``cli``: the command line in this process: ``cli("estimate", "--preset", "gpt3-175b")`` gives
  ``(code, out, err)`` (``--help`` gives 0 and the help, as the process exits). Use it for every check of
  what the command prints and its exit status: a fresh interpreter costs 0.5 to 1 s of CPU.
- ``cli_process``: the command line as a user runs it, ``python -m estimator …`` in a fresh
  process (``env`` adds variables, e.g. one BLAS thread): a ``CompletedProcess`` with text. Only for
  what needs the process itself (start-up imports, a closed stdout, signals, variables read at import).
- ``fake_clock``: a :class:`fake_nvml.FakeClock` at t = 1000 s that moves only when told.
- ``captured_downloads``: the files the app gives to ``st.download_button``, by file name (text).
- ``calibrated_dir``: ``profiles/calibrated/`` moved to a temporary folder, the app's profile
  cache forgotten before and after (a test that writes a calibrated profile leaves no trace).
- ``shipped_validation``: ``validate`` reads the shipped cross-validation instead of computing one.
- ``compiled_statements``: every paper statement the test modules registered (``latex_batch.to_compile``)
  compiled with pdflatex and BibTeX in one document, once per session: each one's problems, by name.
- (automatic) Streamlit's scan of the installed packages for components runs once per test
  session instead of once per ``AppTest`` (see ``_scan_streamlit_components_once``), and Altair checks
  each distinct chart specification against the Vega-Lite schema once per session instead of at every
  page run that draws it again (see ``_validate_each_chart_spec_once``).

Helpers that are imported rather than injected stay in their modules: ``apptest_pages.run_page``
(one app page under AppTest) and ``fake_nvml`` (the fake NVML and its clock).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

import pytest
from child_env import child_env

ROOT = Path(__file__).resolve().parents[1]

# Calibrated profiles in a folder of the test session's own, set before anything imports the
# estimator (subprocesses inherit it): a developer's profiles/calibrated/*.toml (the README's
# calibration examples write one) had changed what the app's Calibrate page showed, and failed tests.
_CALIBRATED = tempfile.mkdtemp(prefix="cce-test-calibrated-")
os.environ["ESTIMATOR_CALIBRATED_DIR"] = _CALIBRATED
atexit.register(shutil.rmtree, _CALIBRATED, ignore_errors=True)


# Under pytest-xdist (the test command's -n 2 --dist loadfile) each test file runs on one worker: a file's
# session fixtures (the browser tests' Streamlit server and Chromium, the one LaTeX run of the paper statements)
# are built once per worker that runs such a file, and a docs page's examples (one namespace) stay together.
# (--dist loadgroup cannot do it here: with pytest 9 an item's id is no longer the ``_nodeid`` xdist rewrites.)


class CliResult(NamedTuple):
    code: int
    out: str
    err: str


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session", autouse=True)
def _scan_streamlit_components_once():
    """Every new ``AppTest`` makes Streamlit scan the metadata of every installed package for
    custom components (``manifest_scanner.scan_component_manifests``): 0.2 s each time in this
    project's venv, more than most page runs, and the suite opens about 130 of them. The installed
    packages cannot change during a test session, so the first scan's answer is reused.
    ``tests/app/test_apptest_harness.py`` holds the reused answer to a fresh scan."""
    if "streamlit" not in sys.modules:  # this session has no app tests
        yield
        return
    from streamlit.components.v2 import manifest_scanner

    real = manifest_scanner.scan_component_manifests
    first = real()

    def scan_once(max_workers: int | None = None) -> list:
        return list(first)

    scan_once.real = real  # for the test that holds the shortcut to a fresh scan
    manifest_scanner.scan_component_manifests = scan_once
    yield
    manifest_scanner.scan_component_manifests = real


@pytest.fixture(scope="session", autouse=True)
def _validate_each_chart_spec_once():
    """Altair checks every chart it hands to Streamlit against the Vega-Lite schema (jsonschema): about a tenth
    of a page run's CPU, and the app tests draw the same charts hundreds of times (the same page, the same
    inputs, in many tests). The check is a function of the specification's JSON alone, so a specification
    found valid is not checked again this session; each new one is checked in full, and one with errors
    raises as before. A specification that is not plain JSON is checked every time."""
    if "streamlit" not in sys.modules:  # this session has no app tests
        yield
        return
    from altair.utils import schemapi

    real = schemapi._get_errors_from_spec
    valid: set[tuple[str, int, int]] = set()

    def errors_once(spec, schema, rootschema=None):
        try:
            key = (json.dumps(spec, sort_keys=True, allow_nan=False), id(schema), id(rootschema))
        except (TypeError, ValueError):  # not plain JSON: no key to remember it by
            return real(spec, schema, rootschema=rootschema)
        if key in valid:
            return []
        errors = real(spec, schema, rootschema=rootschema)
        if not errors:
            valid.add(key)
        return errors

    errors_once.real = real  # for the test that holds the shortcut to a fresh check
    schemapi._get_errors_from_spec = errors_once
    yield
    schemapi._get_errors_from_spec = real


@pytest.fixture
def shipped_validation(monkeypatch) -> dict:
    """``validate`` answers from the shipped cross-validation (estimator/data/utilization_validation.json)
    instead of computing a fresh one (45 s of CPU), for the tests of what it prints: the document. That
    the shipped document is a fresh one's is held by tests/fit/test_accuracy.py (marked slow)."""
    from estimator.io.datafiles import load_validation_document
    from estimator.services.accuracy import utilization as accuracy
    doc = load_validation_document()
    monkeypatch.setattr(accuracy, "validation_document", lambda: doc)
    return doc


@pytest.fixture(scope="session")
def compiled_statements(tmp_path_factory) -> dict[str, list[str]]:
    """Each registered statement's compile problems (none: it compiles without a warning), by name;
    skipped without TeX, failed under CI=true (tests/latex_batch.py)."""
    import latex_batch
    latex_batch.tex_available()
    return latex_batch.compile_registered(tmp_path_factory.mktemp("latex"))


@pytest.fixture(autouse=True)
def _no_cuda_device_settings(monkeypatch):
    """The fake NVML's GPU numbering is the test's own: a CUDA_VISIBLE_DEVICES or CUDA_DEVICE_ORDER
    in the shell that runs the tests (a GPU host) would move which fake GPU is measured. The tests
    of those variables set them themselves."""
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.delenv("CUDA_DEVICE_ORDER", raising=False)


@pytest.fixture
def cli(capsys):
    from estimator.cli import main

    def run(*argv: str) -> CliResult:
        try:
            code = main([str(a) for a in argv])
        except SystemExit as done:  # argparse's --help and --version exit, as they do in a process
            code = done.code or 0
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture
def cli_process():
    def run(*argv: str, env: dict | None = None, timeout: float = 120, cwd: Path | None = None):
        full_env = child_env(**(env or {}))
        return subprocess.run([sys.executable, "-m", "estimator", *map(str, argv)], env=full_env, cwd=cwd or ROOT,
                              capture_output=True, text=True, timeout=timeout)

    return run


@pytest.fixture
def fake_clock():
    from fake_nvml import FakeClock
    return FakeClock()


@pytest.fixture
def calibrated_dir(tmp_path, monkeypatch):
    """profiles/calibrated/ moved to a temporary folder; the profile cache forgotten before and after (the app's, where
    the app's requirements are installed: the lent GPU machine runs the calibration tests without Streamlit)."""
    from estimator.io import datafiles
    try:
        from app_pages.ui.common import clear_profile_cache
    except ModuleNotFoundError as exc:
        if exc.name != "streamlit":
            raise
        def clear_profile_cache() -> None:  # no app, no app cache to forget: the library's alone (the lent H200,
            datafiles.default_profiles.cache_clear()  # run 14: a test's calibrated folder was seen by the next five)
    folder = tmp_path / "calibrated"
    folder.mkdir()
    monkeypatch.setattr(datafiles, "CALIBRATED_DIR", folder)
    clear_profile_cache()
    yield folder
    monkeypatch.undo()
    clear_profile_cache()


@pytest.fixture
def captured_downloads(monkeypatch):
    """The bytes given to st.download_button (AppTest exposes only a media URL), by file name."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[filename] = path_or_data.decode() if isinstance(path_or_data, bytes) else path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return files
