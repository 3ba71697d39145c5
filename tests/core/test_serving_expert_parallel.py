"""Serving a mixture of experts with expert parallelism (issue 54: "expert parallelism and its all-to-all"): a
replica's ep devices each hold the weights outside the experts and 1/ep of the experts, run attention for their
own sequences (attention data-parallel) and exchange the tokens by two all-to-alls a layer. The step is worked by
hand on a toy model, as test_serving_by_hand does for tensor parallelism; the CLI and the API answer and refuse
alike."""

from __future__ import annotations

import json

import pytest

from estimator.core.base.errors import InputError
from estimator.core.serving.memory import serving_footprint
from estimator.core.serving.step import Device, ServingFit, step
from estimator.core.workload.architecture import Architecture

# 2 layers, d_model 8, 2 query heads and 1 KV head of 4, a 10-word vocabulary (untied), 4 experts a layer, 1 a
# token: 2,000 parameters, 800 active, so the experts hold (2,000 − 800) ÷ (1 − 1/4) = 1,600 and the rest 400
# (the 80-word table and the 80-weight LM head among them).
TOY_MOE = Architecture(layers=2, d_model=8, heads=2, kv_heads=1, head_dim=4, vocab=10, active_params=800.0,
                       experts=4, experts_per_token=1)
N = 2000.0
DEVICE = Device(id="toy", memory_gb=1.0, bandwidth_gb_per_s=1.0, peak_flops_per_s=1e6, tdp_w=100.0, link_gb_per_s=1.0)
FIT = ServingFit(engine_s_per_layer=0.01, engine_s_per_sequence=0.001, tp_s_per_allreduce=0.002,
                 busy_per_roofline_s=2.0, tpot_log_half_width=0.4, energy_log_half_width=0.4, level=0.8,
                 n_configs=1, n_models=1)


def test_an_expert_parallel_step_by_hand():
    s = step(params=N, arch=TOY_MOE, device=DEVICE, fit=FIT, batch=4, prompt_tokens=6, output_tokens=2, tp=1, ep=2)
    # one device: the 240 block weights outside the experts, its half of the experts the replica's 4 tokens touch
    # (1 − (3/4)⁴ of them), and the LM head, all at 16 bits; its own 2 sequences' KV cache at 32 bytes a token and
    # the average context 7
    touched = 1 - 0.75 ** 4
    weights = (240 + 1600 * touched / 2 + 80) * 2
    assert s.memory_s == pytest.approx((weights + 2 * 7 * 32) / 0.9e9)
    # its 2 sequences' FLOPs: 2 × (800 − the 80-word table) + attention 4 × 2 layers × 7 × 8, at 0.6 of 10⁶
    assert s.compute_s == pytest.approx(2 * (1440 + 448) / 0.6e6)
    # its share of the prompts that start per step, 2 ÷ 2 = 1 prompt of 6 tokens: the other requests' 3/4 of it at its
    # device's cost, and a request's own (1 of the 4) as the replica runs a prompt alone (its 800 expert FLOPs a token
    # over the 2 devices), one every 2 steps (review 2026-11-29: the own prompt as the time to the first token counts it)
    device_prompt = (1440 * 6 + 2 * 2 * 36 * 8) / 0.6e6
    alone = (6 * (1440 - 800 + 800 / 2) + 2 * 2 * 36 * 8) / 0.6e6
    assert s.own_prefill_s == pytest.approx(alone / 2)
    assert s.prefill_s == pytest.approx(0.75 * device_prompt + alone / 2)
    # 2 all-to-alls a layer: the fixed 2 ms, and of its (2 + 1 × 6) tokens' 1 copy of 8 × 2 bytes, half leaves
    assert s.ep_s == pytest.approx(2 * 2 * (0.002 + 0.5 * 8 * 16 / 1e9))
    assert s.tp_s == 0.0
    assert s.engine_s == pytest.approx(0.01 * 2 + 0.001 * 2)
    assert s.tpot_s == pytest.approx(s.gpu_s + s.prefill_s + s.ep_s + s.engine_s)
    # the replica's energy: both devices' power over its 4 tokens a step
    assert s.joules_per_output_token == pytest.approx(s.power_w * 2 * s.tpot_s / 4)


