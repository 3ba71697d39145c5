"""The current hardware's profiles (issues 53 and 54): each loads and validates, the names that system
descriptions and clouds write resolve to it, the cluster's links are stated with their sources where
people train and serve, and the step model reads them from the profile."""

from __future__ import annotations

import dataclasses

import pytest

from estimator.cli import main
from estimator.core.base.errors import InputError
from estimator.core.training.step import step_hardware
from estimator.io.datafiles import PROFILES_DIR, default_profiles

NEW = ("gb200", "gb300", "b300", "h200-nvl", "h100-nvl", "mi325x", "mi355x", "rtx-pro-6000-server", "trainium2",
       "arc-pro-b60", "arc-pro-b60-dual")
# the profiles people train and serve on whose cluster links are stated (scale-up devices, scale-up and
# scale-out bandwidth); the TPU v6e's, the A800's and some new ones' scale-out is not published
LINKED = ("a100-sxm-80gb", "a100-sxm-40gb", "h100-sxm", "h200-sxm", "h800", "b200", "mi300x", "tpu-v4", "tpu-v5p",
          "gaudi2", "gaudi3", "gb200", "gb300", "b300", "trainium2", "mi325x", "mi355x",
          # the A800 as the HGX A100 board it is; the NVL cards beyond their bridges over PCIe Gen5; the MI350X as the
          # MI355X's platform (serving review 2026-11-28: without a network a replica across nodes had used the NVLink's)
          "a800", "h100-nvl", "h200-nvl", "mi350x",
          # Google's data-centre network a v6e pod (25.6 Tbps for 256 chips; structure review 2026-11-30)
          "tpu-v6e")


@pytest.fixture(scope="module")
def profiles():
    return default_profiles()


@pytest.mark.parametrize("pid", NEW + ("b200",))
def test_each_new_profile_validates(pid, capsys):
    assert main(["profiles", "validate", str(PROFILES_DIR / f"{pid}.toml")]) == 0
    assert capsys.readouterr().out.startswith("ok:")


