"""Benchmark: a transformer's decode step on a real NVIDIA GPU, its time and its energy read through
NVML, beside what ``python -m estimator inference`` predicts for the same shape, batch and device.

    python -m benchmarks.gpu_decode --out decode.json              # on a machine with a GPU and PyTorch
    python -m benchmarks.gpu_decode --device cpu --layers 2 --d-model 256 --heads 4 --kv-heads 2 \
        --ffn 512 --vocab 1000 --batches 1,2 --new 8 --repeats 1   # the same code on a CPU, time only

The model is a Llama-3-8B-shaped decoder (Dubey et al. 2024, Table 3: 32 layers, d_model 4096, 32
query and 8 key/value heads, FFN 14,336, vocabulary 128,256) with random bf16 weights: the arithmetic
and the bytes read per step are those of the real model, whatever the weights hold. Each decode step
(RMSNorm, rotary embeddings, grouped-query attention over a static KV cache, SwiGLU, the LM head and a
greedy pick of the next token) is captured once as a CUDA graph and replayed (as gpt-fast and
latency-optimised engines do), so the figures are the device's, not Python's launch overhead. The
prompt's KV cache is filled with random values rather than computed by a prefill, so the window holds
decode steps only, as the estimate's TPOT is per output token. Attention runs over the whole static
cache with a mask (prompt + new tokens), which reads at most (prompt + new) ÷ (prompt + new ÷ 2) of
the live cache; at 128 + 256 tokens that is under 4% of a step's bytes at batch 32.

Energy is the GPU's own (NVML's energy counter through ``estimator.device.nvml.NvmlBackend``),
without the host, as the estimate's J per token counts a device's draw. Not a test: it needs a GPU.

    python -m benchmarks.gpu_decode --to-csv decode.json decode_eager.json --run 1 --hardware-id h200-sxm \
        --citation "measured by this project ... run 1"

prints the results as rows of ``estimator/data/measured_decode.csv`` (``validate --inference`` checks both
serving engines against them).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time

from estimator.core.base.errors import BackendUnavailable
from estimator.core.base.units import MS_PER_S, US_PER_MS
from estimator.monitor.calibration_run import now_iso

# Llama-3-8B's shape (Dubey et al. 2024, "The Llama 3 Herd of Models", Table 3; the HF config
# meta-llama/Meta-Llama-3-8B); the catalog's llama-3-8b (estimator/data/open_models.toml) is the same.
LLAMA3_8B = {"layers": 32, "d_model": 4096, "heads": 32, "kv_heads": 8, "ffn": 14336, "vocab": 128256}
# Qwen3-30B-A3B's shape (Qwen Team 2025, Qwen3 Technical Report, arXiv:2505.09388, Table 2: 48 layers, 32 query and 4
# key/value heads, 128 experts, 8 activated; the HF config Qwen/Qwen3-30B-A3B: hidden 2048, head_dim 128, expert
# width (moe_intermediate_size) 768, vocabulary 151,936, untied embeddings, no shared expert, norm_topk_prob true,
# q/k RMSNorm); the catalog's qwen3-30b-a3b (estimator/data/open_models.toml) is the same. ``ffn``: one expert's width.
QWEN3_30B_A3B = {"layers": 48, "d_model": 2048, "heads": 32, "kv_heads": 4, "ffn": 768, "vocab": 151936,
                 "head_dim": 128, "experts": 128, "top_k": 8}
MODELS = {"llama-3-8b": LLAMA3_8B, "qwen3-30b-a3b": QWEN3_30B_A3B}  # --model: the shapes this benchmark builds
ROPE_THETA = 500000.0  # Llama 3's rotary base (its HF config's rope_theta); Qwen3's shape takes it too (its own is
RMS_EPS = 1e-5         # 1e6, and its eps 1e-6): neither changes a step's time. Llama 3's rms_norm_eps
INIT_STD = 0.02        # random weights' scale (the usual initialiser's); keeps bf16 activations finite


def build_weights(torch, cfg, max_len: int, device, dtype, seed: int = 0):
    """Random weights and the rotary tables for up to ``max_len`` positions."""
    g = torch.Generator(device=device).manual_seed(seed)
    n_l, d, h, kvh, ffn, vocab = (cfg[k] for k in ("layers", "d_model", "heads", "kv_heads", "ffn", "vocab"))
    hd = head_dim(cfg)

    def rand(*shape):  # drawn in the model's dtype: an fp32 draw of the FFN weights alone is 15 GB
        return torch.randn(*shape, generator=g, device=device, dtype=dtype).mul_(INIT_STD)

    w = {"emb": rand(vocab, d), "wqkv": rand(n_l, d, (h + 2 * kvh) * hd), "wo": rand(n_l, h * hd, d),
         "head": rand(d, vocab),
         "n1": torch.ones(n_l, d, device=device, dtype=dtype), "n2": torch.ones(n_l, d, device=device, dtype=dtype),
         "nf": torch.ones(d, device=device, dtype=dtype)}
    if cfg.get("experts"):  # a mixture of experts: a router and, per layer, each expert's SwiGLU (``moe_ffn``)
        e = cfg["experts"]
        w.update({"router": rand(n_l, d, e), "e13": rand(n_l, e, d, 2 * ffn), "e2": rand(n_l, e, ffn, d),
                  "qn": torch.ones(n_l, hd, device=device, dtype=dtype),
                  "kn": torch.ones(n_l, hd, device=device, dtype=dtype)})
    else:
        w.update({"w13": rand(n_l, d, 2 * ffn), "w2": rand(n_l, ffn, d)})
    inv = 1.0 / (ROPE_THETA ** (torch.arange(0, hd, 2, device=device, dtype=torch.float32) / hd))
    angles = torch.outer(torch.arange(max_len, device=device, dtype=torch.float32), inv)
    rope = {"cos": angles.cos(), "sin": angles.sin()}
    return w, rope


def head_dim(cfg) -> int:
    """An attention head's width: the shape's own (Qwen3's 128 at d_model 2048), else d_model ÷ heads."""
    return cfg.get("head_dim") or cfg["d_model"] // cfg["heads"]


def build_cache(torch, cfg, batch: int, max_len: int, device, dtype):
    """An empty KV cache for ``batch`` sequences of up to ``max_len`` tokens."""
    hd = head_dim(cfg)
    shape = (cfg["layers"], batch, cfg["kv_heads"], max_len, hd)
    return {"k": torch.zeros(shape, device=device, dtype=dtype), "v": torch.zeros(shape, device=device, dtype=dtype)}


def param_count(w) -> int:
    return sum(t.numel() for t in w.values())


def to_fp8(torch, w) -> dict:
    """``w`` with the blocks' four weight matrices in FP8 (E4M3), each stored (out, in) so that its transpose is the
    column-major operand ``torch._scaled_mm`` takes; the embedding, the LM head and the norms stay at 16 bits, as FP8
    checkpoints keep them (e.g. TensorRT-LLM's and vLLM's FP8 Llama checkpoints quantise the linear layers only).
    One scale per tensor, 1.0: random weights of std 0.02 lie far inside E4M3's ±448, and the time does not depend on
    the scale's value."""
    out = dict(w)
    for name in FP8_MATRICES:
        out[name] = w[name].transpose(-1, -2).contiguous().to(torch.float8_e4m3fn)
    return out


FP8_MATRICES = ("wqkv", "wo", "w13", "w2")  # the linear layers an FP8 checkpoint quantises (``to_fp8``)
FP8_ROWS = 16  # rows an FP8 product's left operand is padded to where cuBLASLt refuses fewer (``make_step``)


def moe_ffn(torch, cfg, w, x, layer: int):
    """A mixture of experts' FFN (Qwen3's) for the tokens ``x`` (t, d) at ``layer``: softmax router, top-k, the k
    weights renormalised; the routes sorted by expert and each expert's SwiGLU run as one grouped GEMM over all experts
    (torch's ``grouped_mm``, CUTLASS's on Hopper: an expert no token reaches is not read), as fused-MoE kernels run it;
    static shapes, so a decode step holding it can be captured as a CUDA graph."""
    grouped_mm = getattr(torch.nn.functional, "grouped_mm", None) or torch._grouped_mm
    n_exp, top_k, d = cfg["experts"], cfg["top_k"], cfg["d_model"]
    t = x.shape[0]
    probs = (x @ w["router"][layer]).float().softmax(dim=-1)
    weights, idx = probs.topk(top_k, dim=-1)                          # (t, k)
    weights = (weights / weights.sum(dim=-1, keepdim=True)).to(x.dtype)
    flat = idx.reshape(-1)
    order = flat.argsort(stable=True)                                 # the t·k routes grouped by expert
    counts = torch.zeros(n_exp, device=x.device, dtype=torch.long).scatter_add_(0, flat, torch.ones_like(flat))
    offs = counts.cumsum(0).to(torch.int32)                           # each expert's end row
    xs = x.index_select(0, order // top_k)
    gate, up = grouped_mm(xs, w["e13"][layer], offs=offs).chunk(2, dim=-1)
    ys = grouped_mm(torch.nn.functional.silu(gate) * up, w["e2"][layer], offs=offs)  # (t·k, d), in expert order
    y = torch.empty_like(ys).index_copy_(0, order, ys)                # back in (token, route) order
    return (y.view(t, top_k, d) * weights.unsqueeze(-1)).sum(dim=1)


def make_step(torch, cfg, w, cache, rope, tokens, pos, fp8_pad: bool = False):
    """One decode step for every sequence, in place: reads ``tokens`` (B, V) and ``pos`` (a 0-d long tensor), runs
    the model over the V positions pos … pos+V-1 of each sequence (V = 1: plain decoding; V = K + 1: speculative
    decoding's verification of K draft tokens, causal among them), writes each position's greedy next token into
    ``tokens`` and advances ``pos`` by one (the KV cache read and the FLOPs are a step's whatever was accepted). Static
    shapes only, so the step can be captured as a CUDA graph. Weights from ``to_fp8`` (FP8 blocks) are multiplied with
    ``torch._scaled_mm``, the activations cast to FP8 per product (W8A8, as FP8 serving runs them); ``fp8_pad`` pads
    each product's rows up to a multiple of ``FP8_ROWS``."""
    silu = torch.nn.functional.silu
    n_l, d, h, kvh = (cfg[k] for k in ("layers", "d_model", "heads", "kv_heads"))
    hd = head_dim(cfg)
    group = h // kvh
    max_len = cache["k"].shape[3]
    n_pos = tokens.shape[1]
    key_positions = torch.arange(max_len, device=tokens.device)
    offsets = torch.arange(n_pos, device=tokens.device)
    scale = 1.0 / math.sqrt(hd)
    fp8 = w["wqkv"].dtype == torch.float8_e4m3fn
    unit = torch.ones((), device=tokens.device, dtype=torch.float32)

    def matmul(x, name, layer):
        if not fp8:
            return x @ w[name][layer]
        rows = x.shape[0]
        if fp8_pad and rows % FP8_ROWS:
            x = torch.nn.functional.pad(x, (0, 0, 0, FP8_ROWS - rows % FP8_ROWS))
        out = torch._scaled_mm(x.to(torch.float8_e4m3fn), w[name][layer].t(), unit, unit, out_dtype=x.dtype)
        return out[:rows]

    def rms(x, weight):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + RMS_EPS)).to(x.dtype) * weight

    n_exp = cfg.get("experts")

    def rotate(x, cos, sin):  # x: (B, V, heads, hd), cos/sin: (V, 1, hd/2); rotate each pair of halves (HF's layout)
        xf = x.float()
        x1, x2 = xf[..., : hd // 2], xf[..., hd // 2:]
        return torch.cat((x1 * cos - x2 * sin, x2 * cos + x1 * sin), dim=-1).to(x.dtype)

    def step():
        b = tokens.shape[0]
        where = pos + offsets                                        # (V,) the positions run this step
        cos = rope["cos"].index_select(0, where).unsqueeze(1)
        sin = rope["sin"].index_select(0, where).unsqueeze(1)
        # query row (g, i) of a key/value head attends to keys up to its own position (causal among the V)
        mask = (key_positions.view(1, max_len) <= where.view(n_pos, 1)).repeat(group, 1).view(1, 1, group * n_pos,
                                                                                                max_len)
        x = w["emb"].index_select(0, tokens.reshape(-1))             # (B·V, d)
        for layer in range(n_l):
            qkv = matmul(rms(x, w["n1"][layer]), "wqkv", layer)
            q, k, v = qkv.split((h * hd, kvh * hd, kvh * hd), dim=-1)
            q, k = q.reshape(b, n_pos, h, hd), k.reshape(b, n_pos, kvh, hd)
            if "qn" in w:  # Qwen3's RMSNorm of each query and key head before the rotation
                q, k = rms(q, w["qn"][layer]), rms(k, w["kn"][layer])
            q = rotate(q, cos, sin)
            k = rotate(k, cos, sin)
            cache["k"][layer].index_copy_(2, where, k.transpose(1, 2))
            cache["v"][layer].index_copy_(2, where, v.view(b, n_pos, kvh, hd).transpose(1, 2))
            # grouped-query attention, each key/value head read once for its group of query heads and positions
            qg = q.view(b, n_pos, kvh, group, hd).permute(0, 2, 3, 1, 4).reshape(b, kvh, group * n_pos, hd)
            scores = (qg @ cache["k"][layer].transpose(-1, -2)).float() * scale
            probs = scores.masked_fill(~mask, float("-inf")).softmax(dim=-1).to(q.dtype)
            att = (probs @ cache["v"][layer]).view(b, kvh, group, n_pos, hd).permute(0, 3, 1, 2, 4)
            x = x + matmul(att.reshape(b * n_pos, h * hd), "wo", layer)
            if n_exp:
                x = x + moe_ffn(torch, cfg, w, rms(x, w["n2"][layer]), layer)
            else:
                gate, up = matmul(rms(x, w["n2"][layer]), "w13", layer).chunk(2, dim=-1)
                x = x + matmul(silu(gate) * up, "w2", layer)
        logits = rms(x, w["nf"]) @ w["head"]
        tokens.copy_(logits.argmax(dim=-1).view(b, n_pos))
        pos.add_(1)

    return step


def open_meter(device_type: str):
    """The GPU's NVML meter, or None (time only) on a CPU or where NVML is not available."""
    if device_type != "cuda":
        return None, "a CPU run: time only"
    from estimator.device.nvml import NvmlBackend
    try:
        return NvmlBackend(), ""
    except BackendUnavailable as exc:
        return None, str(exc)


def measure_batch(torch, cfg, w, rope, batch: int, prompt: int, new: int, repeats: int, device, dtype,
                  graphs: bool, meter, positions: int = 1):
    """``repeats`` passes of ``new`` decode steps of ``batch`` sequences after a ``prompt``-token KV cache, each step
    over ``positions`` positions a sequence (``make_step``): the time a step and, with a meter, the GPU's energy."""
    max_len = prompt + new + positions - 1
    cache = build_cache(torch, cfg, batch, max_len, device, dtype)
    g = torch.Generator(device=device).manual_seed(1)
    cache["k"][:, :, :, :prompt].normal_(0, 1, generator=g)  # the prompt's keys and values, not computed
    cache["v"][:, :, :, :prompt].normal_(0, 1, generator=g)
    tokens = torch.randint(cfg["vocab"], (batch, positions), device=device, generator=g)
    pos = torch.tensor(prompt, device=device, dtype=torch.long)
    fp8_pad = False
    step = make_step(torch, cfg, w, cache, rope, tokens, pos)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    try:  # one eager step: cuBLASLt may refuse an FP8 product of fewer than 16 rows
        step()
        sync()
    except RuntimeError as exc:  # cuBLASLt's refusal of the shape; running out of memory is no reason to pad
        if w["wqkv"].dtype != torch.float8_e4m3fn or isinstance(exc, torch.cuda.OutOfMemoryError):
            raise
        fp8_pad = True
        step = make_step(torch, cfg, w, cache, rope, tokens, pos, fp8_pad=True)
    pos.fill_(prompt)
    run = step
    capture_failed = None
    if graphs and device.type == "cuda":
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):  # warm-up on a side stream before capture (PyTorch's CUDA-graph recipe)
                step()
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        try:
            with torch.cuda.graph(graph):
                step()
            run = graph.replay
        except RuntimeError as exc:  # an operation capture refuses: timed eagerly, and the JSON says so (the words
            if isinstance(exc, torch.cuda.OutOfMemoryError):  # may be the capture's end's, not the operation's)
                raise
            capture_failed = str(exc).splitlines()[0][:300]
            print(f"batch {batch}: CUDA-graph capture failed ({capture_failed}); timed eagerly", flush=True)
            del graph  # its memory pool too, before the eager timing
            torch.cuda.empty_cache()
            sync()
    pos.fill_(prompt)
    for _ in range(min(new, 8)):
        run()
    sync()
    if meter is not None:
        meter.begin_window()
    t0 = time.perf_counter()
    for _ in range(repeats):
        pos.fill_(prompt)
        for _ in range(new):
            run()
    sync()
    elapsed_s = time.perf_counter() - t0
    m = meter.end_window() if meter is not None else None
    steps = repeats * new
    out = {"batch": batch, "positions": positions, "steps": steps, "elapsed_s": elapsed_s, "step_s": elapsed_s / steps}
    if positions == 1:  # one token a sequence a step
        out.update({"tpot_s": elapsed_s / steps, "tokens_per_s": steps * batch / elapsed_s})
    if fp8_pad:
        out["fp8_rows_padded_to"] = FP8_ROWS
    if capture_failed:
        out["graph_capture_failed"] = capture_failed
    if m is not None:
        out.update({"energy_j": m.energy_j, "mean_power_w": m.mean_power_w, "power_source": m.power_source,
                    "joules_per_step": m.energy_j / steps,
                    "sm_clock_mhz": m.details.get("mean_sm_clock_mhz"),
                    "utilization_percent": m.details.get("mean_utilization_percent"),
                    "power_limit_w": m.details.get("power_limit_w")})
        if positions == 1:
            out["joules_per_output_token"] = m.energy_j / (steps * batch)
    del cache, step, run
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return out


