"""Which GPU is measured, and when NVML cannot measure one (measure audit, 2026-11-25), on the fake
NVML held to pynvml's API (tests/fake_nvml.py): CUDA_VISIBLE_DEVICES, a GPU without a power
reading, an error while probing the energy counter, a GPU number that does not exist, and the
board's rated power beside an administrator's cap."""

from __future__ import annotations

import pynvml
import pytest
from fake_nvml import FakeClock, FakeGpu

from estimator.cli.main import main
from estimator.core.base.errors import BackendUnavailable, GpuPresentError, InputError
from estimator.device import nvml as nvml_mod
from estimator.device.backends import open_backend
from estimator.device.nvml import NvmlBackend, visible_gpu
from estimator.monitor.track_markers import ENV_TRACK_DEVICE
from estimator.monitor.track_setup import device_index


def open_(gpu: FakeGpu, **kw) -> NvmlBackend:
    return NvmlBackend(gpu.module(), clock=gpu.clock, poll_in_thread=False, **kw)


def test_the_gpu_cuda_programs_use_is_the_one_measured(monkeypatch):
    """CUDA_VISIBLE_DEVICES=2: a PyTorch run computes on the machine's third GPU; NVML's GPU 0 (an
    idle A100 beside it) had been measured, silently."""
    gpu = FakeGpu(FakeClock(), count=4)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,3")
    with open_(gpu) as b:
        assert b.device_index == 2 and b.chosen_by == "the first in CUDA_VISIBLE_DEVICES"
        b.begin_window()
        gpu.clock.advance(0.2)
        m = b.end_window()
    assert m.details["device_index"] == 2 and m.details["device_chosen_by"] == "the first in CUDA_VISIBLE_DEVICES"
    # a GPU given explicitly is NVML's number, whatever CUDA_VISIBLE_DEVICES says
    with open_(gpu, device_index=1) as b:
        assert b.device_index == 1 and b.chosen_by == "as given"


def test_a_uuid_in_cuda_visible_devices_is_found_by_its_uuid(monkeypatch):
    gpu = FakeGpu(FakeClock(), count=4)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-00000000-0000-0000-0000-000000000003")
    with open_(gpu) as b:
        assert b.device_index == 3 and "GPU-00000000" in b.chosen_by
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-00000000")  # a prefix of all four
    with pytest.raises(BackendUnavailable, match="matches several GPUs"):
        open_(gpu)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-ffffffff")
    with pytest.raises(BackendUnavailable, match="matches no GPU NVML sees"):
        open_(gpu)


def test_an_index_on_a_machine_that_mixes_models_needs_pci_order(monkeypatch):
    """CUDA numbers fastest first by default; NVML in PCI order: on a machine with two models the
    two numberings can differ, so an index is taken only with CUDA_DEVICE_ORDER=PCI_BUS_ID."""
    gpu = FakeGpu(FakeClock(), count=2, names={0: "NVIDIA A100-SXM4-80GB", 1: "NVIDIA H100 80GB HBM3"})
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    with pytest.raises(BackendUnavailable, match="gives an index: .*mixes NVIDIA A100.*CUDA_DEVICE_ORDER=PCI_BUS_ID"):
        open_(gpu)
    monkeypatch.setenv("CUDA_DEVICE_ORDER", "PCI_BUS_ID")
    with open_(gpu) as b:
        assert b.device_index == 1 and b.device_name == "NVIDIA H100 80GB HBM3"


@pytest.mark.parametrize("visible", ["", "-1"])
def test_cuda_visible_devices_that_hides_every_gpu_falls_back_to_the_cpu_and_says_why(monkeypatch, visible):
    gpu = FakeGpu(FakeClock(), count=2)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
    with pytest.raises(BackendUnavailable, match="hides every GPU"):
        open_(gpu)
    assert gpu.shutdowns == 1  # NVML was opened to look, and closed again
    backend = open_backend("auto", nvml_module=FakeGpu(FakeClock(), count=2).module())
    assert backend.kind == "cpu" and "hides every GPU" in backend.fallback_reason


@pytest.mark.parametrize("visible, why", [("MIG-4b3b5e4d-1b2a-5c1e-9f0a-123456789abc", "MIG instance"),
                                          ("gpu0", "neither GPU indices nor UUIDs")])
