"""``Run.save_report`` replaces a file only where it holds a track report, as ``track(report_path=…)`` does (measuring
engineer's review 2026-11-30: it wrote its JSON over a .py script without a word)."""

import json

import pytest

from estimator import track
from estimator.core.base.errors import InputError


def _run():
    with track(total_steps=5, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend="none") as run:
        for _ in range(5):
            run.step()
    return run


def test_a_script_at_the_path_is_kept(tmp_path):
    script = tmp_path / "train.py"
    script.write_text("print('my training loop')\n")
    with pytest.raises(InputError, match="already holds a file that is not a track report"):
        _run().save_report(script)
    assert script.read_text() == "print('my training loop')\n"


def test_a_report_at_the_path_is_replaced_and_a_new_path_written(tmp_path):
    run = _run()
    path = tmp_path / "report.json"
    run.save_report(path)
    first = json.loads(path.read_text())
    run.save_report(path)  # its own report again: replaced
    assert json.loads(path.read_text())["format"] == first["format"]