@pytest.mark.parametrize("given, pid", [
    ("NVIDIA B200-SXM-180GB", "b200"), ("NVIDIA B200", "b200"), ("NVIDIA GB200", "gb200"), ("NVIDIA GB200 NVL72", "gb200"),
    ("NVIDIA GB300", "gb300"), ("NVIDIA B300", "b300"), ("NVIDIA B300-SXM-288GB", "b300"),
    ("NVIDIA H200 NVL", "h200-nvl"), ("NVIDIA H200-NVL-141GB", "h200-nvl"), ("NVIDIA H100 NVL", "h100-nvl"),
    ("AMD Instinct MI325X 256GB HBM3e", "mi325x"), ("AMD Instinct MI325X", "mi325x"),
    ("AMD Instinct MI355X 288GB HBM3e", "mi355x"), ("NVIDIA RTX PRO 6000 Blackwell Server Edition", "rtx-pro-6000-server"),
    # without "Edition", as MLPerf and clouds write it (serving review 2026-12-03: refused as saying less)
    ("RTX PRO 6000 Blackwell Server", "rtx-pro-6000-server"), ("NVIDIA RTX PRO 6000 Blackwell Server 96GB", "rtx-pro-6000-server"),
    ("Trainium2", "trainium2"), ("AWS Trainium2", "trainium2"),
    # AWS's instance family, a chip of it (contract audit 2026-12-01)
    ("trn2", "trainium2"), ("AWS Trn2", "trainium2"),
    # the same without the form factor, as clouds write them (serving review 2026-11-30: refused)
    ("NVIDIA B200 180GB", "b200"), ("NVIDIA B200 (180GB)", "b200"), ("B300 288GB", "b300"),
    ("NVIDIA B200 (180GB HBM3e)", "b200"),  # read again without its memory's technology: the alias above
    ("GH200-GraceHopper-Superchip-144GB", "gh200-144gb"),
    # MLPerf's system-description forms of the later parts, after the MI300X's and the Gaudi 2's (issue 54)
    ("AMD MI325X-NPS1-SPX-256GB-1000W", "mi325x"), ("AMD Instinct MI325X-NPS1-SPX-256GB-1000W", "mi325x"),
    ("AMD Instinct MI355X-NPS1-SPX-288GB-1400W", "mi355x"), ("Intel Gaudi 3 AI Accelerator", "gaudi3"),
    ("Intel Gaudi 3 AI Accelerator (128 GB HBM2E)", "gaudi3"),
    # Intel's product brief's name of the air-cooled OAM, and what hl-smi prints
    ("Intel Gaudi 3 HL-325L", "gaudi3"), ("Intel Gaudi 3 AI Accelerator HL-325L OAM", "gaudi3"), ("HL-325L", "gaudi3"), ("HL-225", "gaudi2"),
    # the H200 with a custom thermal solution: the same GPU at 1,000 W, its own profile
    ("NVIDIA H200-SXM-141GB-CTS", "h200-sxm-cts"), ("NVIDIA H200-SXM-141GB", "h200-sxm"),
    # the names that named the older parts still do
    ("NVIDIA H200", "h200-sxm"), ("NVIDIA H100 80GB HBM3", "h100-sxm"), ("MI300X", "mi300x"),
    # a size that is what the device exposes, a little under the package's (the B200's 180 of 192 GB)
    ("NVIDIA B300-SXM-270GB", "b300"), ("NVIDIA GB300 279GB", "gb300"), ("NVIDIA GB200-186GB", "gb200"),
    ("NVIDIA B200-SXM-192GB", "b200"), ("NVIDIA H200-SXM-144GB", "h200-sxm"),
    ("Intel Arc Pro B60", "arc-pro-b60"), ("Intel Arc Pro B60 24GB", "arc-pro-b60"),
    # MLPerf Inference v5.1's name of Maxsun's dual card (48 GB an accelerator: two GPUs), and Maxsun's own
    ("Intel Arc Pro B60 48GB Turbo", "arc-pro-b60-dual"), ("Intel Arc Pro B60 48GB", "arc-pro-b60-dual"),
    ("Intel Arc Pro B60 Dual 48G Turbo", "arc-pro-b60-dual"),
    # Intel's product name with its marks, and a driver's; AMD's partition modes with or without the power
    ("Intel® Arc™ Pro B60 Graphics", "arc-pro-b60"), ("Intel(R) Arc(TM) Pro B60 Graphics", "arc-pro-b60"),
    ("AMD Instinct MI355X-NPS1-SPX-288GB", "mi355x"), ("AMD Instinct MI300X-NPS4-SPX-192GB", "mi300x"),
    # the memory's technology and the host's instruction set appended, as system descriptions and clouds write them
    ("NVIDIA GH200-144GB_aarch64", "gh200-144gb"), ("NVIDIA GH200-96GB_aarch64", "gh200-96gb"),
    # nvidia-smi's names of the 96 GB GH200 (NVIDIA's driver table, device 2342): the size is its Grace CPU's LPDDR5X
    ("NVIDIA GH200 480GB", "gh200-96gb"), ("NVIDIA GH200 120GB", "gh200-96gb"),
    ("NVIDIA GH200 144G HBM3e", "gh200-144gb"),
    ("NVIDIA GB200 (186GB HBM3e)", "gb200"), ("NVIDIA GB300 (288GB HBM3e)", "gb300"), ("TPU v6e (32 GB HBM)", "tpu-v6e"),
    ("NVIDIA RTX PRO 6000 Blackwell Server Edition (96GB GDDR7)", "rtx-pro-6000-server"),
    ("NVIDIA L40S (48GB GDDR6)", "l40s"),
])
def test_names_as_written_resolve(profiles, given, pid):
    assert profiles.get(given).id == pid


def test_the_h200_with_a_custom_thermal_solution_is_the_h200_at_1000_w(profiles):
    cts, h200 = profiles.get("h200-sxm-cts"), profiles.get("h200-sxm")
    assert (cts.power.tdp_w, h200.power.tdp_w) == (1000.0, 700.0) and "H200 TGP 1000W" in cts.power.tdp_source
    assert cts.peak_flops_per_s == h200.peak_flops_per_s and cts.memory_gb == h200.memory_gb
    assert cts.memory_bandwidth_gb_per_s == h200.memory_bandwidth_gb_per_s


def test_the_blackwell_peaks_per_precision(profiles):
    """Dense peaks, FP4 where the chip has it: the NVL72 racks' figures ÷ 72, halved from sparse."""
    assert profiles.get("b200").peak("fp4") == 9.0e15 and profiles.get("b200").peak("fp8") == 4.5e15
    assert profiles.get("gb200").peak("fp4") == 1.0e16 and profiles.get("gb200").peak("bf16") == 2.5e15
    assert profiles.get("gb300").peak("fp4") == 1.5e16 and profiles.get("b300").peak("fp4") == 1.35e16
    assert profiles.get("mi355x").peak("fp4") == 1.0e16
    assert "fp4" not in profiles.get("h100-sxm").peak_flops_per_s  # Hopper has no FP4 tensor cores


@pytest.mark.parametrize("pid", LINKED)
def test_the_cluster_links_are_stated_with_their_sources(profiles, pid):
    p = profiles.get(pid)
    assert p.scale_up_devices >= 2 and p.scale_up_gb_per_s > 0 and p.scale_out_gb_per_s > 0
    assert len(p.scale_up_source) > 40 and len(p.scale_out_source) > 40
    assert p.scale_out_gb_per_s < p.scale_up_gb_per_s   # the network is slower than the fabric


