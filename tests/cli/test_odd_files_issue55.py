"""Issue 55's files and odd inputs, each refused in one line (CLI) or with the project's error (API), nothing
replaced: a formula in a profile's name reaching a CSV cell, a CodeCarbon timestamp "'=1+1" reaching the paper
statement, names over 255 bytes, a link loop in ESTIMATOR_CALIBRATED_DIR, a FIFO as ``calibrate --out``. The
commands run in this process (the ``cli`` fixture), except where ESTIMATOR_CALIBRATED_DIR is set: it is read at
import, so those run in a fresh process (``_cli``)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from estimator.core.base.errors import InputError
from estimator.io.calibration_io import parse_codecarbon_csv
from estimator.monitor.calibration_run import checked_out_path
from estimator.report.csv_cells import neutral

ROOT = Path(__file__).resolve().parents[2]
FORMULA = "=cmd|' /C calc'!A0"
LONG = "a" * 300


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "estimator", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_a_profile_named_as_a_formula_reaches_the_csv_as_text(tmp_path, cli):
    text = (ROOT / "profiles" / "h100-sxm.toml").read_text()
    text = text.replace('id = "h100-sxm"', 'id = "that"').replace('name = "NVIDIA H100 SXM 80GB"', f'name = "{FORMULA}"')
    (tmp_path / "that.toml").write_text(text)
    code, out, err = cli("estimate", "--flops", "1e23", "--hardware", str(tmp_path / "that.toml"), "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["hardware_name"] for r in rows} == {"'" + FORMULA}
    for row in rows:  # no cell a spreadsheet would run; numbers (a negative one too) stay numbers
        assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for v in row.values())
    assert neutral("-0.5") == "-0.5" and neutral("-x") == "'-x" and neutral("@SUM(A1)") == "'@SUM(A1)"
    assert neutral(3.0) == 3.0 and neutral("\tx") == "'\tx"


def test_a_codecarbon_timestamp_that_is_a_formula_is_refused():
    head = "timestamp,project_name,run_id,duration,emissions,energy_consumed,cpu_energy,gpu_energy,ram_energy\n"
    with pytest.raises(InputError, match="column 'timestamp' is not an ISO 8601 date and time"):
        parse_codecarbon_csv(head + "'=1+1,p,r1,10,0.1,0.1,0.05,0.04,0.01\n")
    run = parse_codecarbon_csv(head + "2024-05-01T12:00:00.123456,p,r1,10,0.1,0.1,0.05,0.04,0.01\n")[0]
    assert run.timestamp == "2024-05-01T12:00:00.123456"


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_a_file_name_over_255_bytes_is_one_line(tmp_path, cli):
    code, out, err = cli("profiles", "validate", str(tmp_path / f"{LONG}.toml"))
    assert "Traceback" not in err and "broken:" in out + err
    with pytest.raises(InputError, match="over the 255 a file system takes"):
        checked_out_path(str(tmp_path / f"{LONG}.toml"), "x-cal")
    done = _cli("profiles", "list", env={"ESTIMATOR_CALIBRATED_DIR": str(tmp_path / LONG)})
    assert "Traceback" not in done.stderr and done.returncode == 0


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_a_link_loop_as_the_calibrated_folder_stops_no_command(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    done = _cli("presets", env={"ESTIMATOR_CALIBRATED_DIR": str(tmp_path / "a")})
    assert done.returncode == 0 and "Traceback" not in done.stderr and "gpt3-175b" in done.stdout
    done = _cli("profiles", "list", env={"ESTIMATOR_CALIBRATED_DIR": str(tmp_path / "a")})
    assert done.returncode == 0 and "is not a folder that can be read (a link loop, or a file)" in done.stderr


def test_a_fifo_is_never_replaced(tmp_path):
    fifo = tmp_path / "cal.toml"
    os.mkfifo(fifo)
    for force in (False, True):
        with pytest.raises(InputError, match="is not a regular file"):
            checked_out_path(str(fifo), "x-cal", force)
    assert fifo.is_fifo()