def test_a_gpu_that_cannot_be_measured_or_told_is_refused_even_by_auto(monkeypatch, visible, why):
    from estimator.core.base.errors import GpuChoiceError
    gpu = FakeGpu(FakeClock(), count=2)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
    with pytest.raises(GpuChoiceError, match=why):
        open_(gpu)
    assert gpu.shutdowns == 1
    with pytest.raises(GpuChoiceError, match=why):  # the CPU's energy would be another device's
        open_backend("auto", nvml_module=FakeGpu(FakeClock(), count=2).module())


def test_visible_gpu_without_the_variable_is_gpu_0():
    gpu = FakeGpu(FakeClock(), count=3)
    module = gpu.module()
    module.nvmlInit()
    assert visible_gpu(module, 3, {}) == (0, "CUDA_VISIBLE_DEVICES not set")


def test_a_gpu_without_a_power_reading_is_not_available_and_auto_does_not_measure_the_cpu_for_it():
    """Many laptop GPUs answer "Not Supported" for power: the backend was called available and then failed at the first
    window. `auto` then measured the CPU, whose energy a run on the GPU had reported as its own (measuring engineer's
    review 2026-11-30): a GPU is there, so it is refused as a GPU that cannot be read is; the CPU backend, chosen,
    measures the CPU."""
    gpu = FakeGpu(FakeClock(), has_power=False)
    with pytest.raises(GpuPresentError, match="does not report its power draw .*Not Supported"):
        open_(gpu)
    with pytest.raises(GpuPresentError, match="the CPU is not measured in its place"):
        open_backend("auto", nvml_module=FakeGpu(FakeClock(), has_power=False).module())


def test_an_error_while_probing_the_counter_is_not_a_pre_volta_gpu():
    """A timeout at the probe had been read as "no energy counter (it needs a Volta or newer GPU)"."""
    gpu = FakeGpu(FakeClock(), probe_error=pynvml.NVML_ERROR_TIMEOUT)
    with pytest.raises(GpuPresentError, match=r"NVML sees 1 GPU\(s\) but cannot read GPU 0: Timeout"):
        open_(gpu)
    with open_(FakeGpu(FakeClock(), has_counter=False)) as b:  # a real "Not Supported": polling, as before
        assert not b.has_counter and "Volta" in b.counter_note


def test_a_gpu_nvml_sees_but_cannot_read_is_never_answered_by_the_cpu(monkeypatch):
    """Measure audit: a lost GPU made ``auto`` measure the CPU, whose energy would have been charged to the GPU
    run."""
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    lost = FakeGpu(FakeClock(tick=0.01), probe_error=pynvml.NVML_ERROR_GPU_IS_LOST)
    with pytest.raises(GpuPresentError, match="cannot read GPU 0: GPU is lost; the CPU is not measured") as exc:
        open_backend("auto", nvml_module=lost.module())
    assert exc.value.fields == ("backend",)
    with pytest.raises(GpuPresentError, match="cannot read GPU 0"):  # asked for by number: refused as well
        open_backend("auto", device_index=0,
                     nvml_module=FakeGpu(FakeClock(), probe_error=pynvml.NVML_ERROR_GPU_IS_LOST).module())
    # no GPU at all still falls back to the CPU, saying why
    backend = open_backend("auto", nvml_module=FakeGpu(FakeClock(), count=0).module())
    assert backend.kind == "cpu" and "finds no NVIDIA GPU" in backend.fallback_reason


def test_the_rated_power_and_the_cap_are_both_recorded():
    gpu = FakeGpu(FakeClock(), enforced_limit_mw=300_000, default_limit_mw=700_000)
    with open_(gpu) as b:
        b.begin_window()
        gpu.clock.advance(0.2)
        d = b.end_window().details
    assert d["power_limit_w"] == 300.0 and d["default_power_limit_w"] == 700.0


def test_the_fake_fails_after_shutdown_as_nvml_does():
    gpu = FakeGpu(FakeClock())
    module = gpu.module()
    module.nvmlInit()
    module.nvmlShutdown()
    with pytest.raises(pynvml.NVMLError, match="Uninitialized"):
        module.nvmlDeviceGetCount()
    other = FakeGpu(FakeClock()).module()
    other.nvmlInit()
    assert other.nvmlDeviceGetName(other.nvmlDeviceGetHandleByIndex(0)) == "NVIDIA H100 80GB HBM3"  # str, as 12+
    with pytest.raises(pynvml.NVMLError, match="Invalid Argument"):
        other.nvmlDeviceGetHandleByIndex(1)


