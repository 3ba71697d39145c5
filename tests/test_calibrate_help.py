"""`calibrate --help` names the environment variable that moves the default folder (journeys C2: only the
README and code comments named ESTIMATOR_CALIBRATED_DIR, which the CLI and the app both honour)."""

from __future__ import annotations

import pytest


def test_calibrate_help_names_the_variable_that_moves_the_default_folder(capsys):
    from estimator.cli import main
    with pytest.raises(SystemExit) as done:
        main(["calibrate", "--help"])
    assert done.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the help
    assert "--out OUT where to write the profile (.toml; default <id>.toml in profiles/calibrated/ in a checkout" in out
    assert "or in the folder the environment variable ESTIMATOR_CALIBRATED_DIR names, where set, which the app reads" in out
