"""The NVML backend with a fake pynvml module: counters, resets, polling, errors, no GPU."""

import functools
import json
import sys
import threading

import pynvml
import pytest
from fake_nvml import FakeClock, FakeGpu, api_mismatches

from estimator.cli import main
from estimator.core.base.errors import BackendUnavailable, InputError, MeasurementError
from estimator.device import nvml as nvml_mod
from estimator.device.backends import open_backend
from estimator.device.base import NVML_ENERGY_COUNTER, NVML_POWER_POLLING
from estimator.device.nvml import NvmlBackend, Sample, energy_from_samples

# The fake (tests/fake_nvml.py) is held to the real pynvml API and runs on a FakeClock: each
# window below is driven step by step (poll_in_thread=False), so every number is exact.

POLL_S = 0.1


def window(gpu, clock, seconds, poll_s=POLL_S, **kw):
    """One window of ``seconds`` on the fake clock, polled every ``poll_s``."""
    with NvmlBackend(gpu.module(), clock=clock, poll_in_thread=False, **kw) as backend:
        backend.begin_window()
        n = round(seconds / poll_s)
        for _ in range(n - 1):
            clock.advance(poll_s)
            backend.poll()
        clock.advance(seconds - (n - 1) * poll_s)
        return backend.end_window()


# --- pure arithmetic ---------------------------------------------------------------------

def test_trapezoid_is_exact_for_piecewise_linear_power():
    s = [Sample(t, p, None, None, None) for t, p in ((0.0, 100.0), (1.0, 300.0), (3.0, 300.0))]
    assert energy_from_samples(s, has_counter=False) == (200.0 + 600.0, NVML_POWER_POLLING, {})
    with pytest.raises(MeasurementError, match="a sample at its start and at its end"):
        energy_from_samples(s[:1], has_counter=False)  # one sample has no duration
    with pytest.raises(MeasurementError, match="not in time order"):
        energy_from_samples([s[1], s[0]], has_counter=False)


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


# --- the fake is held to pynvml ---------------------------------------------------------------

def test_fake_nvml_matches_the_real_pynvml_api():
    fake = FakeGpu(FakeClock()).module()  # module() refuses a fake that strays
    assert api_mismatches(fake) == []
    assert {n for n in vars(fake) if n.startswith("nvml")} == set(FakeGpu.NVML_NAMES)
    assert fake.NVMLError is pynvml.NVMLError


def test_the_check_refuses_a_call_nvml_does_not_have():
    gpu = FakeGpu(FakeClock())
    made_up = {"nvmlDeviceGetMagicEnergy": lambda handle: 1}
    assert [p.split(":")[0] for p in api_mismatches(gpu.module(made_up, check=False))] == ["nvmlDeviceGetMagicEnergy"]
    with pytest.raises(AssertionError, match="nvmlDeviceGetMagicEnergy: not in pynvml"):
        gpu.module(made_up)
    # a real name with other parameters, and a constant or a class that is not pynvml's
    with pytest.raises(AssertionError, match=r"nvmlDeviceGetPowerUsage\(handle, scale\): pynvml has "
                                             r"nvmlDeviceGetPowerUsage\(handle\)"):
        gpu.module({"nvmlDeviceGetPowerUsage": lambda handle, scale: 1})
    with pytest.raises(AssertionError, match="NVML_CLOCK_SM"):
        gpu.module({"NVML_CLOCK_SM": 7})
    with pytest.raises(AssertionError, match="NVMLError"):
        gpu.module({"NVMLError": RuntimeError})


# --- the backend on a fake NVML -----------------------------------------------------------

