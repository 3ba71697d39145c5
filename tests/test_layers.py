"""The layers the tree shows are the layers the imports keep.

Drawn from the code's own imports (``import`` and ``from … import`` statements anywhere in a module, under
``TYPE_CHECKING`` too): no module imports one on a higher floor, and no import circle exists anywhere in the
project (``estimator/``, ``app_pages/``, ``app.py``). Pure packages (core, fit, laws, report) also never
import the edges, Streamlit, pynvml or CodeCarbon, and never open files.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest
import source_trees

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "estimator"

# Floors, lowest first: a module may import its own floor and those below it, never one above.
CORE_FLOORS = ("base", "footprint", "hardware", "workload", "training", "serving", "calibration", "tracking")
FLOORS = (
    *(f"estimator.core.{f}" for f in CORE_FLOORS),
    ("estimator.fit", "estimator.laws", "estimator.report"),  # pure, each on the core alone (and each other: none)
    "estimator.io",        # files
    "estimator.device",    # the meters (NVML, CodeCarbon, the timer)
    "estimator.services",  # what the CLI and the app share
    "estimator.monitor",   # sessions that use the meters: calibration runs, track()
    "estimator.cli",
    ("estimator", "estimator.__main__"),  # the public face
    "app_pages.ui",
    "app_pages.inputs",
    "app_pages.pages",
    "app",
)
PURE = ("core", "fit", "laws", "report")
EDGES = ("io", "device", "services", "monitor", "cli")
FORBIDDEN_MODULES = ("streamlit", "pynvml", "codecarbon", "app_pages", "altair", "importlib.resources")
# reading or writing files by any of the usual calls (conventions audit 2026-11-28: json.load, np.load, pd.read_csv and
# tomllib.load had not been listed)
FORBIDDEN_CALLS = ("open", "read_text", "read_bytes", "write_text", "write_bytes", "load", "loadtxt", "genfromtxt",
                   "fromfile", "read_csv", "read_json", "read_parquet", "read_table")
MAX_LOOSE_CORE_MODULES = 12


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_files() -> dict[str, Path]:
    files = [p for pkg in ("estimator", "app_pages") for p in (ROOT / pkg).rglob("*.py")] + [ROOT / "app.py"]
    return {module_name(p): p for p in files}


def imports_of(path: Path, modules=None) -> list[str]:
    """The modules a file imports, relative imports resolved; ``from a import b`` is ``a.b`` where that
    is a module of ``modules``, else ``a``."""
    name = module_name(path) if path.is_relative_to(ROOT) else f"estimator.{path.parent.name}.{path.stem}"
    pkg = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = []
    for node in source_trees.nodes(path):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(pkg[: len(pkg) - node.level + 1] + ([base] if base else []))
            if modules is None:
                out += [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                out += [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
    return out


def graph() -> dict[str, set[str]]:
    mods = project_files()
    return {m: {d for d in imports_of(p, mods) if d in mods and d != m} for m, p in mods.items()}


def floor_of(module: str) -> int | None:
    best = None
    for i, floor in enumerate(FLOORS):
        for prefix in (floor if isinstance(floor, tuple) else (floor,)):
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (i, len(prefix))
    return None if best is None else best[0]


def test_every_module_has_a_floor():
    assert [m for m in project_files() if floor_of(m) is None and m not in ("estimator.core", "app_pages")] == []


def test_no_module_imports_a_higher_floor():
    up = [f"{m} -> {d}" for m, deps in graph().items() for d in deps
          if floor_of(m) is not None and floor_of(d) is not None and floor_of(d) > floor_of(m)]
    assert up == []


def test_no_import_circle():
    try:
        list(graphlib.TopologicalSorter(graph()).static_order())
    except graphlib.CycleError as exc:
        pytest.fail(f"import circle: {' -> '.join(exc.args[1])}")


def test_the_floor_check_sees_an_upward_import_and_a_circle():
    fake = {"estimator.core.base.units": {"estimator.core.serving.step"}, "estimator.core.serving.step": set(),
            "estimator.io.a": {"estimator.io.b"}, "estimator.io.b": {"estimator.io.a"}}
    up = [(m, d) for m, deps in fake.items() for d in deps if floor_of(d) > floor_of(m)]
    assert up == [("estimator.core.base.units", "estimator.core.serving.step")]
    with pytest.raises(graphlib.CycleError):
        list(graphlib.TopologicalSorter(fake).static_order())


def test_the_core_has_its_subjects_as_folders():
    loose = sorted(p.name for p in (PACKAGE / "core").glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= MAX_LOOSE_CORE_MODULES, loose
    folders = sorted(p.parent.name for p in (PACKAGE / "core").glob("*/__init__.py"))
    assert folders == sorted(CORE_FLOORS)


def test_the_tree_has_the_layers():
    for pkg in PURE + EDGES:
        assert (PACKAGE / pkg / "__init__.py").is_file(), pkg
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py"]  # nothing loose


def forbidden(path: Path) -> list[str]:
    bad = []
    for mod in imports_of(path):
        if any(mod == e or mod.startswith(e + ".") for e in (f"estimator.{x}" for x in EDGES)):
            bad.append(f"imports {mod}")
        if any(mod == m or mod.startswith(m + ".") for m in FORBIDDEN_MODULES):
            bad.append(f"imports {mod}")
    for node in source_trees.nodes(path):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name in FORBIDDEN_CALLS:
                bad.append(f"calls {name}() at line {node.lineno}")
    return bad


PURE_FILES = sorted(p for pkg in PURE for p in (PACKAGE / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_pure_modules_do_not_reach_the_edges(path):
    assert forbidden(path) == []


@pytest.mark.parametrize("source, expected", [
    ("from estimator.io import datafiles\n", "imports estimator.io"),
    ("from estimator.services.api import run\n", "imports estimator.services.api"),
    ("import streamlit as st\n", "imports streamlit"),
    ("from pynvml import nvmlInit\n", "imports pynvml"),
    ("x = open('f').read()\n", "calls open()"),
    ("from pathlib import Path\nPath('f').read_text()\n", "calls read_text()"),
    ("import json\njson.load(f)\n", "calls load()"), ("import numpy as np\nnp.load('f.npy')\n", "calls load()"),
    ("import pandas as pd\npd.read_csv('f.csv')\n", "calls read_csv()"),
])
def test_the_check_fails_on_a_forbidden_import(tmp_path, source, expected):
    pkg = tmp_path / "core"
    pkg.mkdir()
    f = pkg / "bad.py"
    f.write_text(source)
    assert any(b.startswith(expected) for b in forbidden(f)), forbidden(f)


def test_the_lecture_claims_are_the_ids_every_page_knows():
    from app_pages.pages.lecture import BY_ID
    from app_pages.ui.claim_ids import CLAIM_IDS
    assert tuple(BY_ID) == CLAIM_IDS


def test_pyproject_lists_every_package():
    import tomllib
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {module_name(p.parent / "__init__.py") for p in PACKAGE.rglob("__init__.py")}
    # and the two folders of data files, listed so that setuptools installs them without a warning (a newcomer's
    # install warned "Package 'estimator.data' is absent from the `packages` configuration")
    assert set(conf["packages"]) == on_disk | {"estimator.bundled_profiles", "estimator.data"}
    assert set(conf["package-data"]["estimator.data"]) >= {"*.csv", "*.json", "*.toml"}
    assert conf["package-dir"]["estimator.bundled_profiles"] == "profiles"
