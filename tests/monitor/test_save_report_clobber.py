"""``Run.save_report`` replaces a file only where it holds a track report, as ``track(report_path=…)`` does (measuring
engineer's review 2026-11-30: it wrote its JSON over a .py script without a word)."""

import json
import time

import pytest

from estimator import track
from estimator.core.base.errors import InputError


def _run(steps: int = 5, hardware: str = "cpu-server-2s-epyc", step_s: float = 0.0):
    with track(total_steps=steps, flops_per_step=1e9, hardware=hardware, backend="none") as run:
        for _ in range(steps):
            time.sleep(step_s)
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


def test_a_path_in_a_missing_folder_or_of_the_wrong_kind_names_its_argument(tmp_path):
    """Measuring reviewer 2026-12-02: save_report's missing folder was a bundled data file's error with no field, and
    write_profile's refusals of its path named none, where track(report_path=…) names its own."""
    run = _run(40, hardware="h100-sxm", step_s=0.002)  # a plausible H100 step: the path is what is refused
    with pytest.raises(InputError, match="the folder .* does not exist; create it first") as saved:
        run.save_report(tmp_path / "missing" / "r.json")
    assert saved.value.field == "path"
    for path, words in ((tmp_path / "p.txt", "must name a .toml file"),
                        (tmp_path / "missing" / "p.toml", "does not exist; create it first")):
        with pytest.raises(InputError, match=words) as written:
            run.write_profile(path)
        assert written.value.field == "path"
