import re
import shutil
from pathlib import Path

import pytest
from profile_texts import source_kinds

from estimator.core.base.errors import ProfileError, UnknownHardwareError
from estimator.io.datafiles import PROFILES_DIR, default_profiles, load_profile_file, load_profiles

REQUIRED = ["v100-sxm2", "v100-pcie", "a100-sxm-40gb", "a100-sxm-80gb", "a100-pcie-80gb", "h100-sxm", "h100-pcie",
            "h200-sxm", "b200", "tpu-v2", "tpu-v3", "tpu-v4", "tpu-v5e", "tpu-v5p", "brain", "alphago-2016"]


def test_required_profiles_load_without_errors():
    ps = default_profiles()
    assert not ps.errors, [str(e) for e in ps.errors]
    assert set(REQUIRED) <= set(ps.profiles)
    assert any(p.kind == "cpu" for p in ps.profiles.values())


# What counts as a source (profiles/README.md: every number carries its source): at least one of
# - a URL;  - a DOI or an arXiv id;
# - a named document with a year, a table or a section ("Carlsmith 2020", "P21 Table 4", "read 2026-11");
# - a publisher's named document ("NVIDIA H100 datasheet", "product brief", "pricing page", "spec table",
#   "price data", "documentation") or a named file ("Epoch AI energy.py");
# - a file of this project that exists (the fits, estimator/data/…).
# A figure that does not exist (no price, no published memory) may instead say so ("none", "not
# published", "not applicable", "not for sale"); a PUE of exactly 1.0 (no facility overhead) needs
# its reason in words, not a citation.
ABSENT = r"^(none|not published|not applicable|not for sale)\b"




def sourced_figures(p):
    """{figure: (source text, is the figure there)} for one profile."""
    return {"peak": (p.peak_source, True),
            "memory": (p.memory_source, p.memory_gb is not None or p.memory_bandwidth_gb_per_s is not None),
            "power": (p.power.source, True),
            "utilization": (p.utilization.source, True),
            "price": (p.price.source, p.price.usd_per_device_hour is not None),
            "pue": (p.pue_source, p.pue != 1.0),
            # [interconnect] is optional: where it is left out the serving model says it uses PCIe 4.0
            **({"interconnect": (p.link_source, True)} if p.link_gb_per_s is not None else {})}


def test_the_source_check_refuses_text_that_cites_nothing():
    for junk in ("TODO", "see above", "vendor", "estimated", "a reasonable assumption", "estimator/data/nope.json",
                 "from the internet", "NVIDIA says so", "a widely quoted estimate"):
        assert source_kinds(junk) == [], junk
    assert source_kinds("https://example.org/x") == ["url"]
    assert "arxiv" in source_kinds("Patterson et al., arXiv:2104.10350")
    assert source_kinds("doi 10.1073/pnas.172399499") == ["doi"]
    assert source_kinds("NVIDIA A100 datasheet") == ["named document"]
    assert source_kinds("estimator/data/utilization_fit.json") == ["project file"]


def test_every_number_has_a_source():
    for p in default_profiles().profiles.values():
        for field, (text, present) in sourced_figures(p).items():
            if field == "pue" and not present:
                assert len(text.split()) >= 3, f"{p.id}: a PUE of 1.0 says why, in words: {text!r}"
            elif present or not re.search(ABSENT, text.strip(), re.IGNORECASE):
                assert source_kinds(text), f"{p.id}: {field} source cites nothing checkable: {text!r}"
        for basis in (p.utilization.basis, p.price.basis):
            assert len(basis.split()) >= 3, f"{p.id}: a basis says what the figure is, in words: {basis!r}"
        if p.price.usd_per_device_hour is not None:
            assert re.fullmatch(r"20\d\d(-\d\d(-\d\d)?)?", str(p.price.date)), (p.id, p.price.date)




def test_datasheet_figures():
    ps = default_profiles().profiles
    assert ps["a100-sxm-80gb"].peak("bf16") == 312e12
    assert ps["a100-sxm-80gb"].memory_bandwidth_gb_per_s == 2039
    assert ps["h100-sxm"].peak("fp8") == 1979e12
    assert ps["v100-sxm2"].peak("fp16") == 125e12
    assert ps["tpu-v4"].peak() == 275e12
    brain = ps["brain"]
    from estimator.core.footprint.equivalents import BRAIN_POWER_W
    # the brain profile's power is the brain-years' (code audit: two homes for 20 W, nothing tying them)
    assert brain.power.average_w == BRAIN_POWER_W == 20 and brain.pue == 1.0
    assert brain.peak() == 1e15 and brain.peak_range() == (1e13, 1e17)
    assert ps["alphago-2016"].power.average_w == 1e6


