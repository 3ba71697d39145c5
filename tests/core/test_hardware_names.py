"""Hardware named as people write it: Epoch AI's and the datasheets' names fit one profile, or the
refusal names the profiles they could be (core/hardware/names.py; io/datafiles.ProfileSet.get)."""

from __future__ import annotations

import csv
import json
import re

import pytest
from robustness_helpers import refused, run

from estimator.core.base.errors import UnknownHardwareError
from estimator.core.hardware.names import matching_hardware, name_words, nearest_hardware, partly_matching_hardware
from estimator.io.datafiles import load_profiles
from estimator.io.paths import DATA_DIR
from estimator.services import api

NAMES = {pid: p.name for pid, p in load_profiles().profiles.items()}


@pytest.mark.parametrize("given, profile_id", [
    # Epoch AI's names (estimator/data/epoch_training_runs.csv)
    ("NVIDIA A100 SXM4 80 GB", "a100-sxm-80gb"), ("NVIDIA A100 SXM4 40 GB", "a100-sxm-40gb"),
    ("NVIDIA H100 SXM5 80GB", "h100-sxm"), ("Google TPU v4", "tpu-v4"), ("NVIDIA Tesla V100 DGXS 32 GB", "v100-sxm2"),
    # nvidia-smi's and rocm-smi's
    ("NVIDIA A100-SXM4-80GB", "a100-sxm-80gb"), ("NVIDIA A100 80GB PCIe", "a100-pcie-80gb"),
    ("NVIDIA H100 80GB HBM3", "h100-sxm"), ("NVIDIA H100 PCIe", "h100-pcie"), ("NVIDIA H800", "h800"),
    ("NVIDIA H200", "h200-sxm"), ("H200", "h200-sxm"),  # the driver's name for the SXM part (audit: refused)
    ("NVIDIA H200 SXM", "h200-sxm"),
    # a form factor whose memory has one size (HGX and DGX boards carry SXM parts), and a name with its remark
    ("H100 SXM", "h100-sxm"), ("NVIDIA HGX H100", "h100-sxm"), ("NVIDIA L4 24GB", "l4"), ("HGX B200", "b200"), ("Tesla V100-SXM2-32GB", "v100-sxm2"),
    ("Tesla V100-PCIE-32GB", "v100-pcie"), ("Tesla T4", "t4"), ("NVIDIA L4", "l4"), ("NVIDIA A800-SXM4-80GB", "a800"),
    ("Tesla P100-SXM2-16GB", "p100"),
    # ids and names in other spellings
    ("TPUv4", "tpu-v4"), ("tpu v5e", "tpu-v5e"), ("NVIDIA GeForce RTX 3090", "rtx-3090"), ("rtx4090", "rtx-4090"),
    ("Gaudi 2", "gaudi2"), ("H100_SXM5_80GB", "h100-sxm"), ("ＭＩ３００Ｘ", "mi300x"),
    ("K80", "k80"), ("Human brain", "brain"),
])
def test_a_name_that_says_what_a_profile_says_is_that_profile(given, profile_id):
    assert matching_hardware(given, NAMES) == (profile_id,)
    assert load_profiles().get(given).id == profile_id


@pytest.mark.parametrize("given, could_be", [
    ("NVIDIA A100", ("a100-pcie-80gb", "a100-sxm-40gb", "a100-sxm-80gb")), ("NVIDIA V100", ("v100-pcie", "v100-sxm2")),
    ("H100", ("h100-nvl", "h100-pcie", "h100-sxm")), ("GH200", ("gh200-144gb", "gh200-96gb")), ("A100 80GB", ("a100-pcie-80gb", "a100-sxm-80gb")),
    ("NVIDIA A100 Tensor Core GPU", ("a100-pcie-80gb", "a100-sxm-40gb", "a100-sxm-80gb")),
])
def test_a_name_that_fits_several_is_refused_with_each_of_them(given, could_be):
    """Their peaks may agree, but power, memory and price do not: the user says which."""
    assert matching_hardware(given, NAMES) == () and partly_matching_hardware(given, NAMES) == could_be
    with pytest.raises(UnknownHardwareError) as info:
        load_profiles().get(given)
    assert f"could be {' or '.join(could_be)}" in str(info.value)


