"""Training memory as today's kernels need it (issue 53): FlashAttention's rule by default (no attention scores
stored), the old kernels' on request, selective recomputation, sequence, context and expert parallelism and FP8
activations, each against a hand computation from its cited formula and against published figures: the issue's
Llama-2-7B case, llm-analysis's and DeepSpeed's published estimates, and Llama 3 405B's published layouts."""

import json

import pytest

from estimator.cli import main
from estimator.core.base.errors import InputError
from estimator.core.training import memory as mem
from estimator.io.datafiles import default_profiles
from estimator.services import api
from estimator.services.model_shape import memory_shape, resolve_architecture

GB = 1e9
GIB = 2 ** 30


def catalog_shape(model: str) -> mem.Shape:
    """The memory's shape of a catalog model, as the estimator takes it (its own widths; a mixture's layers GPT's)."""
    n, arch, how = resolve_architecture(model=model)
    return memory_shape(n, arch, how)


def cli_json(capsys, *args) -> dict:
    assert main([*args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["memory"]


# -- the case ----------------------------------------------------------------------------------------------

def test_llama2_7b_zero3_on_8_a100_fits_with_flashattention(capsys):
    """Issue 53: Llama-2-7B, ZeRO-3 on 8 A100 80GB, bf16, sequence 2048, micro-batch 4, no recomputation. Korthikanti
    et al.'s rule with the scores stored gave sbhL(34 + 5as/h) = 2048·4·4096·32·(34 + 80) bytes = 122 GB per device,
    "does not fit". FlashAttention stores no scores: L(34.125·sbh + 4asb) = 36.6 GB (its SwiGLU MLP of 11,008 stores
    2 × 3 × 11,008 = 16.125h where GeLU's 4h stores 16h), within ±25% of the issue's 36.5 GB,
    and with the output layer's inputs and logits (1.2 GB), 16Ψ/8 = 13.5 GB of ZeRO-3 states and one layer gathered
    whole (202M parameters at 2 + 2 bytes, 0.81 GB), 52 GB in all: it fits."""
    args = ("estimate", "--model", "llama-2-7b", "--tokens", "1e12", "--hardware", "a100-sxm-80gb", "--devices", "8",
            "--zero", "3", "--micro-batch", "4", "--seq-len", "2048", "--precision", "bf16")
    m = cli_json(capsys, *args)
    act = m["per_device_gb"]["activations"]
    # and the final LayerNorm's and output layer's inputs and fp32 logits (Korthikanti et al. §4.3: 4sbh + 4sbv,
    # vocabulary 32,000)
    assert act == pytest.approx((32 * (2048 * 4 * (18 * 4096 + 6 * 11008) + 4 * 32 * 2048 * 4)
                                 + 2048 * 4 * (4 * 4096 + 4 * 32000)) / GB)
    assert act == pytest.approx(36.5, rel=0.25)
    assert m["fits"] is True and m["strategy"]["attention_kernel"] == "flash"
    layer = (6.738e9 - 2 * 32000 * 4096) / 32  # Llama-2-7B's layer, larger than its embedding table (131M)
    assert m["per_device_gb"]["gathered_layer"] == pytest.approx(4 * layer / GB)
    assert m["per_device_gb"]["total"] == pytest.approx(16 * 6.738e9 / 8 / GB + act + 4 * layer / GB)
    # the issue quotes llm-analysis at 59.5 GB in all for this case (as the author ran it; not a published
    # figure): within 25% (llm-analysis keeps fp32 gradients, 2 bytes per parameter more than ZeRO's paper)
    assert m["per_device_gb"]["total"] == pytest.approx(59.5, rel=0.25)
    # the old kernels, on request, reproduce the 122 GB and "does not fit"
    eager = cli_json(capsys, *args, "--attention-kernel", "eager")
    assert eager["per_device_gb"]["activations"] == pytest.approx(
        (2048 * 4 * 32 * (18 * 4096 + 6 * 11008 + 80 * 4096) + 2048 * 4 * (4 * 4096 + 4 * 32000)) / GB)
    assert eager["per_device_gb"]["activations"] == pytest.approx(122.5 + 1.2, abs=0.05)
    assert eager["fits"] is False and eager["strategy"]["attention_kernel"] == "eager"


def test_the_note_names_the_kernel(capsys):
    assert main(["estimate", "--model", "llama-2-7b", "--tokens", "1e12", "--hardware", "a100-sxm-80gb", "--devices",
                 "8", "--zero", "3", "--micro-batch", "4", "--seq-len", "2048"]) == 0
    out = capsys.readouterr().out
    assert "memory: fits, 52.1 GB per device against 85.9 GB (80 GiB) (ZeRO-3, no activation recomputation; micro-batch 4, " \
           "sequence 2048, bf16 with Adam, FlashAttention;" in out


# -- published estimates -------------------------------------------------------------------------------------------

# llm-analysis's published LLaMA training analyses (github.com/cli99/llm-analysis, examples/llama/outputs_train/
# decapoda-research_llama-{7b,65b}-hf-a100-sxm-80gb-w16a16e16-tp8-pp8-dp32-sp8-fe0.5-hbme0.9-summary-readable.txt):
# tensor parallel 8 with sequence parallelism, pipeline 8, selective recomputation, sequence 2048,
# "activation_memory_bs1" per GPU of 1.24 GB (LLaMA-7B: 32 layers, d_model 4096, 32 heads) and 6.21 GB (LLaMA-65B:
# 80 layers, d_model 8192, 64 heads).
LLM_ANALYSIS_BS1 = [((32, 4096, 32), 1.24), ((80, 8192, 64), 6.21)]


@pytest.mark.parametrize("shape, published", LLM_ANALYSIS_BS1)
def test_selective_recomputation_matches_llm_analysis_published_llama_figures(shape, published):
    """Korthikanti et al.'s selective recomputation with sequence parallelism: 34·sbhL/t (1.14 GB for LLaMA-7B,
    5.70 GB for 65B), within 20% of llm-analysis's figures whether its GB is decimal or binary (it also counts the
    embeddings and the SwiGLU MLP's larger activations, so it sits above)."""
    layers, d_model, heads = shape
    ours = layers * mem.activation_bytes_per_layer(2048, 1, d_model, heads, tp=8, recompute="selective")
    assert ours == pytest.approx(34 * 2048 * d_model * layers / 8)
    for unit in (GB, GIB):
        assert ours == pytest.approx(published * unit, rel=0.20)
        assert ours < published * unit


# DeepSpeed's estimator as published in Hugging Face Transformers' DeepSpeed guide ("Memory requirements",
# huggingface.co/docs/transformers/deepspeed): bigscience/T0_3B, 2,783M parameters, ZeRO-3 with no offload:
# 46.91 GB per GPU on 1 GPU, 23.58 GB per GPU on 2 (its GB are GiB: 46.91 × 2³⁰ / 2.783e9 = 18.1 bytes per
# parameter, i.e. 2-byte weights, 4-byte fp32 gradients and 12 bytes of Adam states, plus one gathered layer).
DEEPSPEED_T0_3B = [(1, 46.91), (2, 23.58)]


@pytest.mark.parametrize("gpus, published_gib", DEEPSPEED_T0_3B)
def test_zero3_model_states_match_deepspeeds_published_estimate(gpus, published_gib):
    """ZeRO's paper counts 16 bytes per parameter (16-bit gradients) where DeepSpeed's estimator counts 18: ours is
    16/18 of theirs within 2%, and halves from 1 GPU to 2 as theirs does."""
    shape = mem.Shape(2.783e9, 24, 1024, 32)  # the model states need only the parameters
    b = mem.per_device(shape, mem.Strategy(zero=3), gpus, 1, 1, "bf16")
    states = b.weights_gb + b.gradients_gb + b.optimizer_gb
    assert states == pytest.approx(16 * 2.783e9 / gpus / GB)
    assert states * GB / GIB == pytest.approx(published_gib * 16 / 18, rel=0.02)


# -- published layouts that fitted ---------------------------------------------------------------------------------

# Llama 3 405B (Dubey et al. 2024, arXiv:2407.21783, §3.3.2 and Table 4): on 80 GB H100s, bf16, tensor parallel 8
# and pipeline 16 with DP 64 (8,192 GPUs) or DP 128 (16,384 GPUs) at sequence 8,192, and context parallel 16 with
# DP 8 (16,384 GPUs) at sequence 131,072. §3.3.2: FSDP shards the optimizer states and gradients, the weights kept
# whole through the step (ZeRO-2 here); no activation recomputation is reported; micro-batch 1.
LLAMA3_LAYOUTS = [(8192, 1, 8192), (16384, 1, 8192), (16384, 16, 131072)]


@pytest.mark.parametrize("devices, cp, seq_len", LLAMA3_LAYOUTS)
def test_llama3_405b_published_layouts_fit_on_h100(devices, cp, seq_len):
    """Model states: 2Ψ/(t·p) = 6.3 GB of weights and 14Ψ/(t·p)/(N_d·c) of gradients and optimizer; activations
    L(33.8·sbh + 4asb)/(t·c) = 126 × 8,192 tokens × 16,384 × 33.8 / 8 = 71 GB per device either way (context parallel
    16 splits the 16× longer sequence; a layer stores 14h + 4·kv + 6·ffn per token, its 8 KV heads of 128 and its
    SwiGLU of 53,248 at their widths): about 78 GB, inside the H100's 85.5 GB (and its nominal 80 GB)."""
    h100 = default_profiles().get("h100-sxm")
    shape = catalog_shape("llama-3.1-405b")
    st = mem.Strategy(zero=2, tp=8, pp=16, cp=cp)
    tm = mem.training_memory(shape, st, devices, h100.memory_gb, h100.name, "bf16", seq_len, 1)
    assert tm.data_parallel == devices // (8 * 16 * cp)
    tokens = seq_len // cp
    assert (shape.kv_width, shape.ffn, shape.mlp_matrices) == (1024, pytest.approx(53248, abs=1), 3)
    per_token = 14 * shape.d_model + 4 * shape.kv_width + 6 * shape.ffn
    act = shape.layers * (per_token * tokens + 4 * shape.heads * tokens) / 8 / GB
    assert tm.per_device.activations_gb == pytest.approx(act)
    assert tm.per_device.weights_gb == pytest.approx(2 * shape.params / 128 / GB)
    assert tm.per_device.optimizer_gb == pytest.approx(12 * shape.params / 128 / (tm.data_parallel * cp) / GB)
    assert tm.fits and tm.per_device.total_gb < 80
    # the same run with no parallelism (every device a whole replica) does not fit, whatever the devices
    flat = mem.training_memory(shape, mem.Strategy(), devices, h100.memory_gb, h100.name, "bf16", seq_len, 1)
    assert not flat.fits and flat.min_devices is None
    assert flat.per_device.total_gb > 16 * shape.params / GB


def test_llama3_405b_layout_from_the_cli(capsys):
    m = cli_json(capsys, "estimate", "--model", "llama-3.1-405b", "--tokens", "15.6e12", "--hardware", "h100-sxm",
                 "--devices", "16384", "--tp", "8", "--pp", "16", "--cp", "16", "--zero", "2", "--seq-len", "131072")
    assert m["fits"] is True and m["data_parallel"] == 8
    assert m["strategy"]["context_parallel"] == 16


# -- each rule on its own ------------------------------------------------------------------------------------------

def test_selective_recomputation_with_flashattention_keeps_only_the_34_terms():
    """Korthikanti et al.'s selective recomputation keeps 34·sbh/t; with FlashAttention, no recomputation keeps
    only the log-sum-exp (4asb/t) more; with the old kernels, the 5as²b/t scores more."""
    s, b, h, a = 2048, 1, 12288, 96
    sel = mem.activation_bytes_per_layer(s, b, h, a, tp=8, recompute="selective")
    assert sel == pytest.approx(34 * s * b * h / 8)
    assert sel == mem.activation_bytes_per_layer(s, b, h, a, tp=8, recompute="selective", attention="eager")
    assert mem.activation_bytes_per_layer(s, b, h, a, tp=8) - sel == pytest.approx(4 * a * s * b / 8)
    assert mem.activation_bytes_per_layer(s, b, h, a, tp=8, attention="eager") - sel == \
        pytest.approx(5 * a * s * s * b / 8)


def test_sequence_parallelism_splits_the_layernorm_and_dropout_parts():
    """Table 2: tensor parallel alone keeps 10·sbh whole (LayerNorms' and the linears' inputs, dropout masks) and
    splits 24·sbh; sequence parallelism splits all 34."""
    s, b, h, a = 2048, 1, 12288, 96
    without = mem.activation_bytes_per_layer(s, b, h, a, tp=8, recompute="selective", sequence_parallel=False)
    assert without == pytest.approx(s * b * h * (10 + 24 / 8))
    shape = mem.Shape(175e9, 96, h, a)
    on = mem.per_device(shape, mem.Strategy(tp=8), 1, s, b, "bf16").activations_gb
    off = mem.per_device(shape, mem.Strategy(tp=8, sequence_parallel=False), 1, s, b, "bf16").activations_gb
    assert off > on
    assert "without sequence parallelism" in mem.Strategy(tp=8, sequence_parallel=False).describe()


def test_context_parallelism_divides_activations_and_shards_states_with_data_parallel():
    shape = mem.Shape(6.738e9, 32, 4096, 32)
    one = mem.per_device(shape, mem.Strategy(zero=1), 4, 8192, 1, "bf16")
    cp4 = mem.per_device(shape, mem.Strategy(zero=1, cp=4), 4, 8192, 1, "bf16")
    assert cp4.activations_gb == pytest.approx(one.activations_gb / 4)
    assert cp4.optimizer_gb == pytest.approx(one.optimizer_gb / 4)  # ZeRO over N_d·c = 16 ranks, not 4
    assert cp4.weights_gb == one.weights_gb
    with pytest.raises(InputError, match="must divide the sequence"):
        mem.check_run(shape, mem.Strategy(cp=3), 3, 8192, 1)


def test_expert_parallelism_divides_a_mixtures_expert_states():
    """Mixtral 8x7B (catalog: 46.7B in all, 12.9B active, 8 experts, top 2): its experts hold (46.7 − 12.9) × 8/6 =
    45.1B parameters, 32 layers × 8 experts × 3 × 4096 × 14,336 as its config gives. Expert parallel 8 divides
    their weights, gradients and optimizer states by 8; the shared 1.6B stay whole."""
    shape = catalog_shape("mixtral-8x7b")
    assert shape.expert_params == pytest.approx(32 * 8 * 3 * 4096 * 14336, rel=1e-3)
    dense = shape.params - shape.expert_params
    b = mem.per_device(shape, mem.Strategy(ep=8), 8, 2048, 1, "bf16")
    assert b.weights_gb == pytest.approx(2 * (dense + shape.expert_params / 8) / GB)
    assert b.optimizer_gb == pytest.approx(12 * (dense + shape.expert_params / 8) / GB)
    # ZeRO-1 over 8 ranks: the shared states over all 8, each expert's over the 8/8 = 1 rank that holds it
    z1 = mem.per_device(shape, mem.Strategy(zero=1, ep=8), 8, 2048, 1, "bf16")
    assert z1.optimizer_gb == pytest.approx(12 * (dense / 8 + shape.expert_params / 8) / GB)
    with pytest.raises(InputError, match="mixture of experts"):
        mem.check_strategy(mem.Strategy(ep=2), mem.Shape(6.738e9, 32, 4096, 32))
    with pytest.raises(InputError, match="must divide the 8 experts"):
        mem.check_strategy(mem.Strategy(ep=3), shape)


def test_fp8_keeps_the_matrix_multiplies_inputs_at_one_byte():
    """Transformer Engine's FP8 recipe keeps the inputs of the QKV, output-projection and two MLP matrix multiplies
    in FP8 for the backward pass (2 + 2 + 2 + 8 = 14·sbh at 16 bits become 7), the rest at 16 bits: 27·sbh in
    place of 34; FlashAttention keeps its own 16-bit output beside the projection's FP8 copy (+2), unless selective
    recomputation recomputes it with the attention core."""
    s, b, h, a = 2048, 1, 4096, 32
    assert mem.activation_bytes_per_layer(s, b, h, a, recompute="selective", fp8=True) == \
        pytest.approx(27 * s * b * h)
    assert mem.activation_bytes_per_layer(s, b, h, a, fp8=True) == pytest.approx(29 * s * b * h + 4 * a * s * b)
    assert mem.activation_bytes_per_layer(s, b, h, a, recompute="selective", fp8=True, attention="eager") == \
        pytest.approx(27 * s * b * h)
    shape = mem.Shape(6.738e9, 32, h, a)
    fp8 = mem.per_device(shape, mem.Strategy(recompute="selective"), 1, s, b, "fp8")
    bf16 = mem.per_device(shape, mem.Strategy(recompute="selective"), 1, s, b, "bf16")
    assert fp8.activations_gb == pytest.approx(bf16.activations_gb * 27 / 34)
    assert fp8.weights_gb == bf16.weights_gb  # master weights and Adam states as in mixed precision


@pytest.mark.parametrize("memory, field", [({"attention_kernel": "fast"}, "attention_kernel"), ({"cp": 0}, "cp"),
                                           ({"ep": 1.5}, "ep"), ({"cp": 2000}, "cp")])
def test_api_refuses_bad_kernels_and_degrees(memory, field):
    with pytest.raises(InputError) as exc:
        api.run(hardware="a100-sxm-80gb", params=7e9, tokens=1e12, memory=memory)
    assert field in exc.value.fields


@pytest.mark.parametrize("args, message", [(("--attention-kernel", "fast"), "invalid choice"),
                                           (("--cp", "0"), "context-parallel degree"),
                                           (("--ep", "2"), "mixture of experts")])
def test_cli_refuses_bad_kernels_and_degrees(capsys, args, message):
    code = main(["estimate", "--model", "llama-2-7b", "--tokens", "1e12", "--hardware", "a100-sxm-80gb", *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") <= 2


def test_min_devices_with_expert_parallelism_is_a_multiple_of_the_experts_split():
    shape = catalog_shape("mixtral-8x7b")
    n = mem.min_devices(shape, mem.Strategy(zero=3, ep=8), 80, 2048, 1, "bf16")
    assert n is not None and n % 8 == 0
    b = mem.per_device(shape, mem.Strategy(zero=3, ep=8), n, 2048, 1, "bf16")
    assert b.total_gb <= 80
    # one fewer step of 8 does not hold it
    assert n == 8 or mem.per_device(shape, mem.Strategy(zero=3, ep=8), n - 8, 2048, 1, "bf16").total_gb > 80


def test_the_output_layers_logits_are_counted_on_the_last_stage():
    """Researcher review 2026-11-26: the output layer was left out (Korthikanti et al. §4.3: the final LayerNorm's and
    the projection's inputs 4sbh and the fp32 logits 4sbv, over t), 8.4 GB for Llama 3.1 8B's 128,256-token vocabulary at micro-batch 8, sequence 2048.
    Held by the last pipeline stage with its one micro-batch of L/p layers; the first stage's L layers' worth
    otherwise bound the device."""
    s, b, h, v, L, a = 2048, 8, 4096, 128256, 32, 32
    layer = mem.activation_bytes_per_layer(s, b, h, a)
    shape = mem.Shape(8.03e9, L, h, a, vocab=v)
    output = s * b * (4 * h + 4 * v)
    assert output / GB == pytest.approx(8.67, abs=0.01)  # 8.40 of logits, 0.27 of the two inputs
    one = mem.per_device(shape, mem.Strategy(), 1, s, b, "bf16")
    assert one.activations_gb == pytest.approx((L * layer + output) / GB)
    tp2 = mem.per_device(shape, mem.Strategy(tp=2), 1, s, b, "bf16")
    assert tp2.activations_gb == pytest.approx((L * layer + output) / 2 / GB)  # vocabulary-parallel, as the layers
    pp4 = mem.per_device(shape, mem.Strategy(pp=4), 1, s, b, "bf16")
    assert pp4.activations_gb == pytest.approx(L * layer / GB)  # the first stage's L layers' worth is the larger
    # a shallow model with a wide vocabulary: the last stage (one micro-batch of its 2 layers and the logits) is larger
    small = mem.Shape(1e9, 4, 1024, 8, vocab=256000)
    small_layer = mem.activation_bytes_per_layer(s, b, 1024, 8)
    small_output = s * b * (4 * 1024 + 4 * 256000)
    pp2 = mem.per_device(small, mem.Strategy(pp=2), 1, s, b, "bf16")
    assert small_output > 2 * small_layer
    assert pp2.activations_gb == pytest.approx((2 * small_layer + small_output) / GB)
    assert mem.per_device(mem.Shape(8.03e9, L, h, a), mem.Strategy(), 1, s, b, "bf16").activations_gb == \
        pytest.approx(L * layer / GB)  # no vocabulary known: nothing counted for it
    # fp32 activations: the layers and the two inputs at twice the width, the logits (fp32 already) as they are
    fp32 = mem.per_device(shape, mem.Strategy(), 1, s, b, "fp32")
    assert fp32.activations_gb == pytest.approx((2 * L * layer + s * b * (2 * 4 * h + 4 * v)) / GB)
    # without sequence parallelism the inputs are whole on each tensor-parallel rank; the logits still split
    no_sp = mem.per_device(shape, mem.Strategy(tp=2, sequence_parallel=False), 1, s, b, "bf16")
    layer_no_sp = mem.activation_bytes_per_layer(s, b, h, a, tp=2, sequence_parallel=False)
    assert no_sp.activations_gb == pytest.approx((L * layer_no_sp + s * b * (4 * h + 4 * v / 2)) / GB)


# -- a layer at its own widths -------------------------------------------------------------------------------------

def test_a_dense_layer_stores_its_own_widths():
    """Review 2026-11-29: activations had counted every layer as GPT's (34·sbh: a 4h MLP, attention h wide). Qwen3-32B
    (d_model 5,120; 64 query heads and 8 KV heads of 128; a SwiGLU of 25,600, its HF config) stores per token 2h (the QKV
    input) + 2q + 2kv (Q, K) + 2kv (V) + 2q (the output projection's input) + h (dropout) + 2h (the MLP's input) + 4f
    (gate and up outputs) + 2f (their product) + h (dropout) + 4h (LayerNorms) = 47.2h; a GPT layer 34h."""
    shape = catalog_shape("qwen3-32b")
    assert (shape.q_width, shape.kv_width, shape.mlp_matrices) == (8192, 1024, 3)
    assert shape.ffn == pytest.approx(25600, abs=1)
    h, q, kv, f = 5120, 8192, 1024, 25600
    per_token = 2 * h + 2 * q + 2 * kv + 2 * kv + 2 * q + h + 2 * h + 4 * f + 2 * f + h + 4 * h
    assert per_token == pytest.approx(47.2 * h)
    s, b = 2048, 2
    layer = mem.activation_bytes_per_layer(s, b, h, 64, recompute="selective", q_width=q, kv_width=kv, ffn=f,
                                           mlp_matrices=3)
    assert layer == pytest.approx(per_token * s * b)
    assert mem.activation_bytes_per_layer(s, b, h, 64, recompute="selective") == pytest.approx(34 * h * s * b)
    # FP8 keeps the four matrix multiplies' inputs at one byte: h + q + h + f less (FlashAttention's own output, 2q,
    # recomputed with the attention core under selective recomputation)
    fp8 = mem.activation_bytes_per_layer(s, b, h, 64, recompute="selective", fp8=True, q_width=q, kv_width=kv, ffn=f,
                                         mlp_matrices=3)
    assert fp8 == pytest.approx((per_token - (h + q + h + f)) * s * b)
    # the estimator's own figure for the model: its layers at those widths
    bf16 = mem.per_device(shape, mem.Strategy(recompute="selective", tp=8), 1, s, b, "bf16")
    output = s * b * (4 * h / 8 + 4 * 151936 / 8)
    assert bf16.activations_gb == pytest.approx((64 * per_token * s * b / 8 + output) / GB, rel=1e-4)


def test_a_mixture_of_experts_layer_stores_each_routed_copy_and_its_experts():
    """Review 2026-11-29: a mixture's layers had been counted as a GPT layer's (34h), Mixtral 8x7B about 1.9x low. Per
    token it stores the router's input and k = 2 dispatched copies (2h each), the activations of the two experts it
    passes through, a SwiGLU of 2 x 14,336 from its active count (12.9B), and their 2 outputs the combine keeps (2h
    each): 2h + (2q + 2kv) + 2kv + 2q + h + 3 x 2h + 6 x 28,672 + h + 2 x 2h + 4h = 65h. DeepSeek-V3's width is stated
    (8 routed and 1 shared expert of 2,048: 18,432), and gpt-oss's (4 of 2,880: its active count leaves out the
    embedding table)."""
    shape = catalog_shape("mixtral-8x7b")
    assert (shape.q_width, shape.kv_width, shape.mlp_matrices, shape.mlp_inputs) == (4096, 1024, 3, 3.0)
    assert shape.ffn == pytest.approx(28672, rel=1e-3)
    h, q, kv, f = 4096, 4096, 1024, shape.ffn
    per_token = 2 * h + 2 * q + 2 * kv + 2 * kv + 2 * q + h + 3 * 2 * h + 6 * f + h + 2 * 2 * h + 4 * h
    assert sum(t[1] for t in mem.layer_terms(h, **shape.widths)) == pytest.approx(per_token)
    assert per_token / h == pytest.approx(65.0, abs=0.01)
    assert catalog_shape("gpt-oss-120b").ffn == 4 * 2880
    deepseek = catalog_shape("deepseek-v3")
    # its latent attention stores the latents and recomputes the up-projections (arXiv:2412.19437 §3.2.3): d_model wide
    assert (deepseek.ffn, deepseek.mlp_inputs, deepseek.q_width, deepseek.kv_width) == (18432, 9.0, 0, 0)


def test_deepseek_v3s_published_layout_is_counted_above_its_device_and_said_to_have_run(capsys):
    """DeepSeek-V3 trained on 2,048 H800s (80 GB) at PP 16, EP 64, ZeRO-1, FP8, sequence 4,096 (arXiv:2412.19437 §3.2,
    §4.2; its fitted row trmfu-054, entered as selective recomputation, DualPipe as 1F1B). The count of a Megatron-Core
    layer (the combine's kept expert outputs included) puts it at 101 GB; its own recipe stores less (SwiGLU's inputs
    in FP8 and its output recomputed, RMSNorm and the MLA up-projections recomputed, §3.2.3 and §3.3.3: not modelled),
    and the estimate says the published run ran these degrees, its time standing."""
    args = ("estimate", "--model", "deepseek-v3", "--tokens", "14.8e12", "--hardware", "h800", "--devices", "2048",
            "--tp", "1", "--pp", "16", "--ep", "64", "--zero", "1", "--precision", "fp8", "--activation-recompute",
            "selective", "--seq-len", "4096", "--micro-batch", "1", "--global-batch-tokens", "62914560")
    m = cli_json(capsys, *args)
    assert m["fits"] is False and 95 < m["per_device_gb"]["total"] < 110
    assert main(list(args)) == 0
    assert "yet the published run trmfu-054 ran these parallel degrees" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["estimate", "plan"])
@pytest.mark.parametrize("devices, ep", [("64", "128"), ("6", "8")])
def test_an_expert_parallel_degree_that_does_not_divide_the_devices_is_said_so(capsys, command, devices, ep):
    """MoE review 2026-11-29: `--devices 64 --ep 128` was told to give a larger global batch."""
    assert main([command, "--model", "qwen3-30b-a3b", "--tokens", "1e12", "--hardware", "h100-sxm", "--devices", devices,
                 "--ep", ep]) == 2
    err = capsys.readouterr().err
    assert err == f"error: the expert-parallel degree {ep} must divide the {devices} devices (its ranks are a part of " \
                  "them) (--ep, --devices)\n"


def test_routed_tokens_are_held_whole_where_the_experts_share_the_runs_tensor_parallelism():
    """MoE review 2026-11-29: where the experts keep the run's tensor parallelism (their degree dividing the data-
    parallel ranks), the dispatcher gathers the routed tokens across the tensor-parallel ranks, so each holds the k
    routed copies and the k expert outputs whole (2h + 2h each, 1 + 2 bytes in FP8); folded (experts whole on each
    device) they are its own tokens', split as the rest."""
    shape = catalog_shape("mixtral-8x7b")
    s, b, h, k, tp = 4096, 1, 4096, 2, 2
    split = mem.activation_bytes_per_layer(s, b, h, 32, tp, **shape.widths)
    whole = mem.activation_bytes_per_layer(s, b, h, 32, tp, **shape.widths, routed_whole=True)
    assert whole - split == pytest.approx(s * b * h * k * 4 * (1 - 1 / tp))
    fp8 = mem.activation_bytes_per_layer(s, b, h, 32, tp, **shape.widths, routed_whole=True, fp8=True) - \
        mem.activation_bytes_per_layer(s, b, h, 32, tp, **shape.widths, fp8=True)
    assert fp8 == pytest.approx(s * b * h * k * 3 * (1 - 1 / tp))
    # per device: TP 2 with EP 4 on 16 data-parallel ranks keeps the run's tensor parallelism (4 divides 16); with EP 8
    # on 4 ranks it folds (experts whole, tensor parallelism 1 for them)
    kept = mem.per_device(shape, mem.Strategy(tp=2, ep=4), 16, s, b, "bf16")
    folded = mem.per_device(shape, mem.Strategy(tp=2, ep=8), 4, s, b, "bf16")
    assert kept.activations_gb - folded.activations_gb == pytest.approx(
        shape.layers * s * b * h * k * 4 * (1 - 1 / tp) / GB)
