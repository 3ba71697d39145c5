"""A mistyped ESTIMATOR_CALIBRATED_DIR is refused, not created (it had been made silently, and the
profile written there was then missing from every later run that spelled the folder right)."""

import subprocess
import sys

import pytest
from child_env import child_env

from estimator.core.base.errors import InputError
from estimator.io import datafiles, paths
from estimator.monitor import calibration_run as cr

LOG = ("timestamp,project_name,run_id,duration,cpu_energy,gpu_energy,ram_energy,gpu_count,gpu_model,"
       "cpu_model,codecarbon_version\n2026-01-01T00:00:00,p,aaaa1111,3600,0.05,0.5,0.01,1,"
       "NVIDIA H100 80GB HBM3,Xeon,2.7.0\n")


def test_a_named_folder_that_does_not_exist_is_refused(tmp_path, monkeypatch):
    typo = tmp_path / "calibratd"
    monkeypatch.setattr(datafiles, "CALIBRATED_DIR", typo)
    monkeypatch.setattr(paths, "CALIBRATED_DIR_NAMED", True)
    with pytest.raises(InputError, match=r"calibratd, named by ESTIMATOR_CALIBRATED_DIR, does not exist: create "
                                         r"it, or correct or unset ESTIMATOR_CALIBRATED_DIR"):
        cr.checked_out_path(None, "h100-mine")
    assert not typo.exists()


def test_the_default_folder_is_taken_before_it_exists(tmp_path, monkeypatch):
    fresh = tmp_path / "calibrated"
    monkeypatch.setattr(datafiles, "CALIBRATED_DIR", fresh)
    monkeypatch.setattr(paths, "CALIBRATED_DIR_NAMED", False)
    assert cr.checked_out_path(None, "h100-mine") == fresh / "h100-mine.toml"  # write_text_atomic makes it then


def test_an_existing_named_folder_and_an_explicit_path_are_taken(tmp_path, monkeypatch):
    monkeypatch.setattr(datafiles, "CALIBRATED_DIR", tmp_path)
    monkeypatch.setattr(paths, "CALIBRATED_DIR_NAMED", True)
    assert cr.checked_out_path(None, "h100-mine") == tmp_path / "h100-mine.toml"
    monkeypatch.setattr(datafiles, "CALIBRATED_DIR", tmp_path / "missing")
    assert cr.checked_out_path(str(tmp_path / "x.toml"), "h100-mine") == tmp_path / "x.toml"  # the folder not used


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_the_cli_says_so_in_one_line_and_makes_nothing(tmp_path):
    log = tmp_path / "emissions.csv"
    log.write_text(LOG)
    typo = tmp_path / "cal" / "typo"
    env = child_env(**{paths.CALIBRATED_DIR_ENV: str(typo)})
    out = subprocess.run([sys.executable, "-m", "estimator", "calibrate", "--from-codecarbon", str(log),
                          "--flops", "8e17", "--base", "h100-sxm", "--id", "h100-mine"],
                         cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("error: the calibrated profiles' folder ")
    assert "ESTIMATOR_CALIBRATED_DIR" in out.stderr and not (tmp_path / "cal").exists()
