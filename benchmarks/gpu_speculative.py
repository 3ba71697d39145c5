"""Benchmark: speculative decoding's step on a real NVIDIA GPU, by its parts: the plain decode step, the verification of
K draft tokens (the model over K + 1 positions of each sequence) and one pass of a one-layer draft head with the LM
head, beside what ``python -m estimator inference --draft-tokens K`` charges for them.

    python -m benchmarks.gpu_speculative --out speculative.json     # on a machine with a GPU and PyTorch
    python -m benchmarks.gpu_speculative --device cpu --layers 2 --d-model 256 --heads 4 --kv-heads 2 \
        --ffn 512 --vocab 1000 --batches 1,2 --new 8 --repeats 1   # the same code on a CPU, time only

The target is benchmarks.gpu_decode's Llama-3-8B-shaped decoder (random bf16 weights, each step one CUDA graph); the
verification is its step over K + 1 positions, causal among them (``gpu_decode.make_step``: the same next tokens as
K + 1 decode steps, tests/fit/test_measured_speculative.py); the draft head is the same decoder cut to one layer, with
its own embedding and LM head of the target's size (EAGLE's and DeepSeek-V3's multi-token-prediction heads are one
transformer layer with the target's LM head, which a pass reads again). A speculative step is K draft passes and one
verification: the data file's ``measured_step_s``. What is accepted does not change these times (the KV cache and the
weights are read, the FLOPs done, whatever the verification keeps), so the acceptance rate is not measured here: the
step's cost over a plain step is, the part of the speed-up the model computes rather than takes as given.

    python -m benchmarks.gpu_speculative --to-csv speculative.json --run 9 --hardware-id h100-sxm --citation "..."

prints the results as rows of ``estimator/data/measured_speculative.csv``. Not a test: it needs a GPU.
"""

from __future__ import annotations

import json
import math
import sys

from benchmarks.gpu_decode import (
    LLAMA3_8B,
    build_weights,
    idle_power,
    measure_batch,
    open_meter,
    param_count,
    positive_ints,
    print_rows,
    shape_parser,
    to_csv_parser,
    torch_and_device,
)
from estimator.core.base.units import MS_PER_S
from estimator.core.serving.step import DRAFT_LAYERS  # the draft head's layers, as the serving model counts them
from estimator.io.measured_speculative import COLUMNS
from estimator.monitor.calibration_run import now_iso

MEASURED_SPECULATIVE_COLUMNS = COLUMNS  # the data file's header (estimator/io/measured_speculative.py)


def measure(torch, cfg, args, device, meter) -> dict:
    """Each batch's decode step, verifications of each draft count, and a draft pass (the one-layer decoder)."""
    dtype = torch.bfloat16
    longest = max(args.drafts) + 1
    out = {}
    w, rope = build_weights(torch, cfg, args.prompt + args.new + longest - 1, device, dtype)
    params = param_count(w)

    def one(batch: int, positions: int) -> dict:
        return measure_batch(torch, cfg, w, rope, batch, args.prompt, args.new, args.repeats, device, dtype, True,
                             meter, positions=positions)

    for batch in args.batches:
        out[batch] = {"decode": one(batch, 1), "verify": {k: one(batch, k + 1) for k in args.drafts}}
        print(f"batch {batch:3d}: decode {out[batch]['decode']['step_s'] * MS_PER_S:.3f} ms, verify "
              + ", ".join(f"{k} drafts {v['step_s'] * MS_PER_S:.3f} ms" for k, v in out[batch]["verify"].items()),
              flush=True)
    w = None  # the target's weights freed before the draft head's are built
    if device.type == "cuda":
        torch.cuda.empty_cache()
    head_cfg = {**cfg, "layers": DRAFT_LAYERS}
    hw, hrope = build_weights(torch, head_cfg, args.prompt + args.new, device, dtype, seed=2)
    for batch in args.batches:
        r = measure_batch(torch, head_cfg, hw, hrope, batch, args.prompt, args.new, args.repeats, device, dtype, True,
                          meter)
        out[batch]["draft_pass"] = r
        print(f"batch {batch:3d}: draft pass {r['step_s'] * MS_PER_S:.3f} ms", flush=True)
    return {"params": params, "draft_params": param_count(hw), "by_batch": [{"batch": b, **v} for b, v in out.items()]}