def test_a_scale_up_domain_without_a_published_network(profiles, tmp_path):
    """A profile may state its scale-up domain and no network beyond it (a user's copy of the TPU v6e's without it)."""
    from tests.profile_texts import no_scale_out_profile
    p = profiles.get(str(no_scale_out_profile(tmp_path)))
    assert p.scale_up_devices >= 2 and p.scale_up_source and p.scale_out_gb_per_s is None


@pytest.mark.parametrize("pid, devices, up, out", [
    ("h100-sxm", 8, 450.0, 50.0), ("a100-sxm-80gb", 8, 300.0, 25.0), ("gb200", 72, 900.0, 50.0),
    ("gb300", 72, 900.0, 100.0), ("tpu-v5p", 8960, 600.0, 6.25), ("gaudi3", 8, 525.0, 75.0), ("mi300x", 8, 448.0, 50.0),
    # one 400 Gb/s NIC a GPU, AMD's ROCm MoRI guides (2026-01-29): ConnectX-7 on the MI325X, Pollara 400 on the MI355X
    ("mi325x", 8, 448.0, 50.0), ("mi355x", 8, 537.6, 50.0),
])
def test_the_step_model_reads_the_profiles_links(profiles, pid, devices, up, out):
    hw = step_hardware(profiles.get(pid))
    assert (hw.scale_up_devices, hw.scale_up_gb_per_s, hw.scale_out_gb_per_s) == (devices, up, out)
    assert profiles.get(pid).scale_up_source in hw.sources


def test_a_profiles_link_is_taken_an_argument_beats_it_and_none_is_refused_for_many_devices(profiles):
    """The profile is the links' one home: no table of defaults stands in for a profile that lacks them (code review
    2026-11-30), so a copy without them is refused for many devices and timed on one."""
    p = profiles.get("h100-sxm")
    changed = dataclasses.replace(p, scale_up_devices=16, scale_out_gb_per_s=100.0)
    hw = step_hardware(changed)
    assert (hw.scale_up_devices, hw.scale_out_gb_per_s) == (16, 100.0)
    assert step_hardware(changed, scale_up_devices=4).scale_up_devices == 4
    bare = dataclasses.replace(p, scale_up_devices=None, scale_up_gb_per_s=None, scale_out_gb_per_s=None,
                               link_gb_per_s=None)
    with pytest.raises(InputError, match="scale_up_devices"):
        step_hardware(bare)
    assert step_hardware(bare, devices=1).scale_up_devices == 1


@pytest.mark.parametrize("pid, devices, out", [
    # the links the step fit (estimator/data/step_fit.json) was made with, on the devices of its layouts
    ("a100-sxm-80gb", 8, 25.0), ("a100-sxm-40gb", 8, 25.0), ("h100-sxm", 8, 50.0), ("h800", 8, 50.0),
    ("h200-sxm", 8, 50.0), ("b200", 8, 50.0), ("tpu-v4", 4096, 81e3 / 8 / 3072), ("v100-sxm2", 8, 12.5),
])
def test_the_fits_devices_keep_the_links_it_was_made_with(profiles, pid, devices, out):
    p = profiles.get(pid)
    assert (p.scale_up_devices, p.scale_out_gb_per_s) == (devices, pytest.approx(out, rel=1e-4))


def test_a_fractional_domain_and_a_figure_without_its_source_are_refused(tmp_path, capsys):
    text = (PROFILES_DIR / "h100-sxm.toml").read_text()
    for old, new, field in (("scale_up_devices = 8 ", "scale_up_devices = 8.5 ", "interconnect.scale_up_devices"),
                            ("scale_out_source = ", "# scale_out_source = ", "interconnect.scale_out_source")):
        path = tmp_path / "h100-copy.toml"
        path.write_text(text.replace(old, new).replace('id = "h100-sxm"', 'id = "h100-copy"'))
        assert main(["profiles", "validate", str(path)]) != 0
        out = capsys.readouterr().out
        assert f"field '{field}'" in out


@pytest.mark.parametrize("given, could", [
    ("NVIDIA H100-PCIe-94GB", "h100-nvl"),  # 94 GB is 1.1 of the H100 PCIe's 85.5: another variant, the NVL's size
    ("NVIDIA H200 141GB", "h200-nvl"),       # the SXM, the NVL and the CTS all hold 141 GB: any of them
    ("NVIDIA H800 80GB", "h800"),            # the SXM5 or the 350 W PCIe card (no profile): its form factor left out
    ("AMD Instinct MI300X-NPS4-CPX-192GB", "mi300x"),  # CPX: 8 GPUs of the chip, each an eighth of the profile
    ("AMD Instinct MI300X QPX", "mi300x"),
    ("NVIDIA A100-SXM-64GB", None),         # no A100 SXM holds 64 GB: neither the 40 nor the 80 GB part
    ("NVIDIA H100 80GB", None),              # the form factor left out: SXM, PCIe or NVL
    # read again without the memory's technology, it still leaves out what sets the part apart, and says so as given
    ("NVIDIA A100 80GB HBM2e", "a100-pcie-80gb"),
    # the memory's technology without a size is kept: HBM3e is the MI325X's memory, not the MI300X's
    ("AMD Instinct MI300X HBM3e", None),
])
def test_a_size_that_is_no_variants_exposed_memory_names_none(profiles, given, could):
    from estimator.core.base.errors import UnknownHardwareError
    with pytest.raises(UnknownHardwareError) as err:
        profiles.get(given)
    if could:
        assert could in str(err.value)


