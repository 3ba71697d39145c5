"""The NVML backend with a fake pynvml module: counters, resets, polling, errors, no GPU."""

import json
import sys
import time

import pytest

from estimator.cli import main
from estimator.errors import BackendUnavailable, InputError, MeasurementError
from estimator.measure import nvml as nvml_mod
from estimator.measure import open_backend
from estimator.measure.base import NVML_ENERGY_COUNTER, NVML_POWER_POLLING, integrate_power_w
from estimator.measure.nvml import NvmlBackend, Sample, energy_from_samples


# --- a fake pynvml module ----------------------------------------------------------------
# Power follows power_w(t); the energy counter (mJ) is its integral, optionally reset to 0 at
# reset_at_s; fail_after_s makes every read fail after that time (an NVML error mid-run).


class NVMLError(Exception):
    def __init__(self, value=999, text="Unknown Error"):
        self.value = value
        super().__init__(text)


class NVMLError_NotSupported(NVMLError):
    def __init__(self):
        super().__init__(3, "Not Supported")


class Utilization:
    def __init__(self, gpu):
        self.gpu = gpu


class FakeNvml:
    NVMLError = NVMLError
    NVML_CLOCK_SM = 1

    def __init__(self, power_w=250.0, has_counter=True, reset_at_s=None, fail_after_s=None, init_error=None,
                 count=1, name="NVIDIA H100 80GB HBM3", counter_start_mj=5e9, counter_step_s=0.0):
        self.t0 = time.monotonic()
        self.power_w = power_w if callable(power_w) else (lambda t, p=power_w: p)
        self.has_counter = has_counter
        self.reset_at_s = reset_at_s
        self.fail_after_s = fail_after_s
        self.init_error = init_error
        self.count = count
        self.name = name
        self.counter_start_mj = counter_start_mj
        self.counter_step_s = counter_step_s  # the counter only moves every step (0: continuously)
        self.shutdowns = 0
        self.power_reads = 0

    def now(self):
        return time.monotonic() - self.t0

    def _check(self):
        if self.fail_after_s is not None and self.now() > self.fail_after_s:
            raise NVMLError(15, "GPU is lost")

    def _energy_j(self, a, b, steps=2000):
        h = (b - a) / steps
        return sum(self.power_w(a + (i + 0.5) * h) for i in range(steps)) * h if b > a else 0.0

    # --- the pynvml API used by the backend ---
    def nvmlInit(self):
        if self.init_error is not None:
            raise self.init_error

    def nvmlShutdown(self):
        self.shutdowns += 1

    def nvmlDeviceGetCount(self):
        return self.count

    def nvmlDeviceGetHandleByIndex(self, i):
        return ("handle", i)

    def nvmlDeviceGetName(self, h):
        return self.name.encode()  # old nvidia-ml-py versions return bytes

    def nvmlDeviceGetTotalEnergyConsumption(self, h):
        if not self.has_counter:
            raise NVMLError_NotSupported()
        self._check()
        t = self.now()
        if self.counter_step_s:
            t = int(t / self.counter_step_s) * self.counter_step_s
        if self.reset_at_s is not None and t >= self.reset_at_s:
            return int(self._energy_j(self.reset_at_s, t) * 1000)
        return int(self.counter_start_mj + self._energy_j(0.0, t) * 1000)

    def nvmlDeviceGetPowerUsage(self, h):
        self._check()
        self.power_reads += 1
        return int(self.power_w(self.now()) * 1000)

    def nvmlDeviceGetEnforcedPowerLimit(self, h):
        return 700_000

    def nvmlDeviceGetMaxClockInfo(self, h, kind):
        return 1980

    def nvmlDeviceGetClockInfo(self, h, kind):
        self._check()
        return 1755

    def nvmlDeviceGetUtilizationRates(self, h):
        self._check()
        return Utilization(97)


def window(backend, seconds):
    with backend:
        backend.begin_window()
        time.sleep(seconds)
        return backend.end_window()


# --- pure arithmetic ---------------------------------------------------------------------

