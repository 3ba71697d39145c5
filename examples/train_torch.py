"""The numpy example in PyTorch: a small MLP trained with estimator.monitor.track, CPU or CUDA GPU.

    .venv/bin/python examples/train_torch.py --steps 3000
    .venv/bin/python examples/train_torch.py --steps 5000 --report-at 500 --report track.json   # on a GPU: NVML
    .venv/bin/python -m estimator calibrate --flops 8.29e11 -- .venv/bin/python examples/train_torch.py --steps 3000

Needs PyTorch, which the project does not install (CPU wheels: `pip install torch --index-url
https://download.pytorch.org/whl/cpu`); without it the script says so and exits with status 2.
Same model, data, batch sizes and options as examples/train_numpy.py. On a GPU the work is
asynchronous: each step ends with ``loss.item()``, which waits for the GPU, before
``run.step()``, otherwise the step times would measure the launch queue, not the work. On a
GPU, ``track`` reads its energy through NVML and matches a bundled profile (price, peak).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

try:
    from estimator import EstimatorError, track
except ImportError:  # run from a checkout without installing: the package is one folder up
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from estimator import EstimatorError, track

BATCH_SIZES = (64, 96, 128, 160, 192)
D_IN, D_OUT = 512, 10
# track()'s keywords as this script's flags, for its one-line errors (as train_numpy.py's: each example stands alone)
FLAGS = {"total_steps": "--steps", "report_at": "--report-at", "report_path": "--report", "hardware": "--hardware",
         "backend": "--backend"}


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


def flops_per_step(width: int) -> float:
    """6 FLOPs per weight per example (2 forward, 4 backward: the gradients of the weights and of the layer's input;
    Kaplan et al. 2020, §2.1), the first layer 4, as autograd takes no gradient of the data (measuring engineer's
    review 2026-11-30: 6 for both had counted 1.49× the work at width 1024), × the mean batch."""
    return (4.0 * D_IN * width + 6.0 * width * D_OUT) * sum(BATCH_SIZES) / len(BATCH_SIZES)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=300, help="training steps (default 300)")
    ap.add_argument("--report-at", type=int, help="print the report at this step (default: 10%% of the steps)")
    ap.add_argument("--report", help="save the JSON report here")
    ap.add_argument("--hardware", help="a profile id or file (default: detected for a GPU, none for a CPU)")
    ap.add_argument("--backend", choices=("auto", "nvml", "cpu", "none"), help="energy backend (default auto)")
    ap.add_argument("--device", default=None, help="torch device (default: cuda if available, else cpu)")
    ap.add_argument("--width", type=int, default=1024, help="hidden units (default 1024)")
    ap.add_argument("--data-ms", type=float, default=0.0, help="simulated data-loading wait per step, in ms")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.steps < 1 or args.width < 1 or not args.data_ms >= 0:
        print("error: --steps and --width must be at least 1, --data-ms 0 or more", file=sys.stderr)
        return 2
    try:
        import torch
    except ImportError:
        print("error: this example needs PyTorch, which is not installed (CPU wheels: pip install torch "
              "--index-url https://download.pytorch.org/whl/cpu); examples/train_numpy.py needs nothing extra",
              file=sys.stderr)
        return 2

    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    gen = torch.Generator().manual_seed(args.seed)
    centres = torch.randn(D_OUT, D_IN, generator=gen)
    model = torch.nn.Sequential(torch.nn.Linear(D_IN, args.width), torch.nn.ReLU(),
                                torch.nn.Linear(args.width, D_OUT)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = torch.nn.CrossEntropyLoss()
    sizes = torch.tensor(BATCH_SIZES)

    report_at = args.report_at if args.report_at is not None else max(args.steps // 10, 1)
    try:
        with track(total_steps=args.steps, flops_per_step=flops_per_step(args.width), hardware=args.hardware,
                   backend=args.backend, report_at=report_at, report_path=args.report) as run:
            for _ in range(args.steps):
                if args.data_ms > 0:
                    time.sleep(args.data_ms / 1e3 * 2 * torch.rand(1, generator=gen).item())
                n = int(sizes[torch.randint(len(BATCH_SIZES), (1,), generator=gen)].item())
                y = torch.randint(D_OUT, (n,), generator=gen)
                x = centres[y] + torch.randn(n, D_IN, generator=gen)
                x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(x), y)
                loss.backward()
                opt.step()
                last = loss.item()  # waits for the device: the step's work is done
                run.step()
    except EstimatorError as exc:  # a refusal (a report path taken, a backend that cannot open): one line, as
        print(error_line(exc), file=sys.stderr)  # the CLI says it, naming this script's flags
        return 2
    print(f"final loss {last:.4f} after {args.steps} steps on {device}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