def data_rows(doc, run: str, hardware_id: str, citation: str, model: str = "llama-3-8b") -> list[dict]:
    """``doc`` (this script's JSON) as rows of estimator/data/measured_speculative.csv, one per batch and draft count."""
    if doc["config"] != LLAMA3_8B:
        raise SystemExit(f"error: a {doc['config']} run is not the {model} shape the data file names")
    rows = []
    cite = citation + "".join(f", {k} {doc[k]}" for k in ("nvml_uuid", "measured_at") if doc.get(k))
    for b in doc["by_batch"]:
        dec, draft = b["decode"], b["draft_pass"]
        for k, ver in sorted(b["verify"].items(), key=lambda kv: int(kv[0])):
            k = int(k)
            total = k * draft["step_s"] + ver["step_s"]
            power = ""
            if "energy_j" in ver and "energy_j" in draft:
                power = repr((k * draft["step_s"] * draft["mean_power_w"] + ver["step_s"] * ver["mean_power_w"]) / total)
            rows.append({
                "model": model, "hardware_id": hardware_id, "batch": b["batch"], "bits": 16,
                "prompt_tokens": doc["prompt"], "output_tokens": doc["new"], "draft_tokens": k,
                "measured_decode_step_s": repr(dec["step_s"]), "measured_verify_step_s": repr(ver["step_s"]),
                "measured_draft_pass_s": repr(draft["step_s"]), "measured_step_s": repr(total),
                "measured_decode_power_w": repr(dec["mean_power_w"]) if "mean_power_w" in dec else "",
                "measured_step_power_w": power,
                "how": (f"benchmarks/gpu_speculative.py in PyTorch {doc['torch']}, each step one CUDA graph: the time of "
                        f"{dec['steps']} steps ({doc['repeats']} passes of {doc['new']} after a {doc['prompt']}-token "
                        f"prompt) ÷ their count, for the decode step (1 position), the verification ({k + 1} positions "
                        f"a sequence, causal) and the one-layer draft pass; the step = {k} draft passes + the "
                        "verification; power the NVML energy counter's over each window"),
                "note": ("random bf16 weights; the prompt's KV cache filled at random; the draft head a one-layer "
                         "decoder with its own embedding and LM head of the target's size, over its own one-layer KV "
                         "cache; no acceptance (the times do not depend on it); the GPU alone, no host"),
                "citation": cite, "run": run})
    return [{c: r[c] for c in MEASURED_SPECULATIVE_COLUMNS} for r in rows]


def to_csv(argv) -> int:
    args = to_csv_parser().parse_args(argv)
    with open(args.json, encoding="utf-8") as fh:
        return print_rows(data_rows(json.load(fh), args.run, args.hardware_id, args.citation))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--to-csv"]:
        return to_csv(argv[1:])
    ap = shape_parser(__doc__)
    ap.add_argument("--batches", type=positive_ints, default="1,8,32", help="batch sizes, comma-separated (default 1,8,32)")
    ap.add_argument("--drafts", type=positive_ints, default="1,3",
                    help="draft tokens verified a step, comma-separated (default 1,3: DeepSeek-V3's one MTP token; "
                         "MLPerf's deepseek-r1-interactive's three)")
    ap.add_argument("--prompt", type=int, default=128, help="prompt tokens already in the KV cache (default 128)")
    ap.add_argument("--new", type=int, default=128, help="steps per pass (default 128)")
    ap.add_argument("--repeats", type=int, default=2, help="passes in one timing window (default 2)")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--out", help="write the results as JSON here")
    args = ap.parse_args(argv)
    found = torch_and_device(args.device)
    if found is None:
        return 2
    torch, device = found
    cfg = {k: getattr(args, k) for k in LLAMA3_8B}
    meter, why = open_meter(device.type)
    doc = {"measured_at": now_iso(), "config": cfg, "prompt": args.prompt, "new": args.new, "repeats": args.repeats,
           "drafts": args.drafts, "torch": torch.__version__, "meter": why or "nvml"}
    if device.type == "cuda":
        doc["device_name"] = torch.cuda.get_device_name(device)
        if meter is not None:
            doc["nvml_uuid"] = meter.uuid
    try:
        doc["idle_power_w"] = idle_power(meter)
        doc.update(measure(torch, cfg, args, device, meter))
    finally:
        if meter is not None:
            meter.close()
    times = [r["step_s"] for b in doc["by_batch"] for r in (b["decode"], b["draft_pass"], *b["verify"].values())]
    if not all(math.isfinite(t) and t > 0 for t in times):
        print("error: a non-finite or zero time", file=sys.stderr)
        return 1
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
