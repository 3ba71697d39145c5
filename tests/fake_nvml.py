"""A fake ``pynvml`` for tests: driven by an injected clock, held to the real module's API.

- :class:`FakeClock` moves only when told (``advance``); with ``tick`` > 0 every read by the
  code under test moves it on by ``tick`` (for code whose loop the test does not drive, such
  as the CLI). No test here sleeps or reads the real time.
- :class:`FakeGpu` is the simulated device (power curve, energy counter, resets, failures) and
  what the tests read back (``shutdowns``, ``power_reads``). ``FakeGpu.module()`` gives the
  pynvml stand-in: a module object that holds *only* NVML names, each checked against the
  real ``pynvml`` (from ``nvidia-ml-py``, importable without a GPU) by :func:`api_mismatches`.
  A name that ``pynvml`` lacks, or a function whose parameters differ, fails at once, so the
  fake cannot answer a call that NVML does not have. Errors, constants and return types are
  the real module's own (``pynvml.NVMLError`` and its subclasses, ``NVML_CLOCK_SM``,
  ``c_nvmlUtilization_t``).
"""

from __future__ import annotations

import inspect
import types

import pynvml


class FakeClock:
    def __init__(self, start: float = 1000.0, tick: float = 0.0):
        self.t = float(start)
        self.tick = float(tick)
        self.reads = 0

    def __call__(self) -> float:
        """The clock as the code under test reads it (moves on by ``tick`` after each read)."""
        t = self.t
        self.t += self.tick
        self.reads += 1
        return t

    def now(self) -> float:
        """The simulated device's own view of the time: never moves the clock."""
        return self.t

    def advance(self, seconds: float) -> None:
        assert seconds >= 0, "time does not go back"
        self.t += seconds


def nvml_error(code: int) -> pynvml.NVMLError:
    """The real pynvml exception for an NVML return code (its subclass, its message)."""
    return pynvml.NVMLError(code)


