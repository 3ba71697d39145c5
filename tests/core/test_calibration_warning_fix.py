"""A calibrated profile's warning is answered with the fix it names: a run too short for the meter with a longer run
(the warning's words before 2026-11-29 too, "(a longer run is)": diff review, profiles written then were answered
"on an otherwise idle machine" once the words changed), a busy machine with an idle one."""

from dataclasses import replace

import pytest

from estimator.core.training.estimate import estimate
from estimator.core.workload.scenario import Scenario
from estimator.io.datafiles import default_profiles


@pytest.mark.parametrize("warning, fix", [
    ("energy: the run's measurement windows took 0.5 s in all, under the meter's 1-s power sampling: its energy for "
     "so short a run is not reliable (a longer run is)", "re-calibrate with a longer run"),
    ("energy: the run's measurement windows took 0.5 s in all, under the meter's 1-s power sampling, too short to "
     "measure its energy, so none is given: measure a longer run", "re-calibrate with a longer run"),
    ("the machine looked busy (load average 4.67 at the start)", "re-calibrate on an otherwise idle machine"),
])
def test_a_calibrations_warning_is_answered_with_its_fix(warning, fix):
    profile = replace(default_profiles().get("cpu-server-2s-epyc"), calibration={"warnings": [warning]})
    (said,) = [n for n in estimate(Scenario(flops=1e15, devices=1), profile).notes if "warned that it" in n]
    assert said.endswith(f"it was kept anyway: {fix}")