def test_a_prompt_alone_runs_its_experts_over_the_replica():
    """The time to a request's first token: its prompt's dense products and attention on its own device, its experts'
    FLOPs (800 of its 1,440 a token: 400 active expert weights) over the replica's 2 devices at once (serving engineer's
    review 2026-11-27: all of them had been charged to its device, DeepSeek-V3's TTFT 180 ms at EP8 against 30 at TP8)."""
    from estimator.core.serving.throughput import ttft_s
    s = step(params=N, arch=TOY_MOE, device=DEVICE, fit=FIT, batch=4, prompt_tokens=6, output_tokens=2, tp=1, ep=2)
    alone = (6 * (1440 - 800 + 800 / 2) + 2 * 2 * 36 * 8) / 0.6e6
    assert s.prompt_alone_s == pytest.approx(alone)
    # then a step it waits on: the step but its own prompt's prefill (its TPOT)
    assert ttft_s(s, 4 / 2, 2) == pytest.approx(alone + s.user_tpot_s)
    # on one device (no expert parallelism) the prompt's whole prefill: what the step's prefill gives a prompt
    one = step(params=N, arch=TOY_MOE, device=DEVICE, fit=FIT, batch=4, prompt_tokens=6, output_tokens=2, tp=1)
    assert one.prompt_alone_s == pytest.approx((1440 * 6 + 2 * 2 * 36 * 8) / 0.6e6)
    assert ttft_s(one, 4, 2) == pytest.approx(one.prefill_s * 2 / 4 + one.user_tpot_s)


def test_expert_parallel_memory_holds_the_shared_weights_on_every_device_and_the_kv_cache_once():
    one = serving_footprint(params=N, arch=TOY_MOE, memory_gb_per_device=1.0, devices=1, batch=1, prompt_tokens=6,
                            output_tokens=2)
    two = serving_footprint(params=N, arch=TOY_MOE, memory_gb_per_device=1.0, devices=2, batch=1, prompt_tokens=6,
                            output_tokens=2, ep=2)
    assert one.weights_gb * 1e9 == pytest.approx(4000)               # 2,000 weights at 16 bits
    assert two.weights_gb * 1e9 == pytest.approx(2 * (400 + 800) * 2)  # each: the 400 outside the experts and 800 of theirs
    # no KV head copied (each device attends to its own sequences): the prompt and half the answer, 32 bytes a token
    assert two.kv_gb_per_sequence * 1e9 == pytest.approx(7 * 32)


def test_a_dense_model_or_tensor_parallelism_is_refused_by_the_step():
    dense = Architecture(layers=2, d_model=8, heads=2, kv_heads=1, head_dim=4, vocab=10)
    for arch, tp in ((dense, 1), (TOY_MOE, 2)):
        with pytest.raises(InputError, match="expert parallelism takes a mixture of experts"):
            step(params=N, arch=arch, device=DEVICE, fit=FIT, batch=4, prompt_tokens=6, output_tokens=2, tp=tp, ep=2)