def profile_batch(torch, cfg, w, rope, batch: int, prompt: int, new: int, steps: int, device, dtype, top: int = 30,
                  positions: int = 1, fp8_pad: bool = False) -> dict:
    """``steps`` (at most ``new``) decode steps of ``batch`` sequences run eagerly under PyTorch's profiler, each over
    ``positions`` positions, in the cache ``measure_batch`` times (``prompt + new`` tokens; ``fp8_pad`` as it found):
    each GPU kernel's summed time (its name, time, calls; the ``top`` longest) and their total a step, to say where a
    step's device time goes (the gaps between kernels, which CUDA graphs shrink, left out)."""
    from torch.autograd import DeviceType
    from torch.profiler import ProfilerActivity, profile
    cache = build_cache(torch, cfg, batch, prompt + new + positions - 1, device, dtype)
    g = torch.Generator(device=device).manual_seed(1)  # as ``measure_batch``: a random prompt cache and tokens, so the
    cache["k"][:, :, :, :prompt].normal_(0, 1, generator=g)  # sequences differ and a mixture of experts routes them
    cache["v"][:, :, :, :prompt].normal_(0, 1, generator=g)  # apart (run 13's profile had them alike: one route)
    tokens = torch.randint(cfg["vocab"], (batch, positions), device=device, generator=g)
    pos = torch.tensor(prompt, device=device, dtype=torch.long)
    step = make_step(torch, cfg, w, cache, rope, tokens, pos, fp8_pad=fp8_pad)
    cuda = device.type == "cuda"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    for _ in range(2):  # warm-up, each from the prompt's end: no position past the rotary table
        step()
        pos.fill_(prompt)
    sync()
    with profile(activities=[ProfilerActivity.CUDA] if cuda else [ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
        sync()
    kind = DeviceType.CUDA if cuda else DeviceType.CPU
    kernels = []
    for e in prof.key_averages():
        if e.device_type != kind:
            continue
        us = (getattr(e, "self_device_time_total", 0) if cuda else e.self_cpu_time_total) or 0.0
        kernels.append({"name": e.key[:120], "us_per_step": us / steps, "calls_per_step": e.count / steps})
    kernels.sort(key=lambda k: -k["us_per_step"])
    del cache, step
    return {"batch": batch, "profiled_steps": steps, "kernel_us_per_step": sum(k["us_per_step"] for k in kernels),
            "kernel_calls_per_step": sum(k["calls_per_step"] for k in kernels), "kernels": kernels[:top]}


def idle_power(meter, seconds: float = 2.0) -> float | None:
    if meter is None:
        return None
    meter.begin_window()
    time.sleep(seconds)
    return meter.end_window().mean_power_w


def data_rows(docs, run: str, hardware_id: str, citation: str, model: str = "llama-3-8b") -> list[dict]:
    """The results of ``docs`` (this script's JSON) as rows of estimator/data/measured_decode.csv; the
    GPU's NVML UUID and the time of the run, where the JSON records them, end each row's citation."""
    from estimator.io.tpot_checks import MEASURED_DECODE_COLUMNS
    rows = []
    shape = MODELS.get(model, LLAMA3_8B)  # llama-3.1-8b: Llama 3 8B's shape (the to_csv option's help)
    shape_words = SHAPE_WORDS.get(model, SHAPE_WORDS["llama-3-8b"])
    for doc in docs:
        if doc["config"] != shape:
            raise SystemExit(f"error: a {doc['config']} run is not the {model} shape the data file names")
        if doc.get("positions", 1) != 1:
            raise SystemExit("error: a run over several positions a step (a verification) is no decode step of the data "
                             "file: benchmarks/gpu_speculative.py writes those")
        bits = doc.get("bits", 16)
        for r in doc["runs"]:
            if r.get("graph_capture_failed"):  # timed eagerly where graphs were asked for: neither group's decoder
                raise SystemExit(f"error: batch {r['batch']}'s CUDA-graph capture failed "
                                 f"({r['graph_capture_failed']}): its eager time is no row of the data file")
            how = ("CUDA graphs", "each decode step one CUDA graph") if doc["graphs"] else \
                ("eager launches", "each decode step launched kernel by kernel from Python")
            source = how[0] + (", mixture of experts" if shape.get("experts") else "")
            rows.append({
                "source": source, "engine": (f"benchmarks/gpu_decode.py: a {shape_words} decoder in "
                                             f"PyTorch {doc['torch']}, {how[1]}"),
                "model": model, "hardware_id": hardware_id, "tensor_parallel": 1, "batch": r["batch"], "bits": bits,
                "prompt_tokens": doc["prompt"], "output_tokens": doc["new"], "measured_tpot_s": repr(r["tpot_s"]),
                "published": (f"measured: {r['tpot_s'] * MS_PER_S:.2f} ms per output token, {r['mean_power_w']:.0f} W, "
                              f"{r['joules_per_output_token']:.3f} J per output token"),
                "how": (f"the energy window's time ÷ its {r['steps']} decode steps ({doc['repeats']} passes of "
                        f"{doc['new']} tokens after a {doc['prompt']}-token prompt); its energy from NVML's counter "
                        f"({r['power_source']}) ÷ the tokens"),
                "prefill_included": "no",
                "note": (("random bf16 weights" + (MOE_NOTE if shape.get("experts") else "") if bits == 16 else
                          "random weights, the blocks' linear layers in FP8 (E4M3, one static scale a tensor: dynamic "
                          "per-product scaling, vLLM's default, not timed) multiplied with activations cast to FP8 by "
                          "torch._scaled_mm (W8A8), embedding and LM head in bf16"
                          + (f", each product's rows padded to {r['fp8_rows_padded_to']}" if r.get("fp8_rows_padded_to")
                             else ""))
                         + "; the prompt's KV cache (bf16) filled at random (no prefill in the window); the "
                         "GPU alone, no host; attention over the whole static cache, masked"),
                "citation": citation + "".join(f", {k} {doc[k]}" for k in ("nvml_uuid", "measured_at") if doc.get(k)),
                "measured_power_w": repr(r["mean_power_w"]),
                "measured_j_per_output_token": repr(r["joules_per_output_token"]),
                "idle_power_w": repr(doc["idle_power_w"]), "run": run})
    return [{k: row[k] for k in MEASURED_DECODE_COLUMNS} for row in rows]


SHAPE_WORDS = {"llama-3-8b": "Llama-3-8B-shaped", "qwen3-30b-a3b": "Qwen3-30B-A3B-shaped (mixture of experts)"}
MOE_NOTE = ("; the experts' SwiGLUs as two grouped GEMMs a layer (torch's grouped_mm) over the routes sorted by expert, "
            "routed by a random router (near-even top-k)")


def shape_parser(doc: str) -> argparse.ArgumentParser:
    """A benchmark's parser (described by its docstring's first line) with the decoder's shape as options
    (``--layers``, ``--d-model``, …), Llama-3-8B's by default (``LLAMA3_8B``)."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    for key, value in LLAMA3_8B.items():
        ap.add_argument("--" + key.replace("_", "-"), type=int, default=value)
    return ap


def positive_ints(text: str) -> list[int]:
    """A comma-separated list of whole numbers of at least 1 (an argparse type: anything else is refused, exit 2)."""
    try:
        values = [int(x) for x in text.split(",")]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers of at least 1")
    return values


def torch_and_device(name: str):
    """(torch, the device ``name``), or None after saying on stderr why this benchmark cannot run here."""
    try:
        import torch
    except ImportError:
        print("error: this benchmark needs PyTorch", file=sys.stderr)
        return None
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        print("error: PyTorch sees no CUDA GPU here (run with --device cpu for a time-only try)", file=sys.stderr)
        return None
    return torch, device


def print_rows(rows: list[dict]) -> int:
    """Data-file rows as CSV on stdout, without a header (to append to the file): exit status 0; 2 with one line on
    stderr where the JSON held none."""
    if not rows:
        print("error: the JSON holds no measured configuration", file=sys.stderr)
        return 2
    w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    w.writerows(rows)
    return 0


def to_csv_parser(several: bool = False) -> argparse.ArgumentParser:
    """The ``--to-csv`` parser the benchmarks share: the JSON file (``several``: files), the run, the profile id of the
    GPU measured and the citation."""
    ap = argparse.ArgumentParser(description="print this benchmark's JSON results as data-file rows")
    ap.add_argument("json", nargs="+" if several else None)
    ap.add_argument("--run", required=True)
    ap.add_argument("--hardware-id", required=True, help="the profile id of the GPU measured")
    ap.add_argument("--citation", required=True, help="who measured what, where and when")
    return ap


def to_csv(argv) -> int:
    ap = to_csv_parser(several=True)
    ap.add_argument("--model", default="llama-3-8b", help="the catalog model of the shape (llama-3.1-8b: the same "
                    "shape, its 128k window for prompts beyond Llama 3 8B's 8,192 tokens)")
    args = ap.parse_args(argv)
    docs = []
    for path in args.json:
        with open(path, encoding="utf-8") as fh:
            docs.append(json.load(fh))
    return print_rows(data_rows(docs, args.run, args.hardware_id, args.citation, model=args.model))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--to-csv"]:
        return to_csv(argv[1:])
    ap = shape_parser(__doc__)
    ap.add_argument("--batches", type=positive_ints, default="1,8,32", help="batch sizes, comma-separated (default 1,8,32)")
    ap.add_argument("--prompt", type=int, default=128, help="prompt tokens already in the KV cache (default 128)")
    ap.add_argument("--new", type=int, default=256, help="output tokens per sequence per pass (default 256)")
    ap.add_argument("--repeats", type=int, default=4, help="passes over the new tokens in one energy window")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--no-graphs", action="store_true", help="run the step eagerly (launch-bound)")
    ap.add_argument("--bits", type=int, choices=(16, 8), default=16,
                    help="16: bf16 weights; 8: the blocks' linear layers in FP8, W8A8 through torch._scaled_mm (to_fp8)")
    ap.add_argument("--positions", type=int, default=1,
                    help="positions of each sequence a step runs (1: decoding; K + 1: verifying K draft tokens)")
    ap.add_argument("--model", choices=sorted(MODELS), default="llama-3-8b",
                    help="the shape (default llama-3-8b, whose sizes the shape options change; qwen3-30b-a3b: a mixture "
                         "of experts, 61 GB of bf16 weights, the shape options not read)")
    ap.add_argument("--profile", type=int, default=0, metavar="STEPS",
                    help="also run STEPS eager steps of each batch under PyTorch's profiler: each kernel's time a step")
    ap.add_argument("--out", help="write the results as JSON here")
    args = ap.parse_args(argv)
    if args.positions < 1:
        ap.error("--positions takes a whole number of at least 1")
    if not 0 <= args.profile <= args.new:
        ap.error("--profile takes a number of steps from 0 to --new")
    if args.model != "llama-3-8b" and args.bits != 16:
        ap.error(f"--bits {args.bits} takes the dense llama-3-8b shape (FP8 experts are not built here)")
    changed = [k for k in LLAMA3_8B if getattr(args, k) != LLAMA3_8B[k]]
    if args.model != "llama-3-8b" and changed:
        ap.error(f"--model {args.model} is its own shape: --{changed[0].replace('_', '-')} changes llama-3-8b's only")
    found = torch_and_device(args.device)
    if found is None:
        return 2
    torch, device = found
    cfg = {k: getattr(args, k) for k in LLAMA3_8B} if args.model == "llama-3-8b" else dict(MODELS[args.model])
    dtype = torch.bfloat16
    meter, why = open_meter(device.type)
    doc = {"measured_at": now_iso(), "model": args.model,
           "config": cfg, "prompt": args.prompt, "new": args.new, "repeats": args.repeats, "bits": args.bits,
           "positions": args.positions,
           "graphs": not args.no_graphs, "torch": torch.__version__, "meter": why or "nvml", "runs": []}
    if device.type == "cuda":
        doc["device_name"] = torch.cuda.get_device_name(device)
        if meter is not None:
            doc["nvml_uuid"] = meter.uuid
    try:
        doc["idle_power_w"] = idle_power(meter)
        w, rope = build_weights(torch, cfg, args.prompt + args.new + args.positions - 1, device, dtype)
        doc["params"] = param_count(w)
        if args.bits == 8:
            w = to_fp8(torch, w)
        for batch in args.batches:
            r = measure_batch(torch, cfg, w, rope, batch, args.prompt, args.new, args.repeats, device, dtype,
                              not args.no_graphs, meter, positions=args.positions)
            doc["runs"].append(r)
            power = f", {r['mean_power_w']:.0f} W, {r['joules_per_step']:.3f} J a step" if "energy_j" in r else ""
            print(f"batch {batch:3d}, {args.positions} position(s), {args.bits} bits: {r['step_s'] * MS_PER_S:.2f} ms "
                  f"a step{power}", flush=True)
            if args.profile:
                prof = profile_batch(torch, cfg, w, rope, batch, args.prompt, args.new, args.profile, device, dtype,
                                     positions=args.positions, fp8_pad=bool(r.get("fp8_rows_padded_to")))
                doc.setdefault("profiles", []).append(prof)
                print(f"  profiled: {prof['kernel_us_per_step'] / US_PER_MS:.2f} ms of kernels a step in "
                      f"{prof['kernel_calls_per_step']:.0f} calls; longest: " +
                      "; ".join(f"{k['name'][:40]} {k['us_per_step'] / US_PER_MS:.2f} ms" for k in prof["kernels"][:4]),
                      flush=True)
            if args.out:  # after each batch: a later one's failure keeps those measured
                write_json(args.out, doc)
    finally:
        if meter is not None:
            meter.close()
    if not all(math.isfinite(r["step_s"]) for r in doc["runs"]):
        print("error: a non-finite time", file=sys.stderr)
        return 1
    if args.out:
        write_json(args.out, doc)
    return 0


def write_json(path: str, doc: dict) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1)


if __name__ == "__main__":
    sys.exit(main())
