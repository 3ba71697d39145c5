"""An audit of serving estimates (2026-11-25): each test failed before its fix."""

from __future__ import annotations

import json

import pytest

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.serving.step import BANDWIDTH_FRACTION
from estimator.services.serving import inference as serving


def test_a_kv_cache_too_big_for_one_sequence_is_named_not_the_weights(cli):
    """The weights (12.9 GB) fit in 77.0 GB; one sequence of a million prompt tokens needs 524 GB of KV
    cache. It read "the weights need 12.9 GB … offer 72 GB: use more devices"."""
    res = cli("inference", "--tokens", "1e9", "--layers", "32", "--d-model", "4096", "--prompt-tokens", "1e6",
              "--devices", "1")
    assert res.code == 2 and res.out == "" and res.err.count("\n") == 1
    # on h100-sxm, the default since issue 54 (was a100-sxm-80gb): 0.9 × 85.52 GB = 77.0 GB usable, less the
    # weights' 12.9 GB = 64.1 GB (64.4 GB of a100-sxm-80gb's 85.9 GB)
    assert res.err.startswith("error: one sequence of 10⁶ + 338 tokens needs 524 GB of KV cache by its last token; "
                              "beside 12.9 GB of weights, 1 × h100-sxm leave 64.1 GB")
    assert "the weights need" not in res.err
    # weights that do not fit still say so: 0.9 × 85.52 GB = 76.97 GB, written to 3 figures as 77
    res = cli("inference", "--tokens", "1e9", "--model", "llama-2-70b", "--devices", "1")
    assert res.code == 2 and res.err.startswith("error: the weights need 138 GB; 1 × 85.52 GB of h100-sxm offer 77 GB")


def test_an_assumed_shapes_context_window_does_not_bind_the_query(cli):
    """--params alone takes the nearest catalog model's shape; its context window is that model's, not
    the user's: a 40,000-token prompt was refused as longer than mistral-7b's window."""
    res = cli("inference", "--tokens", "1e9", "--params", "7e9", "--prompt-tokens", "40000", "--format", "json")
    assert res.code == 0 and res.err == ""
    # a catalog model asked for by name keeps its window
    res = cli("inference", "--tokens", "1e9", "--model", "mistral-7b", "--prompt-tokens", "40000")
    assert res.code == 2 and "mistral-7b's context window of 32,768 tokens" in res.err


def test_the_training_flops_help_says_what_the_default_is(cli):
    """The help said "default 6·N·20N"; a catalog model uses its published training tokens, a mixture
    of experts its active parameters."""
    res = cli("inference", "--help")
    assert res.code == 0
    text = " ".join(res.out.split())
    assert "default 6·N·D, N the active parameters of a mixture of experts; D a catalog model's published " \
           "training tokens, else 20·N" in text


@pytest.mark.parametrize("kw", [
    dict(model="llama-3.1-8b", hardware="a100-sxm-80gb", engine="latency"),
    dict(model="llama-3.1-8b", hardware="l4", engine="latency"),
    dict(model="llama-2-70b", hardware="cpu-server-2s-epyc"),
    dict(model="llama-2-7b", hardware="h100-sxm", batch_size=64),
])
def test_no_range_is_faster_than_the_hardware_can_go(kw):
    """The ×/÷ half-width is symmetric in log time: at batch 1 its low end fell below reading the weights
    at the full bandwidth (an A100 at up to 193 tokens/s where 127 is the most). It is cut at that floor."""
    r = serving.inference_report(tokens=1e9, **kw).result
    # a token served: the step with every prompt's prefill; the TPOT a user waits: the other requests' prompts only
    # (a request's own is before its first token: all of a static batch's, the one sequence's at batch 1)
    others = 0.0 if kw.get("engine") == "latency" or r.batch_size == 1 else 1 - 1 / r.batch_size
    floor_s = max(r.memory_s_per_step * BANDWIDTH_FRACTION,
                  (r.compute_s_per_step + r.prefill_s_per_step) * r.utilization)
    user_floor_s = max(r.memory_s_per_step * BANDWIDTH_FRACTION,
                       (r.compute_s_per_step + others * r.prefill_s_per_step) * r.utilization)
    low, high = r.range["seconds_per_output_token"]
    assert user_floor_s <= low * (1 + 1e-12) and low <= r.seconds_per_output_token <= high
    assert r.range["tokens_per_s"][1] <= r.batch_size / floor_s * (1 + 1e-12)
    assert r.range["latency_s_per_token"] == r.range["seconds_per_output_token"]
    served_low = r.range["seconds_per_token"][0] * r.batch_size
    assert floor_s <= served_low * (1 + 1e-12) and served_low <= r.seconds_per_token * r.batch_size
    # the totals' low ends move with a token served's
    for k in ("wall_clock_s", "device_hours"):
        assert r.range[k][0] / getattr(r.estimate, k) == pytest.approx(served_low / (r.seconds_per_token * r.batch_size))


