"""The audit's two commands: a memory input on a device that states no memory (the brain) is refused as on a GPU,
exit 2 and one line, where ``--tp -5`` was echoed in the JSON and ``--tp nan`` was a traceback (the JSON writer's
ValueError). Run in this process (``cli``: ``estimator.cli.main``, what ``python -m estimator`` calls; a traceback
would escape it and fail the test); the process itself is held by tests/cli/test_cli_contract.py."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("tp, words", [("-5", "tensor-parallel degree must be at least 1 and at most 1024 devices"),
                                       ("nan", "tensor-parallel degree must be a finite number, got NaN")])
def test_the_brain_refuses_a_tensor_parallel_degree_a_gpu_refuses(cli, tp, words):
    argv = ("--params", "7e9", "--tokens", "1e12", "--tp", tp, "--format", "json")
    brain, gpu = (cli("estimate", "--hardware", hardware, *argv) for hardware in ("brain", "h100-sxm"))
    assert (brain.code, brain.out) == (2, "")
    assert brain.err == gpu.err  # the same line, word for word
    assert brain.err.startswith(f"error: {words}") and brain.err.endswith(" (--tp)\n")
    assert brain.err.count("\n") == 1 and "Traceback" not in brain.err
