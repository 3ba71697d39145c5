"""Pure calibration arithmetic: achieved FLOP/s, calibrated profile data, nearest-size lookup."""

from dataclasses import replace

import pytest

from estimator.core.base.errors import InputError, MeasurementError
from estimator.core.calibration.calibrate import (
    Throughput,
    achieved_flops_per_s,
    calibrated_profile_data,
    choose_precision,
    predict_wall_time,
    prediction_check,
    profile_to_dict,
    utilization_at_size,
)
from estimator.core.hardware.base_profile import GPU_NAME_TO_PROFILE, guess_base_profile
from estimator.core.hardware.reader import profile_from_dict
from estimator.device.base import Measurement
from estimator.io.datafiles import default_profiles, load_power_fits, load_utilization_model

CPU = default_profiles().get("cpu-server-2s-epyc")  # fp32 peak 7.0656e12, fp64 3.5328e12
H100 = default_profiles().get("h100-sxm")


def meas(power=120.0, estimate=False, source="codecarbon-rapl", details=None):
    return Measurement(10.0, None if power is None else power * 10.0, power, source, estimate, "Test CPU", "codecarbon",
                       details or {})


POINTS = [Throughput("fp32", 1.0e11, 256.0, (256, 256, 256), 100, 1.0),
          Throughput("fp32", 2.0e11, 1024.0, (1024, 1024, 1024), 10, 1.0),
          Throughput("fp64", 1.0e11, 1024.0, (1024, 1024, 1024), 5, 1.0)]


def build(points=POINTS, m=None, base=CPU, **kw):
    return calibrated_profile_data(base, points, m or meas(), host="box", measured_at="2026-01-02T03:04:05Z",
                                   method="test workload", **kw)


def test_achieved_flops_per_s():
    assert achieved_flops_per_s(6e12, 2.0) == 3e12
    assert achieved_flops_per_s(6e12, 2.0, devices=3) == 1e12
    with pytest.raises(MeasurementError):
        achieved_flops_per_s(1e12, 0.0)
    with pytest.raises(InputError):
        achieved_flops_per_s(-1.0, 1.0)


@pytest.mark.parametrize("pid", sorted(default_profiles().profiles))
def test_profile_to_dict_round_trips(pid):
    p = default_profiles().profiles[pid]
    assert profile_from_dict(profile_to_dict(p), p.source_file, load_utilization_model(), load_power_fits()) == p
    # a snapshot stands alone: it loads without the fits and gives the same numbers
    snap = profile_from_dict(profile_to_dict(p, snapshot=True), p.source_file)
    assert snap.power.average_w == p.power.average_w and snap.power.average_range_w == p.power.average_range_w
    assert snap.utilization.default == p.utilization.default


def test_calibrated_profile_numbers_and_sources():
    data, notes = build()
    p = profile_from_dict(data, "x")
    # fp32 combined: (1e11·1 + 2e11·1) FLOP over 2 s = 1.5e11 FLOP/s
    assert data["calibration"]["achieved_flops_per_s"] == pytest.approx(1.5e11)
    assert p.default_precision == "fp32" and p.peak("fp32") == 7.0656e12
    assert p.utilization.default == pytest.approx(1.5e11 / 7.0656e12)
    assert p.utilization.range == pytest.approx((1e11 / 7.0656e12, 2e11 / 7.0656e12))
    assert p.power.average_w == 120.0 and p.power.includes_host is False
    assert p.id == "cpu-server-2s-epyc-cal-box"
    for text in (p.power.source, p.utilization.source):
        assert "measured on box at 2026-01-02T03:04:05Z by test workload" in text
    assert p.calibration["power_source"] == "codecarbon-rapl" and p.calibration["base_profile"] == CPU.id
    assert [pt["utilization"] for pt in p.calibration["points"]][2] == pytest.approx(1e11 / 3.5328e12)
    assert notes == []
    # memory and PUE stay the base's; a CPU base's price is a whole 96-core server's, which says nothing of
    # the machine measured (calibrate audit: a 2-vCPU VM was costed at $7.34 an hour): left out, said so
    assert (p.memory_gb, p.pue) == (CPU.memory_gb, CPU.pue) and CPU.price.usd_per_device_hour == 7.344
    assert p.price.usd_per_device_hour is None and "is for a whole server, not the machine measured" in p.price.basis
    assert "its price is left out" in p.notes
    # one device is the machine measured, not the base's dual-socket server (exports audit)
    assert p.notes.endswith("One device = the machine measured.") and "dual-socket" not in p.notes
    from estimator.core.training.estimate import estimate
    from estimator.core.workload.scenario import Scenario
    est = estimate(Scenario(flops=1e15), p)
    assert est.cost_usd is None and any(n.startswith("no cost: the profile has no price") for n in est.notes)
    # a GPU base keeps its price: the same device by the hour
    h100 = default_profiles().get("h100-sxm")
    m = Measurement(2.0, 1400.0, 700.0, "nvml-energy-counter", False, "NVIDIA H100 80GB HBM3", "nvml", {})
    gdata, _ = calibrated_profile_data(h100, [Throughput("bf16", 5e14, seconds=1.0)], m, host="g",
                                       measured_at="2026-01-01T00:00:00Z", method="t")
    assert profile_from_dict(gdata, "g").price.usd_per_device_hour == h100.price.usd_per_device_hour