def test_the_floor_is_what_the_unclipped_range_broke():
    r = serving.inference_report(tokens=1e9, model="llama-3.1-8b", hardware="a100-sxm-80gb", engine="latency").result
    floor_s = r.memory_s_per_step * BANDWIDTH_FRACTION
    assert r.range["seconds_per_output_token"][0] == pytest.approx(floor_s)  # cut: the symmetric low was below
    assert r.seconds_per_output_token / r.range["seconds_per_output_token"][1] < floor_s / r.seconds_per_output_token


def test_eight_bit_runs_the_linear_layers_at_its_peak_and_attention_at_sixteen_bits():
    """Attention's products multiply activations by the 16-bit KV cache, not weights: 8-bit ran them at
    the INT8 peak too. With a long prompt (attention-heavy prefill) the 8-bit prefill is the linear part
    at the INT8 peak plus the attention part at the bf16 peak."""
    from estimator.io.datafiles import default_profiles
    a100 = default_profiles().get("a100-sxm-80gb")
    kw = dict(tokens=1e9, model="llama-3.1-8b", hardware="a100-sxm-80gb", prompt_tokens=30000, tokens_per_query=100)
    eight = serving.inference_report(bits=8, **kw).result
    sixteen = serving.inference_report(**kw).result
    int8, bf16 = a100.peak("int8"), a100.peak("bf16")
    assert eight.precision == "int8" and eight.peak_flops_per_s == int8
    # prefill = linear ÷ peak + attention ÷ 16-bit peak; the 16-bit run has both at bf16: solve for the parts
    both = sixteen.prefill_s_per_step * bf16  # (linear + attention) FLOPs per step ÷ (tp · u)
    attention = (eight.prefill_s_per_step - both / int8) / (1 / bf16 - 1 / int8)
    assert 0 < attention < both
    linear = both - attention
    # the linear part is 2·N (N without the input table) per prompt token, the rest attention
    assert linear / both == pytest.approx(2 * (8.03e9 - 128256 * 4096) * 30000
                                          / (2 * (8.03e9 - 128256 * 4096) * 30000
                                             + 2 * 32 * 30000 ** 2 * 4096), rel=0.02)
    notes = " ".join(eight.notes)
    assert "8-bit compute: the linear layers at the int8 peak, so activations are taken as quantised too (W8A8" in notes
    assert "attention (QKᵀ, AV) at the 16-bit peak" in notes


def test_figures_that_are_the_time_times_a_constant_are_cut_with_it():
    """Review: the time's low end was cut at the floor but the energy at a given power and the cost per
    device-hour were not: 1.55 J at 300 W implied 5.2 ms, under the 7.38 ms floor beside it."""
    r = serving.inference_report(tokens=1e6, model="llama-3.1-8b", hardware="a100-sxm-80gb", engine="latency",
                                power_w=300, pue=1).result
    # a token served (batch 1: the step with its prompt's prefill), what the energy and the totals follow
    t_low, t = r.range["seconds_per_token"][0], r.seconds_per_token
    ratio = t_low / t
    assert ratio > r.seconds_per_token / r.range["seconds_per_token"][1]  # cut: not symmetric
    assert r.range["joules_per_output_token"][0] == pytest.approx(r.joules_per_output_token * ratio)
    assert r.range["joules_per_output_token"][0] / 300 == pytest.approx(t_low)  # energy = time × 300 W
    for k in ("device_hours", "energy_kwh", "co2e_kg", "cost_usd"):
        assert r.range[k][0] == pytest.approx(getattr(r.estimate, k) * ratio), k
    for scope in ("per_token", "per_query"):
        for k in ("energy_kwh", "cost_usd"):
            assert r.range[scope][k][0] / r.range[scope][k][1] == pytest.approx(
                r.range[k][0] / r.range[k][1]), (scope, k)
    # the online engine's measured energy keeps its own fitted range (its power is not a constant)
    online = serving.inference_report(tokens=1e6, model="llama-3.1-8b", hardware="a100-sxm-80gb").result
    lo, hi = online.range["joules_per_output_token"]
    assert lo * hi == pytest.approx(online.joules_per_output_token ** 2)


