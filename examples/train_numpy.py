"""A small numpy MLP trained with estimator.monitor.track: the whole run predicted from its first steps.

    .venv/bin/python examples/train_numpy.py --steps 3000
    .venv/bin/python examples/train_numpy.py --steps 3000 --report-at 300 --report track.json --hardware cpu-server-2s-epyc
    .venv/bin/python -m estimator calibrate --backend cpu --flops 8.29e11 -- .venv/bin/python examples/train_numpy.py --steps 3000

Two layers (512 → 1024 → 10 by default, ReLU, softmax cross-entropy), plain SGD on a synthetic
classification task. Batch sizes vary from step to step (64 to 192), so step times vary too;
``--data-ms`` adds a simulated data-loading wait (uniform from 0 to 2× the value) to each
step, as a loader reading from disk would. The report goes to stderr at ``--report-at`` (default:
10% of the steps) and at the end; ``--report PATH`` saves it as JSON (the app's Calibrate page
loads it).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

try:
    from estimator import EstimatorError, track
except ImportError:  # run from a checkout without installing: the package is one folder up
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from estimator import EstimatorError, track

BATCH_SIZES = (64, 96, 128, 160, 192)
D_IN, D_OUT = 512, 10


def flops_per_step(width: int) -> float:
    """A dense layer's training step costs 6 FLOPs per weight per example (2 forward, 4 backward: the gradients of
    the weights and of the layer's input; Kaplan et al. 2020, §2.1), the first layer 4, as no gradient of the data is
    taken (the loop below computes none: measuring engineer's review 2026-11-30, 6 for both had counted 1.49× the
    work); with the mean batch size this is the mean FLOPs of a step."""
    return (4.0 * D_IN * width + 6.0 * width * D_OUT) * float(np.mean(BATCH_SIZES))


# track()'s keywords as this script's flags, for its one-line errors
FLAGS = {"total_steps": "--steps", "report_at": "--report-at", "report_path": "--report", "hardware": "--hardware",
         "backend": "--backend"}
MAX_DATA_MS = 60_000.0  # a minute: a slow disk or a remote bucket, far above any real loader's wait


def error_line(exc: EstimatorError) -> str:
    """A refusal as one line in this script's words: track()'s keywords in its text as the flags (``FLAGS``:
    "report_at 50 is past total_steps (10)" as "--report-at 50 is past --steps (10)", "backend='none'" as
    "--backend none"), and the flags of the inputs it names after it."""
    text = str(exc)
    for keyword, flag in FLAGS.items():
        text = re.sub(rf"(?<![-\w]){keyword}=(['\"]?)([\w./-]+)\1", rf"{flag} \2", text)
        if "_" in keyword:  # a keyword's own name (total_steps), never a word of the prose ("the CPU backend")
            text = re.sub(rf"(?<![-\w]){keyword}\b", flag, text)
    fields = getattr(exc, "field", None)
    fields = (fields,) if isinstance(fields, str) else fields or ()
    flags = [FLAGS[f] for f in fields if f in FLAGS]
    return f"error: {text}" + (f" ({', '.join(flags)})" if flags else "")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=300, help="training steps (default 300)")
    ap.add_argument("--report-at", type=int, help="print the report at this step (default: 10%% of the steps)")
    ap.add_argument("--report", help="save the JSON report here")
    ap.add_argument("--hardware", help="a profile id or file (default: detected for a GPU, none for a CPU)")
    ap.add_argument("--backend", choices=("auto", "nvml", "cpu", "none"), help="energy backend (default auto)")
    ap.add_argument("--width", type=int, default=1024, help="hidden units (default 1024)")
    ap.add_argument("--data-ms", type=float, default=0.0, help="simulated data-loading wait per step, in ms")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    # a wait of a minute a step at most: an infinite or absurd one would sleep forever (measuring engineer's review
    # 2026-11-30: --data-ms inf crashed on the clock)
    if args.steps < 1 or args.width < 1 or not 0 <= args.data_ms <= MAX_DATA_MS:
        print(f"error: --steps and --width must be at least 1, --data-ms from 0 to {MAX_DATA_MS:g}", file=sys.stderr)
        return 2
    D_HIDDEN = args.width

    rng = np.random.default_rng(args.seed)
    centres = rng.standard_normal((D_OUT, D_IN)).astype(np.float32)
    w1 = (rng.standard_normal((D_IN, D_HIDDEN)) / np.sqrt(D_IN)).astype(np.float32)
    b1 = np.zeros(D_HIDDEN, np.float32)
    w2 = (rng.standard_normal((D_HIDDEN, D_OUT)) / np.sqrt(D_HIDDEN)).astype(np.float32)
    b2 = np.zeros(D_OUT, np.float32)
    lr = 0.05

    def batch(n):
        y = rng.integers(0, D_OUT, n)
        x = centres[y] + rng.standard_normal((n, D_IN)).astype(np.float32)
        return x, y

    report_at = args.report_at if args.report_at is not None else max(args.steps // 10, 1)
    try:
        with track(total_steps=args.steps, flops_per_step=flops_per_step(args.width), hardware=args.hardware, backend=args.backend,
                   report_at=report_at, report_path=args.report) as run:
            for _ in range(args.steps):
                if args.data_ms > 0:
                    time.sleep(args.data_ms / 1e3 * rng.uniform(0.0, 2.0))
                x, y = batch(int(rng.choice(BATCH_SIZES)))
                h = np.maximum(x @ w1 + b1, 0.0)                     # forward
                logits = h @ w2 + b2
                logits -= logits.max(axis=1, keepdims=True)
                p = np.exp(logits)
                p /= p.sum(axis=1, keepdims=True)
                loss = -np.log(p[np.arange(len(y)), y] + 1e-12).mean()
                g = p
                g[np.arange(len(y)), y] -= 1.0                        # backward
                g /= len(y)
                gw2, gb2 = h.T @ g, g.sum(axis=0)
                gh = (g @ w2.T) * (h > 0)
                gw1, gb1 = x.T @ gh, gh.sum(axis=0)
                w1 -= lr * gw1
                b1 -= lr * gb1
                w2 -= lr * gw2
                b2 -= lr * gb2
                run.step()
    except EstimatorError as exc:  # a refusal (a report path taken, a backend that cannot open): one line, as
        # the CLI says it (measuring engineer's review 2026-11-28), naming this script's flags, not track()'s keywords
        # (API review 2026-12-02: "report_at must be …" where the user typed --report-at)
        print(error_line(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the report says "interrupted"; one line, as the CLI's 130
        print("interrupted", file=sys.stderr)  # (measure review 2026-11-29: a traceback)
        return 130
    print(f"final loss {loss:.4f} after {args.steps} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