@pytest.mark.parametrize("given, suggested", [
    # the name leaves out what sets the profile apart (review: all of these were taken as the profile)
    ("A100 40GB", "a100-sxm-40gb"), ("GTX 1080", "gtx-1080-ti"), ("Titan", "titan-v"),
    ("MI250", "mi250x"), ("MI300", "mi300x"), ("cpu", "cpu-server-2s-epyc"),
    # an id that says less than the part (review 12: the H800 and A800 come as 350/300 W PCIe cards too,
    # GCP's P100s are PCIe); the DGX-2's V100 SXM3 is a 350 W module, not the SXM2
    ("NVIDIA A800", "a800"), ("NVIDIA Tesla P100", "p100"), ("Tesla V100-SXM3-32GB", "v100-sxm2"),
])
def test_a_name_that_says_less_than_a_profile_is_only_suggested(given, suggested):
    with pytest.raises(UnknownHardwareError) as info:
        load_profiles().get(given)
    if given in ("A100 40GB", "GTX 1080", "NVIDIA A800"):  # the name's words are all the profile's: why, said
        assert "says less than a profile's name" in str(info.value) and "another power, memory or price" in str(info.value)
    assert f"did you mean {suggested}" in str(info.value)


def test_words_split_at_separators_and_where_letters_meet_digits():
    assert name_words("NVIDIA A100-SXM4-80GB") == name_words("a100 sxm 80 GB") == {"a", "100", "sxm", "80gb"}
    assert name_words("Google Cloud TPU v6e") == name_words("TPUv6e") == {"tpu", "v", "6", "e"}
    assert name_words("NVIDIA GPU") == set() and matching_hardware("NVIDIA GPU", NAMES) == ()
    assert name_words("GH200") != name_words("H200")  # the Grace Hopper is no H200


def test_a_near_miss_names_the_profiles_sharing_most_of_its_words():
    assert nearest_hardware("A100 PCIe 40GB", NAMES) == ("a100-pcie-80gb",)  # "pcie" says more than "40gb"
    # a tie in words is broken by the words with letters: the V100 before the P100 (newcomer's try)
    assert nearest_hardware("Tesla V100-SXM2-16GB", NAMES) == ("v100-sxm2",)
    assert nearest_hardware("zzz", NAMES) == () and nearest_hardware("24GB", NAMES) == ()  # a size alone: none
    for path in ("my/dir/x", "my/h100"):  # a path mistyped, not parts (review 13)
        with pytest.raises(UnknownHardwareError, match=r"\(nor a file of that name\)"):
            load_profiles().get(path)


def test_an_id_is_taken_as_typed_and_a_name_of_several_parts_is_refused():
    ps = load_profiles()
    assert ps.get("H100-SXM").id == "h100-sxm" and ps.get(" h800 ").id == "h800"  # the id, in another case
    assert matching_hardware("a800", NAMES) == ()  # its words alone say less than its name: not a name
    # rocm-smi's "MI250X/MI250" is the name of either part (review 12)
    with pytest.raises(UnknownHardwareError, match=r"names 2 parts: give one profile id \(mi250x\)"):
        ps.get("AMD Instinct MI250X/MI250")


def test_a_calibrated_profile_is_named_by_its_id_or_file_only(tmp_path):
    """Review: with a calibrated profile present, "Intel Xeon" and "the" resolved to it by its name."""
    from estimator.io.datafiles import PROFILES_DIR
    text = (PROFILES_DIR / "h100-sxm.toml").read_text().replace('id = "h100-sxm"', 'id = "xeon-box-cal"')
    text = text.replace('name = "NVIDIA H100 SXM 80GB"', 'name = "Intel Xeon"')
    (tmp_path / "xeon-box-cal.toml").write_text(text)
    ps = load_profiles(PROFILES_DIR, tmp_path)
    assert ps.get("xeon-box-cal").name == "Intel Xeon"
    with pytest.raises(UnknownHardwareError):
        ps.get("Intel Xeon")


