"""Issue 10, the files: a deeply nested profile, a FIFO, a device file, a size checked while
reading, a CodeCarbon log's GPU count. Split from tests/cli/test_robustness.py (the number is the
issue's root cause)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from robustness_helpers import CSV, cli_subprocess, refused

from estimator.core.base.errors import InputError, ProfileError
from estimator.io.datafiles import PROFILES_DIR, load_profile_file, load_profiles

# 10, 11, 12 --------------------------------------------------------------------------------------


def test_10_deeply_nested_profile_is_a_profile_error_and_others_still_load(tmp_path):
    (tmp_path / "deep.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path / "brain.toml")
    with pytest.raises(ProfileError, match="too deeply"):
        load_profile_file(tmp_path / "deep.toml")
    ps = load_profiles(tmp_path)
    assert set(ps.profiles) == {"brain"} and len(ps.errors) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.slow
def test_11_a_fifo_never_hangs_a_command(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path / "brain.toml")
    ps = load_profiles(tmp_path)  # would block forever on open() of a FIFO
    assert set(ps.profiles) == {"brain"} and "named pipe" in str(ps.errors[0])
    p = cli_subprocess("estimate", "--flops", "1e20", "--hardware", str(fifo))
    assert p.returncode == 2 and "named pipe" in p.stderr and p.stderr.count("\n") == 1
    p = cli_subprocess("calibrate", "--from-codecarbon", str(fifo), "--flops", "1e13", "--base", "cpu-server-2s-epyc")
    assert p.returncode == 2 and "named pipe" in p.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize("argv", [
    ["estimate", "--flops", "1e20", "--hardware", "/dev/zero"],
    ["calibrate", "--from-codecarbon", "/dev/zero", "--flops", "1e13", "--base", "cpu-server-2s-epyc"],
])
@pytest.mark.slow
def test_12_devices_are_not_read_into_memory(argv):
    p = cli_subprocess(*argv)
    assert p.returncode == 2 and "a device, not a regular file" in p.stderr and p.stderr.count("\n") == 1


def test_12_size_is_checked_while_reading(tmp_path):
    from estimator.io import safe_read

    def fail(problem, fix):
        raise InputError(problem)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 2001)
    with pytest.raises(InputError, match="larger than"):
        safe_read.read_bytes(big, 2000, fail)
    assert safe_read.read_bytes(big, 2001, fail) == b"x" * 2001


# 13 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "1e400", "-1", "2.5", "nan"])
def test_13_codecarbon_gpu_count_must_be_a_plausible_whole_number(capsys, tmp_path, value):
    lines = CSV.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[-1].split(",")
    row[header.index("gpu_count")] = value
    bad = tmp_path / "emissions.csv"
    bad.write_text("\n".join([lines[0], ",".join(row)]) + "\n")
    refused(capsys, "calibrate", "--from-codecarbon", str(bad), "--flops", "1e13", "--base", "cpu-server-2s-epyc",
            "--out", str(tmp_path / "p.toml"), needle="gpu_count")
