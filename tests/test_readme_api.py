"""README's Python API example runs as written and gives the numbers its comments say."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from estimator.report import humanize as hz


def test_the_readme_python_api_block_runs_and_its_comments_hold():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("## Python API", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    ns = {"flops_array": np.array([1e23, 3.14e23]), "util_array": np.array([0.3, 0.4])}
    exec(compile(block, "README.md (Python API)", "exec"), ns)
    r = ns["r"]
    assert "# 1.12e10 s (355 years), 4.61e6 USD" in block
    assert f"{r.estimate.wall_clock_s:.3g}" == "1.12e+10" and hz.duration(r.estimate.wall_clock_s) == "355 years"
    assert r.estimate.cost_usd == pytest.approx(4.61e6, rel=5e-3)
    assert ns["e"].device_hours > 0 and np.all(np.isfinite(ns["out"]["wall_clock_s"]))
