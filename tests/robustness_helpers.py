"""Shared by tests/cli/test_robustness.py and tests/io/test_robustness_files.py: the CLI contract for bad
input (exit 2, one line 'error: …', no traceback) and the files the tests start from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from estimator.cli.main import main
from estimator.io.datafiles import PROFILES_DIR

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "tests" / "data" / "codecarbon" / "emissions_codecarbon_3.3.2.csv"
H100 = (PROFILES_DIR / "h100-sxm.toml").read_text()


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *argv, needle: str = "", details_on_stdout: bool = False) -> str:
    """The CLI contract for bad input: exit 2, exactly one line 'error: …' on stderr, no traceback,
    and nothing on stdout (except where a command lists details there, as `profiles validate`)."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (argv, code, out, err)
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err + out
    assert details_on_stdout or out == "", out
    assert needle in err, err
    return err


def cli_subprocess(*argv, timeout=30):
    return subprocess.run([sys.executable, "-m", "estimator", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
