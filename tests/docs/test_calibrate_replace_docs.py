"""The calibrate guide and the contract say what calibrate does with a profile in its output file and with
the time asked (issue 55), in the figures the code has."""

from __future__ import annotations

from pathlib import Path

from estimator.device.matmul_bench import MIN_REPS, OVERRUN_SHARE

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _text(name: str) -> str:
    return " ".join((DOCS / name).read_text(encoding="utf-8").split())


def test_the_docs_give_one_rule_for_a_profile_in_the_output_file():
    contract, guide = _text("reference/contract.md"), _text("how-to/calibrate.md")
    assert "it is replaced only with `--force`, whatever the calibration" in contract
    assert "No `<file>.toml.new` is ever left to move by hand." in contract
    assert "move" not in guide.split("A profile already in that file")[1].split("The built-in workload stops")[0]
    assert "give --force to replace it, or --id for a profile beside it" in guide


def test_the_guide_gives_the_time_rule_from_its_constants():
    guide = _text("how-to/calibrate.md")
    assert f"a product that would end more than {OVERRUN_SHARE:.0%} past its share is not started" in guide
    assert f"fewer than its {MIN_REPS} timed products" in guide
