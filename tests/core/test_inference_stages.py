"""The serving estimate's stages (structure audit §5 #3): ``inference`` is a few named stages
(``served_model``, ``serving_compute``, ``memory_fit``, ``decode_step``, ``serving_totals``, ``step_notes``),
each a function of the checked scenario and the stages before it, whose outputs are what the
``InferenceResult`` they feed reports."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from estimator.core.base.errors import InputError
from estimator.core.serving.device import ServingCompute, serving_compute
from estimator.core.serving.estimate import InferenceScenario, inference, input_assumptions
from estimator.core.serving.memory_fit import MemoryFit, memory_fit
from estimator.core.serving.served import ServedModel, served_model
from estimator.core.serving.step_notes import range_meaning, step_notes
from estimator.core.serving.totals import ServingTotals, decode_step, device_hours_for, serving_totals
from estimator.io import serving_data
from estimator.io.datafiles import default_profiles

CORE = Path(__file__).resolve().parents[2] / "estimator" / "core"


@pytest.fixture(scope="module")
def profiles():
    return default_profiles().profiles


@pytest.fixture(scope="module")
def fit():
    return serving_data.load_serving_fit()


def _scenario(model: str, **kw) -> InferenceScenario:
    m = serving_data.catalog_model(model)
    return InferenceScenario(params=m.params, tokens=kw.pop("tokens", 1e9), architecture=m.arch, **kw)


def _stages(s, profile, fit):
    served = served_model(s, profile)
    compute = serving_compute(s, profile, served)
    memory = memory_fit(s, profile, served)
    decode = decode_step(s, fit, served, compute, memory)
    totals = serving_totals(s, profile, fit, served, compute, memory, decode,
                            inputs=input_assumptions(s, served, compute, memory))
    return served, compute, memory, decode, totals


CASES = [
    ("a100-sxm-80gb", "llama-3.1-8b", dict(student_params=3e9, sparsity=0.5, bits=4)),  # a 2:4-pruned student
    ("h100-sxm", "llama-3.1-70b", dict(devices=8, bits=8, batch_size=64, power_w=500.0)),
    ("mi300x", "mixtral-8x7b", dict(batch_size=16, kv_bits=8)),                            # a mixture of experts
    ("tpu-v4", "llama-3.1-8b", dict(tokens=1000.0, batch_size=32)),                       # chip draw; unfilled batch
]


@pytest.mark.parametrize("hardware, model, kw", CASES)
def test_each_stage_is_what_the_result_reports(profiles, fit, hardware, model, kw):
    profile, s = profiles[hardware], _scenario(model, **kw)
    served, compute, memory, decode, totals = _stages(s, profile, fit)
    r = inference(s, profile, fit)
    for stage in (served, compute, memory, totals):
        assert dataclasses.is_dataclass(stage) and stage.__dataclass_params__.frozen
    assert isinstance(served, ServedModel) and isinstance(compute, ServingCompute)
    assert isinstance(memory, MemoryFit) and isinstance(totals, ServingTotals)
    # the served model
    assert (r.params_served, r.architecture, r.pruned_skipped) == (served.params, served.architecture,
                                                                   served.pruned_skipped)
    # its precision, peak and device
    assert (r.precision, r.peak_flops_per_s, r.utilization, r.chip) == (
        compute.precision, compute.peak_flops_per_s, compute.utilization, compute.chip)
    # the devices and their memory
    fp = memory.footprint
    assert (r.devices, r.weights_gb, r.kv_cache_gb, r.max_batch_size) == (
        memory.devices, fp.weights_gb, fp.kv_cache_gb, fp.max_batch)
    assert r.range["memory_gb"] == (fp.total_gb, fp.total_gb) and fp.fits
    # the decode step
    assert (r.seconds_per_output_token, r.joules_per_output_token, r.power_w_per_device, r.bound) == (
        decode.tpot_s, decode.joules_per_output_token, decode.power_w, decode.bound)
    assert (r.memory_s_per_step, r.compute_s_per_step, r.prefill_s_per_step, r.tensor_parallel_s_per_step,
            r.engine_s_per_step, r.flops_per_token) == (decode.memory_s, decode.compute_s, decode.prefill_s,
                                                        decode.tp_s, decode.engine_s, decode.flops_per_token)
    # the totals and their assumptions
    assert r.estimate == totals.estimate and r.range == totals.ranges
    assert r.estimate.device_hours == pytest.approx(device_hours_for(s, decode, memory.devices))
    said = {a.name: a for a in r.estimate.assumptions}
    assert said["devices_rule"].source == memory.devices_how and said["devices"].value == memory.devices
    assert said["compute_fraction"].value == compute.utilization
    # the notes, stage by stage, in order
    assert r.notes == (served.notes + compute.notes + totals.notes
                       + step_notes(s, profile, fit, served, compute, memory, decode))
    assert r.range_meaning == range_meaning(fit, power_given=s.power_w is not None)


def test_the_stages_say_what_they_did(profiles, fit):
    a100, tpu = profiles["a100-sxm-80gb"], profiles["tpu-v4"]
    served = served_model(_scenario("llama-3.1-8b", student_params=3e9, sparsity=0.5), a100)
    assert served.pruned_skipped and len(served.notes) == 2
    assert served.notes[0].startswith("distillation:") and served.notes[1].startswith("pruning: 50%")
    assert served.params < 3e9  # the student's blocks pruned by half, its embeddings kept
    plain = served_model(_scenario("llama-3.1-8b"), a100)
    assert (plain.params, plain.notes, plain.pruned_skipped) == (8.03e9, (), False)
    assert serving_compute(_scenario("llama-3.1-8b"), tpu, plain).chip == "TPU"
    four = serving_compute(_scenario("llama-3.1-8b", bits=4), a100, plain)
    assert four.precision == "bf16" and four.notes[0].startswith("a100-sxm-80gb has no 4-bit peak")
    s = _scenario("llama-3.1-8b", tokens=1000.0, batch_size=32)
    _, _, _, decode, totals = _stages(s, tpu, fit)
    assert totals.notes and totals.notes[0].startswith("1,000 tokens fill less than one batch")
    assert totals.estimate.wall_clock_s >= 338 * decode.tpot_s


@pytest.mark.parametrize("kw, start", [
    (dict(devices=1, batch_size=4000), "batch 4,000 does not fit"),
    (dict(devices=1, model="llama-3.1-405b"), "the weights need 812 GB"),
    (dict(devices=2, model="llama-3.1-70b", prompt_tokens=100000.0), "one sequence of 100,000 + 338 tokens"),
])
def test_the_memory_stage_refuses_what_does_not_fit(profiles, kw, start):
    s = _scenario(kw.pop("model", "llama-3.1-8b"), **kw)
    h100 = profiles["h100-sxm"]
    with pytest.raises(InputError) as e:
        memory_fit(s, h100, served_model(s, h100))
    assert str(e.value).startswith(start)
    with pytest.raises(InputError) as whole:
        inference(s, h100, serving_data.load_serving_fit())
    assert (str(whole.value), whole.value.field) == (str(e.value), e.value.field)


def _functions(path: Path):
    return [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.FunctionDef)]


def test_the_stages_stay_small():
    modules = sorted(CORE.glob("inference*.py"))
    assert {p.name for p in modules} >= {"inference.py", "inference_served.py", "inference_device.py",
                                         "inference_memory.py", "inference_totals.py", "inference_step_notes.py"}
    for path in modules:
        assert len(path.read_text(encoding="utf-8").splitlines()) < 400, path.name
    main = next(n for n in _functions(CORE / "inference.py") if n.name == "inference")
    assert main.end_lineno - main.lineno + 1 <= 40
    for name in ("inference.py", "inference_served.py", "inference_device.py", "inference_memory.py",
                 "inference_totals.py", "inference_step_notes.py"):
        for node in _functions(CORE / name):
            assert ast.get_docstring(node), f"{name}: {node.name} has no docstring"