def test_energy_counter_window_records_device_details():
    clock = FakeClock()
    gpu = FakeGpu(clock, power_w=250.0)
    m = window(gpu, clock, 0.4)
    assert m.power_source == NVML_ENERGY_COUNTER and not m.power_is_estimate
    assert m.device_name == "NVIDIA H100 80GB HBM3"  # bytes from old nvidia-ml-py decoded
    assert m.duration_s == pytest.approx(0.4)
    assert m.energy_j == pytest.approx(100.0, abs=1e-3)  # the counter's mJ, rounded down per read
    assert m.mean_power_w == pytest.approx(250.0, rel=1e-5)
    d = m.details
    assert d["power_limit_w"] == 700.0 and d["max_sm_clock_mhz"] == 1980.0 and d["mean_sm_clock_mhz"] == 1755.0
    assert d["mean_gpu_utilization_percent"] == 97.0 and d["samples"] == 5 and d["counter_resets"] == 0
    assert d["power_polling_energy_j"] == pytest.approx(100.0)
    assert gpu.shutdowns == 1


def test_power_polling_without_counter_integrates_a_ramp():
    clock = FakeClock()
    gpu = FakeGpu(clock, power_w=lambda t: 100.0 + 400.0 * t, has_counter=False)
    m = window(gpu, clock, 0.5, poll_s=0.05, poll_interval_s=0.05)
    assert "Volta" in m.details["method"]
    assert m.power_source == NVML_POWER_POLLING
    assert m.energy_j == pytest.approx(100.0 * 0.5 + 200.0 * 0.5 ** 2, rel=1e-6)  # trapezoid: exact on a ramp
    assert m.details["samples"] == 11 and gpu.power_reads == 11 + 1  # + the probe when the backend opened


def test_counter_reset_mid_window_is_not_lost():
    clock = FakeClock()
    gpu = FakeGpu(clock, power_w=300.0, reset_at_s=0.25)
    m = window(gpu, clock, 0.5)
    assert m.details["counter_resets"] == 1
    # the interval with the reset (0.2–0.3 s) is bridged by the power samples: nothing lost
    assert m.energy_j == pytest.approx(300.0 * 0.5, abs=1e-3)


def test_window_shorter_than_counter_update_is_not_zero():
    clock = FakeClock()
    gpu = FakeGpu(clock, power_w=250.0, counter_step_s=5.0)  # the counter moves every 5 s
    m = window(gpu, clock, 0.03, poll_s=0.03)
    assert m.power_source == NVML_POWER_POLLING and "shorter" in m.details["fallback"]
    assert m.energy_j == pytest.approx(250.0 * 0.03) and m.mean_power_w == pytest.approx(250.0, rel=1e-9)


def test_nvml_error_in_the_middle_is_a_clear_measurement_error():
    clock = FakeClock()
    gpu = FakeGpu(clock, fail_after_s=0.15)
    backend = NvmlBackend(gpu.module(), clock=clock, poll_in_thread=False)
    backend.begin_window()
    for _ in range(4):
        clock.advance(0.1)
        backend.poll()  # fails at 0.2 s; later polls read nothing more
    reads = gpu.power_reads
    with pytest.raises(MeasurementError, match=r"NVML failed 0\.2 s into the measurement .*GPU is lost"):
        backend.end_window()
    assert gpu.power_reads == reads  # no read after the error
    backend.close()
    assert gpu.shutdowns == 1


def test_poll_outside_a_window_and_a_second_window_are_refused():
    clock = FakeClock()
    backend = NvmlBackend(FakeGpu(clock).module(), clock=clock, poll_in_thread=False)
    with pytest.raises(MeasurementError, match="outside a measurement window"):
        backend.poll()
    backend.begin_window()
    with pytest.raises(MeasurementError, match="already open"):
        backend.begin_window()
    backend.abort_window()
    with pytest.raises(MeasurementError, match="without begin_window"):
        backend.end_window()
    backend.close()


def test_the_polling_thread_samples_until_the_window_ends():
    """The background thread on the fake clock: each NVML power read takes 10 ms of fake time.
    The test waits for the thread's third read (an event, not a duration) and checks the
    window, not how fast the thread ran."""
    clock = FakeClock(tick=0.01)
    gpu = FakeGpu(clock, power_w=320.0)
    three = threading.Event()
    read = gpu.nvmlDeviceGetPowerUsage

    def counted(handle):
        value = read(handle)
        if gpu.power_reads >= 5:  # the opening probe, the window's first sample, then three by the thread
            three.set()
        return value

    gpu.nvmlDeviceGetPowerUsage = counted
    backend = NvmlBackend(gpu.module(), clock=clock, poll_interval_s=0.001)
    with backend:
        backend.begin_window()
        assert three.wait(timeout=30), "the polling thread never sampled"
        m = backend.end_window()
        assert backend._thread is None
    assert m.details["samples"] >= 5 and m.mean_power_w == pytest.approx(320.0, rel=1e-3)
    assert not any(t.name == "nvml-power-poll" for t in threading.enumerate())


