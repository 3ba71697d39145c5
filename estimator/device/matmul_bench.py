"""The built-in calibration workload: matrix multiplications at several sizes and precisions.

numpy on the CPU; torch on a GPU when torch is installed. Each (shape, precision) point
gets an equal share of the time left (a point that ran long takes it from the points after it);
its throughput is FLOPs per product ÷ the *median* time per product, so a burst of interference
from other processes on a busy machine moves it little. The run stops at the time asked: a rep
that would end past its point's share by more than ``OVERRUN_SHARE`` of it is not started. FLOPs of an (m×k)·(k×n) product: 2·m·k·n (one multiply and one
add per term; the usual GEMM count, e.g. NVIDIA's cuBLAS and MLPerf conventions).
"""

from __future__ import annotations

import importlib.util
import math
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from estimator.core.base.bounds import CALIBRATION_SECONDS
from estimator.core.base.errors import BackendUnavailable, InputError
from estimator.core.base.validation import require_number_in

# Sizes are a design choice, not measured figures: square products from cache-resident to
# memory-resident on a CPU (a 1024² fp64 operand is 8 MiB, beyond a typical per-core L2),
# and on a GPU from launch-overhead-bound (1024²) to the size where large tensor-core GEMMs
# approach their peak (8192², cf. NVIDIA's "Matrix Multiplication Background" user guide).
CPU_SIZES = (256, 512, 1024)
CPU_PRECISIONS = ("fp64", "fp32")
GPU_SIZES = (1024, 2048, 4096, 8192)
GPU_PRECISIONS = ("fp32", "tf32", "bf16", "fp16")
NUMPY_DTYPES = {"fp64": np.float64, "fp32": np.float32}
MIN_REPS = 3  # three timed reps per point or more where the time allows, so the median is not a single sample
# How far past its share of the time a point's last rep may be predicted to end (as long as the point's median rep so
# far) and still be started: a small share, so that `--seconds 10` stops near 10 s on a busy machine (issue 55: its
# reps ran on past the point's share, the workload 11 s, its progress "11/10 s"). A design choice, not a measured
# figure. Each point runs its warm-up and one timed rep whatever the time: a point that has one rep longer than its
# whole share is the only overrun left, and the points after it get less time.
OVERRUN_SHARE = 0.05
# FLOPs queued between two synchronisations on a GPU. Kernels launched on one CUDA stream run back
# to back while the host queues the next (CUDA C++ Programming Guide, "Asynchronous Concurrent
# Execution"), as in a training step; a synchronisation after every product adds the host's
# launch-and-wait round trip to each, which is not the device's speed. Measured on an H200
# (2026-11-26, benchmarks/gpu_check.sh), a synchronisation after each 1024² bf16 product gave 20.7 µs
# per product (0.10 PFLOP/s), where the arithmetic takes about 3 µs at the 0.66 PFLOP/s measured
# at 8192². 10¹² FLOPs is one 8192² product (1.1 × 10¹²) and about 1.5 ms at that speed, so
# a synchronisation costs at most a few per cent of a rep; a design choice, not a figure from a paper.
GPU_FLOPS_PER_SYNC = 1e12
# A shape none of the sizes above has (rectangular, between 512 and 1024): the workload the
# calibrated profile was not fitted on, for the prediction check.
HOLDOUT_SHAPE = (640, 1536, 896)
HOLDOUT_PRECISION = "fp32"
# Time for the not-fitted workload of the prediction check: at the CPU's ~0.1–0.2 TFLOP/s
# (measured here) one 640×1536·1536×896 product takes ~10 ms, so 0.6 s gives dozens of reps
# for a stable median while adding little to the run. A design choice, not a figure from a paper.
HOLDOUT_S = 0.6

Progress = Callable[[float], None]


@dataclass(frozen=True)
class MatmulPoint:
    m: int
    k: int
    n: int
    precision: str
    reps: int
    median_s: float   # per product
    total_s: float    # all reps, warm-up excluded
    # fewer than MIN_REPS timed reps: the point's share of the time asked held no more (a slow or busy machine)
    cut_short: bool = False

    @property
    def flops_per_rep(self) -> float:
        return 2.0 * self.m * self.k * self.n

    @property
    def flops(self) -> float:
        return self.flops_per_rep * self.reps

    @property
    def size(self) -> float:
        """Geometric-mean dimension (m·k·n)^(1/3): n for a square n×n product."""
        return float(self.m * self.k * self.n) ** (1.0 / 3.0)

    @property
    def achieved_flops_per_s(self) -> float:
        return self.flops_per_rep / self.median_s

    def label(self) -> str:
        shape = f"{self.m}" if self.m == self.k == self.n else f"{self.m}×{self.k}·{self.k}×{self.n}"
        return f"{shape} {self.precision}"