def test_throughput_above_peak_raises_the_peak_and_says_so():
    data, notes = build([Throughput("fp32", 1.0e13, 512.0, (512, 512, 512), 3, 1.0)])
    p = profile_from_dict(data, "x")
    assert p.peak("fp32") == 1.0e13 and p.utilization.default == 1.0
    assert data["calibration"]["peak_raised"] is True
    assert "raised" in notes[0] and "raised to the measured value" in p.peak_source


def test_estimated_power_is_labelled():
    data, notes = build(m=meas(source="codecarbon-cpu-load-estimate", estimate=True,
                               details={"estimate_note": "CodeCarbon's cpu_load estimate"}))
    assert "an estimate, not a meter reading" in data["power"]["source"]
    assert data["calibration"]["power_is_estimate"] is True and "estimate" in notes[0]


def test_unmeasured_power_is_refused_on_a_cpu_base_and_kept_only_for_the_bases_own_gpu():
    """Track audit: a CPU calibration without a power meter kept the base server's 450 W beside the
    2-vCPU machine's measured throughput (813 Wh for a run that drew ~11.5 Wh), and its notes said
    power was measured. A CPU base is never the machine measured: refused. A GPU base keeps its
    power only for the device it is (an H100 on h100-sxm), and the notes say power was not measured."""
    with pytest.raises(MeasurementError, match=r"no power was measured: no CodeCarbon; a CPU calibration without a "
                                               r"power reading cannot make a profile whose energy is right.*450 W"):
        build(m=meas(power=None, source="not-measured", details={"why_no_power": "no CodeCarbon"}))
    unmeasured = Measurement(10.0, None, None, "not-measured", False, "NVIDIA H100 80GB HBM3", "timer",
                             {"why_no_power": "no meter"})
    data, notes = calibrated_profile_data(H100, [Throughput("bf16", 5e14, seconds=1.0)], unmeasured, host="g",
                                          measured_at="2026-01-01T00:00:00Z", method="t")
    p = profile_from_dict(data, "g")
    assert p.power.average_w == H100.power.average_w and "power not measured: no meter" in p.power.source
    assert notes == ["power was not measured (no meter); the base profile's power is kept, the device measured being "
                     "h100-sxm"]
    assert p.notes.startswith("Calibrated profile: throughput (power not measured: the base profile's) measured on g")
    for device in ("NVIDIA A100-SXM4-80GB", "AMD EPYC (2 CPUs)", ""):  # another GPU, a CPU, or none known
        with pytest.raises(MeasurementError, match="is not the base profile's NVIDIA H100"):
            calibrated_profile_data(H100, [Throughput("bf16", 5e14, seconds=1.0)], replace(unmeasured, device_name=device),
                                    host="g", measured_at="2026-01-01T00:00:00Z", method="t")


def test_a_profile_with_measured_power_says_so_in_its_notes():
    data, _ = build()
    assert data["notes"].startswith("Calibrated profile: throughput and power measured on box")


def test_implausible_power_writes_nothing():
    with pytest.raises(MeasurementError, match="0.2 W, is outside what a profile accepts .* idle"):
        build(m=meas(power=0.2))


def test_a_low_power_over_a_window_shorter_than_the_sampling_names_the_window():
    """Measuring engineer's review 2026-11-29: 13 ms of a CPU-bound loop read 0.628 W and the refusal asked whether
    the device was idle; the window, under CodeCarbon's 1-s sampling, was the cause."""
    short = Measurement(0.013, 0.0082, 0.628, "codecarbon-cpu-load-estimate", True, "Test CPU", "codecarbon",
                        {"power_sampling_s": 1.0})
    # the cause leads, the power it left after (review 2026-11-29, second: "0.00406 W" had led, no reading at all)
    with pytest.raises(MeasurementError, match=r"^the run lasted 0.013 s, shorter than the meter's 1-s power sampling, "
                                               r"so its power \(0.628 W\) is no reading: measure a longer run"):
        build(m=short)


