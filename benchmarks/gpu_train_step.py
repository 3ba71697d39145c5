"""Benchmark: training steps of small GPT shapes on one real NVIDIA GPU, timed (and their energy read
through NVML), to hold the step model (``estimator/core/training/step.py``) to measurements it was
never fitted on.

    python -m benchmarks.gpu_train_step --out train_step.json        # on a machine with a GPU and PyTorch
    python -m benchmarks.gpu_train_step --device cpu --configs tiny  # the same code on a CPU, time only

Each configuration is a GPT-2/GPT-3-style decoder (learned positions, pre-LayerNorm, causal multi-head
attention, a GELU MLP of 4 × d_model, an untied LM head; the shapes of GPT-3's Table 2.1, Brown et al.
2020, with nanoGPT's padded vocabulary of 50,304) trained as people train one on a single GPU: fp32
weights, bf16 autocast, attention by PyTorch's ``scaled_dot_product_attention`` held to its
FlashAttention kernel, cross-entropy on the whole sequence, ``loss.backward()`` and a fused AdamW
step, eagerly (no ``torch.compile``). A step is one micro-batch: the data-parallel, tensor- and
pipeline-parallel terms of the step model are zero here, so these rows test its single-device
arithmetic: matrix multiplies by size, attention, the memory-bound operations and the optimizer.

The weights and tokens are random: the arithmetic and the bytes moved are those of the real shape
whatever they hold. Energy is the GPU's own (NVML's energy counter through
``estimator.device.nvml.NvmlBackend``), without the host. Not a test: it needs a GPU.

    python -m benchmarks.gpu_train_step --to-csv train_step.json --run 1 --hardware-id h200-sxm \
        --citation "measured by this project ... run 1"

prints the results as rows of ``estimator/data/measured_training_steps.csv``, which ``validate`` predicts
with the step model as shipped (never fitted on them).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time

from benchmarks.gpu_decode import open_meter  # the GPU's NVML meter, or None on a CPU
from estimator.monitor.calibration_run import now_iso

VOCAB = 50304  # GPT-2's 50,257 tokens padded to a multiple of 64, as nanoGPT trains it (Karpathy, nanoGPT model.py)
FFN_FACTOR = 4  # GPT-2/GPT-3's MLP width: 4 × d_model (Brown et al. 2020 §2.1)
INIT_STD = 0.02  # GPT-2's initialiser scale
LEARNING_RATE = 1e-4  # any: the step's arithmetic does not depend on it

# name: (layers, d_model, heads, seq_len, micro_batch). Shapes: GPT-3's Table 2.1 (Small 125M, Medium 350M,
# Large 760M, 2.7B; "XL" here with 16 heads of 128 rather than GPT-3's 24 of 128, so that heads × head
# dimension is d_model). Micro-batches: 16k tokens a step where memory allows (an 80 GB H100 included), and
# a few others to sweep the matrices' size (short sequences, one sequence) and attention's share (8k tokens).
CONFIGS = {
    "standard": [
        ("gpt3-small", 12, 768, 12, 2048, 8),
        ("gpt3-medium", 24, 1024, 16, 2048, 8),
        ("gpt3-medium-s512-mb1", 24, 1024, 16, 512, 1),
        ("gpt3-medium-s512-mb16", 24, 1024, 16, 512, 16),
        ("gpt3-large", 24, 1536, 16, 2048, 8),
        ("gpt3-xl", 24, 2048, 16, 2048, 8),
        ("gpt3-xl-s8192-mb1", 24, 2048, 16, 8192, 1),
        ("gpt3-2.7b", 32, 2560, 32, 2048, 4),
        ("gpt3-2.7b-mb1", 32, 2560, 32, 2048, 1),
    ],
    # long sequences, one a step: causal attention 40-78% of the FLOPs (6·L·s·d a token against 6·12·L·d² for the
    # weights: s ÷ 12d of them), within an 80 GB H100's memory without recomputation
    "long": [
        ("gpt3-small-s32768-mb1", 12, 768, 12, 32768, 1),
        ("gpt3-medium-s32768-mb1", 24, 1024, 16, 32768, 1),
        ("gpt3-xl-s16384-mb1", 24, 2048, 16, 16384, 1),
    ],
    "tiny": [("tiny", 2, 128, 4, 64, 2), ("tiny-mb1", 2, 128, 4, 64, 1)],
}


# FP8 training's formats and scaling (Micikevicius et al. 2022, "FP8 Formats for Deep Learning", arXiv:2209.05433:
# E4M3 for weights and activations, E5M2 for gradients; one scale a tensor from its current absolute maximum, the
# "tensorwise" dynamic recipe of PyTorch's torchao float8 training that torchtitan's float8 runs use)
E4M3_MAX = 448.0     # the largest finite E4M3 value (the paper's Table 1)
E5M2_MAX = 57344.0   # the largest finite E5M2 value (the paper's Table 1)
AMAX_FLOOR = 1e-12   # an all-zero tensor's scale stays finite


def fp8_linear_function(torch):
    """An autograd function computing x @ wᵀ with both operands cast to FP8 (E4M3, one dynamic scale a tensor) in
    the forward pass and the output's gradient cast to E5M2 for both backward products, each product one
    ``torch._scaled_mm`` with bf16 output: the three GEMMs of a linear layer at FP8's tensor-core rate."""

    def cast(t, fmt, largest):
        scale = largest / t.detach().abs().amax().float().clamp(min=AMAX_FLOOR)
        return (t.float() * scale).clamp(-largest, largest).to(fmt), scale.reciprocal()

    def mm(a, inv_a, b_col, inv_b):  # a row-major (M, K), b_col column-major (K, N)
        return torch._scaled_mm(a, b_col, inv_a, inv_b, out_dtype=torch.bfloat16)

    class Fp8Linear(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            x8, ix = cast(x, torch.float8_e4m3fn, E4M3_MAX)
            w8, iw = cast(w, torch.float8_e4m3fn, E4M3_MAX)
            ctx.save_for_backward(x8, ix, w8, iw)
            ctx.dtypes = (x.dtype, w.dtype)  # the gradients go back in their inputs' dtypes (fp32 weights)
            return mm(x8, ix, w8.t(), iw)                                  # (M, N)

        @staticmethod
        def backward(ctx, g):
            x8, ix, w8, iw = ctx.saved_tensors
            g8, ig = cast(g, torch.float8_e5m2, E5M2_MAX)
            grad_x = mm(g8, ig, w8.t().contiguous().t(), iw)               # (M, N) @ (N, K)
            grad_w = mm(g8.t().contiguous(), ig, x8.t().contiguous().t(), ix)  # (N, M) @ (M, K)
            return grad_x.to(ctx.dtypes[0]), grad_w.to(ctx.dtypes[1])

    return Fp8Linear


def build_model(torch, layers: int, d_model: int, heads: int, seq_len: int, vocab: int = VOCAB, fp8: bool = False):
    """The GPT of the module docstring; ``fp8``: the blocks' four linear layers multiply in FP8
    (``fp8_linear_function``), the LM head in bf16, as torchao's float8 training leaves the output layer."""
    nn, F = torch.nn, torch.nn.functional
    head_dim = d_model // heads
    fp8_matmul = fp8_linear_function(torch).apply if fp8 else None

    class Linear(nn.Linear):
        def forward(self, x):
            if fp8_matmul is None:
                return super().forward(x)
            shape = x.shape
            return fp8_matmul(x.reshape(-1, shape[-1]), self.weight).view(*shape[:-1], self.out_features)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
            self.qkv = Linear(d_model, 3 * d_model, bias=False)
            self.proj = Linear(d_model, d_model, bias=False)
            self.up = Linear(d_model, FFN_FACTOR * d_model, bias=False)
            self.down = Linear(FFN_FACTOR * d_model, d_model, bias=False)

        def forward(self, x):
            b, t, _ = x.shape
            q, k, v = self.qkv(self.ln1(x)).view(b, t, 3, heads, head_dim).transpose(1, 3).unbind(2)
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(y.transpose(1, 2).reshape(b, t, d_model))
            return x + self.down(F.gelu(self.up(self.ln2(x)), approximate="tanh"))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok, self.pos = nn.Embedding(vocab, d_model), nn.Embedding(seq_len, d_model)
            self.blocks = nn.ModuleList(Block() for _ in range(layers))
            self.ln_f = nn.LayerNorm(d_model)
            self.head = nn.Linear(d_model, vocab, bias=False)
            for p in self.parameters():
                if p.dim() == 2:
                    nn.init.normal_(p, std=INIT_STD)

        def forward(self, idx, targets):
            x = self.tok(idx) + self.pos(torch.arange(idx.shape[1], device=idx.device))
            for block in self.blocks:
                x = block(x)
            logits = self.head(self.ln_f(x))
            return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))

    return GPT()