def square_points(sizes: Sequence[int], precisions: Sequence[str]) -> list[tuple[int, int, int, str]]:
    return [(n, n, n, p) for p in precisions for n in sizes]


def _run_point(run_once: Callable[[], None], end: float, clock, tick: Callable[[float], None]):
    """A warm-up and then timed reps of ``run_once`` until ``end`` on ``clock``: another rep is started only
    before ``end`` and when, as long as the median rep so far, it would end within ``OVERRUN_SHARE`` of the
    point's time past ``end``. At least one timed rep; ``tick`` gets the share of the point's time done, at
    most 1."""
    start = clock()
    budget = max(0.0, end - start)
    slack = OVERRUN_SHARE * budget
    run_once()  # warm-up: first-call allocation and thread start-up are not the steady state
    times = []
    while True:
        t0 = clock()
        run_once()
        t1 = clock()
        times.append(t1 - t0)
        tick(min(1.0, (t1 - start) / budget) if budget > 0 else 1.0)
        if t1 >= end or t1 + statistics.median(times) > end + slack:
            break
    return len(times), statistics.median(times), sum(times)


def _point_end(deadline: float, now: float, points_left: int) -> float:
    """Where a point's share of the time ends: the time left to ``deadline`` shared equally among the points
    left, this one included (none left after the deadline: the point runs its warm-up and one rep)."""
    return now + max(0.0, deadline - now) / points_left


def _check(points, seconds):
    if not points:
        raise InputError("no matrix sizes to run")
    check_seconds(seconds)


def check_seconds(seconds) -> float:
    """The built-in workload's length: a number of seconds inside ``bounds.CALIBRATION_SECONDS``.

    Its top, an hour, is far beyond what a stable throughput needs (seconds); longer runs are the
    user's own command (``calibrate --flops F -- …``), which has no limit."""
    return require_number_in("calibration seconds", seconds, CALIBRATION_SECONDS, field="seconds")


def run_numpy(points, seconds: float, progress: Progress | None = None, clock=time.perf_counter,
              seed: int = 0) -> list[MatmulPoint]:
    """Run each (m, k, n, precision) point on the CPU, ``seconds`` in all: each its share of the time left."""
    _check(points, seconds)
    rng = np.random.default_rng(seed)
    deadline = clock() + seconds
    out = []
    for i, (m, k, n, precision) in enumerate(points):
        if precision not in NUMPY_DTYPES:
            raise InputError(f"numpy has no {precision} matrix product; use {', '.join(NUMPY_DTYPES)}")
        dtype = NUMPY_DTYPES[precision]
        a = rng.standard_normal((m, k)).astype(dtype)
        b = rng.standard_normal((k, n)).astype(dtype)
        c = np.empty((m, n), dtype=dtype)

        def tick(frac, i=i):
            if progress:
                progress((i + frac) / len(points))

        end = _point_end(deadline, clock(), len(points) - i)
        reps, median, total = _run_point(lambda a=a, b=b, c=c: np.matmul(a, b, out=c), end, clock, tick)
        out.append(MatmulPoint(m, k, n, precision, reps, median, total, reps < MIN_REPS))
    return out


def torch_available() -> bool:
    return importlib.util.find_spec("torch") is not None


def require_torch() -> None:
    """Raise BackendUnavailable, naming the way out, when PyTorch is not installed."""
    if not torch_available():
        raise BackendUnavailable("the built-in GPU workload needs PyTorch, which is not installed; measure your own "
                                 "run instead, with the NVML backend and the run's FLOPs",
                                 field=("backend", "flops", "cmd"))


def _uuid_key(uuid: object) -> str:
    """A GPU UUID as NVML ("GPU-5b3c…") and PyTorch ("5b3c…") write it, in one form."""
    text = uuid.decode() if isinstance(uuid, bytes) else str(uuid)
    return text.strip().lower().removeprefix("gpu-")