def test_a_plausible_power_over_a_window_shorter_than_the_sampling_is_refused_too():
    """Measuring engineer's review 2026-11-30: 0.77 s under CodeCarbon's 1-s sampling read 3.98 W, inside the bounds,
    and was written as the profile's TDP (3–5 s runs read 7.6–7.8 W); track() gives no energy for such windows."""
    short = Measurement(0.77, 3.06, 3.98, "codecarbon-cpu-load-estimate", True, "Test CPU", "codecarbon",
                        {"power_sampling_s": 1.0})
    with pytest.raises(MeasurementError, match=r"^the run lasted 0.77 s, shorter than the meter's 1-s power sampling"):
        build(m=short)
    long = replace(short, duration_s=3.0, energy_j=3 * 7.7, mean_power_w=7.7)
    data, _ = build(m=long)
    assert data["power"]["tdp_w"] > 0


def test_nvml_power_limit_becomes_tdp():
    m = replace(meas(power=500.0), details={"power_limit_w": 650.0})
    data, _ = build([Throughput("bf16", 4e14, None, seconds=60.0)], m=m, base=H100)
    assert data["power"]["tdp_w"] == 650.0 and "enforced power limit" in data["power"]["source"]
    assert data["utilization"]["default"] == pytest.approx(4e14 / 9.89e14)


def test_a_capped_gpu_keeps_its_rated_power_as_tdp():
    """Measure audit: an H100 capped at 300 W by an administrator had tdp_w = 300, and inference
    scaled every power from it; NVML's default limit is the board's rated power."""
    m = replace(meas(power=280.0), details={"power_limit_w": 300.0, "default_power_limit_w": 700.0})
    data, _ = build([Throughput("bf16", 4e14, None, seconds=60.0)], m=m, base=H100)
    assert data["power"]["tdp_w"] == 700.0 and "default power limit" in data["power"]["source"]


def test_a_cpu_profiles_tdp_is_the_measured_draw_not_the_whole_servers():
    """Measure audit: a 2-vCPU VM that drew 7.5 W kept the 450 W server's TDP, and `inference` on
    the profile gave it 268 W per device."""
    data, _ = build(m=meas(power=7.5))
    assert CPU.power.tdp_w == 450.0
    assert data["power"]["tdp_w"] == 7.5 and data["power"]["average_w"] == 7.5
    assert "the measured draw during the measured workload" in data["power"]["source"] and "450 W" in data["power"]["source"]


def test_choose_precision():
    assert choose_precision(CPU, ["fp64", "fp32"]) == "fp32"       # the base's default
    assert choose_precision(H100, ["fp32", "fp64"]) == "fp32"      # else the highest peak
    with pytest.raises(InputError, match="has a peak in cpu-server-2s-epyc"):
        choose_precision(CPU, ["bf16"])


def test_nearest_size_and_prediction():
    p = profile_from_dict(build()[0], "x")
    u, how = utilization_at_size(p, "fp32", 2000.0)
    assert u == pytest.approx(2e11 / 7.0656e12) and "size 1024 (nearest" in how
    u, how = utilization_at_size(p, "fp32", 100.0)
    assert u == pytest.approx(1e11 / 7.0656e12) and "size 256 (nearest" in how
    u, how = utilization_at_size(p, "fp32", 512.0)  # halfway between 256 and 1024 in log(size)
    assert u == pytest.approx(1.5e11 / 7.0656e12) and "interpolated between sizes 256 and 1024" in how
    assert utilization_at_size(p, "fp32", None) == (p.utilization.default, "profile default")
    seconds, _ = predict_wall_time(p, 4e11, "fp32", 1024.0)
    assert seconds == pytest.approx(2.0)  # 4e11 FLOP at the measured 2e11 FLOP/s
    check = prediction_check(p, "w", 4e11, 2.5, precision="fp32", size=1024.0, fitted=False)
    assert check.error_at_size == pytest.approx(2.0 / 2.5 - 1) and "size 1024" in check.at_size_how
    # the check's own prediction is the estimate's: the profile's one utilisation, whatever the size
    assert check.predicted_s == pytest.approx(4e11 / (p.utilization.default * p.peak("fp32")))
    assert check.error == pytest.approx(check.predicted_s / 2.5 - 1)
    assert prediction_check(p, "w", 4e11, 2.5, precision="fp32", fitted=False).at_size_s is None
    assert utilization_at_size(CPU, "fp32", 500.0) == (CPU.utilization.default, "profile default")


