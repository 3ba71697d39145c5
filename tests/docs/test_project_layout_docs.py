"""The project layout page names every module and data file, and the data README every data file.

A newcomer's review found ten modules and six data files missing from docs/reference/project-layout.md (the step
fit, MLPerf's fits, the engines' TOML among them) and engines.toml missing from estimator/data/README.md: a new file
now fails here until the page says where it lives.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = (ROOT / "docs" / "reference" / "project-layout.md").read_text(encoding="utf-8")
DATA_README = (ROOT / "estimator" / "data" / "README.md").read_text(encoding="utf-8")
DATA_SUFFIXES = {".csv", ".json", ".toml"}


def _modules(package: str) -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / package).rglob("*.py")
                  if p.stem not in {"__init__", "__main__"} and "__pycache__" not in p.parts)


def _data_files() -> list[str]:
    return sorted(p.name for p in (ROOT / "estimator" / "data").iterdir() if p.suffix in DATA_SUFFIXES)


@pytest.mark.parametrize("module", _modules("estimator") + _modules("app_pages"))
def test_the_layout_page_names_each_module(module):
    assert f"`{Path(module).stem}`" in LAYOUT, f"docs/reference/project-layout.md does not name {module}"


# A folder as the page names it, in backticks ("`estimator/services/`", "`training/`", "`pages/`"): a module is named in
# the text from its folder's name to the next folder's (docs review 2026-11-28: `services/training/plan.py` passed the check
# above because `plan` is named under `core/training/`)
FOLDER = re.compile(r"`([\w.]+(?:/[\w.]+)*/)`")


def _folder_text(folder: str) -> str | None:
    """The page's text about ``folder`` (a path ending in "/"): from its name, whole or its last parts, to the next
    folder's name."""
    marks = [(m.start(), m.group(1)) for m in FOLDER.finditer(LAYOUT)]
    parts = folder.strip("/").split("/")
    for k in range(len(parts)):
        for i, (pos, name) in enumerate(marks):
            if name == "/".join(parts[k:]) + "/":
                return LAYOUT[pos:marks[i + 1][0] if i + 1 < len(marks) else len(LAYOUT)]
    return None


@pytest.mark.parametrize("module", _modules("estimator") + _modules("app_pages"))
def test_the_layout_page_names_each_module_under_its_own_folder(module):
    text = _folder_text(str(Path(module).parent) + "/")
    assert text is not None, f"docs/reference/project-layout.md does not name the folder of {module}"
    assert f"`{Path(module).stem}`" in text, f"docs/reference/project-layout.md does not name {module} under its folder"


@pytest.mark.parametrize("name", _data_files())
def test_each_data_file_is_named_in_the_layout_page_and_the_data_readme(name):
    assert f"`{name}`" in LAYOUT and f"`{name}`" in DATA_README


def test_the_lists_are_not_empty():
    """A moved folder would otherwise pass every test above by having no files."""
    assert len(_modules("estimator")) > 100 and len(_data_files()) > 20