def _run(cli, *args):
    r = cli("inference", "--tokens", "1e6", "--hardware", "h200-sxm", "--bits", "8", "--format", "json", *args)
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_deepseek_v3_on_h200s_with_expert_parallelism(cli):
    eight = _run(cli, "--model", "deepseek-v3", "--ep", "8", "--batch-size", "max")
    sixteen = _run(cli, "--model", "deepseek-v3", "--ep", "8", "--devices", "16", "--batch-size", "max")
    assert (eight["tp"], eight["ep"], eight["replicas"], eight["devices"]) == (1, 8, 1, 8)
    assert (sixteen["ep"], sixteen["replicas"], sixteen["devices"]) == (8, 2, 16)
    assert sixteen["tokens_per_s"] == pytest.approx(2 * eight["tokens_per_s"])     # two replicas side by side
    step_s = eight["step_s"]
    assert step_s["expert_parallel"] > 0 and step_s["tensor_parallel"] == 0
    # the prompts a request's steps carry: the other requests' (its own is prefilled before its first token)
    others = step_s["prefill"] - step_s["prefill_own_prompt"]
    assert eight["seconds_per_output_token"] == pytest.approx(
        max(step_s["memory"], step_s["compute"] + others) + step_s["expert_parallel"] + step_s["engine"])
    # each device holds its share: the replica's weights and KV cache within 8 devices' usable memory
    from estimator import load_profile
    assert eight["memory_gb"]["total"] <= 8 * 0.9 * load_profile("h200-sxm").memory_gb * (1 + 1e-9)
    # the time to a first token: one prompt's prefill, its experts' share over the 8 devices (the toy above works it
    # by hand), and a step; the prompt at its own GEMMs' rate, the same at any load (serving engineer's review
    # 2026-12-03), so more than an eighth of its share of the step's prefill at this batch, whose larger GEMMs carry
    # it faster, and no less than at batch 1
    per_prompt = step_s["prefill"] * 338 * 8 / eight["batch"]
    own = eight["seconds_to_first_token"] - eight["seconds_per_output_token"]
    one = _run(cli, "--model", "deepseek-v3", "--ep", "8", "--batch-size", "1")
    assert per_prompt / 8 < own == pytest.approx(one["seconds_to_first_token"] - one["seconds_per_output_token"])
    # with a tensor-parallel degree given the same 8 GPUs split every layer 8 ways
    tp8 = _run(cli, "--model", "deepseek-v3", "--devices", "8", "--tp", "8", "--batch-size", "max")
    assert (tp8["tp"], tp8["ep"]) == (8, 1) and tp8["step_s"]["expert_parallel"] == 0
    # neither given: a latent-attention mixture of experts is weighed in expert parallelism too, and serves more so
    # (every tensor-parallel rank holds its whole KV latent: 8 × fewer sequences in the same memory)
    chosen = _run(cli, "--model", "deepseek-v3", "--devices", "8", "--batch-size", "max")
    assert (chosen["tp"], chosen["ep"], chosen["replicas"]) == (1, 8, 1)
    assert chosen["tokens_per_s"] == pytest.approx(eight["tokens_per_s"]) and chosen["batch"] > 4 * tp8["batch"]
    assert any("expert parallelism 8 (chosen for the most tokens per second: a latent-attention mixture of experts"
               in n for n in chosen["notes"])


def test_the_all_to_all_crosses_the_scale_out_network_past_one_server(cli):
    """16 H200s in one expert-parallel group span two 8-GPU servers: the all-to-alls take the InfiniBand link."""
    within = _run(cli, "--model", "deepseek-v3", "--ep", "8", "--batch-size", "256")
    across = _run(cli, "--model", "deepseek-v3", "--ep", "16", "--batch-size", "512")
    assert across["nodes_per_replica"] == 2 and within["nodes_per_replica"] == 1
    # the same 32 sequences a device, but its tokens' bytes over a slower link
    assert across["step_s"]["expert_parallel"] > 3 * within["step_s"]["expert_parallel"]