def test_guess_base_profile():
    assert guess_base_profile("NVIDIA H100 80GB HBM3", "gpu") == "h100-sxm"
    assert guess_base_profile("NVIDIA H100 PCIe", "gpu") == "h100-pcie"
    assert guess_base_profile("NVIDIA A100-SXM4-40GB", "gpu") == "a100-sxm-40gb"
    assert guess_base_profile("Tesla V100-SXM2-16GB", "gpu") == "v100-sxm2"
    assert guess_base_profile("anything", "cpu") == "cpu-server-2s-epyc"
    with pytest.raises(InputError, match="choose the closest base profile") as e:
        guess_base_profile("NVIDIA GeForce RTX 4090", "gpu")
    assert e.value.field == "base"  # the CLI adds --base, the app its widget
    # with the bundled profiles' names, a device named as --hardware takes it is that profile; NVML's
    # words, not its letters: a GH200 is no H200, an H800 NVL (no profile) no H800 SXM (review); the H100 NVL
    # has its own profile
    from estimator.io.datafiles import bundled_names
    names = bundled_names(default_profiles())
    assert [guess_base_profile(n, "gpu", names) for n in ("NVIDIA GeForce RTX 4090", "NVIDIA L4", "Tesla T4")] == \
        ["rtx-4090", "l4", "t4"]
    assert guess_base_profile("NVIDIA H100 NVL", "gpu", names) == "h100-nvl"
    with pytest.raises(InputError, match="choose the closest base profile"):
        guess_base_profile("NVIDIA H800 NVL", "gpu", names)
    # nvidia-smi's name of the 96 GB GH200 (its size the Grace CPU's LPDDR5X) is that profile's, no H200's
    # (review 2026-12-01: it had been refused, a GH200 user's calibration finding no base)
    assert [guess_base_profile(n, "gpu", names) for n in ("NVIDIA GH200 480GB", "NVIDIA GH200 120GB")] == \
        ["gh200-96gb", "gh200-96gb"]
    # every name the table knows leads to a bundled GPU profile whose own name has the same words
    profiles = default_profiles().profiles
    for words, pid in GPU_NAME_TO_PROFILE:
        name = "NVIDIA " + " ".join(w.upper() for w in words)
        assert guess_base_profile(name, "gpu") == pid, name
        assert profiles[pid].kind == "gpu" and all(w in profiles[pid].name.lower() for w in words), pid


def test_an_estimate_at_another_measured_precision_uses_that_precisions_throughput():
    """Calibrate audit: --precision fp64 on a calibrated CPU took the fp32 utilisation to the fp64
    peak (13.4 GFLOP/s where 17.1 were measured). A precision the calibration measured uses its own
    points: all their FLOPs over all their time, the range their slowest and fastest size."""
    from estimator.core.training.estimate import estimate
    from estimator.core.workload.scenario import Scenario
    m = Measurement(2.0, 40.0, 20.0, "codecarbon-rapl", False, "Test CPU", "codecarbon", {})
    pts = [Throughput("fp32", 1e11, seconds=1.0, size=512.0, reps=10), Throughput("fp32", 2e11, seconds=1.0, size=1024.0, reps=10),
           Throughput("fp64", 4e10, seconds=1.0, size=512.0, reps=10), Throughput("fp64", 6e10, seconds=1.0, size=1024.0, reps=10)]
    data, _ = calibrated_profile_data(CPU, pts, m, host="h", measured_at="2026-01-01T00:00:00Z", method="t")
    p = profile_from_dict(data, "x", load_utilization_model(), load_power_fits())
    fp32 = estimate(Scenario(flops=1e15, precision="fp32"), p)
    fp64 = estimate(Scenario(flops=1e15, precision="fp64"), p)
    assert 1e15 / fp32.wall_clock_s == pytest.approx(1.5e11)  # the profile's own: fp32
    assert 1e15 / fp64.wall_clock_s == pytest.approx(5e10)    # fp64's own points, not 1.5e11 × fp64/fp32 peak
    assert fp64.range["wall_clock_s"] == pytest.approx((1e15 / 6e10, 1e15 / 4e10))
    assert fp64.basis("wall_clock_s") == "stated"
    assert "from the calibration's fp64 points" in fp64.assumption("utilization").source
    # the calibration's checks predict as estimate does, at either precision (review)
    check = prediction_check(p, "w", 1e15, 20_000.0, precision="fp64", fitted=False)
    assert check.predicted_s == pytest.approx(fp64.wall_clock_s) and check.error == pytest.approx(0.0, abs=1e-12)
    # a bundled (fitted) profile is never touched, whatever the precision
    h100 = default_profiles().get("h100-sxm")
    assert estimate(Scenario(flops=1e22, precision="fp32"), h100).assumption("utilization").origin.startswith("fit:")