def test_a_mixture_of_experts_gets_no_floor_cut():
    """Its bytes read assume even routing over the experts, an upper bound: its true floor is lower."""
    r = serving.inference_report(tokens=1e6, model="mixtral-8x7b", hardware="h100-sxm", engine="latency",
                                batch_size=4).result
    lo, hi = r.range["seconds_per_output_token"]
    assert lo * hi == pytest.approx(r.seconds_per_output_token ** 2)  # symmetric: not cut


def test_four_bit_weights_on_an_int4_peak_are_served_weight_only_as_on_an_a100():
    """Review: on a T4 (an INT4 peak) the 4-bit note read "W4A4, as FP8 checkpoints and SmoothQuant run"; serving review
    2026-11-28 (third): the T4 was then computed at its INT4 peak (W4A4, as Atom runs) where the A100, whose profile
    states none, ran at 16 bits, and engines serve 4-bit weights on both weight-only (GPTQ, AWQ). The T4 computes at its
    fp16 peak, says why, and its compute-bound prefill is no faster at 4 bits than at 16."""
    t4 = serving.inference_report(tokens=1e6, params=1e9, hardware="t4", bits=4).result
    notes = " ".join(t4.notes)
    assert "t4's INT4 peak is not taken: engines serve 4-bit weights on it weight-only (GPTQ, AWQ)" in notes
    assert "(W4A4, as Atom runs" not in notes and "SmoothQuant" not in notes
    from estimator.core.serving.device import peak_for_bits
    from estimator.io.datafiles import default_profiles
    t4_profile = default_profiles().get("t4")
    assert peak_for_bits(t4_profile, 4)[:2] == peak_for_bits(t4_profile, 16)[:2]


def test_four_bit_weights_are_stored_with_their_block_scales():
    """Serving review 2026-11-28 (third) and 2026-11-29: DeepSeek-R1 at 4 bits was put on 2 B200s, 338 GB of weights
    counted at 4 bits a weight in 346 GB usable, where MXFP4's scales (4.25 bits) add 20.9 GB; a note said so, but the
    device count still took 4 bits. The memory now counts 4.25 bits a block weight (embeddings and LM head at 16), so
    the fewest devices are 4 and 2 are refused; where NVFP4's 4.5 bits would not fit, a note says so."""
    from estimator.core.serving.weights import embedding_params
    r = serving.inference_report(tokens=1e6, model="deepseek-r1", hardware="b200", bits=4, batch_size=1).result
    emb = embedding_params(r.architecture, r.params_served)[0]
    assert r.weights_gb == pytest.approx(((r.params_served - emb) * 4.25 + emb * 16) / 8 / 1e9) and r.devices == 4
    with pytest.raises(InputError, match="the weights need 359 GB; 2 × .* of b200 offer 346 GB"):
        serving.inference_report(tokens=1e6, model="deepseek-r1", hardware="b200", bits=4, devices=2)
    tight = serving.inference_report(tokens=1e6, model="llama-4-scout", hardware="rtx-5090", bits=4, devices=2).result
    quantised = tight.params_served - embedding_params(tight.architecture, tight.params_served)[0]
    (said,) = [n for n in tight.notes if n.startswith("4-bit weights counted at 4.25 bits each")]
    assert f"NVFP4's take 4.5 bits a weight, {gfmt(quantised * 0.25 / 8 / 1e9, 3)} GB more" in said
    assert said.endswith("do not fit the 61.5 GB usable on 2 × rtx-5090: give more devices for NVFP4")
    # NVFP4 only where the device has an FP4 peak (diff review 2026-11-29: it was offered on an H100)
    hopper = serving.inference_report(tokens=1e6, model="mixtral-8x22b", hardware="h100-sxm", bits=4, devices=1).result
    assert not [n for n in hopper.notes if "NVFP4" in n]
    roomy = serving.inference_report(tokens=1e6, model="llama-3.1-70b", hardware="h100-sxm", bits=4).result
    assert not [n for n in roomy.notes if "block scales" in n]