def test_unavailable_nvml_names_what_is_missing():
    clock = FakeClock()
    with pytest.raises(BackendUnavailable, match="NVML Shared Library Not Found.*the CPU backend still works") as e:
        NvmlBackend(FakeGpu(clock, init_error=pynvml.NVML_ERROR_LIBRARY_NOT_FOUND).module(), clock=clock)
    assert e.value.field == "backend"  # the CLI adds its flag (--backend), the app its own words
    with pytest.raises(BackendUnavailable, match="finds no NVIDIA GPU") as e:
        NvmlBackend(FakeGpu(clock, count=0).module(), clock=clock)
    assert e.value.field == "backend" and "--" not in str(e.value)
    # a GPU number that does not exist is a typo: refused (InputError), never answered with the CPU
    gpu = FakeGpu(clock, count=1)
    with pytest.raises(InputError, match="GPU index 3 does not exist: NVML sees 1 GPU") as e:
        NvmlBackend(gpu.module(), clock=clock, device_index=3)
    assert e.value.field == "device_index" and gpu.shutdowns == 1
    with pytest.raises(InputError, match="polling interval"):
        NvmlBackend(FakeGpu(clock).module(), clock=clock, poll_interval_s=0.5)


def test_auto_falls_back_to_the_cpu_and_says_why():
    fake = FakeGpu(FakeClock(), init_error=pynvml.NVML_ERROR_DRIVER_NOT_LOADED).module()
    backend = open_backend("auto", nvml_module=fake)
    assert backend.kind == "cpu" and "Driver Not Loaded" in backend.fallback_reason
    with pytest.raises(BackendUnavailable, match="Driver Not Loaded"):
        open_backend("nvml", nvml_module=fake)


def test_backend_status_says_which_meters_this_machine_has():
    from estimator.device.backends import backend_status
    gpu = FakeGpu(FakeClock(), count=2)
    nvml, cpu = backend_status(gpu.module())
    assert nvml.available and nvml.detail.startswith(
        "NVIDIA H100 80GB HBM3 (GPU 0 of 2; CUDA_VISIBLE_DEVICES not set): energy counter")
    assert nvml.line.startswith("NVIDIA GPU (NVML): available: NVIDIA H100")
    assert gpu.shutdowns == 1  # opened to look, and closed again
    assert cpu.backend == "cpu" and cpu.line.startswith("CPU (CodeCarbon): ")
    missing = FakeGpu(FakeClock(), init_error=pynvml.NVML_ERROR_LIBRARY_NOT_FOUND).module()
    nvml, _ = backend_status(missing)
    assert not nvml.available
    assert nvml.line.startswith("NVIDIA GPU (NVML): NVML is not available: NVML Shared Library Not Found")
    nvml, _ = backend_status(FakeGpu(FakeClock(), count=0).module())
    assert not nvml.available and "finds no NVIDIA GPU" in nvml.detail


