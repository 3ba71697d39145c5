"""The docs build as a site with no warning: `mkdocs build --strict` (a broken link or anchor, a page
left out of mkdocs.yml's navigation, an unknown theme option each fail the build)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_mkdocs_builds_the_docs_strictly(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                           str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    pages = {p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*.html")}
    docs = {p.relative_to(ROOT / "docs").with_suffix(".html").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert docs <= pages  # every page of docs/ is in the site


def test_every_docs_page_is_in_the_navigation():
    """mkdocs warns of a page left out of the navigation only at INFO level unless told: the config
    says `omitted_files: warn`, so --strict fails on one; this holds that setting in place."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "omitted_files: warn" in text
    for page in (ROOT / "docs").rglob("*.md"):
        assert page.relative_to(ROOT / "docs").as_posix() in text, page


def test_the_readme_test_command_is_the_line_ci_runs():
    """The README's second command is what .ci/run runs, word for word, and both install the package."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in ci.splitlines() if line.startswith("python3 -m venv --upgrade-deps .venv"))
    assert f"```bash\n{command}\n```" in readme
    assert "requirements-dev.txt -e ." in command
    assert ".venv/bin/pip install -q -r requirements.txt -e . && .venv/bin/streamlit run app.py" in readme