def test_the_block_scales_note_counts_the_replicas_weights_under_expert_parallelism():
    """Code review 2026-11-28: under expert parallelism the replica's weights hold the weights outside the experts on
    every device, and the note had counted them once (Llama 4 Maverick at 4 bits, EP 2 on GB10s: NVFP4's scales beyond
    MXFP4's, 12.8 GB on the quantised weights the footprint holds, not 12.5 GB counted once)."""
    from estimator.core.serving.weights import embedding_params, expert_params
    r = serving.inference_report(tokens=1e6, model="llama-4-maverick", hardware="gb10", bits=4, batch_size=1,
                                 ep=2).result
    (said,) = [n for n in r.notes if n.startswith("4-bit weights counted at 4.25 bits each")]
    arch, params = r.architecture, r.params_served
    experts = expert_params(arch, params)
    quantised = 2 * (params - experts - embedding_params(arch, params)[0]) + experts
    assert f"4.5 bits a weight, {quantised * 0.25 / 8 / 1e9:.1f} GB more" in said and "12.8 GB more" in said
    assert said.endswith("and with them the weights and one sequence do not fit the 231 GB usable on 2 × gb10: give "
                         "more devices for NVFP4")


@pytest.mark.parametrize("kw", [
    dict(model="mixtral-8x7b", hardware="h100-sxm", bits=8, engine="latency"),
    dict(model="mixtral-8x7b", hardware="a100-sxm-80gb", bits=8),
    dict(model="qwen3-30b-a3b", hardware="a100-sxm-80gb", batch_size=256),
])
def test_a_mixture_of_experts_range_is_not_faster_than_reading_its_active_experts(kw):
    """Serving review 2026-11-29: a mixture of experts had no floor (its bytes read assume even routing, an upper
    bound), so Mixtral 8x7B at 8 bits on an H100 reached 3.38 ms a token, where its active parameters alone, read at
    the full 3.35 TB/s, take 3.86 ms. Its floor is now what no routing goes below: every token to the same k experts,
    the rest of the weights and the KV cache whole."""
    from estimator.core.base.units import BITS_PER_BYTE
    from estimator.core.serving.weights import EMBEDDING_BITS, embedding_params
    from estimator.io.datafiles import default_profiles
    r = serving.inference_report(tokens=1e9, **kw).result
    arch, bits = r.architecture, kw.get("bits", 16)
    emb, head = embedding_params(arch, r.params_served)
    # the active blocks at the served bits and the LM head at 16: the least one token's step reads, at full bandwidth
    least_bytes = ((arch.active_params - emb) * bits + head * EMBEDDING_BITS) / BITS_PER_BYTE
    bandwidth = default_profiles().get(kw["hardware"]).memory_bandwidth_bytes_per_s
    floor_s = least_bytes / bandwidth / r.tp
    low, _ = r.range["seconds_per_output_token"]
    assert low >= floor_s * (1 - 1e-9)
    assert r.range["tokens_per_s"][1] <= r.batch_size * r.replicas / floor_s * (1 + 1e-9)
    if kw.get("engine") == "latency":  # batch 1: the symmetric range broke the floor, now cut at it
        assert r.batch_size == 1 and low == pytest.approx(3.86e-3, rel=0.01)