def test_calibrate_backends_lists_them_and_takes_nothing_else(capsys):
    from estimator.device.backends import backend_status
    assert main(["calibrate", "--backends", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    real = backend_status()  # this machine's own answer: NVML is absent on CI, present on a GPU machine
    assert [(b["backend"], b["available"]) for b in doc["backends"]] == [(s.backend, s.available) for s in real]
    assert main(["calibrate", "--backends"]) == 0
    assert capsys.readouterr().out.splitlines() == [s.line for s in real]
    assert main(["calibrate", "--backends", "--", "true"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --backends only lists the meters") and len(err.strip().splitlines()) == 1


# --- a real GPU: these run where NVML finds one, and say why they skip where it does not ------

def _real_nvml() -> tuple[bool, str]:
    """(True, "") when the real NVML opens GPU 0 here, else (False, what is missing)."""
    try:
        NvmlBackend().close()
    except BackendUnavailable as exc:
        return False, str(exc)
    return True, ""


HAS_GPU, NO_GPU_WHY = _real_nvml()
needs_gpu = pytest.mark.skipif(not HAS_GPU, reason=f"needs an NVIDIA GPU with its driver: {NO_GPU_WHY}")


@needs_gpu
def test_real_gpu_window_reads_energy_and_the_device():
    import time
    with NvmlBackend() as backend:
        backend.begin_window()
        time.sleep(0.5)  # a real device needs real time to pass; nothing below depends on how much
        m = backend.end_window()
    assert m.backend == "nvml" and m.device_name and not m.power_is_estimate
    assert m.power_source in (NVML_ENERGY_COUNTER, NVML_POWER_POLLING)
    assert m.duration_s > 0 and m.energy_j > 0 and m.details["samples"] >= 2
    limit = m.details.get("power_limit_w")
    assert 1.0 < m.mean_power_w and (limit is None or m.mean_power_w < 1.5 * limit), m.details


@needs_gpu
def test_real_gpu_cli_calibrates_a_command(tmp_path, capsys):
    out = tmp_path / "gpu.toml"
    code = main(["calibrate", "--backend", "nvml", "--flops", "1e12", "--out", str(out), "--format", "json",
                 "--", sys.executable, "-c", "pass"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    s = json.loads(captured.out)
    assert s["backend"] == "nvml" and s["power_source"] in (NVML_ENERGY_COUNTER, NVML_POWER_POLLING)
    assert out.exists()


@pytest.mark.skipif(HAS_GPU, reason="this machine has an NVIDIA GPU: the no-GPU error cannot be shown here")
def test_real_nvml_without_gpu_is_a_one_line_error(capsys):
    code = main(["calibrate", "--backend", "nvml", "--seconds", "1"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: NVML is not available") and err.count("\n") == 1


# --- the command through the CLI, on the fake -----------------------------------------------
# The CLI builds its own backend: it gets the fake module and a ticking FakeClock (each read by
# the backend is one second later), so the window's numbers follow from the samples, whatever
# the number of samples the polling thread took while the command ran.

QUICK = [sys.executable, "-c", "pass"]


def fake_gpu_for_the_cli(monkeypatch, **kw):
    clock = FakeClock(tick=1.0)
    gpu = FakeGpu(clock, **kw)
    monkeypatch.setattr(nvml_mod, "_import_pynvml", gpu.module)
    monkeypatch.setattr(nvml_mod, "NvmlBackend", functools.partial(NvmlBackend, clock=clock))
    return gpu


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_cli_measures_a_command_on_the_fake_gpu(monkeypatch, tmp_path, capsys):
    gpu = fake_gpu_for_the_cli(monkeypatch, power_w=400.0)
    out = tmp_path / "h100.toml"
    code = main(["calibrate", "--backend", "nvml", "--flops", "1e14", "--out", str(out), "--format", "json",
                 "--", *QUICK])
    assert code == 0, capsys.readouterr().err
    s = json.loads(capsys.readouterr().out)
    assert s["power_source"] == NVML_ENERGY_COUNTER and s["device_name"] == "NVIDIA H100 80GB HBM3"
    assert s["base_profile"] == "h100-sxm" and s["precision"] == "bf16"
    assert s["mean_power_w"] == pytest.approx(400.0, rel=1e-9)
    assert s["duration_s"] >= 1.0 and s["duration_s"] == int(s["duration_s"])  # whole ticks of the fake clock
    assert s["achieved_flops_per_s"] == pytest.approx(1e14 / s["duration_s"])
    assert s["energy_j"] == pytest.approx(400.0 * s["duration_s"])
    from estimator.io.datafiles import load_profile_file
    p = load_profile_file(out)
    assert p.power.average_w == pytest.approx(s["mean_power_w"]) and p.power.tdp_w == 700.0
    assert p.utilization.default == pytest.approx(s["achieved_flops_per_s"] / 9.89e14)
    assert p.calibration["details"]["power_limit_w"] == 700.0
    assert gpu.shutdowns == 1


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_cli_nvml_error_mid_run_writes_no_profile(monkeypatch, tmp_path, capsys):
    fake_gpu_for_the_cli(monkeypatch, fail_after_s=1.5)  # the window's first sample reads at 1 s, the next at 2 s
    out = tmp_path / "x.toml"
    code = main(["calibrate", "--backend", "nvml", "--flops", "1e14", "--out", str(out), "--", *QUICK])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: NVML failed 2.0 s into the measurement") and "GPU is lost" in err
    assert err.count("\n") == 1 and list(tmp_path.iterdir()) == []


# --- which CUDA device is NVML's GPU -----------------------------------------------------------

class _FakeCuda:
    """torch.cuda's two calls ``cuda_index`` uses; ``uuids``: each CUDA device's (None: an old
    PyTorch whose device properties have no uuid)."""

    def __init__(self, uuids):
        self.uuids = uuids

    def device_count(self):
        return len(self.uuids)

    def get_device_properties(self, i):
        class Props:
            pass
        p = Props()
        if self.uuids[i] is not None:
            p.uuid = self.uuids[i]
        return p


def test_the_backend_knows_its_gpus_uuid():
    clock = FakeClock()
    b = NvmlBackend(FakeGpu(clock, count=2).module(), device_index=1, clock=clock, poll_in_thread=False)
    assert b.uuid == "GPU-00000000-0000-0000-0000-000000000001"
    b.close()


def test_the_matmuls_run_on_the_gpu_whose_power_is_read(monkeypatch):
    """Audit: NVML's index was passed to torch.device as it was, but CUDA numbers the GPUs that
    CUDA_VISIBLE_DEVICES shows, fastest first: on a multi-GPU host the matmuls could run on one GPU
    while the power of another was read. The CUDA device is found by the GPU's UUID."""
    from estimator.core.base.errors import BackendUnavailable
    from estimator.device.matmul_bench import cuda_index
    a, b = "GPU-aaaa-1111", "GPU-bbbb-2222"
    # CUDA lists the two the other way round, UUIDs without NVML's "GPU-" prefix
    assert cuda_index(_FakeCuda(["bbbb-2222", "aaaa-1111"]), 0, a) == 1
    assert cuda_index(_FakeCuda(["bbbb-2222", "aaaa-1111"]), 1, b) == 0
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    with pytest.raises(BackendUnavailable, match=r"NVML's GPU 0 \(GPU-aaaa-1111\) is not one PyTorch can use here "
                                                 r"\(CUDA_VISIBLE_DEVICES=1\)") as exc:
        cuda_index(_FakeCuda(["bbbb-2222"]), 0, a)
    assert exc.value.field == "device"
    # no UUID on either side: the index as it is
    assert cuda_index(_FakeCuda([None, None]), 1, a) == 1
    assert cuda_index(_FakeCuda(["bbbb-2222"]), 3, None) == 3


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_a_base_unlike_the_gpus_own_name_is_said(monkeypatch, tmp_path, capsys):
    """Measuring engineer's review 2026-11-28: an H100 (as NVML names it) calibrated on --base a100-sxm-80gb took the
    A100's peak and memory without a word; now said, and leaving --base out takes the GPU's own."""
    fake_gpu_for_the_cli(monkeypatch, power_w=400.0)
    code = main(["calibrate", "--backend", "nvml", "--base", "a100-sxm-80gb", "--flops", "1e14", "--out",
                 str(tmp_path / "a.toml"), "--", *QUICK])
    err = capsys.readouterr().err
    assert code == 0 and ("note: the GPU measured, NVIDIA H100 80GB HBM3, is the h100-sxm profile's; the base given, "
                          "a100-sxm-80gb, sets the profile's peak, memory and price (leave --base out to take "
                          "h100-sxm's)") in err
    code = main(["calibrate", "--backend", "nvml", "--base", "h100-sxm", "--flops", "1e14", "--out",
                 str(tmp_path / "h.toml"), "--", *QUICK])
    assert code == 0 and "the base given" not in capsys.readouterr().err
