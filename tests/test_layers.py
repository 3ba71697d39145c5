"""The layers the tree shows are the layers the imports keep.

Drawn from the code's own imports (``import`` and ``from … import`` statements anywhere in a module, under
``TYPE_CHECKING`` too): no module imports one on a higher floor, and no import circle exists anywhere in the
project (``estimator/``, ``app_pages/``, ``app.py``). Pure packages (core, fit, laws, report) also never
import the edges, Streamlit, pynvml or CodeCarbon, and never open files, list folders, read the environment or run
programs; fit, laws and report never import each other. Across the repository (outside ``tests/``) pynvml and
CodeCarbon are each imported by one module; the CLI and the app compute through ``estimator.services``. Names are
resolved through their imports (``import json as j``, ``from pathlib import Path as P``), and
``importlib.import_module('x')`` / ``__import__('x')`` with a written name count as imports of ``x``.
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
APART = ("estimator.fit", "estimator.laws", "estimator.report")  # one floor; none imports another (test below)
FLOORS = (
    *(f"estimator.core.{f}" for f in CORE_FLOORS),
    APART,  # pure, each on the core alone (and each other: none)
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
# importlib: a module named by a string (import_module) or package data (resources); os: the environment, folders
# and files (the pure code takes no paths, so os.path too); subprocess, shutil, socket, psutil, glob, tempfile:
# programs, files, the network and the machine (a newcomer's review 2026-12: none of these had been listed)
FORBIDDEN_MODULES = ("streamlit", "pynvml", "codecarbon", "app_pages", "altair", "importlib", "builtins", "os",
                     "subprocess", "shutil", "socket", "psutil", "glob", "tempfile",
                     # the machine, the network and files by other doors (diff review 2026-12-03)
                     "pkgutil", "urllib.request", "http.client", "http.server", "platform", "linecache", "pickle",
                     "sqlite3")
# reading or writing files by any of the usual calls (conventions audit 2026-11-28: json.load, np.load, pd.read_csv and
# tomllib.load had not been listed), a path's own questions of the disk (review 2026-12: Path('x').exists() had
# passed), and pandas' readers (pandas.read_* too, by its resolved name: read_weight_bytes is the core's own)
FORBIDDEN_CALLS = ("open", "read_text", "read_bytes", "write_text", "write_bytes", "load", "loadtxt", "genfromtxt",
                   "fromfile", "read_csv", "read_json", "read_parquet", "read_table", "read_excel", "read_pickle",
                   "exists", "is_file", "is_dir", "iterdir", "glob", "rglob", "stat",
)
# methods (``x.name(…)``, never a module's own function of that name: the report's to_csv writes text): a path's other
# questions of the disk and its writes, where the process runs, numpy's and pandas' writers (diff review 2026-12-03:
# Path.cwd(), .unlink(), np.save and DataFrame.to_csv had passed)
FORBIDDEN_METHODS = ("cwd", "home", "unlink", "mkdir", "touch", "rmdir", "rename", "save", "savez", "savetxt", "to_csv",
                     "to_json", "to_parquet", "to_pickle", "to_excel", "FileIO")
# builtins the pure code never names at all (called or passed on): files, and code from strings
FORBIDDEN_BUILTINS = ("open", "eval", "exec", "__import__")
MAX_LOOSE_CORE_MODULES = 12


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_files() -> dict[str, Path]:
    files = [p for pkg in ("estimator", "app_pages") for p in (ROOT / pkg).rglob("*.py")] + [ROOT / "app.py"]
    return {module_name(p): p for p in files}


def name_of(path: Path) -> str:
    """The file's module name; a file outside the project (a test's snippet in ``tmp/<folder>/x.py``) is taken for
    ``estimator.<folder>.x``."""
    return module_name(path) if path.is_relative_to(ROOT) else f"estimator.{path.parent.name}.{path.stem}"


def absolute(node: ast.ImportFrom, path: Path) -> str:
    """The module ``from … import`` names, a relative one resolved against the file's package."""
    name = name_of(path)
    pkg = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    base = node.module or ""
    if node.level:
        base = ".".join(pkg[: len(pkg) - node.level + 1] + ([base] if base else []))
    return base