def test_trapezoid_is_exact_for_piecewise_linear_power():
    assert integrate_power_w([(0.0, 100.0), (1.0, 300.0), (3.0, 300.0)]) == 200.0 + 600.0
    assert integrate_power_w([(0.0, 100.0)]) == 0.0  # one sample has no duration


def test_counter_deltas_summed_in_joules():
    s = [Sample(0.0, 200.0, 1_000_000.0, None, None), Sample(0.5, 200.0, 1_100_000.0, None, None),
         Sample(1.0, 200.0, 1_200_000.0, None, None)]
    energy, source, notes = energy_from_samples(s, has_counter=True)
    assert (energy, source, notes["counter_resets"]) == (200.0, NVML_ENERGY_COUNTER, 0)
    assert notes["power_polling_energy_j"] == 200.0


def test_counter_reset_is_bridged_with_power_samples_not_negative():
    s = [Sample(0.0, 200.0, 9_000_000.0, None, None), Sample(1.0, 200.0, 9_200_000.0, None, None),
         Sample(2.0, 300.0, 50_000.0, None, None),  # reset: the counter went back
         Sample(3.0, 300.0, 350_000.0, None, None)]
    energy, source, notes = energy_from_samples(s, has_counter=True)
    assert source == NVML_ENERGY_COUNTER and notes["counter_resets"] == 1
    assert energy == 200.0 + 0.5 * (200.0 + 300.0) * 1.0 + 300.0


def test_counter_that_did_not_move_falls_back_to_polling():
    s = [Sample(0.0, 250.0, 7e6, None, None), Sample(0.02, 250.0, 7e6, None, None)]
    energy, source, notes = energy_from_samples(s, has_counter=True)
    assert source == NVML_POWER_POLLING and energy == pytest.approx(5.0) and "shorter" in notes["fallback"]


# --- the backend on a fake NVML -----------------------------------------------------------

def test_energy_counter_window_records_device_details():
    fake = FakeNvml(power_w=250.0)
    m = window(NvmlBackend(fake), 0.4)
    assert m.power_source == NVML_ENERGY_COUNTER and not m.power_is_estimate
    assert m.device_name == "NVIDIA H100 80GB HBM3"  # bytes from old nvidia-ml-py decoded
    assert m.energy_j == pytest.approx(250.0 * m.duration_s, rel=0.05)
    assert m.mean_power_w == pytest.approx(250.0, rel=0.05)
    d = m.details
    assert d["power_limit_w"] == 700.0 and d["max_sm_clock_mhz"] == 1980.0 and d["mean_sm_clock_mhz"] == 1755.0
    assert d["mean_gpu_utilization_percent"] == 97.0 and d["samples"] >= 4 and d["counter_resets"] == 0
    assert fake.shutdowns == 1


def test_power_polling_without_counter_integrates_a_ramp():
    fake = FakeNvml(power_w=lambda t: 100.0 + 400.0 * t, has_counter=False)
    backend = NvmlBackend(fake, poll_interval_s=0.05)
    assert not backend.has_counter and "Volta" in backend.counter_note
    t_start = fake.now()
    m = window(backend, 0.5)
    t_end = t_start + m.duration_s
    exact = 100.0 * m.duration_s + 200.0 * (t_end ** 2 - t_start ** 2)
    assert m.power_source == NVML_POWER_POLLING
    assert m.energy_j == pytest.approx(exact, rel=0.03)
    assert m.details["samples"] >= m.duration_s / 0.1  # polled at ≤ 100 ms


def test_counter_reset_mid_window_is_not_lost():
    fake = FakeNvml(power_w=300.0, reset_at_s=0.25)
    m = window(NvmlBackend(fake), 0.5)
    assert m.details["counter_resets"] == 1
    assert m.energy_j == pytest.approx(300.0 * m.duration_s, rel=0.05)