def test_a_mistyped_device_is_refused_by_the_cli_not_answered_with_the_cpu(monkeypatch, capsys):
    gpu = FakeGpu(FakeClock(tick=1.0))
    monkeypatch.setattr(nvml_mod, "_import_pynvml", gpu.module)
    code = main(["calibrate", "--device", "5", "--seconds", "1", "--format", "json"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: GPU index 5 does not exist: NVML sees 1 GPU(s)") and err.count("\n") == 1


def test_a_device_without_nvml_or_with_the_cpu_backend_is_refused_not_ignored(monkeypatch, capsys):
    """Exports audit: --device 3 on a machine without NVML measured the CPU (exit 0), and --backend cpu
    --device 0 ignored the GPU number."""
    def no_nvml():
        raise BackendUnavailable("NVML is not available: no driver")
    monkeypatch.setattr(nvml_mod, "_import_pynvml", no_nvml)
    code = main(["calibrate", "--device", "3", "--seconds", "1", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("error: --device 3 asks for a GPU, and NVML is not available") and "leave --device out" in err
    code = main(["calibrate", "--backend", "cpu", "--device", "0", "--seconds", "1"])
    err = capsys.readouterr().err
    assert code == 2 and err == "error: --device picks an NVIDIA GPU, and --backend cpu measures the CPU: give one of them\n"
    from estimator.monitor.track import track  # the same rule for a tracked run (review)
    with pytest.raises(InputError, match="device_index picks an NVIDIA GPU, and backend='cpu' measures the CPU"):
        track(total_steps=10, backend="cpu", device_index=1)
    with pytest.raises(InputError, match="backend='none' measures nothing") as refused:  # it had been taken and dropped
        track(total_steps=10, backend="none", device_index=0)
    assert refused.value.field == "device_index"
    monkeypatch.setenv(ENV_TRACK_DEVICE, "0")  # calibrate -- CMD on a GPU sets it; with backend="cpu" it is not the user's choice
    assert device_index(None, "cpu") == 0


def test_the_tracked_runs_device_from_the_environment(monkeypatch):
    monkeypatch.delenv(ENV_TRACK_DEVICE, raising=False)
    assert device_index(None) is None  # then the GPU CUDA programs use first
    monkeypatch.setenv(ENV_TRACK_DEVICE, "3")
    assert device_index(None) == 3 and device_index(1) == 1
    monkeypatch.setenv(ENV_TRACK_DEVICE, "cuda:1")  # had silently become GPU 0
    with pytest.raises(InputError, match="must be a GPU number"):
        device_index(None)


def test_backends_lists_the_gpu_cuda_programs_use(monkeypatch, capsys):
    gpu = FakeGpu(FakeClock(), count=4)
    monkeypatch.setattr(nvml_mod, "_import_pynvml", gpu.module)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "3")
    assert main(["calibrate", "--backends"]) == 0
    out = capsys.readouterr().out
    assert "(GPU 3 of 4; the first in CUDA_VISIBLE_DEVICES)" in out


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_a_command_ends_when_it_ends_not_at_the_next_poll():
    """Measure audit: poll-then-sleep added up to poll_s to every command's measured time (`true`
    took 0.101 s), biasing achieved FLOP/s of short runs. With a 60 s poll a quick command returns
    long before the first poll would have (the margin is 50 s: this is behaviour, not a timing)."""
    import sys
    import time

    from estimator.monitor.calibration_command import run_command
    seen = []
    t0 = time.monotonic()
    assert run_command([sys.executable, "-c", "pass"], progress=seen.append, poll_s=60.0) == 0
    assert time.monotonic() - t0 < 10.0 and len(seen) == 1
    assert run_command([sys.executable, "-c", "raise SystemExit(3)"], poll_s=60.0) == 3


def test_a_long_window_keeps_sums_not_samples():
    """A window keeps running sums (about 0.6 GB of samples in a 72-hour run before the audit); the
    figures are those of the samples' trapezoids, counter deltas and means."""
    gpu = FakeGpu(FakeClock(), power_w=lambda t: 200.0 + 10.0 * t)
    with open_(gpu, poll_interval_s=0.1) as b:
        b.begin_window()
        for _ in range(2_000):
            gpu.clock.advance(0.1)
            b.poll()
        held = [v for v in vars(b._sums).values() if isinstance(v, (list, tuple)) and len(v) > 2]
        m = b.end_window()
    assert held == []
    assert m.details["samples"] == 2_002 and m.details["mean_gpu_utilization_percent"] == 97.0
    t = 200.0  # the counter integrates the ramp: 200·t + 5·t²
    assert m.energy_j == pytest.approx(200.0 * t + 5.0 * t * t, rel=1e-6)
    assert m.details["power_polling_energy_j"] == pytest.approx(200.0 * t + 5.0 * t * t, rel=1e-6)


def test_an_index_past_nvmls_count_hides_the_gpus_as_cuda_does(monkeypatch):
    """Review: CUDA_VISIBLE_DEVICES=3 on a 2-GPU machine had crashed the Calibrate page (an InputError
    where a BackendUnavailable was caught). CUDA ignores that entry and every one after it, so CUDA
    programs see no GPU: the CPU is what such a run computes on, and `auto` measures it."""
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "3,0")
    with pytest.raises(BackendUnavailable, match="names GPU 3, but NVML sees 2 GPU.*see no GPU"):
        open_(FakeGpu(FakeClock(), count=2))
    backend = open_backend("auto", nvml_module=FakeGpu(FakeClock(), count=2).module())
    assert backend.kind == "cpu" and "names GPU 3" in backend.fallback_reason
    from estimator.device.backends import backend_status
    nvml, _ = backend_status(FakeGpu(FakeClock(), count=2).module())  # the Calibrate page's list: no crash
    assert not nvml.available and "names GPU 3" in nvml.detail


def test_an_unreadable_uuid_is_a_gpu_that_cannot_be_told(monkeypatch):
    """Review: a failing UUID read while matching GPU-… was a plain BackendUnavailable, so `auto`
    measured the CPU while the run computed on a GPU."""
    from estimator.core.base.errors import GpuChoiceError
    gpu = FakeGpu(FakeClock(), count=2)
    module = gpu.module()

    def uuid(handle):
        raise pynvml.NVMLError(pynvml.NVML_ERROR_UNKNOWN)
    module.nvmlDeviceGetUUID = uuid
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-00000000")
    with pytest.raises(GpuChoiceError, match="cannot read every GPU's UUID"):
        NvmlBackend(module, clock=gpu.clock, poll_in_thread=False)
    with pytest.raises(GpuChoiceError):
        open_backend("auto", nvml_module=module)


def test_without_the_variable_a_machine_that_mixes_models_needs_pci_order(monkeypatch):
    from estimator.core.base.errors import GpuChoiceError
    names = {0: "NVIDIA A100-SXM4-80GB", 1: "NVIDIA H100 80GB HBM3"}
    with pytest.raises(GpuChoiceError, match="CUDA_VISIBLE_DEVICES is not set: CUDA numbers GPUs fastest first"):
        open_(FakeGpu(FakeClock(), count=2, names=names))
    monkeypatch.setenv("CUDA_DEVICE_ORDER", "PCI_BUS_ID")
    with open_(FakeGpu(FakeClock(), count=2, names=names)) as b:
        assert b.device_index == 0
    with open_(FakeGpu(FakeClock(), count=2, names=names), device_index=1) as b:  # a number given is NVML's
        assert b.device_name == "NVIDIA H100 80GB HBM3"


def test_an_unreadable_gpu_name_is_not_reported_as_gpu_none(monkeypatch):
    from estimator.core.base.errors import GpuChoiceError
    gpu = FakeGpu(FakeClock(), count=2)
    module = gpu.module()
    real = module.nvmlDeviceGetName

    def name(handle):
        if handle[1] == 1:
            raise pynvml.NVMLError(pynvml.NVML_ERROR_NO_PERMISSION)
        return real(handle)
    module.nvmlDeviceGetName = name
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    with pytest.raises(GpuChoiceError, match="models NVML could not all read") as e:
        NvmlBackend(module, clock=gpu.clock, poll_in_thread=False)
    assert "None" not in str(e.value)
