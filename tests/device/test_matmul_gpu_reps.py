"""The built-in GPU workload times the device, not the host's round trip: each rep queues enough
products to amortise one synchronisation (estimator/device/matmul_bench.py, GPU_FLOPS_PER_SYNC).

A real H200 (benchmarks/gpu_check.sh, 2026-11-26) showed why: with a synchronisation after every
product, 1024² bf16 products measured 0.10 PFLOP/s where 8192² ones measured 0.66. Here a fake
``torch`` stands in (this machine has no GPU): each product advances a fake clock by its FLOPs at a
fixed device speed, each synchronisation by a fixed host latency, so the measured throughput follows
from the code's batching alone.
"""

from __future__ import annotations

import importlib.machinery
import math
import sys
import types

import pytest

from estimator.device import matmul_bench as mb

DEVICE_FLOPS_PER_S = 1e15   # the fake GPU's speed, every size alike
SYNC_S = 20e-6              # the fake host's launch-and-wait round trip (the H200's 1024² figure, rounded)


class FakeTorch:
    """The calls ``run_torch`` makes, on a fake clock."""

    def __init__(self):
        self.now_s = 0.0
        self.products_since_sync: list[int] = []
        self._pending = 0
        self.float32, self.bfloat16, self.float16 = "float32", "bfloat16", "float16"
        self.backends = types.SimpleNamespace(cuda=types.SimpleNamespace(
            matmul=types.SimpleNamespace(allow_tf32=False)))
        props = types.SimpleNamespace(uuid="13d2c175-8a52-27c8-a4ff-52783f26f6ed")
        self.cuda = types.SimpleNamespace(is_available=lambda: True, device_count=lambda: 1,
                                          get_device_properties=lambda i: props, synchronize=self.synchronize)

    def clock(self) -> float:
        return self.now_s

    def device(self, kind, index):
        return (kind, index)

    def randn(self, shape, device=None, dtype=None):
        return types.SimpleNamespace(shape=shape)

    def empty(self, shape, device=None, dtype=None):
        return types.SimpleNamespace(shape=shape)

    def matmul(self, a, b, out=None):
        (m, k), (_, n) = a.shape, b.shape
        self.now_s += 2.0 * m * k * n / DEVICE_FLOPS_PER_S
        self._pending += 1

    def synchronize(self, dev=None):
        self.now_s += SYNC_S
        self.products_since_sync.append(self._pending)
        self._pending = 0


@pytest.fixture
def fake_torch(monkeypatch):
    fake = FakeTorch()
    module = types.ModuleType("torch")
    for name in ("float32", "bfloat16", "float16", "backends", "cuda", "device", "randn", "empty", "matmul"):
        setattr(module, name, getattr(fake, name))
    module.__spec__ = importlib.machinery.ModuleSpec("torch", None)
    monkeypatch.setitem(sys.modules, "torch", module)
    return fake


def test_products_per_sync_reaches_the_flops_per_sync():
    assert mb.products_per_sync(8192, 8192, 8192) == 1              # 1.1 × 10¹² FLOPs alone
    assert mb.products_per_sync(4096, 4096, 4096) == 8              # 1.37 × 10¹¹ each
    assert mb.products_per_sync(1024, 1024, 1024) == math.ceil(1e12 / (2 * 1024 ** 3)) == 466
    for n in (256, 1024, 3000, 8192, 20000):
        k = mb.products_per_sync(n, n, n)
        assert k * 2.0 * n ** 3 >= mb.GPU_FLOPS_PER_SYNC and (k == 1 or (k - 1) * 2.0 * n ** 3 < mb.GPU_FLOPS_PER_SYNC)


def test_a_small_product_is_timed_at_the_devices_speed_not_the_round_trip(fake_torch):
    [p] = mb.run_torch([(1024, 1024, 1024, "bf16")], 0.1, clock=fake_torch.clock)
    # every rep queued 466 products before it waited (the warm-up rep included)
    assert set(fake_torch.products_since_sync) == {466}
    assert p.reps == 466 * (len(fake_torch.products_since_sync) - 1)  # products timed, the warm-up left out
    product_s = 2.0 * 1024 ** 3 / DEVICE_FLOPS_PER_S
    assert p.median_s == pytest.approx(product_s + SYNC_S / 466, rel=1e-9)
    # within 3% of the device's speed (one 20 µs wait per ~1 ms rep); one per product would have read 0.097 PFLOP/s
    assert p.achieved_flops_per_s == pytest.approx(DEVICE_FLOPS_PER_S, rel=0.03)
    assert p.flops == pytest.approx(p.flops_per_rep * p.reps)


def test_a_large_product_still_waits_after_each(fake_torch):
    [p] = mb.run_torch([(8192, 8192, 8192, "fp16")], 0.1, clock=fake_torch.clock)
    assert set(fake_torch.products_since_sync) == {1} and p.reps >= mb.MIN_REPS
    assert p.median_s == pytest.approx(2.0 * 8192 ** 3 / DEVICE_FLOPS_PER_S + SYNC_S, rel=1e-9)


def test_tf32_is_on_for_tf32_only_and_restored(fake_torch):
    seen = []
    real_matmul = fake_torch.matmul

    def matmul(a, b, out=None):
        seen.append(fake_torch.backends.cuda.matmul.allow_tf32)
        real_matmul(a, b, out)

    sys.modules["torch"].matmul = matmul
    mb.run_torch([(1024, 1024, 1024, "fp32"), (1024, 1024, 1024, "tf32")], 0.2, clock=fake_torch.clock)
    assert seen[0] is False and seen[-1] is True
    assert fake_torch.backends.cuda.matmul.allow_tf32 is False  # as it was before the run