def measure(torch, config, device, steps: int, warmup: int, meter, compiled: bool = False,
            precision: str = "bf16") -> dict:
    name, layers, d_model, heads, seq_len, micro_batch = config
    suffix = ("-fp8" if precision == "fp8" else "") + ("-compiled" if compiled else "")
    out = {"name": name + suffix, "mode": "torch.compile" if compiled else "eager", "precision": precision,
           "layers": layers, "d_model": d_model, "heads": heads, "kv_heads": heads,
           "ffn": FFN_FACTOR * d_model, "ffn_matrices": 2, "vocab": VOCAB, "seq_len": seq_len,
           "micro_batch": micro_batch}
    cuda = device.type == "cuda"
    model = build_model(torch, layers, d_model, heads, seq_len, fp8=precision == "fp8").to(device)
    out["params"] = sum(p.numel() for p in model.parameters())
    if compiled:  # fused elementwise kernels (Inductor), as tuned stacks fuse them; compiled in the warm-up steps
        model = torch.compile(model)
    opt = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, fused=cuda)
    g = torch.Generator(device=device).manual_seed(0)
    x = torch.randint(VOCAB, (micro_batch, seq_len), device=device, generator=g)
    y = torch.randint(VOCAB, (micro_batch, seq_len), device=device, generator=g)
    from torch.nn.attention import SDPBackend, sdpa_kernel
    backend = SDPBackend.FLASH_ATTENTION if cuda else SDPBackend.MATH
    sync = torch.cuda.synchronize if cuda else (lambda: None)

    def step():
        with sdpa_kernel(backend), torch.autocast(device.type, dtype=torch.bfloat16):
            loss = model(x, y)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss

    for _ in range(warmup):
        step()
    sync()
    times = []
    if meter is not None:
        meter.begin_window()
    t_window = time.perf_counter()
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        sync()
        times.append(time.perf_counter() - t0)
    elapsed_s = time.perf_counter() - t_window
    m = meter.end_window() if meter is not None else None
    times.sort()
    step_s = times[len(times) // 2]
    tokens = micro_batch * seq_len
    out.update({"steps": steps, "warmup": warmup, "elapsed_s": elapsed_s, "step_s": step_s,
                "step_s_min": times[0], "step_s_max": times[-1], "tokens_per_step": tokens,
                "tokens_per_s": tokens / step_s,
                "peak_memory_gb": torch.cuda.max_memory_allocated() / 1e9 if cuda else None})
    if m is not None:
        out.update({"energy_j": m.energy_j, "mean_power_w": m.mean_power_w, "power_source": m.power_source,
                    "joules_per_token": m.energy_j / (steps * tokens),
                    "sm_clock_mhz": m.details.get("mean_sm_clock_mhz"),
                    "power_limit_w": m.details.get("power_limit_w")})
    return out  # the model, its optimizer state and the batch go with this frame; main() then empties the cache


CSV_FIELDS = ("name", "mode", "hardware_id", "layers", "d_model", "heads", "kv_heads", "ffn", "ffn_matrices", "vocab",
              "seq_len", "micro_batch", "params", "precision", "attention", "how", "measured_step_s",
              "measured_tokens_per_s_per_device", "measured_power_w", "measured_j_per_token", "mean_sm_clock_mhz",
              "peak_memory_gb", "citation", "run")


def data_rows(doc: dict, run: str, hardware_id: str, citation: str) -> list[dict]:
    """The results of ``doc`` (this script's JSON) as rows of estimator/data/measured_training_steps.csv."""
    rows = []
    for r in doc["runs"]:
        if "step_s" not in r:
            continue
        rows.append({
            "mode": r.get("mode", "eager"),
            **{k: r[k] for k in ("name", "layers", "d_model", "heads", "kv_heads", "ffn", "ffn_matrices", "vocab",
                                 "seq_len", "micro_batch", "params")},
            "hardware_id": hardware_id, "precision": r.get("precision", "bf16"), "attention": "flash",
            "how": (f"benchmarks/gpu_train_step.py in PyTorch {doc['torch']}: fp32 weights, bf16 autocast"
                    + (", the blocks' linear layers in FP8 (E4M3 forward, E5M2 gradients, one dynamic scale a tensor, "
                       "torch._scaled_mm; the LM head bf16)" if r.get("precision") == "fp8" else "")
                    + f", SDPA held to FlashAttention, fused AdamW, {r.get('mode', 'eager')}; the median of {r['steps']} "
                    f"timed steps after {r['warmup']} warm-up steps, one micro-batch a step"),
            "measured_step_s": r["step_s"], "measured_tokens_per_s_per_device": r["tokens_per_s"],
            "measured_power_w": r.get("mean_power_w", ""), "measured_j_per_token": r.get("joules_per_token", ""),
            "mean_sm_clock_mhz": r.get("sm_clock_mhz", ""), "peak_memory_gb": r.get("peak_memory_gb", ""),
            "citation": citation + "".join(f", {k} {doc[k]}" for k in ("gpu", "nvml_uuid", "measured_at") if doc.get(k)),
            "run": run})
    return rows


def to_csv(argv) -> int:
    ap = argparse.ArgumentParser(description="print this benchmark's JSON results as data-file rows")
    ap.add_argument("json")
    ap.add_argument("--run", required=True)
    ap.add_argument("--hardware-id", required=True, help="the profile id of the GPU measured")
    ap.add_argument("--citation", required=True, help="who measured what, where and when")
    ap.add_argument("--header", action="store_true", help="print the header line first")
    args = ap.parse_args(argv)
    with open(args.json, encoding="utf-8") as fh:
        doc = json.load(fh)
    writer = csv.DictWriter(sys.stdout, fieldnames=CSV_FIELDS, lineterminator="\n")
    if args.header:
        writer.writeheader()
    writer.writerows(data_rows(doc, args.run, args.hardware_id, args.citation))
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--to-csv"]:
        return to_csv(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--configs", default="standard", choices=sorted(CONFIGS))
    ap.add_argument("--only", help="run only these configurations (names, comma-separated)")
    ap.add_argument("--steps", type=int, default=10, help="timed steps per configuration (default 10)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first (default 3)")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--compile", action="store_true", help="torch.compile the model (Inductor's fused kernels)")
    ap.add_argument("--precision", choices=("bf16", "fp8"), default="bf16",
                    help="bf16: autocast; fp8: the blocks' linear layers in FP8 too (fp8_linear_function)")
    ap.add_argument("--out", help="write the results as JSON here")
    args = ap.parse_args(argv)
    import torch
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True  # fp32 leftovers outside autocast on the tensor cores
    meter, why = open_meter(device.type)
    doc = {"measured_at": now_iso(), "torch": torch.__version__, "device": str(device), "meter": why or "nvml",
           "gpu": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu", "runs": []}
    if meter is not None and getattr(meter, "uuid", None):
        doc["nvml_uuid"] = meter.uuid
    only = set(args.only.split(",")) if args.only else None
    for config in CONFIGS[args.configs]:
        if only and config[0] not in only:
            continue
        try:
            r = measure(torch, config, device, args.steps, args.warmup, meter, args.compile, args.precision)
        except torch.cuda.OutOfMemoryError as exc:  # recorded, and the next configuration runs
            r = {"name": config[0], "error": f"out of memory: {str(exc).splitlines()[0]}"}
        if device.type == "cuda":
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
        doc["runs"].append(r)
        if "error" in r:
            print(f"{r['name']}: {r['error']}", flush=True)
        else:
            power = f", {r['mean_power_w']:.0f} W, {r['joules_per_token'] * 1e3:.3f} mJ/token" if "energy_j" in r else ""
            print(f"{r['name']}: {r['params'] / 1e6:.0f}M params, seq {r['seq_len']} × {r['micro_batch']}: "
                  f"{r['step_s'] * 1e3:.1f} ms/step, {r['tokens_per_s']:,.0f} tokens/s{power}", flush=True)
        if args.out:
            with open(args.out, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