def cuda_index(cuda, nvml_index: int, uuid: str | None) -> int:
    """The CUDA device (``cuda``: ``torch.cuda``) that is NVML's GPU ``nvml_index``, found by its UUID:
    the two number GPUs differently (CUDA_VISIBLE_DEVICES, CUDA_DEVICE_ORDER), so the matmuls would
    otherwise run on one GPU while the power of another is read. PyTorch gives a CUDA device's UUID
    as ``get_device_properties(i).uuid`` (printed "ffc79498-8ff3-…", added by pytorch/pytorch#125083,
    2024), NVML as "GPU-ffc79498-8ff3-…". Without UUIDs (an older PyTorch, or NVML cannot tell) the
    index is taken as it is, as before."""
    if uuid is None:
        return nvml_index
    found = []
    for i in range(cuda.device_count()):
        theirs = getattr(cuda.get_device_properties(i), "uuid", None)
        if theirs is None:
            return nvml_index
        if _uuid_key(theirs) == _uuid_key(uuid):
            found.append(i)
    if len(found) != 1:
        visible = os.environ.get("CUDA_VISIBLE_DEVICES")
        raise BackendUnavailable(f"NVML's GPU {nvml_index} ({uuid}) is not one PyTorch can use here"
                                 + (f" (CUDA_VISIBLE_DEVICES={visible})" if visible is not None else "")
                                 + ": choose a GPU both see, or unset CUDA_VISIBLE_DEVICES",
                                 field="device")
    return found[0]


def products_per_sync(m: int, k: int, n: int) -> int:
    """How many (m×k)·(k×n) products a GPU rep queues before it waits for them: enough for
    ``GPU_FLOPS_PER_SYNC``, at least one."""
    return max(1, math.ceil(GPU_FLOPS_PER_SYNC / (2.0 * m * k * n)))


def run_torch(points, seconds: float, progress: Progress | None = None, device_index: int = 0,
              clock=time.perf_counter, uuid: str | None = None) -> list[MatmulPoint]:
    """The GPU workload (needs torch with CUDA) on NVML's GPU ``device_index`` (``uuid``: its NVML
    UUID, to find it among CUDA's devices). fp32 runs with TF32 off, tf32 with it on. Each rep queues
    ``products_per_sync`` products and then waits for the GPU; a point's time per product is a rep's
    median time over that count."""
    _check(points, seconds)
    require_torch()
    import torch
    if not torch.cuda.is_available():
        raise BackendUnavailable("PyTorch is installed but sees no CUDA GPU")
    dev = torch.device("cuda", cuda_index(torch.cuda, device_index, uuid))
    dtypes = {"fp32": torch.float32, "tf32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
    deadline = clock() + seconds
    out = []
    old_tf32 = torch.backends.cuda.matmul.allow_tf32
    try:
        for i, (m, k, n, precision) in enumerate(points):
            torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
            a = torch.randn((m, k), device=dev, dtype=dtypes[precision])
            b = torch.randn((k, n), device=dev, dtype=dtypes[precision])
            c = torch.empty((m, n), device=dev, dtype=dtypes[precision])
            per_sync = products_per_sync(m, k, n)

            def once(a=a, b=b, c=c, per_sync=per_sync):
                for _ in range(per_sync):
                    torch.matmul(a, b, out=c)
                torch.cuda.synchronize(dev)

            def tick(frac, i=i):
                if progress:
                    progress((i + frac) / len(points))

            reps, median, total = _run_point(once, _point_end(deadline, clock(), len(points) - i), clock, tick)
            out.append(MatmulPoint(m, k, n, precision, reps * per_sync, median / per_sync, total, reps < MIN_REPS))
    finally:
        torch.backends.cuda.matmul.allow_tf32 = old_tf32
    return out


def run_holdout_numpy(seconds: float = HOLDOUT_S, clock=time.perf_counter) -> MatmulPoint:
    """The workload the calibration was not fitted on (HOLDOUT_SHAPE, fp32, numpy)."""
    m, k, n = HOLDOUT_SHAPE
    return run_numpy([(m, k, n, HOLDOUT_PRECISION)], seconds, clock=clock, seed=1)[0]