def test_the_arc_pro_b60_serves_at_its_bandwidth(profiles, capsys):
    """Intel's Battlemage workstation card (MLPerf Inference's newer rounds run it): 98.3 TFLOPS BF16, 196.6
    INT8 TOPS, no FP8, 456 GB/s, 24 GB, PCIe 5.0 x8 between cards; an 8B model at batch 1 reads its 16 GB of
    weights a token, 35 ms at the full bandwidth."""
    b60 = profiles.get("arc-pro-b60")
    assert (b60.peak_flops_per_s["bf16"], b60.peak_flops_per_s["int8"], b60.memory_bandwidth_gb_per_s,
            b60.memory_gb, b60.power.tdp_w) == (9.83e13, 1.966e14, 456.0, 24.0, 200.0)
    assert "fp8" not in b60.peak_flops_per_s and b60.link_gb_per_s == 31.5
    assert main(["inference", "--model", "llama-3.1-8b", "--hardware", "Intel Arc Pro B60", "--devices", "1",
                 "--tokens", "1e6", "--format", "json"]) == 0
    import json
    out = json.loads(capsys.readouterr().out)
    weights_s = 16.06e9 / 456e9
    assert weights_s < out["seconds_per_output_token"] < 1.5 * weights_s


def test_the_dual_b60_card_is_two_b60s_as_one_device(profiles):
    """Maxsun's Arc Pro B60 Dual 48G Turbo: twice one B60's peaks, memory and bandwidth, its 400 W board power, the
    link each GPU has (PCIe 5.0 x8); serving it says it is the card."""
    one, two = profiles.get("arc-pro-b60"), profiles.get("arc-pro-b60-dual")
    for p in ("bf16", "int8", "fp32"):
        assert two.peak(p) == pytest.approx(2 * one.peak(p), rel=1e-3)
    assert (two.memory_gb, two.memory_bandwidth_gb_per_s) == (2 * one.memory_gb, 2 * one.memory_bandwidth_gb_per_s)
    assert (two.power.tdp_w, one.power.tdp_w) == (400.0, 200.0) and two.link_gb_per_s == one.link_gb_per_s
    assert "400W model" in two.power.tdp_source


@pytest.mark.parametrize(("pid", "mib"), [
    # the capacity as the device reports it, in decimal GB (profiles/README.md), as the H100's 81,559 MiB is 85.52 GB
    # (hardware audit 2026-12-01: these six had the marketed figure, 3–7% short of it)
    ("gb200", 189_471), ("gb300", 284_208), ("b300", 275_040), ("h100-nvl", 95_830), ("rtx-pro-6000-server", 97_887),
    ("gaudi3", 131_072), ("h100-sxm", 81_559), ("b200", 183_359)])
def test_memory_is_the_capacity_the_device_reports(profiles, pid, mib):
    assert profiles.get(pid).memory_gb == pytest.approx(mib * 2**20 / 1e9, abs=0.005)


def test_the_gb200s_fp32_and_fp64_are_the_nvl72_pages_per_gpu(profiles):
    """The GB200 NVL72 page: FP32 5,760 and FP64 2,880 TFLOPS for 72 GPUs (GTC 2024's preliminary 3,240 FP64 had been
    taken, with an FP32 of 6,480, 12.5% high; hardware audit 2026-12-01)."""
    gb200 = profiles.get("gb200")
    assert (gb200.peak("fp32"), gb200.peak("fp64")) == (5.76e15 / 72, 2.88e15 / 72) == (8.0e13, 4.0e13)


@pytest.mark.parametrize(("pid", "gb"), [("mi250x", 2 * 68_702_699_520 / 1e9), ("gaudi2", 98_304 * 2**20 / 1e9),
                                         ("tpu-v5p", 95 * 2**30 / 1e9), ("tpu-v5e", 16 * 2**30 / 1e9)])
def test_memory_reported_in_binary_units_is_taken_so(profiles, pid, gb):
    """rocm-smi's and hl-smi's totals and Google's GiB (hardware audit 2026-12-01: the marketed figures, 7% short)."""
    assert profiles.get(pid).memory_gb == pytest.approx(gb, abs=0.005)