class FakeGpu:
    """One simulated GPU. Power follows ``power_w(t)`` (t in seconds since the fake was made);
    the energy counter (mJ) is its integral from ``counter_start_mj``, reset to 0 at
    ``reset_at_s`` and moving only every ``counter_step_s`` (0: continuously); after
    ``fail_after_s`` every read fails with "GPU is lost"."""

    def __init__(self, clock: FakeClock, power_w=250.0, *, has_counter=True, reset_at_s=None, fail_after_s=None,
                 init_error: int | None = None, count=1, name="NVIDIA H100 80GB HBM3", counter_start_mj=5e9,
                 counter_step_s=0.0, names: dict[int, str] | None = None, has_power=True,
                 probe_error: int | None = None, enforced_limit_mw=700_000, default_limit_mw=700_000,
                 utilization_percent: int = 97):
        self.clock = clock
        self.t0 = clock.now()
        self.power_w = power_w if callable(power_w) else (lambda t, p=float(power_w): p)
        self.has_counter = has_counter
        self.reset_at_s = reset_at_s
        self.fail_after_s = fail_after_s
        self.init_error = init_error
        self.count = count
        self.name = name
        self.counter_start_mj = counter_start_mj
        self.counter_step_s = counter_step_s
        self.names = names or {}          # per-GPU names (a machine that mixes models); else ``name``
        self.has_power = has_power        # False: power reads are "Not Supported" (many laptop GPUs)
        self.probe_error = probe_error    # the first energy-counter read fails with this code (then works)
        self.enforced_limit_mw = enforced_limit_mw
        self.default_limit_mw = default_limit_mw
        self.utilization_percent = utilization_percent   # NVML's GPU utilisation (0: idle, a loop run elsewhere)
        self.initialised = False
        self.shutdowns = 0
        self.power_reads = 0

    def elapsed(self) -> float:
        return self.clock.now() - self.t0

    def _check_init(self) -> None:
        if not self.initialised:  # as real NVML: every call after nvmlShutdown (or before nvmlInit) fails
            raise nvml_error(pynvml.NVML_ERROR_UNINITIALIZED)

    def _check(self) -> None:
        self._check_init()
        if self.fail_after_s is not None and self.elapsed() > self.fail_after_s:
            raise nvml_error(pynvml.NVML_ERROR_GPU_IS_LOST)

    def energy_j(self, a: float, b: float, steps: int = 2000) -> float:
        """∫ power dt over [a, b] (midpoint rule: exact for the constant and linear curves used here)."""
        if b <= a:
            return 0.0
        h = (b - a) / steps
        return sum(self.power_w(a + (i + 0.5) * h) for i in range(steps)) * h

    # --- the NVML calls (names and parameters as in pynvml) ---------------------------------
    def nvmlInit(self):
        if self.init_error is not None:
            raise nvml_error(self.init_error)
        self.initialised = True

    def nvmlShutdown(self):
        self._check_init()  # the library shuts down even after its GPU is lost
        self.initialised = False
        self.shutdowns += 1

    def nvmlDeviceGetCount(self):
        self._check()
        return self.count

    def nvmlDeviceGetHandleByIndex(self, index):
        self._check()
        if not 0 <= index < self.count:
            raise nvml_error(pynvml.NVML_ERROR_INVALID_ARGUMENT)
        return ("handle", index)

    def nvmlDeviceGetName(self, handle):
        self._check()
        return self.names.get(handle[1], self.name)  # nvidia-ml-py 12+ returns str (its @convertStrBytes)

    def nvmlDeviceGetUUID(self, handle):
        self._check()
        return f"GPU-00000000-0000-0000-0000-{handle[1]:012d}"  # nvidia-ml-py 12+ returns str

    def nvmlDeviceGetTotalEnergyConsumption(self, handle):
        self._check()
        if self.probe_error is not None:
            code, self.probe_error = self.probe_error, None
            raise nvml_error(code)
        if not self.has_counter:
            raise nvml_error(pynvml.NVML_ERROR_NOT_SUPPORTED)
        t = self.elapsed()
        if self.counter_step_s:
            t = int(t / self.counter_step_s) * self.counter_step_s
        if self.reset_at_s is not None and t >= self.reset_at_s:
            return int(self.energy_j(self.reset_at_s, t) * 1000)
        return int(self.counter_start_mj + self.energy_j(0.0, t) * 1000)

    def nvmlDeviceGetPowerUsage(self, handle):
        self._check()
        if not self.has_power:
            raise nvml_error(pynvml.NVML_ERROR_NOT_SUPPORTED)
        self.power_reads += 1
        return int(round(self.power_w(self.elapsed()) * 1000))

    def nvmlDeviceGetEnforcedPowerLimit(self, handle):
        self._check()
        return self.enforced_limit_mw

    def nvmlDeviceGetPowerManagementDefaultLimit(self, handle):
        self._check()
        return self.default_limit_mw

    def nvmlDeviceGetMaxClockInfo(self, handle, type):  # noqa: A002 (pynvml's own parameter name)
        self._check()
        return 1980

    def nvmlDeviceGetClockInfo(self, handle, type):  # noqa: A002
        self._check()
        return 1755

    def nvmlDeviceGetUtilizationRates(self, handle):
        self._check()
        return pynvml.c_nvmlUtilization_t(gpu=self.utilization_percent, memory=40)

    NVML_NAMES = ("nvmlInit", "nvmlShutdown", "nvmlDeviceGetCount", "nvmlDeviceGetHandleByIndex", "nvmlDeviceGetName",
                  "nvmlDeviceGetTotalEnergyConsumption", "nvmlDeviceGetPowerUsage", "nvmlDeviceGetEnforcedPowerLimit",
                  "nvmlDeviceGetMaxClockInfo", "nvmlDeviceGetClockInfo", "nvmlDeviceGetUtilizationRates",
                  "nvmlDeviceGetUUID", "nvmlDeviceGetPowerManagementDefaultLimit")

    def module(self, extra: dict | None = None, *, check: bool = True) -> types.ModuleType:
        """The pynvml stand-in: the NVML calls above, the real error class and constants, and
        ``extra`` (to prove the check). Refused (AssertionError) unless it matches pynvml;
        ``check=False`` only for the test that shows the check itself."""
        fake = types.ModuleType("fake_pynvml")
        for name in self.NVML_NAMES:
            setattr(fake, name, getattr(self, name))
        fake.NVMLError = pynvml.NVMLError
        fake.NVML_CLOCK_SM = pynvml.NVML_CLOCK_SM
        fake.NVML_ERROR_NOT_SUPPORTED = pynvml.NVML_ERROR_NOT_SUPPORTED
        for name, value in (extra or {}).items():
            setattr(fake, name, value)
        if check:
            assert_matches_pynvml(fake)
        return fake


def _params(fn) -> list[tuple[str, object]]:
    return [(p.name, p.kind) for p in inspect.signature(fn).parameters.values()]


def api_mismatches(fake: types.ModuleType, real: types.ModuleType = pynvml) -> list[str]:
    """Every public name of ``fake`` that ``real`` lacks or that differs from it: a function
    with other parameters (names and kinds), a class or a constant that is not the real one."""
    problems = []
    for name, value in vars(fake).items():
        if name.startswith("_"):
            continue
        if not hasattr(real, name):
            problems.append(f"{name}: not in pynvml {getattr(real, '__version__', '')}".rstrip())
            continue
        ref = getattr(real, name)
        if inspect.isclass(ref) or not callable(ref):
            if value is not ref and value != ref:
                problems.append(f"{name}: {value!r} is not pynvml's {ref!r}")
        elif not callable(value):
            problems.append(f"{name}: pynvml's is a function, the fake's is {value!r}")
        elif _params(value) != _params(ref):
            problems.append(f"{name}{inspect.signature(value)}: pynvml has {name}{inspect.signature(ref)}")
    return problems


def assert_matches_pynvml(fake: types.ModuleType) -> None:
    problems = api_mismatches(fake)
    assert not problems, "the fake NVML strays from pynvml: " + "; ".join(problems)
