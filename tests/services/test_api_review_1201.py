"""A measuring engineer's API review (2026-12-01): a profile file's path given as a path, as ``Run.write_profile``
returns it, is taken by every call; a refusal of FLOPs beside 6·N·D names the inputs given."""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator import InputError, estimate, inference, plan
from estimator.cli import main

PROFILE = Path(__file__).resolve().parents[2] / "profiles" / "h100-sxm.toml"


def test_a_profile_files_path_as_a_path_is_taken_as_its_text():
    assert estimate(flops=1e21, hardware=PROFILE).energy_kwh == estimate(flops=1e21, hardware=str(PROFILE)).energy_kwh
    assert inference(params=7e9, tokens=1e6, hardware=PROFILE).result.hardware_id == "h100-sxm"
    assert plan(model="llama-3.1-8b", tokens=1e12, devices=8, hardware=PROFILE).hardware_id == "h100-sxm"
    with pytest.raises(InputError, match="hardware must be text"):  # bytes are no path the services take
        estimate(flops=1e21, hardware=bytes(str(PROFILE), "utf-8"))


def test_track_takes_a_profile_files_path_as_a_path():
    from estimator import track
    with track(total_steps=12, flops_per_step=1e9, hardware=PROFILE, backend="none") as run:
        for _ in range(12):
            run.step()
    assert run.profile.id == "h100-sxm"


@pytest.mark.parametrize("given, flags", [(dict(tokens=2e12), "(--flops, --tokens)"),
                                          (dict(params=2e9), "(--flops, --params)"),
                                          (dict(params=2e9, tokens=1e12), "(--flops, --params, --tokens)")])
def test_flops_beside_a_parameter_count_or_tokens_names_the_inputs_given(given, flags, capsys):
    with pytest.raises(InputError) as refused:
        estimate(flops=1e20, **given)
    assert refused.value.fields == ("flops", *given)
    argv = ["estimate", "--flops", "1e20"] + [x for k, v in given.items() for x in (f"--{k}", str(v))]
    assert main(argv) == 2
    assert capsys.readouterr().err.strip().endswith(f"not both {flags}")