def test_a_cpu_profiles_memory_is_the_machines_ram_when_codecarbon_reads_it():
    """Measure audit: a 2-vCPU VM kept the 412 GB of the base server; CodeCarbon reports the RAM."""
    data, _ = build(m=meas(power=7.5, details={"ram_total_gb": 7.75}))
    assert CPU.memory_gb == 412.3
    assert data["memory"]["capacity_gb"] == 7.75 and "ram_total_size" in data["memory"]["source"]
    assert data["memory"]["bandwidth_gb_per_s"] == CPU.memory_bandwidth_gb_per_s
    kept, _ = build(m=meas(power=7.5))  # no RAM size: the base's, said in the notes
    assert kept["memory"]["capacity_gb"] == 412.3 and "memory capacity too where CodeCarbon gave no RAM" in kept["notes"]
    gpu, _ = build([Throughput("bf16", 4e14, None, seconds=60.0)], m=meas(power=500.0, details={"ram_total_gb": 2000.0}),
                   base=H100)
    assert gpu["memory"]["capacity_gb"] == H100.memory_gb  # a GPU's memory is its own, not the host's RAM


def test_a_cpu_draw_is_still_held_to_the_base_servers_tdp():
    """Review: with a CPU's TDP set to its own draw, the 1.5× check could never fail (a 20 kW CPU passed)."""
    with pytest.raises(InputError, match="20,000 W|2e\\+04 W per device, is 44.4× the 450 W TDP of cpu-server-2s-epyc"):
        build(m=meas(power=20000.0))


def test_an_estimate_on_the_built_in_workloads_profile_says_its_speed_is_matrix_products_alone():
    """A real H200 (2026-11-26): the built-in workload's 0.55 of peak made a 10²¹-FLOP run 21 days where the
    fit to published runs gives 94. The estimate keeps the measured speed and says what it is; a calibration
    of the user's own command, or a CodeCarbon log of a run, measured a run and says nothing of the kind."""
    from estimator.core.training.estimate import estimate
    from estimator.core.workload.scenario import Scenario
    gpu = Measurement(10.0, 5770.0, 577.0, "nvml-energy-counter", False, "NVIDIA H200", "nvml", {})
    pts = [Throughput("bf16", 2.1e14, 1024.0, (1024, 1024, 1024), 100, 1.0),
           Throughput("bf16", 6.5e14, 8192.0, (8192, 8192, 8192), 10, 1.0)]

    from estimator.core.hardware.calibration_section import BUILTIN_METHOD

    def notes(extra=None, method=f"{BUILTIN_METHOD} (torch)", **scenario):
        data, _ = calibrated_profile_data(H100, pts, gpu, host="vm", measured_at="2026-11-26T01:26:38Z",
                                          method=method, extra=extra)
        p = profile_from_dict(data, "x", load_utilization_model(), load_power_fits())
        return [n for n in estimate(Scenario(flops=1e21, **scenario), p).notes if "matrix products alone" in n]
    [note] = notes({"workload_flops": 1e15})
    assert note.startswith("NVIDIA H200 (calibrated on vm at 2026-11-26 01:26 UTC, base h100-sxm)'s utilisation (0.435) is "
                           "the speed")
    assert "estimate on the base profile (h100-sxm) for the fit to published whole runs" in note
    assert notes({"workload_flops": 1e15, "command": "python train.py"}) == []          # the user's own run
    # a profile that track writes from the user's training loop has no command, and is no matrix workload (review)
    assert notes({"workload_flops": 1e15}, method="estimator.monitor.track: 500 steady steps") == []
    assert notes({"workload_flops": 1e15}, utilization=0.3) == []                       # a utilisation given
    assert notes({"workload_flops": 1e15}, hours=1e6, devices=1) == []                  # a known run's time
