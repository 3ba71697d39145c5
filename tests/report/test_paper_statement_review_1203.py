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


@pytest.mark.parametrize("given, hint", [("Atlantis", None), ("Frnace", "France (FRA)"), ("Germny", "Germany (DEU)"),
                                         ("FRN", "France (FRA)")])
def test_a_country_far_from_any_is_offered_none(capsys, given, hint):
    """"Atlantis" was offered Albania (difflib's ratio 0.67); a typed slip is still offered its country, a code one letter
    off too (0.67 as well: codes keep difflib's 0.6)."""
    assert main(["estimate", "--flops", "1e21", "--country", given]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: unknown country '{given}'") and len(err.splitlines()) == 1
    assert ("did you mean" in err) == (hint is not None)
    if hint:
        assert f"did you mean {hint}" in err or f", {hint}" in err


def test_a_run_given_by_its_device_hours_takes_them_as_exact_not_a_time(capsys):
    """`--flops 3e21 --device-hours 12000` with no devices states no wall-clock time, yet read "the time given … taken
    as exact"; a run given by its hours still says the time."""
    by_hours = _out(capsys, "estimate", "--flops", "3e21", "--device-hours", "12000", "--hardware", "a100-sxm-80gb",
                    "--format", "latex")
    assert "the device-hours given, the PUE" in by_hours and "the time given" not in by_hours
    timed = _out(capsys, "estimate", "--flops", "3e21", "--hours", "1000", "--devices", "8", "--hardware",
                 "a100-sxm-80gb", "--format", "latex")
    assert "the time given, the PUE" in timed


def test_the_step_paths_power_range_says_what_its_fit_holds(capsys):
    """Llama 3.1 8B on 256 H100s, timed by the step model: its ranges' sentence said the power's came "from a fit to
    measured power draws", not that none of those draws was an H100's, as a known time's statement says."""
    tex = _out(capsys, "estimate", "--model", "llama-3.1-8b", "--tokens", "2e12", "--hardware", "h100-sxm", "--devices",
               "256", "--format", "latex")
    assert ("the power's from a fit to measured power draws (3 runs on the P100 SXM2 and V100 SXM2, none on this device: "
            "its coverage here is not measured);") in tex
    # on a device the fit holds runs of, its coverage is the validate command's to report
    v100 = _out(capsys, "estimate", "--flops", "1e21", "--hardware", "v100-sxm2", "--devices", "8", "--format", "latex")
    assert "(3 runs on the P100 SXM2 and V100 SXM2; the tool's validate command reports the fit's leave-one-out coverage)" \
        in v100