def test_window_shorter_than_counter_update_is_not_zero():
    fake = FakeNvml(power_w=250.0, counter_step_s=5.0)  # the counter moves every 5 s
    m = window(NvmlBackend(fake), 0.03)
    assert m.power_source == NVML_POWER_POLLING and m.energy_j > 0
    assert m.mean_power_w == pytest.approx(250.0, rel=1e-6)


def test_nvml_error_in_the_middle_is_a_clear_measurement_error():
    fake = FakeNvml(fail_after_s=0.15)
    backend = NvmlBackend(fake)
    backend.begin_window()
    time.sleep(0.4)
    with pytest.raises(MeasurementError, match=r"NVML failed .* s into the measurement .*GPU is lost"):
        backend.end_window()
    backend.close()
    assert fake.shutdowns == 1


def test_unavailable_nvml_names_what_is_missing():
    with pytest.raises(BackendUnavailable, match="NVML Shared Library Not Found.*--backend cpu"):
        NvmlBackend(FakeNvml(init_error=NVMLError(12, "NVML Shared Library Not Found")))
    with pytest.raises(BackendUnavailable, match="finds no NVIDIA GPU"):
        NvmlBackend(FakeNvml(count=0))
    with pytest.raises(BackendUnavailable, match="GPU index 3 does not exist"):
        NvmlBackend(FakeNvml(count=1), device_index=3)
    with pytest.raises(InputError, match="polling interval"):
        NvmlBackend(FakeNvml(), poll_interval_s=0.5)


def test_auto_falls_back_to_the_cpu_and_says_why():
    fake = FakeNvml(init_error=NVMLError(9, "Driver Not Loaded"))
    backend = open_backend("auto", nvml_module=fake)
    assert backend.kind == "cpu" and "Driver Not Loaded" in backend.fallback_reason
    with pytest.raises(BackendUnavailable, match="Driver Not Loaded"):
        open_backend("nvml", nvml_module=fake)


def _has_real_gpu():
    try:
        NvmlBackend().close()
        return True
    except BackendUnavailable:
        return False


@pytest.mark.skipif(_has_real_gpu(), reason="this machine has an NVIDIA GPU")
def test_real_nvml_without_gpu_is_a_one_line_error(capsys):
    code = main(["calibrate", "--backend", "nvml", "--seconds", "1"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: NVML is not available") and err.count("\n") == 1


# --- the command through the CLI, on the fake -----------------------------------------------

SLEEP = [sys.executable, "-c", "import time; time.sleep(0.6)"]


def test_cli_measures_a_command_on_the_fake_gpu(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(nvml_mod, "_import_pynvml", lambda: FakeNvml(power_w=400.0))
    out = tmp_path / "h100.toml"
    code = main(["calibrate", "--backend", "nvml", "--flops", "1e14", "--out", str(out), "--format", "json",
                 "--", *SLEEP])
    assert code == 0, capsys.readouterr().err
    s = json.loads(capsys.readouterr().out)
    assert s["power_source"] == NVML_ENERGY_COUNTER and s["device_name"] == "NVIDIA H100 80GB HBM3"
    assert s["base_profile"] == "h100-sxm" and s["precision"] == "bf16"
    assert s["mean_power_w"] == pytest.approx(400.0, rel=0.05)
    assert s["achieved_flops_per_s"] == pytest.approx(1e14 / s["duration_s"])
    assert s["energy_j"] == pytest.approx(s["mean_power_w"] * s["duration_s"])
    from estimator.datafiles import load_profile_file
    p = load_profile_file(out)
    assert p.power.average_w == pytest.approx(s["mean_power_w"]) and p.power.tdp_w == 700.0
    assert p.utilization.default == pytest.approx(s["achieved_flops_per_s"] / 9.89e14)
    assert p.calibration["details"]["power_limit_w"] == 700.0


def test_cli_nvml_error_mid_run_writes_no_profile(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(nvml_mod, "_import_pynvml", lambda: FakeNvml(fail_after_s=0.2))
    out = tmp_path / "x.toml"
    code = main(["calibrate", "--backend", "nvml", "--flops", "1e14", "--out", str(out), "--", *SLEEP])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: NVML failed") and "GPU is lost" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
