"""The examples' FLOPs a step are the work their loops do (measuring engineer's review 2026-11-30: 6 FLOPs a weight for
both layers counted 1.49x the work of examples/train_numpy.py, whose first layer takes no gradient of its input, so
every throughput the example reported, and a profile calibrated from it, was as much too fast)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import examples.train_numpy as numpy_example

ROOT = Path(__file__).resolve().parents[2]


def matmul_flops_of_one_step(batch: int, width: int) -> float:
    """2·m·n·k of each product the numpy example's step computes, read off its source: the forward's x @ w1 and
    h @ w2, the backward's h.T @ g, g @ w2.T and x.T @ gh (no gradient of x)."""
    src = (ROOT / "examples" / "train_numpy.py").read_text()
    products = [ast.unparse(n) for n in ast.walk(ast.parse(src)) if isinstance(n, ast.BinOp)
                and isinstance(n.op, ast.MatMult)]
    assert sorted(products) == sorted(["x @ w1", "h @ w2", "h.T @ g", "g @ w2.T", "x.T @ gh"])
    d_in, d_out = numpy_example.D_IN, numpy_example.D_OUT
    shapes = {"x @ w1": (batch, d_in, width), "h @ w2": (batch, width, d_out), "h.T @ g": (width, batch, d_out),
              "g @ w2.T": (batch, d_out, width), "x.T @ gh": (d_in, batch, width)}
    return sum(2.0 * m * k * n for m, k, n in (shapes[p] for p in products))


@pytest.mark.parametrize("width", [1024, 4096])
def test_the_numpy_examples_flops_are_its_products(width):
    batch = float(np.mean(numpy_example.BATCH_SIZES))
    assert numpy_example.flops_per_step(width) == pytest.approx(matmul_flops_of_one_step(batch, width))


def test_the_torch_example_counts_the_same_layers_alike():
    """examples/train_torch.py's MLP is the numpy one's (autograd takes no gradient of the data either)."""
    import examples.train_torch as torch_example  # torch itself is imported only when it runs
    assert (torch_example.D_IN, torch_example.D_OUT, torch_example.BATCH_SIZES) == (
        numpy_example.D_IN, numpy_example.D_OUT, numpy_example.BATCH_SIZES)
    for width in (1024, 4096):
        assert torch_example.flops_per_step(width) == pytest.approx(numpy_example.flops_per_step(width))


@pytest.mark.parametrize("wait", ["inf", "nan", "-1", "1e9"])
def test_the_numpy_example_refuses_a_wait_it_cannot_sleep(wait, capsys, monkeypatch):
    """Measuring engineer's review 2026-11-30: `--data-ms inf` crashed with an OverflowError, exit 1."""
    def never(seconds):  # a wait taken would be a regression: fail, not sleep for days (diff review 2026-11-30)
        raise AssertionError(f"slept {seconds} s")
    monkeypatch.setattr(numpy_example.time, "sleep", never)
    assert numpy_example.main(["--steps", "2", "--data-ms", wait]) == 2
    assert capsys.readouterr().err == "error: --steps and --width must be at least 1, --data-ms from 0 to 60000\n"