@pytest.mark.parametrize(("args", "says"), [
    (("--model", "llama-3.1-8b", "--ep", "8"), "has none: give a mixture of experts"),
    # a degree that does not divide the experts holds redundant copies (2026-11-30); more than the experts, copies only
    (("--model", "qwen3-30b-a3b", "--ep", "256"), "is more than qwen3-30b-a3b's 128 experts per layer"),
    (("--model", "qwen3-30b-a3b", "--ep", "4", "--tp", "2"), "give no tensor-parallel degree"),
    (("--model", "qwen3-30b-a3b", "--ep", "4", "--devices", "3"), "3 devices are fewer than the expert-parallel degree 4"),
    (("--model", "qwen3-30b-a3b", "--ep", "0"), "expert-parallel degree"),
])
def test_the_cli_and_the_api_refuse_alike(cli, args, says):
    from estimator import inference
    r = cli("inference", "--tokens", "1e6", *args)
    assert r.code == 2 and r.err.startswith("error: ") and says in r.err and len(r.err.strip().splitlines()) == 1
    kw = {a.lstrip("-").replace("-", "_"): v for a, v in zip(args[::2], args[1::2], strict=True)}
    kw = {k: (v if k == "model" else int(v)) for k, v in kw.items()}
    with pytest.raises(InputError, match=says.replace("(", r"\(").replace(")", r"\)")):
        inference(hardware="h100-sxm", tokens=1e6, **kw)


def test_a_batch_smaller_than_the_group_waits_for_its_busiest_device():
    """Batch 1 over 2 devices: one device runs the whole sequence and reads a whole expert (its token's), not half
    of each (review 2026-11-26: 1/8 of a sequence per device read as 8x faster compute)."""
    s = step(params=N, arch=TOY_MOE, device=DEVICE, fit=FIT, batch=1, prompt_tokens=6, output_tokens=2, tp=1, ep=2)
    # 1 token reaches 4 × (1 − 3/4) = 1 expert: the busiest device reads it whole (400 of the 1,600), its sequence's KV
    assert s.memory_s == pytest.approx(((240 + 400 + 80) * 2 + 1 * 7 * 32) / 0.9e9)
    assert s.compute_s == pytest.approx(1 * (1440 + 448) / 0.6e6)
    assert s.engine_s == pytest.approx(0.01 * 2 + 0.001 * 1)


def test_savings_rows_under_expert_parallelism(cli):
    """The 16-bit baseline that one group of 8 does not hold runs on the fewest devices that do (tensor parallel);
    the illustrative student, dense, by tensor parallelism: no row is left out for the expert parallelism."""
    doc = _run(cli, "--model", "deepseek-v3", "--ep", "8", "--devices", "16", "--batch-size", "max")
    rows = {t["technique"]: t for t in doc["techniques"]}
    assert {"baseline", "quantization-8bit", "distillation"} <= set(rows)
    # the 16-bit model, 1.34 TB, is more than one group of 8 H200s holds (8 × 0.9 × 150.75 GB): it runs on the 16
    # given, by tensor parallelism; the student too
    assert rows["baseline"]["devices"] == rows["distillation"]["devices"] == 16
    assert rows["baseline"]["memory_gb"]["weights"] > 8 * 0.9 * 150.75
    assert not any("left out" in n for n in doc["notes"])


def test_a_bound_no_group_meets_names_the_expert_parallelism(cli):
    r = cli("inference", "--model", "qwen3-30b-a3b", "--tokens", "1e6", "--ep", "4", "--tpot-ms", "2")
    assert r.code == 2 and "no expert-parallel group of 4 × h100-sxm serves the model within 2 ms" in r.err
    assert "(expert parallelism 4)" in r.err and "tensor parallelism" not in r.err


