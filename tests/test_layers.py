"""The layers the tree shows are the layers the imports keep.

Pure packages (core, fit, laws, report) import only each other and third-party science
libraries: never the edges (io, services, measure, cli), the app, Streamlit, pynvml or
CodeCarbon, and they never open files.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "estimator"
PURE = ("core", "fit", "laws", "report")
EDGES = ("io", "services", "measure", "cli")
FORBIDDEN_MODULES = ("streamlit", "pynvml", "codecarbon", "app_pages", "altair", "importlib.resources")
FORBIDDEN_CALLS = ("open", "read_text", "read_bytes", "write_text", "write_bytes")


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = ["estimator", path.parent.name]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(pkg[: len(pkg) - node.level + 1] + ([base] if base else []))
            out += [base] + [f"{base}.{a.name}" for a in node.names]
    return out


def forbidden(path: Path) -> list[str]:
    bad = []
    for mod in imports_of(path):
        if any(mod == e or mod.startswith(e + ".") for e in (f"estimator.{x}" for x in EDGES)):
            bad.append(f"imports {mod}")
        if any(mod == m or mod.startswith(m + ".") for m in FORBIDDEN_MODULES):
            bad.append(f"imports {mod}")
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name in FORBIDDEN_CALLS:
                bad.append(f"calls {name}() at line {node.lineno}")
    return bad


PURE_FILES = sorted(p for pkg in PURE for p in (PACKAGE / pkg).glob("*.py"))


def test_the_tree_has_the_layers():
    for pkg in PURE + EDGES:
        assert (PACKAGE / pkg / "__init__.py").is_file(), pkg
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py"]  # nothing loose


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pure_modules_do_not_reach_the_edges(path):
    assert forbidden(path) == []


CORE_FILES = sorted((PACKAGE / "core").glob("*.py"))


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.name)
def test_the_core_is_the_bottom_layer(path):
    """core imports only core: the fits, laws and reports build on it, never the other way."""
    others = [m for m in imports_of(path) if m.startswith("estimator.") and m != "estimator.core" and not m.startswith("estimator.core.")]
    assert others == []


def test_the_core_check_sees_an_upward_import(tmp_path):
    pkg = tmp_path / "core"
    pkg.mkdir()
    f = pkg / "bad.py"
    f.write_text("from ..fit.utilization_fit import fit\nfrom estimator.report import humanize\n")
    assert [m for m in imports_of(f) if m != "estimator.core" and not m.startswith("estimator.core.")] == [
        "estimator.fit.utilization_fit", "estimator.fit.utilization_fit.fit", "estimator.report",
        "estimator.report.humanize"]


@pytest.mark.parametrize("source, expected", [
    ("from estimator.io import datafiles\n", "imports estimator.io"),
    ("from ..services.api import run\n", "imports estimator.services.api"),
    ("import streamlit as st\n", "imports streamlit"),
    ("from pynvml import nvmlInit\n", "imports pynvml"),
    ("x = open('f').read()\n", "calls open()"),
    ("from pathlib import Path\nPath('f').read_text()\n", "calls read_text()"),
])
def test_the_check_fails_on_a_forbidden_import(tmp_path, source, expected):
    pkg = tmp_path / "core"
    pkg.mkdir()
    f = pkg / "bad.py"
    f.write_text(source)
    assert any(b.startswith(expected) for b in forbidden(f)), forbidden(f)


def test_pyproject_lists_every_package():
    import tomllib
    conf = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {"estimator"} | {f"estimator.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    assert set(conf["packages"]) == on_disk | {"estimator.bundled_profiles"}
    assert conf["package-dir"]["estimator.bundled_profiles"] == "profiles"
