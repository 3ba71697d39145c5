"""An input fuzz (2026-12-01): inputs that contradict each other whatever times the run are refused on every device,
as where the step model times it, by the CLI and the Python API alike."""

from __future__ import annotations

import pytest

from estimator import InputError, estimate
from estimator.cli import main

DEVICES = ("h100-sxm", "v100-sxm2", "tpu-v3", "gtx-580")  # the step model times the first only


@pytest.mark.parametrize("hardware", DEVICES)
def test_a_run_shorter_than_one_sequence_is_refused_on_every_device(hardware, capsys):
    with pytest.raises(InputError, match="the run's 1 token is fewer than one sequence of 4,096"):
        estimate(model="llama-2-7b", tokens=1, hardware=hardware)
    assert main(["estimate", "--model", "llama-2-7b", "--tokens", "1", "--hardware", hardware]) == 2
    assert capsys.readouterr().err.startswith("error: the run's 1 token is fewer than one sequence of 4,096")


@pytest.mark.parametrize("hardware", DEVICES)
def test_a_sequence_longer_than_the_models_batch_is_refused_on_every_device(hardware):
    with pytest.raises(InputError, match="Llama 2 7B's pretraining global batch, .* holds less than one sequence"):
        estimate(model="llama-2-7b", tokens=2e12, hardware=hardware, seq_len=100_000_000)


def test_compare_refuses_what_every_device_refuses(capsys):
    assert main(["compare", "--model", "llama-2-7b", "--tokens", "1", "--hardware", "h100-sxm", "v100-sxm2"]) == 2


def test_a_known_runs_time_and_a_run_of_a_sequence_or_more_still_answer():
    assert estimate(model="llama-2-7b", tokens=4096, hardware="v100-sxm2").wall_clock_s > 0
    assert estimate(model="llama-2-7b", tokens=2e12, hardware="v100-sxm2", seq_len=2048).wall_clock_s > 0