def imports_of(path: Path, modules=None) -> list[str]:
    """The modules a file imports, relative imports resolved; ``from a import b`` is ``a.b`` where that
    is a module of ``modules``, else ``a``."""
    out = []
    for node in source_trees.nodes(path):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = absolute(node, path)
            if modules is None:
                out += [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                out += [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
    return out


def bound_names(path: Path) -> dict[str, str]:
    """What each name a file's imports bind stands for: ``import json as j`` binds ``j`` to ``json``, ``from pathlib
    import Path as P`` binds ``P`` to ``pathlib.Path``, ``import os.path`` binds ``os`` to ``os``. File-wide: a
    function's own import counts everywhere (a check that sees too much, never too little)."""
    out = {}
    for node in source_trees.nodes(path):
        if isinstance(node, ast.Import):
            out.update((a.asname, a.name) if a.asname else (a.name.split(".")[0],) * 2 for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = absolute(node, path)
            out.update({a.asname or a.name: f"{base}.{a.name}" for a in node.names if a.name != "*"})
    return out


def dotted(node: ast.AST, names: dict[str, str]) -> str | None:
    """The dotted name an expression stands for through the file's imports (``j.load`` → ``json.load``); None where
    its root is not an imported name (a builtin, a local, a call's result)."""
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        base = dotted(node.value, names)
        return None if base is None else f"{base}.{node.attr}"
    return None


def dynamic_imports(path: Path) -> list[str]:
    """The modules a file imports by a written name: ``importlib.import_module('x')``, ``__import__('x')``."""
    names = bound_names(path)
    out = []
    for node in source_trees.nodes(path):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = dotted(node.func, names) or (node.func.id if isinstance(node.func, ast.Name) else None)
            if func in ("importlib.import_module", "__import__", "builtins.__import__"):
                out.append(node.args[0].value)
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


def apart_imports(g: dict[str, set[str]]) -> list[str]:
    """Imports between fit, laws and report: one floor, so the floor check lets them through."""
    def which(m):
        return next((a for a in APART if m == a or m.startswith(a + ".")), None)
    return sorted(f"{m} -> {d}" for m, deps in g.items() for d in deps if which(m) and which(d) not in (None, which(m)))


def test_fit_laws_and_report_do_not_import_each_other():
    assert apart_imports(graph()) == []


def test_the_apart_check_sees_one_importing_another():
    fake = {"estimator.fit.power_fit": {"estimator.report.humanize", "estimator.fit.grouped_conformal",
                                        "estimator.core.base.units"},
            "estimator.laws.scaling": {"estimator.fit.step_fit"}, "estimator.report.export": {"estimator.report.humanize"}}
    assert apart_imports(fake) == ["estimator.fit.power_fit -> estimator.report.humanize",
                                   "estimator.laws.scaling -> estimator.fit.step_fit"]


# Each meter's library has one home (docs/reference/project-layout.md: "nvml (the only pynvml import),
# codecarbon_backend (the only codecarbon import)"), over every Python file of the repository but the tests, which
# stand in for them (tests/fake_nvml.py). Finding out whether CodeCarbon is installed (importlib.util.find_spec in
# estimator/io/paths.py) imports nothing.
METER_HOMES = {"pynvml": "estimator.device.nvml", "codecarbon": "estimator.device.codecarbon_backend"}


def repository_files() -> list[Path]:
    """Every Python file of the repository outside tests/, hidden folders and virtual environments."""
    out = []
    for top in sorted(ROOT.iterdir()):
        # and what a build leaves (setuptools' build/ and dist/, git-ignored: copies of the package's own files; diff
        # review 2026-12-03)
        if (top.name.startswith(".") or top.name in ("tests", "build", "dist") or top.name.endswith(".egg-info")
                or (top / "pyvenv.cfg").exists()):
            continue
        if top.suffix == ".py":
            out.append(top)
        elif top.is_dir():
            out += sorted(p for p in top.rglob("*.py") if not any(part.startswith(".") or part == "site-packages"
                                                                   for part in p.relative_to(top).parts))
    return out


def meter_imports(path: Path) -> list[str]:
    home = name_of(path)
    return sorted({f"imports {lib}" for mod in imports_of(path) + dynamic_imports(path) for lib, own in METER_HOMES.items()
                   if (mod == lib or mod.startswith(lib + ".")) and home != own})


def test_each_meter_library_is_imported_by_its_home_alone():
    files = repository_files()
    assert {"estimator", "app_pages", "benchmarks", "research"} <= {p.relative_to(ROOT).parts[0] for p in files}
    assert [f"{p.relative_to(ROOT)}: {b}" for p in files for b in meter_imports(p)] == []


@pytest.mark.parametrize("folder, source, expected", [
    ("monitor", "import pynvml\n", ["imports pynvml"]),
    ("cli", "from codecarbon import OfflineEmissionsTracker as T\n", ["imports codecarbon"]),
    ("pages", "def f():\n    from codecarbon.core.cpu import TDP\n    return TDP\n", ["imports codecarbon"]),
    ("pages", "import importlib\nnv = importlib.import_module('pynvml')\n", ["imports pynvml"]),
    ("benchmarks", "cc = __import__('codecarbon')\n", ["imports codecarbon"]),
    ("device", "import pynvml\n", []),  # device/nvml.py: its home (the snippet's file is named below)
])
def test_the_meter_check_sees_an_import_outside_its_home(tmp_path, folder, source, expected):
    f = tmp_path / folder / ("nvml.py" if folder == "device" else "x.py")
    f.parent.mkdir()
    f.write_text(source)
    assert meter_imports(f) == expected
    if folder == "device":  # the other library's home is not this one's
        (tmp_path / "device" / "codecarbon_backend.py").write_text(source)
        assert meter_imports(tmp_path / "device" / "codecarbon_backend.py") == ["imports pynvml"]


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
    for mod in imports_of(path) + dynamic_imports(path):
        if any(mod == e or mod.startswith(e + ".") for e in (f"estimator.{x}" for x in EDGES)):
            bad.append(f"imports {mod}")
        if any(mod == m or mod.startswith(m + ".") for m in FORBIDDEN_MODULES):
            bad.append(f"imports {mod}")
    names = bound_names(path)
    called = set()
    for node in source_trees.nodes(path):
        if isinstance(node, ast.Call):
            called.add(id(node.func))
            # by the name it stands for (``from json import load as j; j(f)`` is json.load) and, where it is not an
            # imported name, the one it is reached by (``p.exists()``: a method of anything; ``open(f)``)
            full = dotted(node.func, names) or ""
            own = getattr(node.func, "attr", None) or (node.func.id if isinstance(node.func, ast.Name) else None)
            own = None if isinstance(node.func, ast.Name) and own in names else own
            hits = {n for n in (own, full.rpartition(".")[2]) if n in FORBIDDEN_CALLS}
            if isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN_METHODS:
                hits.add(node.func.attr)
            if isinstance(node.func, ast.Name) and own in FORBIDDEN_BUILTINS:
                hits.add(own)
            if full.startswith("pandas.read_"):
                hits.add(full.rpartition(".")[2])
            if full in ("sys.modules.get", "io.open", "io.FileIO"):   # a module by its name; files by io's doors
                hits.add(full)
            bad += [f"calls {name}() at line {node.lineno}" for name in sorted(hits)]
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in FORBIDDEN_BUILTINS \
                and node.id not in names and id(node) not in called:
            bad.append(f"uses {node.id} at line {node.lineno}")  # passed on or kept: ``f = open``
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
    # a newcomer's review (2026-12) found each of these passing: an alias, a module by name, the disk, the machine
    ("from json import load as j\nj(f)\n", "calls load()"),
    ("import json as j\nj.load(f)\n", "calls load()"),
    ("import importlib\nimportlib.import_module('streamlit')\n", "imports streamlit"),
    ("from importlib import import_module as im\nim('app_pages.ui.common')\n", "imports app_pages.ui.common"),
    ("__import__('pynvml')\n", "imports pynvml"), ("__import__('pynvml')\n", "calls __import__()"),
    ("from pathlib import Path\nPath('x').exists()\n", "calls exists()"),
    ("from pathlib import Path as P\nP('x').read_text()\n", "calls read_text()"),
    ("def f(p):\n    return [q for q in p.iterdir() if q.is_file()]\n", "calls is_file()"),
    ("def f(p):\n    return sorted(p.glob('*.csv'))\n", "calls glob()"),
    ("import os\nos.listdir('.')\n", "imports os"), ("from os import environ\n", "imports os.environ"),
    ("from os import getenv as g\ng('HOME')\n", "imports os.getenv"),
    ("import subprocess\nsubprocess.check_output(['nvidia-smi'])\n", "imports subprocess"),
    ("import psutil\n", "imports psutil"), ("import socket\n", "imports socket"),
    ("import shutil\n", "imports shutil"),
    ("import pandas as pd\npd.read_excel('f.xlsx')\n", "calls read_excel()"),
    ("from pandas import read_stata as rs\nrs('f.dta')\n", "calls read_stata()"),
    ("x = eval('1 + 1')\n", "calls eval()"), ("exec('x = 1')\n", "calls exec()"),
    ("reader = open\n", "uses open"),
    # the diff review's of 2026-12-03
    ("from pathlib import Path\nhere = Path.cwd()\n", "calls cwd()"), ("def f(p):\n    p.unlink()\n", "calls unlink()"),
    ("import numpy as np\nnp.save('x', [1])\n", "calls save()"), ("def f(df):\n    df.to_csv('x.csv')\n", "calls to_csv()"),
    ("import pkgutil\n", "imports pkgutil"), ("from urllib.request import urlopen\n", "imports urllib.request"),
    ("import platform\nplatform.node()\n", "imports platform"), ("import sys\nm = sys.modules.get('os')\n",
                                                                  "calls sys.modules.get()"),
    ("import io\nio.FileIO('x')\n", "calls FileIO()"),
])
def test_the_check_fails_on_a_forbidden_import(tmp_path, source, expected):
    pkg = tmp_path / "core"
    pkg.mkdir()
    f = pkg / "bad.py"
    f.write_text(source)
    assert any(b.startswith(expected) for b in forbidden(f)), forbidden(f)


def test_the_check_passes_what_only_shares_a_name(tmp_path):
    """Names alike, no file: a field called ``open`` or ``exists``, a keyword ``open=``, an attribute read, the core's
    own ``read_…``, a string's JSON, a string buffer, ``re.compile``, an ``open`` imported from elsewhere."""
    f = tmp_path / "core" / "fine.py"
    f.parent.mkdir()
    f.write_text("import io\nimport json\nimport re\nfrom dataclasses import dataclass\n"
                 "from estimator.core.serving.weights import read_weight_bytes\n"
                 "from estimator.core.base.errors import quoted as open\n\n\n"
                 "@dataclass(frozen=True)\nclass Window:\n    open: bool\n    exists: bool = False\n\n\n"
                 "def f(w, text):\n    buf = io.StringIO()\n    re.compile('x').search(text)\n"
                 "    return w.open, w.exists, Window(open=True), json.loads(text), buf, read_weight_bytes, open('x')\n"
                 # a module's own writer of text, by its name, and a URL taken apart (no network)
                 "\n\ndef to_csv(rows):\n    return ','.join(rows)\n\n\nfrom urllib.parse import urlsplit\n"
                 "x = (to_csv(['a']), urlsplit('https://x'))\n")
    assert forbidden(f) == []


# The CLI and the app compute through estimator.services, so that both give the same numbers and make the same
# choices (docs/reference/project-layout.md). From the modules below, which compute an estimate (its FLOPs and
# utilisation too), a plan and the planner's search, a step time, a serving estimate or a fit, they take constants
# (UPPER_CASE) and types (CapWords: dataclasses, enums, exceptions) freely, and a function only where it is named in
# SERVICES_BYPASS_ALLOWED with why; any other function of these modules, a new one included, is refused. Outside the
# rule: the limits of scale (estimator.laws), whose curves the Limits page draws from the pure functions, a
# calibration (estimator.core.calibration, whose CLI and page share estimator.monitor, not the services), and the
# modules of constants, words and formatting (core.base, core.footprint, core.workload.scenario, estimator.report).
COMPUTING = ("estimator.core.training", "estimator.core.serving", "estimator.core.workload.flops",
             "estimator.core.hardware.utilization_model", "estimator.core.hardware.power_ratio", "estimator.fit")
SERVICES_BYPASS_ALLOWED = {
    "estimator.core.training.memory.gb": "GB in words",
    "estimator.core.training.memory.capacity_gb_text": "a device's memory in words",
    "estimator.core.training.plan.layout_split_short": "a layout in a plan table's column",
    "estimator.core.training.plan.recompute_short": "a layout's recomputation in a plan table's column",
    "estimator.core.training.plan.layout_dict": "a layout as a row's cells",
    "estimator.core.training.utilization_choice.centre_name": "which centre a fit predicts from, in words",
    "estimator.core.training.utilization_choice.depends_on": "what a fitted utilisation depends on, in words",
    "estimator.core.training.utilization_choice.fit_used": "which fit a profile uses, in words",
    "estimator.core.training.utilization_choice.fit_words": "a fit's family in words",
    "estimator.core.training.utilization_choice.reference_run": "the run a profile's utilisation is shown at, in words",
    "estimator.core.training.utilization_choice.same_for_every_run": "which of two sentences a profile's utilisation reads",
    "estimator.core.training.utilization_choice.year_words": "a profile's year in words",
    "estimator.core.serving.pruning.sparsity_words": "a profile's sparsity in words",
    "estimator.core.serving.step_notes.own_prompt_noun": "a prompt's noun in a caption",
}
UI_FILES = sorted([*(PACKAGE / "cli").rglob("*.py"), *(ROOT / "app_pages").rglob("*.py"), ROOT / "app.py"])


def origin(full: str, modules: dict[str, Path]) -> str:
    """The name ``full`` stands for where a project module passes on a name it imported (``plan_service.missing_links``
    is ``estimator.core.training.step.missing_links`` where the plan service imports it; ``plan_service.core_plan.search``
    is ``estimator.core.training.plan.search``), followed to the module that defines it (diff review 2026-12-03: a page
    could call the core through a services module's imports)."""
    for _ in range(len(modules)):
        module = max((m for m in modules if full == m or full.startswith(m + ".")), key=len, default=None)
        if module is None or full == module:
            return full
        first, _, rest = full[len(module) + 1:].partition(".")
        target = bound_names(modules[module]).get(first)
        if target is None:
            return full
        full = f"{target}.{rest}" if rest else target
    return full


def core_takes(path: Path, modules) -> dict[str, int]:
    """What a file takes from the computing modules, by the name it stands for (``plan.search``), with its first line;
    a module used whole (passed on, kept), not through one of its names, is itself."""
    names = bound_names(path)
    bases = {id(n.value) for n in source_trees.nodes(path) if isinstance(n, ast.Attribute)}
    taken = []
    for node in source_trees.nodes(path):
        if isinstance(node, ast.ImportFrom):
            taken += [(f"{absolute(node, path)}.{a.name}", node.lineno, False) for a in node.names]
        elif isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            if (full := dotted(node, names)) is not None:
                taken.append((full, node.lineno, id(node) not in bases))
    out = {}
    for full, line, bare in taken:
        full = origin(full, modules)
        if not full.startswith(COMPUTING):
            continue
        module = max((m for m in modules if full == m or full.startswith(m + ".")), key=len, default=None)
        if module is None or not any(module == c or module.startswith(c + ".") for c in COMPUTING):
            continue
        name = full[len(module) + 1:].split(".")[0] if full != module else ""
        if name or bare:
            out.setdefault(f"{module}.{name}" if name else module, line)
    return out


def services_bypass(path: Path, modules) -> list[str]:
    return [f"takes {k} at line {line}" for k, line in core_takes(path, modules).items()
            if not k.rpartition(".")[2][:1].isupper() and k not in SERVICES_BYPASS_ALLOWED]


def test_the_cli_and_the_app_compute_through_the_services():
    mods = project_files()
    assert [f"{p.relative_to(ROOT)}: {b}" for p in UI_FILES for b in services_bypass(p, mods)] == []


def unused_allowances(files, modules) -> list[str]:
    return sorted(set(SERVICES_BYPASS_ALLOWED) - {k for p in files for k in core_takes(p, modules)})


def test_every_allowed_bypass_is_still_taken():
    """The list shrinks as its entries go: one no file takes is gone from it."""
    assert unused_allowances(UI_FILES, project_files()) == []


def test_the_allowance_check_sees_an_entry_no_file_takes(tmp_path):
    f = tmp_path / "pages" / "x.py"
    f.parent.mkdir()
    f.write_text("from estimator.core.training import memory as m\nfrom estimator.core.training.plan import *\n"
                 "x = (m.gb, m.capacity_gb_text(1.0))\n")
    left = unused_allowances([f], project_files())
    assert len(left) == len(SERVICES_BYPASS_ALLOWED) - 2 and "estimator.core.training.plan.layout_dict" in left


@pytest.mark.parametrize("folder, source, expected", [
    ("pages", "from estimator.core.training.estimate import estimate\n",
     ["takes estimator.core.training.estimate.estimate at line 1"]),
    ("pages", "from estimator.core.serving import estimate as inference_core\nr = inference_core.inference(s, p, f)\n",
     ["takes estimator.core.serving.estimate.inference at line 2"]),
    ("cli", "import estimator.core.training.step\nst = estimator.core.training.step.step_time(a, b, c)\n",
     ["takes estimator.core.training.step.step_time at line 2"]),
    ("cli", "from ..core.training import plan as core_plan\nfound = core_plan.search(a, b, c, d, devices=8)\n",
     ["takes estimator.core.training.plan.search at line 2"]),
    ("cli", "from estimator.fit import utilization_fit as uf\nmodel = uf.select_and_fit(runs)\n",
     ["takes estimator.fit.utilization_fit.select_and_fit at line 2"]),
    ("pages", "from estimator.core.training import sweep\nrun(sweep)\n", ["takes estimator.core.training.sweep at line 2"]),
    ("pages", "from estimator.core.training.utilization_choice import utilization_for as uf\n",
     ["takes estimator.core.training.utilization_choice.utilization_for at line 1"]),
    # through a services module that imports it (diff review 2026-12-03: both had passed)
    ("pages", "from estimator.services.training import plan as plan_service\nplan_service.missing_links(p)\n",
     ["takes estimator.core.training.step.missing_links at line 2"]),
    ("cli", "from estimator.services.training import plan as ps\nps.core_plan.search(a)\n",
     ["takes estimator.core.training.plan.search at line 2"]),
    ("cli", "from estimator.services.training.plan import estimate\n",
     ["takes estimator.core.training.estimate.estimate at line 1"]),
    # constants, types, words listed, and modules the rule is not about: nothing
    ("pages", "from estimator.core.serving import estimate as ic\nfrom estimator.core.training.memory import Strategy, gb\n"
              "from estimator.fit.serving_fit import FACTOR_BANDS\nfrom estimator.report import export\n"
              "from estimator.core.base.number_text import gfmt\nx = (ic.MAX_BATCH_WORD, Strategy.ZERO, gb(3.0))\n"
              "y = export.dump_json({})\n", []),
])
def test_the_services_check_sees_a_computing_call(tmp_path, folder, source, expected):
    f = tmp_path / folder / "x.py"
    f.parent.mkdir()
    f.write_text(source)
    assert services_bypass(f, project_files()) == expected


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
