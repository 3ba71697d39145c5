"""Benchmark: PyTorch's fused attention kernels at decode and prefill shapes on a real GPU.

    python3 benchmarks/attention_kernels/sdpa.py --out sdpa.csv         # on a machine with an NVIDIA GPU and PyTorch
    python3 benchmarks/attention_kernels/sdpa.py --device cpu --quick   # the same code on a CPU, tiny shapes

Decode (one query token a sequence): the shapes of ML.ENERGY's 2024 vLLM configurations (per GPU: CodeLlama-7B
with 32 query and 32 KV heads, CodeLlama-70B over 4 GPUs with 16 and 2), context 205 tokens, the bytes of K and V
read once over the time, beside ``run.sh``'s vLLM 0.4.2 paged kernel. vLLM 0.5.4, which ran those configurations,
decodes through FlashAttention-2's ``flash_attn_with_kvcache`` over a paged cache; PyTorch's flash backend is
FlashAttention-2 over a contiguous one, the nearest kernel this benchmark can build.

Prefill (causal, a whole prompt at once): Llama-3-8B's heads (32 query, 8 KV, 128 wide), prompts of 1k-32k tokens,
32k tokens a call; attention FLOPs counted as 4·s²·h·d/2 (QKᵀ and AV, half masked), the convention of
FlashAttention's papers (Dao 2023, arXiv:2307.08691, §4.1), over the time.

Each backend PyTorch has here (flash: FlashAttention-2; cudnn: cuDNN's fused attention) is timed alone, inputs
rotated among enough copies to exceed the L2 cache, median of CUDA-event timings. Not a test: it needs a GPU.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

# units, as estimator.core.base.units has them (this script runs alone, with PyTorch only, on a lent GPU machine)
US_PER_S = 1e6
MS_PER_S = 1e3
BYTES_PER_GB = 1e9
FLOPS_PER_TFLOP = 1e12
BYTES_PER_ELEMENT = 2  # bf16
HEAD = 128
DECODE_CTX = 205      # the code task's mean prompt (155.5) plus half its mean output, as the serving model counts it
DECODE = [(32, 32, b) for b in (32, 64, 128, 256, 320)] + [(16, 2, b) for b in (64, 128, 256, 512)]
PREFILL = [1024, 2048, 4096, 8192, 16384, 32768]
PREFILL_TOKENS = 32768
BACKENDS = {"flash": SDPBackend.FLASH_ATTENTION, "cudnn": SDPBackend.CUDNN_ATTENTION}


def time_calls(fn, copies: int, device: str, reps: int) -> float:
    """Median seconds per call over ``reps`` rounds of ``copies`` calls (one per input copy)."""
    for i in range(copies):
        fn(i)
    if device == "cpu":
        import time
        t0 = time.perf_counter()
        for i in range(copies):
            fn(i)
        return (time.perf_counter() - t0) / copies
    torch.cuda.synchronize()
    out = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        for i in range(copies):
            fn(i)
        b.record()
        b.synchronize()
        out.append(a.elapsed_time(b) / MS_PER_S / copies)
    return statistics.median(out)


def timed_or_none(fn, copies: int, device: str, reps: int, what: str) -> float | None:
    """``time_calls``, or None (said on stderr) where the backend refuses the shape."""
    try:
        return time_calls(fn, copies, device, reps)
    except RuntimeError as exc:   # "No available kernel": this backend does not run this shape here
        print(f"{what}: not run ({str(exc).splitlines()[0]})", file=sys.stderr)
        return None


def copies_for(bytes_each: int, l2_bytes: int) -> int:
    return max(2, min(64, -(-4 * l2_bytes // max(bytes_each, 1))))


def decode_rows(backend: str, device: str, l2: int, quick: bool):
    shapes = [(4, 2, 2)] if quick else DECODE
    ctx = 16 if quick else DECODE_CTX
    for heads, kv_heads, batch in shapes:
        kv_bytes = 2 * batch * kv_heads * ctx * HEAD * BYTES_PER_ELEMENT   # K and V
        n = copies_for(kv_bytes, l2)
        q = [torch.randn(batch, heads, 1, HEAD, device=device, dtype=torch.bfloat16) for _ in range(n)]
        k = [torch.randn(batch, kv_heads, ctx, HEAD, device=device, dtype=torch.bfloat16) for _ in range(n)]
        v = [torch.randn_like(x) for x in k]

        def call(i, q=q, k=k, v=v, gqa=kv_heads != heads):
            return F.scaled_dot_product_attention(q[i], k[i], v[i], enable_gqa=gqa)
        s = timed_or_none(call, n, device, 1 if quick else 9, f"{backend} decode {heads}/{kv_heads} heads")
        if s is None:
            continue
        yield dict(phase="decode", backend=backend, heads=heads, kv_heads=kv_heads, batch=batch, seq=ctx,
                   time_us=round(s * US_PER_S, 3), kv_gb_per_s=round(kv_bytes / s / BYTES_PER_GB, 1), tflops="")


def prefill_rows(backend: str, device: str, l2: int, quick: bool):
    lengths = [64] if quick else PREFILL
    tokens = 128 if quick else PREFILL_TOKENS
    heads, kv_heads = (4, 2) if quick else (32, 8)
    for s_len in lengths:
        batch = max(1, tokens // s_len)
        bytes_each = BYTES_PER_ELEMENT * batch * (heads + 2 * kv_heads) * s_len * HEAD   # Q, K and V
        n = copies_for(bytes_each, l2)
        q = [torch.randn(batch, heads, s_len, HEAD, device=device, dtype=torch.bfloat16) for _ in range(n)]
        k = [torch.randn(batch, kv_heads, s_len, HEAD, device=device, dtype=torch.bfloat16) for _ in range(n)]
        v = [torch.randn_like(x) for x in k]

        def call(i, q=q, k=k, v=v):
            return F.scaled_dot_product_attention(q[i], k[i], v[i], is_causal=True, enable_gqa=True)
        s = timed_or_none(call, n, device, 1 if quick else 7, f"{backend} prefill {s_len} tokens")
        if s is None:
            continue
        flops = 4 * batch * s_len * s_len * heads * HEAD / 2
        yield dict(phase="prefill", backend=backend, heads=heads, kv_heads=kv_heads, batch=batch, seq=s_len,
                   time_us=round(s * US_PER_S, 3), kv_gb_per_s="", tflops=round(flops / s / FLOPS_PER_TFLOP, 1))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="-")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--quick", action="store_true", help="tiny shapes (a check that the code runs)")
    args = ap.parse_args(argv)
    l2 = torch.cuda.get_device_properties(0).L2_cache_size if args.device == "cuda" else 1 << 20
    name = torch.cuda.get_device_name(0) if args.device == "cuda" else "cpu"
    rows = []
    for backend, which in BACKENDS.items():
        with sdpa_kernel([which]):
            rows += list(decode_rows(backend, args.device, l2, args.quick))
            rows += list(prefill_rows(backend, args.device, l2, args.quick))
    out = sys.stdout if args.out == "-" else open(args.out, "w", newline="")
    w = csv.DictWriter(out, fieldnames=["device", "torch", *rows[0].keys()] if rows else ["device"])
    w.writeheader()
    for r in rows:
        w.writerow({"device": name, "torch": torch.__version__, **r})
    if out is not sys.stdout:
        out.close()
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
