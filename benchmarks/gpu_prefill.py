"""Benchmark: a transformer's prefill (its time to the first token, one prompt at a time) on a real NVIDIA GPU, beside
what ``python -m estimator inference`` predicts for it.

    python -m benchmarks.gpu_prefill --out prefill.json                  # on a machine with a GPU and PyTorch
    python -m benchmarks.gpu_prefill --device cpu --layers 2 --d-model 256 --heads 4 --kv-heads 2 \
        --ffn 512 --vocab 1000 --prompts 16,32 --repeats 1                # the same code on a CPU, time only

The model is benchmarks.gpu_decode's Llama-3-8B-shaped decoder (random bf16 weights: the arithmetic and the bytes are
the real model's). One prefill is the whole prompt through every layer at once, causal attention by PyTorch's
``scaled_dot_product_attention`` (the backend it picks: cuDNN's fused kernel on Hopper for these shapes, as its
profiler showed on an H200), its keys and values
written to a KV cache, and the logits of the last position only, as serving engines compute them, then the greedy
first token. Timed with CUDA events, the median of ``--repeats`` prefills after a warm-up, one prompt at a time
(batch 1). Not a test: it needs a GPU.

    python -m benchmarks.gpu_prefill --to-csv prefill.json --run 7 --hardware-id h100-sxm --citation "measured by ..."
        (rows of llama-3.1-8b, Llama 3 8B's shape with the 128k window its longest prompts need; --model another)

prints the results as rows of ``estimator/data/measured_prefill.csv``.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from benchmarks.gpu_decode import (
    LLAMA3_8B,
    RMS_EPS,
    build_weights,
    positive_ints,
    print_rows,
    shape_parser,
    to_csv_parser,
    torch_and_device,
)
from estimator.core.base.units import MS_PER_S
from estimator.monitor.calibration_run import now_iso

MEASURED_PREFILL_COLUMNS = ("model", "hardware_id", "batch", "bits", "prompt_tokens", "measured_ttft_s", "how",
                            "note", "citation", "run")


def make_prefill(torch, cfg, w, rope, cache):
    """A function of the prompt's token ids (1, P) that fills the KV cache's first P positions and returns the first
    output token: the prefill of one prompt."""
    silu = torch.nn.functional.silu
    sdpa = torch.nn.functional.scaled_dot_product_attention
    n_l, d, h, kvh = (cfg[k] for k in ("layers", "d_model", "heads", "kv_heads"))
    hd = d // h

    def rms(x, weight):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + RMS_EPS)).to(x.dtype) * weight

    def rotate(x, cos, sin):  # x: (1, heads, P, hd)
        xf = x.float()
        x1, x2 = xf[..., : hd // 2], xf[..., hd // 2:]
        return torch.cat((x1 * cos - x2 * sin, x2 * cos + x1 * sin), dim=-1).to(x.dtype)

    def prefill(ids):
        p = ids.shape[1]
        cos, sin = rope["cos"][:p], rope["sin"][:p]
        x = w["emb"].index_select(0, ids[0])                       # (P, d)
        for layer in range(n_l):
            qkv = rms(x, w["n1"][layer]) @ w["wqkv"][layer]
            q, k, v = qkv.split((h * hd, kvh * hd, kvh * hd), dim=-1)
            q = rotate(q.view(p, h, hd).transpose(0, 1).unsqueeze(0), cos, sin)
            k = rotate(k.view(p, kvh, hd).transpose(0, 1).unsqueeze(0), cos, sin)
            v = v.view(p, kvh, hd).transpose(0, 1).unsqueeze(0)
            cache["k"][layer, :, :, :p].copy_(k)
            cache["v"][layer, :, :, :p].copy_(v)
            att = sdpa(q, k, v, is_causal=True, enable_gqa=True)  # (1, h, P, hd)
            x = x + att[0].transpose(0, 1).reshape(p, h * hd) @ w["wo"][layer]
            gate, up = (rms(x, w["n2"][layer]) @ w["w13"][layer]).chunk(2, dim=-1)
            x = x + (silu(gate) * up) @ w["w2"][layer]
        logits = rms(x[-1:], w["nf"]) @ w["head"]                  # the last position's logits only
        return logits.argmax(dim=-1)

    return prefill


def measure(torch, cfg, prompts: list[int], repeats: int, device, dtype) -> list[dict]:
    max_len = max(prompts)
    w, rope = build_weights(torch, cfg, max_len, device, dtype)
    hd = cfg["d_model"] // cfg["heads"]
    shape = (cfg["layers"], 1, cfg["kv_heads"], max_len, hd)
    cache = {"k": torch.zeros(shape, device=device, dtype=dtype), "v": torch.zeros(shape, device=device, dtype=dtype)}
    prefill = make_prefill(torch, cfg, w, rope, cache)
    g = torch.Generator(device=device).manual_seed(3)
    out = []
    cuda = device.type == "cuda"
    for p in prompts:
        ids = torch.randint(cfg["vocab"], (1, p), device=device, generator=g)
        for _ in range(2):
            prefill(ids)
        times = []
        for _ in range(repeats):
            if cuda:
                a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                a.record()
                prefill(ids)
                b.record()
                b.synchronize()
                times.append(a.elapsed_time(b) / MS_PER_S)
            else:
                t0 = time.perf_counter()
                prefill(ids)
                times.append(time.perf_counter() - t0)
        out.append({"prompt": p, "ttft_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
                    "repeats": repeats})
        print(f"prompt {p}: {statistics.median(times) * MS_PER_S:.2f} ms (min {min(times) * MS_PER_S:.2f}, "
              f"max {max(times) * MS_PER_S:.2f})", file=sys.stderr)
    return out


def data_rows(doc, run: str, hardware_id: str, citation: str, model: str = "llama-3.1-8b") -> list[dict]:
    if doc["config"] != LLAMA3_8B:
        raise SystemExit(f"error: a {doc['config']} run is not the {model} shape the data file names")
    rows = []
    for r in doc["runs"]:
        rows.append({
            "model": model, "hardware_id": hardware_id, "batch": 1, "bits": 16, "prompt_tokens": r["prompt"],
            "measured_ttft_s": repr(r["ttft_s"]),
            "how": (f"benchmarks/gpu_prefill.py: the median of {r['repeats']} prefills of one {r['prompt']}-token "
                    f"prompt (min {r['min_s'] * MS_PER_S:.2f} ms, max {r['max_s'] * MS_PER_S:.2f} ms), CUDA events, "
                    f"PyTorch {doc['torch']} eager, scaled_dot_product_attention causal"),
            "note": ("a Llama-3-8B-shaped decoder, random bf16 weights; the KV cache written; the last position's "
                     "logits only; no engine (no scheduler, no tokenizer, no sampling beyond the greedy token)"),
            "citation": citation + "".join(f", {k} {doc[k]}" for k in ("device_name", "measured_at") if doc.get(k)),
            "run": run})
    return [{k: row[k] for k in MEASURED_PREFILL_COLUMNS} for row in rows]


def to_csv(argv) -> int:
    ap = to_csv_parser()
    ap.add_argument("--model", default="llama-3.1-8b", help="the catalog model of the shape (Llama 3.1 8B: Llama 3 "
                    "8B's shape with a 128k window)")
    args = ap.parse_args(argv)
    with open(args.json, encoding="utf-8") as fh:
        rows = data_rows(json.load(fh), args.run, args.hardware_id, args.citation, model=args.model)
    return print_rows(rows)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--to-csv"]:
        return to_csv(argv[1:])
    ap = shape_parser(__doc__)
    ap.add_argument("--prompts", type=positive_ints, default="128,512,2048,8192,32768",
                    help="prompt lengths, comma-separated")
    ap.add_argument("--repeats", type=int, default=10, help="timed prefills per prompt (default 10)")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--out", default="-")
    args = ap.parse_args(argv)
    if args.repeats < 1:
        ap.error(f"--repeats must be at least 1, got {args.repeats}")
    found = torch_and_device(args.device)
    if found is None:
        return 2
    torch, device = found
    cfg = {k: getattr(args, k) for k in LLAMA3_8B}
    dtype = torch.bfloat16
    doc = {"config": cfg, "torch": torch.__version__, "measured_at": now_iso(),
           "device_name": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu",
           "runs": measure(torch, cfg, args.prompts, args.repeats, device, dtype)}
    text = json.dumps(doc, indent=1)
    if args.out == "-":
        print(text)
    else:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