def test_one_sequence_must_fit_at_its_full_length_preemption_frees_no_room_for_it(cli):
    """Serving review 2026-11-29: Llama 3.1 70B at 8 bits on one H100 served a sequence of 10 + 26,000 tokens, its
    KV cache counted at the average in flight (13,010 tokens, 4.26 GB) where its last step holds 26,010 tokens of
    327,680 bytes, 8.52 GB, in the 4.31 GB left beside the weights."""
    args = ("inference", "--model", "llama-3.1-70b", "--bits", "8", "--prompt-tokens", "10", "--tokens-per-query",
            "26000", "--tokens", "1e6")
    res = cli(*args, "--devices", "1")
    assert res.code == 2 and res.err.count("\n") == 1
    assert res.err.startswith("error: one sequence of 10 + 26,000 tokens needs 8.52 GB of KV cache by its last token; "
                              "beside 72.7 GB of weights, 1 × h100-sxm leave 4.31 GB")
    res = cli(*args, "--format", "json")  # without --devices, the fewest that hold it at full length
    assert res.code == 0 and json.loads(res.out)["devices"] == 2
    # a batch of them runs at the average in flight, preempting the rest (paged engines hold the average)
    res = cli(*args, "--devices", "2", "--batch-size", "1000", "--format", "json")
    assert res.code == 0 and any("does not fit" in n and "preempts" in n for n in json.loads(res.out)["notes"])


def test_devices_not_given_say_why_they_are_as_many(cli):
    """Serving review 2026-11-29: a batch of 1,409 moved Llama 3.1 8B to 2 GPUs, said in the JSON's assumptions only."""
    res = cli("inference", "--model", "llama-3.1-8b", "--batch-size", "1409", "--tokens", "1e9", "--format", "json")
    d = json.loads(res.out)
    assert res.code == 0 and d["devices"] == 2
    assert any(n.startswith("2 devices (not given: the smallest power of two whose usable memory holds the weights and "
                            "the batch's KV cache) in tensor parallelism") for n in d["notes"])
    given = json.loads(cli("inference", "--model", "llama-3.1-8b", "--batch-size", "1409", "--tokens", "1e9",
                           "--devices", "2", "--format", "json").out)
    assert any(n.startswith("2 devices in tensor parallelism") for n in given["notes"])


def test_a_windowed_models_full_length_holds_its_window_and_an_expert_parallel_sequence_one_devices_room(cli):
    """Diff review 2026-11-29: the full-length check took the average's held share at the full length, so Mistral 7B
    at 100 + 30,000 tokens counted 1.00 GB where its 4,096-token window holds 0.54 GB (refused on a P100 with 0.98 GB
    left); under expert parallelism one sequence of 197 GB was taken against 8 devices' 30.5 GB each."""
    windowed = cli("inference", "--model", "mistral-7b", "--hardware", "p100", "--devices", "1", "--prompt-tokens", "100",
                   "--tokens-per-query", "30000", "--tokens", "1e6", "--format", "json")
    assert windowed.code == 0, windowed.err
    res = cli("inference", "--model", "llama-4-scout", "--devices", "8", "--ep", "8", "--prompt-tokens", "1000000",
              "--tokens-per-query", "1000", "--tokens", "1e9")
    assert res.code == 2 and res.err.count("\n") == 1
    assert ("needs 197 GB of KV cache by its last token; beside 371 GB of weights, each of 8 × h100-sxm leaves 30.5 GB, "
            "and under expert parallelism a sequence's KV cache is held on one device") in res.err


def test_beams_in_a_window_and_an_expert_parallel_static_batch_stay_within_memory(cli):
    """Second diff review 2026-11-29: one sequence's window share applied to every beam undercounted beam search
    (Mistral 7B at 8,000 + 8,000, 2 beams, a static batch: 77 requests of 1.07 GB in 62.3 GB); under expert
    parallelism the batch was the pooled room's (Qwen3 235B: 9 sequences of 3.47 GB against 8 devices' 4.29 GB each)."""
    def served(*args):
        res = cli("inference", "--tokens", "1e6", "--engine", "latency", "--batch-size", "max", *args, "--format",
                  "json")
        assert res.code == 0, res.err
        d = json.loads(res.out)
        return d["batch"], d["memory_gb"]["total"]
    batch, total = served("--model", "mistral-7b", "--prompt-tokens", "8000", "--tokens-per-query", "8000", "--beams",
                          "2")
    # each beam's last 4,096 tokens in its 32 windowed layers, the prompt's share of them none (8,000 outputs pass it)
    assert batch == 58 and total <= 0.9 * 85.52
    batch, _ = served("--model", "qwen3-235b-a22b", "--devices", "8", "--ep", "8", "--prompt-tokens", "10000",
                      "--tokens-per-query", "8000")
    assert batch == 8  # one whole sequence a device


