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
    from estimator.io.paths import CALIBRATED_DIR_ENV
    option = out[out.rindex("--out OUT"):]  # its entry under the options, after the usage line
    option = option[:option.index(" --", 2)] if " --" in option[2:] else option  # --out's own help, up to the next
    for words in ("profiles/calibrated/", CALIBRATED_DIR_ENV, "the app"):  # the folder, its variable, who reads it
        assert words in option, (words, option)
