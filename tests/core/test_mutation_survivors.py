"""Tests for the three mutants the mutation audit found no test catching, before and after this round
(benchmarks/mutation_audit.md). The first two fail on their mutants. The third pins the behaviour the
negative-peak mutant aimed at; that mutant is equivalent (it widens the schema's bound, but the reader refuses a
peak that is not positive before the bound is read), so no test can fail on it."""

import pytest

from estimator.core.base.errors import InputError, ProfileError
from estimator.core.calibration.calibrate import profile_to_dict
from estimator.core.hardware.reader import profile_from_dict
from estimator.core.serving.memory import Footprint
from estimator.core.serving.memory_fit import does_not_fit
from estimator.core.training import memory as mem
from estimator.io.datafiles import default_profiles, load_power_fits, load_utilization_model

A100 = default_profiles().get("a100-sxm-80gb")


def test_pipeline_stages_split_the_model_states():
    """Each of pp stages holds 1/pp of the layers: its weights, gradients and optimizer states are 1/pp of
    one replica's (Narayanan et al. 2021, §2.2); the first stage's activations stay (1F1B keeps pp micro-batches)."""
    shape = mem.Shape(7e9, 32, 4096, 32)
    one = mem.per_device(shape, mem.Strategy(pp=1), dp=1, seq_len=2048, micro_batch=1, precision="bf16")
    two = mem.per_device(shape, mem.Strategy(pp=2), dp=1, seq_len=2048, micro_batch=1, precision="bf16")
    assert two.weights_gb == pytest.approx(one.weights_gb / 2)
    assert two.gradients_gb == pytest.approx(one.gradients_gb / 2)
    assert two.optimizer_gb == pytest.approx(one.optimizer_gb / 2)
    # 7e9 parameters at 2 bytes: 14 GB of bf16 weights on one stage, 7 GB on each of two
    assert one.weights_gb == pytest.approx(14.0) and two.weights_gb == pytest.approx(7.0)


def test_weights_that_fill_the_usable_memory_exactly_are_the_weights_problem():
    """At weights == usable memory no KV cache fits beside them: the refusal blames the weights (use more devices),
    not one sequence's KV cache."""
    fp = Footprint(weights_gb=72.0, kv_cache_gb=0.0, kv_gb_per_sequence=0.5, usable_gb=72.0, max_batch=0, batch=1)
    err = does_not_fit(fp, 1, A100, 1, 161, 338)
    assert isinstance(err, InputError)
    assert str(err).startswith("the weights need 72 GB") and "use more devices" in str(err)


def test_a_negative_peak_in_a_profile_is_refused_with_file_field_and_fix():
    data = profile_to_dict(A100)
    data["peak_flops_per_s"]["bf16"] = -3.12e14
    with pytest.raises(ProfileError) as exc:
        profile_from_dict(data, "my-a100.toml", load_utilization_model(), load_power_fits())
    assert exc.value.field == "peak_flops_per_s.bf16" and "my-a100.toml" in str(exc.value)
