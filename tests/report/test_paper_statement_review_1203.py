"""Paper-statement review 2026-12-03 (helper-338): what a reviewer of a paper's compute statement found, each held here.
The memory verdict, the MFU's N and the energy at the measured draw: test_statement_calibrated.py,
test_statement_step_model.py, test_statement_chip_draw.py."""

from __future__ import annotations

import pytest

from estimator.cli import main

MIXTRAL = ["estimate", "--model", "mixtral-8x7b", "--tokens", "1e12", "--hardware", "h100-sxm", "--devices", "128",
           "--country", "FRA"]


def _out(capsys, *args: str) -> str:
    assert main(list(args)) == 0
    return " ".join(capsys.readouterr().out.split())


def test_the_whole_run_times_attention_clause_is_in_the_statement_as_in_the_table(capsys):
    """Mixtral 8x7B at its 32,768-token sequence: the whole-run utilisation on 6·N·D gave 37.5 days beside the step
    model's 24.5; the table added that on the step's FLOPs (1.66× them) the same utilisation takes 62.1 days, the
    statement did not."""
    table = _out(capsys, *MIXTRAL)
    tex = _out(capsys, *MIXTRAL, "--format", "latex")
    said = "on the step's FLOPs the same utilisation would take "
    assert said in table and said in tex
    days = table.split(said, 1)[1].split(" days", 1)[0]
    assert float(days) == pytest.approx(62.1, abs=0.05)
    assert f"{said}{days} days." in tex
    assert "(its model FLOPs are 1.66~$\\times$ them)" in tex and "(its model FLOPs are 1.66× them)" in table


@pytest.mark.parametrize("given, hint", [("Atlantis", None), ("Frnace", "France (FRA)"), ("Germny", "Germany (DEU)")])
def test_a_country_far_from_any_is_offered_none(capsys, given, hint):
    """"Atlantis" was offered Albania (difflib's ratio 0.67); a typed slip is still offered its country."""
    assert main(["estimate", "--flops", "1e21", "--country", given]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: unknown country '{given}'") and len(err.splitlines()) == 1
    assert ("did you mean" in err) == (hint is not None)
    if hint:
        assert f"did you mean {hint}" in err


def test_a_run_given_by_its_device_hours_takes_them_as_exact_not_a_time(capsys):
    """`--flops 3e21 --device-hours 12000` with no devices states no wall-clock time, yet read "the time given … taken
    as exact"; a run given by its hours still says the time."""
    by_hours = _out(capsys, "estimate", "--flops", "3e21", "--device-hours", "12000", "--hardware", "a100-sxm-80gb",
                    "--format", "latex")
    assert "the device-hours given, the PUE" in by_hours and "the time given" not in by_hours
    timed = _out(capsys, "estimate", "--flops", "3e21", "--hours", "1000", "--devices", "8", "--hardware",
                 "a100-sxm-80gb", "--format", "latex")
    assert "the time given, the PUE" in timed
