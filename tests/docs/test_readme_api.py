"""README's examples hold: the Python API block runs as written (nothing defined for it) and gives
the numbers its comments say; the lecture's console block shows lines of the real output; the
screenshot shows today's numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import screenshot_facts

from estimator.report import humanize as hz

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_python_api_block_runs_and_its_comments_hold():
    section = README.read_text().split("## Python API", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    ns: dict = {}
    exec(compile(block, "README.md (Python API)", "exec"), ns)
    r = ns["r"]
    assert "# 1.12e10 s (355 years), 4.61e6 USD" in block
    assert f"{r.estimate.wall_clock_s:.3g}" == "1.12e+10" and hz.duration(r.estimate.wall_clock_s) == "355 years"
    assert r.estimate.cost_usd == pytest.approx(4.61e6, rel=5e-3)
    assert ns["e"].device_hours > 0 and np.all(np.isfinite(ns["out"]["wall_clock_s"]))


def test_the_lecture_block_shows_the_commands_real_lines_in_order(cli):
    """Each line of "The lecture in one line" is a line of the command's output (trailing spaces
    aside), in the same order; "…" stands for lines cut."""
    section = README.read_text().split("## The lecture in one line", 1)[1]
    block = re.search(r"```console\n(.*?)```", section, re.S).group(1).splitlines()
    command, shown = block[0], [line for line in block[1:] if line != "…"]
    assert command.startswith("$ .venv/bin/python -m estimator ") and len(shown) >= 4
    result = cli(*command.split()[4:])  # after "$ .venv/bin/python -m estimator"
    assert result.code == 0
    real = [line.rstrip() for line in result.out.splitlines()]
    at = -1
    for line in shown:
        assert line.rstrip() in real[at + 1:], f"README shows a line the command does not print next: {line!r}"
        at = real.index(line.rstrip(), at + 1)


def test_the_readme_screenshot_shows_todays_numbers():
    """docs/estimate-page.json is what docs/estimate-page.png showed when it was taken; a change to
    the estimate must come with a new picture (the message says how to take it)."""
    assert "](docs/estimate-page.png)" in README.read_text()
    taken = json.loads(screenshot_facts.FACTS.read_text())
    assert taken == screenshot_facts.facts(), f"docs/estimate-page.png is stale: re-take it with {screenshot_facts.RETAKE}"