GOOD = (PROFILES_DIR / "h100-sxm.toml").read_text()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("old, new, field, fix", [
    ("bf16 = 9.89e14", "bf16 = 989", "peak_flops_per_s.bf16", "unit"),
    ("bf16 = 9.89e14", 'bf16 = "989 TFLOPS"', "peak_flops_per_s.bf16", "plain number"),
    ('family = "h100"', 'family = "h999"', "utilization.family", "use one of"),
    ('family = "h100"', 'family = "h100"\ndefault = 0.3', "utilization", "write family"),
    ("pue = 1.1", "pue = 0.8", "datacenter.pue", ""),
    ("pue = 1.1", 'pue = 1.1\ncooling = "ocean"', "datacenter.cooling", "use one of"),
    ('kind = "gpu"', 'kind = "gpus"', "kind", "one of"),
    ('fit = "gpu-system"', 'fit = "gpu-sys"', "power.fit", "use one of"),
    ('fit = "gpu-system"', 'fit = "gpu-system"\naverage_w = 900.0', "power.average_w", "drop"),
    ("tdp_w = 700.0", "", "power.tdp_w", "datasheet"),
    ('default_precision = "bf16"', 'default_precision = "fp4"', "default_precision", "use one of"),
    ('name = "NVIDIA H100 SXM 80GB"', 'name = "x"\npower_draw = 3', "power_draw", ""),
    ("link_gb_per_s = 450.0", "link_gb_per_s = 450e9", "interconnect.link_gb_per_s", "unit"),
    ("link_gb_per_s = 450.0", "link_gbps = 450.0", "interconnect.link_gbps", "did you mean 'link_gb_per_s'"),
    ('source = "NVIDIA H100 datasheet: NVLink 900 GB/s total, half each way"', "", "interconnect.source", "source"),
])
def test_broken_profile_names_file_field_and_fix(tmp_path, old, new, field, fix):
    assert old in GOOD
    path = _write(tmp_path, "broken.toml", GOOD.replace(old, new))
    with pytest.raises(ProfileError) as info:
        load_profile_file(path)
    err = info.value
    assert str(path) in str(err) and err.field == field
    assert "fix:" in str(err) and fix in err.fix


def test_typo_suggests_field(tmp_path):
    path = _write(tmp_path, "typo.toml", GOOD.replace("[utilization]", "[utilisation]"))
    with pytest.raises(ProfileError, match="did you mean 'utilization'"):
        load_profile_file(path)


def test_syntax_error_names_file(tmp_path):
    path = _write(tmp_path, "bad.toml", "id = \n")
    with pytest.raises(ProfileError, match="bad.toml.*not valid TOML"):
        load_profile_file(path)


def test_a_symlink_loop_is_a_profile_error_not_a_crash(tmp_path, capsys):
    from estimator.cli import main
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    with pytest.raises(ProfileError, match="cannot be read"):
        load_profile_file(loop)
    assert main(["estimate", "--flops", "1e20", "--hardware", str(loop)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {loop}: field '(file)': cannot be read") and len(err.strip().splitlines()) == 1


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    shutil.copy(PROFILES_DIR / "a100-sxm-80gb.toml", tmp_path)
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path)
    _write(tmp_path, "zz-broken.toml", GOOD.replace("bf16 = 9.89e14", "bf16 = -1"))
    ps = load_profiles(tmp_path)
    assert set(ps.profiles) == {"a100-sxm-80gb", "brain"}
    assert len(ps.errors) == 1 and "zz-broken.toml" in str(ps.errors[0])
    with pytest.raises(ProfileError):  # asking for the broken one by name gives its own error
        ps.get("zz-broken")
    # and by the id its file gives, whatever the file is called (calibrate audit: "unknown hardware",
    # so the file, the field and the fix were never named)
    assert re.search(r'(?m)^id = "h100-sxm"$', GOOD)
    _write(tmp_path, "zz-broken.toml", GOOD.replace('id = "h100-sxm"', 'id = "my-h100"').replace("bf16 = 9.89e14", "bf16 = -1"))
    with pytest.raises(ProfileError, match="zz-broken.toml: field 'peak_flops_per_s.bf16'"):
        load_profiles(tmp_path).get("my-h100")


def test_duplicate_id_is_an_error(tmp_path):
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path / "a.toml")
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path / "b.toml")
    ps = load_profiles(tmp_path)
    # neither file wins: which one would depend on file names
    assert ps.profiles == {} and "defined by 2 files" in str(ps.errors[0])
    assert "a.toml" in str(ps.errors[0]) and "b.toml" in str(ps.errors[0])
    with pytest.raises(ProfileError, match="defined by 2 files"):
        ps.get("brain")


def test_a_copy_of_a_bundled_id_is_set_aside_not_the_bundled_profile(tmp_path):
    """Calibrate audit: a calibrated file with id h100-sxm copied into profiles/calibrated/ made
    both unusable (`estimate` exited 2, `compare` dropped the H100 row without a word). The bundled
    profile loads; the copy is the error, naming its file, the field and the fix."""
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path / "my-brain.toml")
    ps = load_profiles(PROFILES_DIR, tmp_path)
    assert Path(ps.get("brain").source_file).resolve() == (PROFILES_DIR / "brain.toml").resolve()
    assert len(ps.profiles) == len(load_profiles(PROFILES_DIR).profiles)
    [err] = ps.errors
    assert Path(err.source).resolve() == (tmp_path / "my-brain.toml").resolve() and err.field == "id"
    assert "is the id of the bundled profile" in err.problem and 'id = "brain-cal"' in err.fix


def test_bundled_profiles_are_known_as_such_from_any_working_folder(tmp_path, monkeypatch):
    """Review: a profile's source_file is shown relative to the project, and resolving it against the
    working folder made the bundled rules (a copy of a bundled id set aside; calibrate refusing a
    bundled id) fail when a command ran from another folder."""
    from estimator.core.base.errors import InputError
    from estimator.io.datafiles import is_bundled
    from estimator.monitor.calibration_run import checked_out_path
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path / "my-brain.toml")
    monkeypatch.chdir(tmp_path)
    ps = load_profiles(PROFILES_DIR, tmp_path)
    assert is_bundled(ps.get("brain")) and len(ps.errors) == 1 and ps.errors[0].field == "id"
    with pytest.raises(InputError, match="never stands for"):
        checked_out_path(str(tmp_path / "out.toml"), "h100-sxm")


def test_hardware_by_path(tmp_path):
    path = _write(tmp_path, "mine.toml", GOOD.replace('id = "h100-sxm"', 'id = "my-h100"'))
    assert default_profiles().get(str(path)).id == "my-h100"
    with pytest.raises(UnknownHardwareError):
        default_profiles().get("nope")