def test_the_csv_says_the_expert_parallel_degree(cli):
    import csv
    import io
    r = cli("inference", "--model", "deepseek-v3", "--hardware", "h200-sxm", "--tokens", "1e9", "--bits", "8",
            "--ep", "8", "--devices", "16", "--batch-size", "max", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert {(x["tp"], x["ep"], x["replicas"], x["devices"]) for x in rows} == {("1", "8", "2", "16")}


def test_a_table_run_at_its_expert_parallel_layout_is_what_inference_with_ep_answers():
    from estimator import inference
    from estimator.services.serving.trtllm_check import trtllm_check_document
    x = next(x for x in trtllm_check_document()["rows"] if x["published_layout"] == "EP8")
    got = inference(hardware=x["hardware"], model=x["model"], tokens=1e6, devices=8, ep=8, batch_size="max",
                    bits=x["bits"], kv_bits=8, prompt_tokens=x["prompt_tokens"], tokens_per_query=x["output_tokens"])
    assert got.to_dict()["tokens_per_s"] == pytest.approx(x["at_published_layout_tokens_per_s"], rel=1e-9)


def test_the_experts_gemm_rate_by_hand():
    """A Qwen3-30B-A3B-shaped layer (d 2048, 128 experts of width 768, top 8) on an H100-like device at 16 bits
    (0.989 PFLOP/s): the half-efficiency dimension at 535 elements per 16-bit PFLOP/s is 535 × 0.989 = 529.1; at
    1,024 tokens each expert multiplies 64, so the experts run at sat(64)·sat(768) ÷ (sat(1,024)·sat(2,048)) of the
    dense rate, sat(x) = x/(x + 529.1): 0.1079 × 0.5921 ÷ (0.6593 × 0.7947) = 0.122."""
    from estimator.core.serving.step import expert_gemm_rate
    per_expert = 3 * 2048 * 768
    shared = 10_000_000
    arch = Architecture(layers=1, d_model=2048, heads=16, kv_heads=4, experts=128, experts_per_token=8,
                        active_params=float(shared + 8 * per_expert))
    n = float(shared + 128 * per_expert)
    h100 = Device(id="h", memory_gb=80, bandwidth_gb_per_s=3350, peak_flops_per_s=989e12, tdp_w=700, link_gb_per_s=450)
    half = 535 * 989e12 / 1e15

    def sat(x):
        return x / (x + half)
    expected = sat(64) * sat(768) / (sat(1024) * sat(2048))
    assert expected == pytest.approx(0.122, abs=0.001)
    assert expert_gemm_rate(arch, n, h100, 1024, 535) == pytest.approx(expected)
    # dense, or the rate off: the dense rate
    assert expert_gemm_rate(arch, n, h100, 1024, 0.0) == 1.0
    dense = Architecture(layers=1, d_model=2048, heads=16, kv_heads=4)
    assert expert_gemm_rate(dense, n, h100, 1024, 535) == 1.0
    # large, few experts (Mixtral's 8 of width 14,336, top 2) at many tokens: near the dense rate, never above it
    mix = Architecture(layers=1, d_model=4096, heads=32, kv_heads=8, experts=8, experts_per_token=2,
                       active_params=float(2 * 3 * 4096 * 14336 + 10_000_000))
    rate = expert_gemm_rate(mix, float(8 * 3 * 4096 * 14336 + 10_000_000), h100, 8192, 535)
    assert 0.8 < rate <= 1.0


def test_the_experts_gemm_rate_counts_the_tokens_that_reach_them():
    """Under expert parallelism every device's tokens reach each device's experts: an expert multiplies the
    replica's M·k/E, not one device's (review 2026-11-26: 1/ep of them made DeepSeek-V3's experts 8x too slow); an
    expert used takes at least one token; the half-efficiency dimension is the device's 16-bit peak's, whatever the
    bits the weights multiply at."""
    from estimator.core.serving.step import expert_gemm_rate
    per_expert = 3 * 2048 * 768
    arch = Architecture(layers=1, d_model=2048, heads=16, kv_heads=4, experts=128, experts_per_token=8,
                        active_params=float(10_000_000 + 8 * per_expert))
    n = float(10_000_000 + 128 * per_expert)
    h100 = Device(id="h", memory_gb=80, bandwidth_gb_per_s=3350, peak_flops_per_s=989e12, tdp_w=700, link_gb_per_s=450)
    half = 535 * 989e12 / 1e15

    def sat(x):
        return x / (x + half)
    # a device with 128 tokens in a group of 8: its experts see the replica's 1,024 tokens, 64 each
    assert expert_gemm_rate(arch, n, h100, 128, 535, routed_tokens=1024) == pytest.approx(
        sat(64) * sat(768) / (sat(128) * sat(2048)))
    # one token: the expert it reaches multiplies one token, not 1/16 of one
    assert expert_gemm_rate(arch, n, h100, 1, 535) == pytest.approx(sat(1) * sat(768) / (sat(1) * sat(2048)))
    # the half dimension is the 16-bit peak's whatever the bits the weights multiply at: a device whose FP8 or FP4
    # peak is its attention (16-bit) peak's double or more has the same experts' rate as at 16 bits
    low_bit = Device(id="h", memory_gb=80, bandwidth_gb_per_s=3350, peak_flops_per_s=2 * 989e12, tdp_w=700,
                     link_gb_per_s=450, attention_flops_per_s=989e12)
    assert expert_gemm_rate(arch, n, low_bit, 1024, 535) == pytest.approx(expert_gemm_rate(arch, n, h100, 1024, 535))


def test_only_a_latent_attention_mixture_of_experts_is_weighed_in_expert_parallelism(cli):
    """Mixtral and Qwen3 (grouped-query attention) stay in tensor parallelism without --ep; DeepSeek-R1 (latent
    attention, one KV head) is served in expert parallelism where that serves more, as engines serve it."""
    for model in ("mixtral-8x7b", "qwen3-235b-a22b"):
        d = _run(cli, "--model", model, "--devices", "8", "--batch-size", "max")
        assert d["ep"] == 1, model
    r1 = _run(cli, "--model", "deepseek-r1", "--devices", "8", "--batch-size", "max")
    tp = _run(cli, "--model", "deepseek-r1", "--devices", "8", "--batch-size", "max", "--tp", "8")
    assert r1["ep"] > 1 and r1["tokens_per_s"] > tp["tokens_per_s"]


def test_a_serving_fit_with_the_old_half_dimension_is_refused_not_read_as_dense():
    """Review 2026-11-27: a serving fit written before the experts' half dimension moved to the device's peak holds
    moe_gemm_half_ridge (about 2.08, in ridges); read silently it would run the experts at the dense rate."""
    import json

    from estimator.core.base.errors import InputError
    from estimator.io.serving_data import SERVING_FIT_PATH
    fit = json.loads(SERVING_FIT_PATH.read_text())["optimized_engine"]["fit"]
    assert ServingFit.from_dict(fit, engine="optimized-2024").moe_gemm_half_dim == pytest.approx(535, abs=1)
    old = {k: v for k, v in fit.items() if k != "moe_gemm_half_dim"} | {"moe_gemm_half_ridge": 2.08}
    with pytest.raises(InputError, match="moe_gemm_half_ridge is no longer read.*moe_gemm_half_dim.*fit-serving"):
        ServingFit.from_dict(old, engine="optimized-2024")


def test_a_degree_that_does_not_divide_the_experts_holds_them_in_slots_with_redundant_copies():
    """DeepSeek-V3's 256 experts over 72 devices: 4 slots a device (288, 32 redundant copies), each device storing 4/256 of
    the experts' weights, as over 64 devices; over 8, 32 of them (serving review 2026-11-30)."""
    from estimator.core.serving.weights import expert_params, expert_slots, stored_weight_bytes_per_device
    from estimator.io.serving_data import catalog_model
    m = catalog_model("deepseek-v3")
    assert [expert_slots(m.arch, ep) for ep in (8, 64, 72, 12)] == [32, 4, 4, 22]
    at_72 = stored_weight_bytes_per_device(m.arch, m.params, 8, 72)
    assert at_72 == stored_weight_bytes_per_device(m.arch, m.params, 8, 64)
    shared = stored_weight_bytes_per_device(m.arch, m.params, 8, 256) - expert_params(m.arch, m.params) / 256
    assert at_72 == pytest.approx(shared + 4 * expert_params(m.arch, m.params) / 256)


def test_groups_that_would_straddle_racks_are_not_laid_out_and_a_better_subset_is_named():
    """Diff review 2026-11-30: 100 GB200s had served in 2 groups of 50, the second across the 72-GPU racks and timed as
    inside one; 73 had been pointed to 64 of them, where 72 in one group serve more."""
    from estimator.core.serving.layout import ep_options, subset_ep_degrees
    assert 50 in ep_options(100, 256) and 100 in ep_options(100, 256)  # straddling groups timed as such
    assert ep_options(8, 256)[:3] == [2, 4, 8] and 5 in ep_options(5, 256)   # one domain: any divisor
    assert 72 in subset_ep_degrees(73, 256, 72) and 64 in subset_ep_degrees(73, 256, 72)
    from estimator.services.serving import inference as serving
    r = serving.inference_report(model="deepseek-r1", hardware="gb200", devices=73, tpot_ms=50, tokens=1e9).result
    # since the subset that serves more is the layout (2026-11-30): 72 of them in one group, one idle
    assert (r.devices, r.idle_devices, r.ep) == (72, 1, 72)
    how = next(n for n in r.notes if n.startswith("layout: 73 devices (given; 72 of them serve)"))
    assert "(on all of them, expert parallelism 73 × 1 replica, " in how


def test_a_latent_moe_that_one_group_of_all_the_devices_cannot_hold_says_so(capsys):
    """Diff review 2026-11-30: DeepSeek-R1 on 5 H200s read "one replica takes at most 1 of the 5 devices", where one
    expert-parallel group of all 5 had been weighed and holds too little."""
    from estimator.cli import main
    assert main(["inference", "--model", "deepseek-r1", "--hardware", "h200-sxm", "--devices", "5", "--batch-size", "max",
                 "--tokens", "1e9"]) == 2
    err = capsys.readouterr().err
    assert "in one expert-parallel group of all 5 devices (redundant experts in their spare slots): use more devices" in err
    assert "at most 1 of the 5" not in err


def test_groups_laid_out_in_order_are_timed_and_said_as_their_busiest_spans():
    """Sweep review 2026-11-30: EP 29 × 5 on 145 B200s read "each across 4 nodes of 8", devices 29–57 on 5; and the
    better subset of a latent MoE is looked for in tensor parallelism too (9 GB200s under 12 ms: EP 9 at 90.5 tokens/s,
    8 at TP 8 serve 212, unsaid)."""
    from estimator.core.serving.layout import nodes_spanned
    from estimator.io.datafiles import default_profiles
    b200 = default_profiles().get("b200")
    assert nodes_spanned(b200, 29) == 4 and nodes_spanned(b200, 29, 145) == 5 and nodes_spanned(b200, 8, 64) == 1
    from estimator.services.serving import inference as serving
    r = serving.inference_report(model="deepseek-r1", hardware="b200", devices=145, ep=29, batch_size="max",
                                 tokens=1e9).result
    assert (r.ep, r.replicas, r.nodes_per_replica) == (29, 5, 5)
    # the better subset, 144 at EP 8 × 18, is the layout where no degree is given, the one left idle
    r = serving.inference_report(model="deepseek-r1", hardware="b200", devices=145, batch_size="max", tokens=1e9).result
    assert (r.devices, r.idle_devices, r.ep, r.replicas) == (144, 1, 8, 18)
    r = serving.inference_report(model="deepseek-r1", hardware="gb200", devices=9, tpot_ms=12, tokens=1e9).result
    assert (r.devices, r.idle_devices, r.tp) == (8, 1, 8) and round(r.tokens_per_s) == 212


def test_a_largest_batch_past_the_batch_bound_says_over_it(cli):
    """Serving engineer's review 2026-12-03: DeepSeek-V3 on 256 H200s in EP256 read "largest that fits: 1.00 million",
    the batch's bound, where the memory holds about 1.26 million."""
    r = cli("inference", "--model", "deepseek-v3", "--hardware", "h200-sxm", "--ep", "256", "--devices", "256",
            "--batch-size", "max")
    assert r.code == 0, r.err
    assert "largest that fits: over 1.00 million)" in r.out  # the batch's bound, 10⁶
    small = cli("inference", "--model", "llama-3.1-8b", "--batch-size", "8")
    assert "largest that fits: over" not in small.out and "largest that fits: " in small.out