def test_latent_attention_decodes_in_the_latent_and_prefills_in_its_heads():
    """Serving review 2026-11-29: DeepSeek's decode attention had been counted as 4 × 128 heads × 288 (the cached
    latent's width) per context token; absorbed, as FlashMLA and vLLM decode it, a head's QKᵀ runs over the 576-dim
    latent and RoPE key and its AV over the 512-dim latent, 2,176 FLOPs = 4 × 544; a prompt's heads run 192-dim queries
    and keys and 128-dim values, 4 × 160 (arXiv:2412.19437 §2.1.1, arXiv:2405.04434 §2.1.3). Other models unchanged."""
    from dataclasses import replace

    from estimator.core.serving.estimate import InferenceScenario, inference
    from estimator.io.datafiles import default_profiles
    from estimator.io.serving_data import catalog_model, load_serving_fit
    m = catalog_model("deepseek-r1")
    assert (m.arch.decode_width, m.arch.prefill_width, m.arch.attention_width) == (128 * 544, 128 * 160, 128 * 288)
    llama = catalog_model("llama-3.1-70b").arch
    assert llama.decode_width == llama.prefill_width == llama.attention_width
    bare = replace(m.arch, decode_attention_width=None, prefill_attention_width=None)
    fit, profile = load_serving_fit(), default_profiles().get("h200-sxm")
    s = InferenceScenario(params=m.params, tokens=1e6, architecture=m.arch, devices=8, bits=8, batch_size=64,
                          prompt_tokens=1000, tokens_per_query=2000)
    latent, heads = inference(s, profile, fit), inference(replace(s, architecture=bare), profile, fit)
    held = m.arch.held_tokens(1000, 2000)
    assert latent.flops_per_token - heads.flops_per_token == pytest.approx(
        4.0 * m.arch.layers * held * 128 * (544 - 288), rel=1e-9)
    # at batch 64 the step reads the weights (memory-bound), the FLOPs' widths change nothing; where it computes
    # (batch 512) the latent's wider products take longer (the strict order at 64 had held by a rounding's luck)
    assert latent.bound == "memory" and latent.seconds_per_output_token == pytest.approx(heads.seconds_per_output_token)
    wide, narrow = (inference(replace(s, batch_size=512, architecture=a), profile, fit) for a in (m.arch, bare))
    assert wide.bound == "compute" and wide.seconds_per_output_token > 1.03 * narrow.seconds_per_output_token


def test_the_json_names_the_latent_attentions_widths():
    """Diff review 2026-11-29: the widths that set DeepSeek's attention FLOPs were not in the JSON's architecture."""
    doc = serving.inference_report(tokens=1e6, model="deepseek-r1", hardware="h200-sxm", devices=8, bits=8).result.to_dict()
    assert (doc["architecture"]["decode_attention_width"], doc["architecture"]["prefill_attention_width"]) == (69632, 20480)


def test_the_8_bit_compute_note_names_the_scheme_of_the_peak_taken():
    """Serving engineer's review 2026-11-29: on an A100 (an INT8 peak, no FP8) the note read "W8A8, as FP8 checkpoints
    and SmoothQuant run", beside the caveat that engines run FP8 weights there weight-only."""
    from estimator.core.serving.device import peak_for_bits
    from estimator.io.datafiles import default_profiles
    profiles = default_profiles()
    p, _, note = peak_for_bits(profiles.get("a100-sxm-80gb"), 8)
    assert p == "int8" and "(W8A8, INT8, as SmoothQuant runs)" in note and "FP8" not in note
    p, _, note = peak_for_bits(profiles.get("h100-sxm"), 8)
    assert p == "fp8" and "(W8A8, as FP8 checkpoints run)" in note and "SmoothQuant" not in note
