"""The audit's two commands, as a user runs them: a memory input on a device that states no memory (the brain) is
refused as on a GPU, exit 2 and one line, where ``--tp -5`` was echoed in the JSON and ``--tp nan`` was a
traceback (the JSON writer's ValueError)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "estimator", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("tp, words", [("-5", "tensor-parallel degree must be at least 1 and at most 1024 devices"),
                                       ("nan", "tensor-parallel degree must be a finite number, got NaN")])
def test_the_brain_refuses_a_tensor_parallel_degree_a_gpu_refuses(tp, words):
    argv = ("--params", "7e9", "--tokens", "1e12", "--tp", tp, "--format", "json")
    brain, gpu = (run("estimate", "--hardware", hardware, *argv) for hardware in ("brain", "h100-sxm"))
    assert (brain.returncode, brain.stdout) == (2, "")
    assert brain.stderr == gpu.stderr  # the same line, word for word
    assert brain.stderr.startswith(f"error: {words}") and brain.stderr.endswith(" (--tp)\n")
    assert brain.stderr.count("\n") == 1 and "Traceback" not in brain.stderr