def test_every_shipped_run_s_hardware_name_fits_its_own_profile():
    """The runs' names (Epoch AI's and the papers') name the profile each run is priced on, or, where
    the name leaves the variant open (Epoch's "NVIDIA A100"), that profile is among those it could be."""
    seen = 0
    for file, name_col in (("epoch_training_runs.csv", "hardware_name"), ("published_runs.csv", "hardware")):
        with open(DATA_DIR / file, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                fits = matching_hardware(row[name_col], NAMES) or partly_matching_hardware(row[name_col], NAMES)
                if fits:
                    seen += 1
                    assert row["hardware_id"] in fits, (file, row[name_col], fits)
    assert seen >= 100


def test_the_cli_and_the_api_give_a_named_profile_s_numbers(capsys):
    by_id = api.run(flops=1e22, hardware="a100-sxm-40gb", devices=64).estimate
    by_name = api.run(flops=1e22, hardware="NVIDIA A100 SXM4 40 GB", devices=64).estimate
    assert by_name == by_id
    code, out, _ = run(capsys, "estimate", "--flops", "1e22", "--hardware", "NVIDIA A100 SXM4 40 GB", "--devices",
                       "64", "--format", "json")
    assert code == 0 and json.loads(out)["device_hours"] == pytest.approx(by_id.device_hours)
    code, out, _ = run(capsys, "compare", "--flops", "1e22", "--hardware", "Google TPU v4", "NVIDIA H100 80GB HBM3",
                       "--format", "csv")
    assert code == 0 and [line.split(",")[0] for line in out.splitlines()[1:3]] == ["tpu-v4", "h100-sxm"]
    err = refused(capsys, "estimate", "--flops", "1e22", "--hardware", "NVIDIA V100")
    assert "could be v100-pcie or v100-sxm2" in err and "--hardware" in err
    err = refused(capsys, "estimate", "--flops", "1e22", "--hardware", "A100 PCIe 40GB")
    assert "did you mean a100-pcie-80gb?" in err
    # compare by name, a time-only preset's own hardware included (review: refused by the name given)
    code, out, _ = run(capsys, "compare", "--preset", "resnet50-imagenet", "--hardware", "NVIDIA H100 SXM5 80GB")
    assert code == 0 and out.splitlines()[1].startswith("h100-sxm")


def test_every_bundled_profile_is_named_by_its_own_name_and_id():
    """No two bundled profiles say the same words, so each one's name (and id, in capitals) is that profile."""
    ps = load_profiles()
    for pid, name in NAMES.items():
        assert ps.get(name).id == pid and ps.get(pid.upper()).id == pid, (pid, name)


def test_data_files_name_profiles_by_id_only_and_near_ids_come_closest_first(capsys):
    """Review 11: a data row's "gtx-1080" would have passed by name as the 1080 Ti; "A10" was offered three
    A100s and not the A10G (now the A10G alone, whose name says more); the budget line echoed the name."""
    ps = load_profiles()
    assert ps.by_id("h100-sxm").id == "h100-sxm"
    for typo in ("gtx-1080", "NVIDIA H100 SXM5 80GB", "H100-SXM"):
        with pytest.raises(UnknownHardwareError, match="no profile has the id"):
            ps.by_id(typo)
    err = refused(capsys, "estimate", "--flops", "1e21", "--hardware", "A10")
    assert "says less than a profile's name: did you mean a10g (NVIDIA A10G (AWS EC2 G5))?" in err
    code, out, _ = run(capsys, "scaling", "chinchilla", "--budget-usd", "1e6", "--hardware", "NVIDIA A100 SXM4 40 GB")
    assert code == 0 and out.splitlines()[0].split()[-1] == "a100-sxm-40gb"


def test_every_accelerator_as_mlperf_writes_it_is_its_rows_profile():
    """Each accelerator string of the MLPerf Inference rows (their system descriptions' names: "NVIDIA GH200 Grace
    Hopper Superchip 96GB", "AMD Instinct MI300X-NPS1-SPX-192GB-750W", "TPU v5e (16 GB HBM2)") names the profile
    its row is predicted on: a held-out result written the same way is answered."""
    import csv

    from estimator.io.serving_data import MLPERF_PATH
    with MLPERF_PATH.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    pairs = {(r["accelerator"], r["hardware_id"]) for r in rows if not r["hardware_note"]}
    assert len({a for a, _ in pairs}) == len(pairs) >= 12      # one profile per name
    assert {name: load_profiles().get(name).id for name, _ in pairs} == dict(pairs)
    # a row whose note says its profile is an approximation: the H200 with a custom thermal solution, fitted as the
    # H200 SXM (the same GPU, memory and peaks: tokens/s owe nothing to the TDP), its name its own 1,000 W profile
    approximated = {(r["accelerator"], r["hardware_id"]) for r in rows if r["hardware_note"]}
    assert approximated == {("NVIDIA H200-SXM-141GB-CTS", "h200-sxm")}
    cts = load_profiles().get("NVIDIA H200-SXM-141GB-CTS")
    assert cts.id == "h200-sxm-cts" and cts.power.tdp_w == 1000.0


@pytest.mark.parametrize(("given", "says"), [
    # a system's name with its count (MLPerf's "8x H200-SXM-141GB", its results folders' "H200-SXM-141GBx8", a Cloud
    # TPU slice): refused with the part and the count, each an input of its own (contract audit 2026-12-01: "unknown
    # hardware")
    ("8xH200-SXM-141GB", "names a system of 8 × h200-sxm: give the part as the hardware (h200-sxm) and the count as the "
                         "devices (8)"),
    ("8x H200-SXM-141GB", "8 × h200-sxm"), ("H200-SXM-141GBx8", "8 × h200-sxm"), ("72xGB200", "72 × gb200"),
    ("2 x RTX 4090", "2 × rtx-4090"), ("tpu-v5e-4", "4 × tpu-v5e"), ("TPU v6e-8", "8 × tpu-v6e"),
    # a part that could be several: the count said, and the part's own refusal
    ("8xA100", "names a system of 8 devices, the count an input of its own (the devices); of its part: hardware 'A100' "
               "could be a100-pcie-80gb or a100-sxm-40gb or a100-sxm-80gb"),
])
def test_a_system_named_with_its_count_is_refused_with_the_part_and_the_count(given, says):
    with pytest.raises(UnknownHardwareError, match=re.escape(says)):
        load_profiles().get(given)


@pytest.mark.parametrize("given", ["RTX 4070", "A40x2", "x86", "4xfoo"])
def test_a_name_with_a_letter_x_or_an_unknown_part_is_no_system(given):
    """A name's own "X" before its digits ("RTX 4070") or a count of no known part reads as an unknown name."""
    with pytest.raises(UnknownHardwareError) as exc:
        load_profiles().get(given)
    assert "names a system" not in str(exc.value)


@pytest.mark.parametrize(("given", "says"), [
    # a cloud instance by its cloud's name: a machine of several devices, refused with its part and its devices, as a
    # system's name with its count (review 2026-12-01: "p5.48xlarge" read as unknown hardware, with cpu-server-2s-epyc
    # or tpu-v5p offered)
    ("p5.48xlarge", "names AWS's p5.48xlarge instance, 8 × h100-sxm: give the part as the hardware (h100-sxm) and the "
                    "devices in all as the devices (8; 8 in one instance)"),
    # with its cloud's name or SageMaker's prefix before it; a count of instances, their devices in all; every AWS
    # instance its cloud's (review 2026-12-01: g7e's and trn2.3xlarge's read "a cloud's")
    ("AWS p5.48xlarge", "names AWS's p5.48xlarge instance, 8 × h100-sxm"), ("ml.p5.48xlarge", "8 × h100-sxm"),
    ("2x p5.48xlarge", "names 2 × AWS's p5.48xlarge instance, 16 × h100-sxm: give the part as the hardware (h100-sxm) "
                       "and the devices in all as the devices (16; 8 in one instance)"),
    ("p5.4xlarge", "names AWS's p5.4xlarge instance, 1 × h100-sxm"), ("g7e.2xlarge", "names AWS's g7e.2xlarge instance"),
    ("trn2.3xlarge", "names AWS's trn2.3xlarge instance, 1 × trainium2"), ("g4dn.metal", "8 × t4"),
    ("Google Cloud a3-megagpu-8g", "names Google Cloud's a3-megagpu-8g instance"),
    ("Standard_NC24ads_A100_v4", "1 × a100-pcie-80gb"),
    ("P4DE.24XLARGE", "8 × a100-sxm-80gb"), ("p4d.24xlarge", "8 × a100-sxm-40gb"), ("trn2.48xlarge", "16 × trainium2"),
    ("g6e.xlarge", "1 × l40s"), ("g5.12xlarge", "4 × a10g"),
    ("a3-megagpu-8g", "names Google Cloud's a3-megagpu-8g instance, 8 × h100-sxm"), ("a2-highgpu-1g", "1 × a100-sxm-40gb"),
    ("a3-ultragpu-8g", "8 × h200-sxm"),
    ("Standard_ND96isr_H100_v5", "names Azure's Standard_ND96isr_H100_v5 instance, 8 × h100-sxm"),
    ("ND96amsr_A100_v4", "Standard_ND96amsr_A100_v4 instance, 8 × a100-sxm-80gb"),
])
def test_a_cloud_instance_is_refused_with_its_part_and_its_devices(given, says):
    with pytest.raises(UnknownHardwareError, match=re.escape(says)):
        load_profiles().get(given)


def test_every_cloud_instance_names_a_bundled_profile_of_its_kind():
    """Each instance's part is a bundled profile, an accelerator, and its devices a whole number from 1."""
    from estimator.core.hardware.names import CLOUD_INSTANCES
    profiles = load_profiles()
    names = [row[1].lower() for row in CLOUD_INSTANCES]
    assert len(names) == len(set(names))
    for cloud, name, pid, devices, source in CLOUD_INSTANCES:
        assert cloud in ("AWS", "Google Cloud", "Azure"), name
        assert profiles.by_id(pid).kind in ("gpu", "tpu", "accelerator"), name
        assert isinstance(devices, int) and devices >= 1 and source, name


@pytest.mark.parametrize(("given", "says"), [
    # NVIDIA's systems, as cloud instances (serving engineer's review 2026-12-01: "NVIDIA DGX H100" read as one h100-sxm,
    # its "DGX" as the SXM form factor, where p5.48xlarge was refused with its 8)
    ("NVIDIA DGX H100", "names NVIDIA's DGX H100 system, 8 × h100-sxm: give the part as the hardware (h100-sxm) and the "
                        "devices in all as the devices (8; 8 in one system)"),
    ("dgx-b200", "names NVIDIA's DGX B200 system, 8 × b200"), ("DGX H200", "8 × h200-sxm"),
    ("2 x DGX H100", "names 2 × NVIDIA's DGX H100 system, 16 × h100-sxm"),
    ("NVIDIA HGX H100 4-GPU", "names NVIDIA's HGX H100 4-GPU system, 4 × h100-sxm"),
    # a name two systems share: both
    ("DGX A100", "8 × a100-sxm-40gb (DGX A100 320GB) or 8 × a100-sxm-80gb (DGX A100 640GB)"),
    ("DGX A100 640GB", "names NVIDIA's DGX A100 640GB system, 8 × a100-sxm-80gb"),
])
def test_an_nvidia_system_is_refused_with_its_part_and_its_devices(given, says):
    with pytest.raises(UnknownHardwareError, match=re.escape(says)):
        load_profiles().get(given)


@pytest.mark.parametrize(("given", "pid"), [("NVIDIA HGX H100", "h100-sxm"), ("HGX B200", "b200"),
                                            ("NVIDIA GB200 NVL72", "gb200"), ("DGX Spark", "gb10")])
def test_a_board_or_racks_bare_name_stays_its_gpus(given, pid):
    assert load_profiles().get(given).id == pid


def test_every_system_names_a_bundled_profile():
    from estimator.core.hardware.names import SYSTEMS
    profiles = load_profiles()
    for maker, name, pid, devices, source in SYSTEMS:
        assert maker == "NVIDIA" and profiles.by_id(pid).kind == "gpu", name
        assert isinstance(devices, int) and devices >= 1 and source, name


def test_the_cli_and_the_api_refuse_a_system_alike(capsys):
    from estimator import inference
    from estimator.cli import main
    with pytest.raises(UnknownHardwareError, match="DGX H100 system, 8 × h100-sxm"):
        inference(model="llama-3.1-70b", hardware="NVIDIA DGX H100", tokens=1e6)
    assert main(["inference", "--model", "llama-3.1-70b", "--hardware", "NVIDIA DGX H100", "--tokens", "1e6"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: hardware 'NVIDIA DGX H100' names NVIDIA's DGX H100 system") and err.count("\n") == 1


@pytest.mark.parametrize(("given", "says"), [
    ("DGX A100 80GB", "names NVIDIA's DGX A100 640GB system, 8 × a100-sxm-80gb"),
    ("NVIDIA DGX A100 (80GB)", "names NVIDIA's DGX A100 640GB system, 8 × a100-sxm-80gb"),
    ("DGX H100 640GB", "names NVIDIA's DGX H100 system, 8 × h100-sxm")])
def test_a_system_named_by_its_memory_is_that_system(given, says):
    """Diff review 2026-12-01: "DGX A100 80GB" had read as one a100-sxm-80gb, "DGX H100 640GB" as unknown hardware."""
    with pytest.raises(UnknownHardwareError, match=re.escape(says)):
        load_profiles().get(given)
