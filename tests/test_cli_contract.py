"""The CLI contract on the defects a probe of the command line found (A–K): bad input exits 2 with
one line ``error: …`` naming the right flag, conflicting options are refused, and what is printed
is readable. One test (or one parametrised test) per defect."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from estimator.cli.main import main
from estimator.core.errors import InputError
from estimator.io.datafiles import PROFILES_DIR, default_profiles
from estimator.services import api, limits

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "tests" / "data" / "codecarbon" / "emissions_codecarbon_3.3.2.csv"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *argv, needle: str = "") -> str:
    """Exit 2, exactly one line 'error: …' on stderr, nothing on stdout, and ``needle`` in it."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (argv, code, out, err)
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err + out
    assert out == "", out
    assert needle in err, err
    return err


# A: a preset's FLOPs stay when a known time is given, so the time is checked against the peak --------


def test_a_preset_keeps_its_flops_with_a_known_time(capsys):
    refused(capsys, "estimate", "--preset", "gpt3-175b", "--hours", "1", needle="× the fp16 peak")
    refused(capsys, "compare", "--preset", "gpt3-175b", "--device-hours", "1", "--hardware", "v100-sxm2",
            needle="× the fp16 peak")
    code, out, _ = run(capsys, "estimate", "--preset", "gpt3-175b", "--hours", "400", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["flops"] == 3.14e23 and data["wall_clock_s"] == 400 * 3600


# B: tensor parallelism must divide the heads; heads must divide d_model, KV heads the heads ----------


@pytest.mark.parametrize("argv, needle", [
    (["inference", "--model", "llama-2-7b", "--tokens", "1e6", "--devices", "3"],
     "the tensor-parallel degree 3 must divide the 32 attention heads (--devices)"),
    (["inference", "--model", "llama-2-7b", "--tokens", "1e6", "--devices", "64"],
     "the tensor-parallel degree 64 must divide the 32 attention heads"),
    (["inference", "--model", "llama-3.1-405b", "--tokens", "1e6", "--hardware", "gtx-580", "--batch-size", "1e6"],
     "no tensor-parallel split of the 128 attention heads"),
    (["inference", "--layers", "32", "--d-model", "4096", "--heads", "32", "--kv-heads", "3", "--tokens", "1e6"],
     "the 3 KV heads must divide the 32 attention heads"),
    (["inference", "--layers", "32", "--d-model", "4096", "--heads", "3", "--tokens", "1e6"],
     "the 3 attention heads must divide d_model 4096 (each head has d_model ÷ heads dimensions) (--heads)"),
    (["inference", "--layers", "32", "--d-model", "4096", "--heads", "5000", "--tokens", "1e6"],
     "the 5000 attention heads must divide d_model 4096"),
    (["estimate", "--layers", "32", "--d-model", "4096", "--context", "2048", "--vocab", "32000", "--tokens", "1e12",
      "--heads", "3", "--hardware", "h100-sxm"], "the 3 attention heads must divide d_model 4096 (each head has d_model ÷ heads dimensions) (--heads)"),
    (["estimate", "--layers", "32", "--d-model", "4096", "--context", "2048", "--vocab", "32000", "--tokens", "1e12",
      "--heads", "5000", "--hardware", "h100-sxm"], "the 5000 attention heads must divide d_model 4096"),
])
def test_b_heads_and_tensor_parallelism_are_checked_alike(capsys, argv, needle):
    refused(capsys, *argv, needle=needle)


@pytest.mark.parametrize("model, hardware, batch", [
    ("llama-2-13b", "a100-sxm-80gb", 1),      # 40 heads: one device holds it
    ("llama-2-13b", "t4", 200),               # 40 heads on 16 GB devices: 8 (a power of two that splits 40)
    ("qwen2-7b", "t4", 600),                  # 28 heads, 4 KV heads: 7 would split the heads, not the KV heads
    ("llama-3.1-405b", "a100-sxm-80gb", 64),  # 8 KV heads on 16 devices: each KV head held twice
])
def test_b_the_automatic_device_count_is_the_fewest_that_splits_and_holds(model, hardware, batch):
    from estimator.core.inference import tensor_parallel_problem
    from estimator.core.serving_memory import serving_footprint as footprint
    rep = limits.inference_report(hardware=hardware, model=model, tokens=1e6, devices=None, batch_size=batch)
    r, arch = rep.result, limits.resolve_architecture(model=model)[1]
    assert not tensor_parallel_problem(r.devices, arch.heads, arch.kv_heads)
    mem = dict(params=r.params_served, arch=arch, memory_gb_per_device=default_profiles().get(hardware).memory_gb,
               batch=batch, prompt_tokens=r.prompt_tokens, output_tokens=r.tokens_per_query, weight_bits=16, kv_bits=16)
    assert footprint(devices=r.devices, **mem).fits
    power_of_two = 1 << (r.devices - 1).bit_length()
    if r.devices != power_of_two:   # not the power-of-two rule: no fewer devices split the heads and hold the model
        assert all(tensor_parallel_problem(d, arch.heads, arch.kv_heads) or not footprint(devices=d, **mem).fits
                   for d in range(1, r.devices))


def test_b_default_heads_divide_d_model():
    _, arch, how = limits.resolve_architecture(layers=32, d_model=4000)
    assert 4000 % arch.heads == 0 and "divisor" in how


# E: compare: unknown hardware is bad input; a profile named twice is one row -----------------------


def test_e_compare_refuses_unknown_hardware_and_broken_files(capsys, tmp_path):
    refused(capsys, "compare", "--flops", "1e20", "--hardware", "a100-sxm-80gb", "nope", needle="unknown hardware 'nope'")
    bad = tmp_path / "malformed.toml"
    bad.write_text("id = [\n")
    err = refused(capsys, "compare", "--flops", "1e20", "--hardware", "a100-sxm-80gb", str(bad), needle="not valid TOML")
    assert err.count(str(bad)) == 1


def test_e_compare_runs_a_profile_named_twice_once(capsys, tmp_path):
    own = str(PROFILES_DIR / "a100-sxm-80gb.toml")
    code, out, err = run(capsys, "compare", "--flops", "1e20", "--hardware", "a100-sxm-80gb", "a100-sxm-80gb", own,
                         "--format", "json")
    assert code == 0 and err == ""
    assert [r["hardware"] for r in json.loads(out)] == ["a100-sxm-80gb"]
    other = tmp_path / "copy.toml"
    other.write_text((PROFILES_DIR / "a100-sxm-80gb.toml").read_text())
    refused(capsys, "compare", "--flops", "1e20", "--hardware", "a100-sxm-80gb", str(other),
            needle="is the id of the bundled profile profiles/a100-sxm-80gb.toml")  # as `profiles validate` says
    # two files of one id, neither bundled: compare names them
    first, second = tmp_path / "one.toml", tmp_path / "two.toml"
    for f in (first, second):
        f.write_text(other.read_text().replace('id = "a100-sxm-80gb"', 'id = "my-a100"'))
    refused(capsys, "compare", "--flops", "1e20", "--hardware", str(first), str(second),
            needle="two different profiles with the same id")


def test_e_a_capability_skip_stays_a_note_naming_the_profile_once(capsys):
    code, out, err = run(capsys, "compare", "--flops", "1e20", "--precision", "fp8", "--hardware", "h100-sxm",
                         "v100-sxm2")
    assert code == 0 and "h100-sxm" in out
    assert err == "note: v100-sxm2: has no peak for precision 'fp8'; it has: fp64, fp32, fp16\n"


# C: conflicting options are refused, never silently resolved ---------------------------------------


def import_argv(*extra):
    return ["calibrate", "--from-codecarbon", str(CSV), "--base", "cpu-server-2s-epyc", "--flops", "1e13", *extra]


@pytest.mark.parametrize("argv, needle", [
    (["estimate", "--params", "7e9", "--tokens", "1e12", "--recompute", "--activation-recompute", "none",
      "--hardware", "h100-sxm"], "(--recompute, --activation-recompute)"),
    (["estimate", "--params", "7e9", "--tokens", "1e12", "--recompute", "--activation-recompute", "selective",
      "--hardware", "h100-sxm"], "is 'selective': give one of them"),
    (["estimate", "--forward-flops", "1e9", "--examples", "1e6", "--epochs", "3", "--tokens", "1e9",
      "--hardware", "h100-sxm"], "a generic network counts examples and epochs, not tokens"),
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--cooling", "dry", "--wue", "2"], "(--cooling, --wue)"),
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--no-embodied", "--lifetime-years", "4"],
     "(--no-embodied, --lifetime-years)"),
    (["compare", "--flops", "1e20", "--hardware", "h100-sxm", "--no-embodied", "--lifetime-years", "4"],
     "(--no-embodied, --lifetime-years)"),
    (["scaling", "chinchilla", "--flops", "1e22", "--devices", "8"], "--devices sets how the run is priced: give --hardware"),
    (["scaling", "chinchilla", "--flops", "1e22", "--utilization", "0.3"], "--utilization sets how the run is priced"),
    (import_argv("--seconds", "5"), "give --from-codecarbon or --seconds, not both"),
    (import_argv("--region", "XYZ"), "give --from-codecarbon or --region, not both"),
    (["calibrate", "--seconds", "5", "--flops", "1e9", "--", "true"], "a command after `--` runs as long as it runs"),
])
def test_c_conflicting_options_are_refused(capsys, argv, needle):
    refused(capsys, *argv, needle=needle)


def test_c_the_api_refuses_the_same_conflicts():
    with pytest.raises(InputError, match="not both"):
        api.run(hardware="h100-sxm", flops=1e20, cooling="dry", wue_l_per_kwh=2.0)
    with pytest.raises(InputError, match="left out here"):
        api.run(hardware="h100-sxm", flops=1e20, embodied=False, lifetime_years=4.0)
    with pytest.raises(InputError, match="recomputation"):
        api.run(hardware="h100-sxm", params=7e9, tokens=1e12, recompute=True, memory={"activation_recompute": "none"})
    with pytest.raises(InputError, match="not tokens"):
        api.workload_flops(tokens=1e9, forward_flops_per_example=1e9, examples=1e6, epochs=3)


def test_c_agreeing_options_still_run(capsys):
    code, _, _ = run(capsys, "estimate", "--params", "7e9", "--tokens", "1e12", "--recompute",
                     "--activation-recompute", "full", "--hardware", "h100-sxm")
    assert code == 0
    code, _, _ = run(capsys, "scaling", "chinchilla", "--flops", "1e22", "--devices", "8", "--hardware", "h100-sxm")
    assert code == 0


# D: empty text is refused by name, never read as "not given" ---------------------------------------


@pytest.mark.parametrize("argv, flag", [
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--region", ""], "--region"),
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--cloud", " "], "--cloud"),
    (["compare", "--flops", "1e20", "--region", ""], "--region"),
    (["compare", "--flops", "1e20", "--cloud", ""], "--cloud"),
    (["compare", "--flops", "1e20", "--hardware", "h100-sxm", ""], "--hardware"),
    (["inference", "--model", "llama-2-7b", "--tokens", "1e6", "--region", ""], "--region"),
    (["inference", "--model", "llama-2-7b", "--tokens", "1e6", "--cloud", ""], "--cloud"),
    (["scaling", "chinchilla", "--flops", "1e22", "--region", ""], "--region"),
    (["scaling", "chinchilla", "--flops", "1e22", "--hardware", "h100-sxm", "--cloud", ""], "--cloud"),
    (["scaling", "diminishing", "--base-preset", ""], "--base-preset"),
    (["calibrate", "--id", ""], "--id"),
    (["estimate", "--preset", ""], "--preset"),
    (["estimate", "--model", "", "--tokens", "1e9", "--hardware", "h100-sxm"], "--model"),
])
def test_d_empty_text_is_refused_naming_the_flag(capsys, argv, flag):
    refused(capsys, *argv, needle=f"error: {flag} is empty: give a value, or leave {flag} out")


def test_d_an_empty_positional_id_is_refused_by_its_command(capsys):
    refused(capsys, "profiles", "show", "", needle="profiles show got an empty id")


@pytest.mark.parametrize("call", [
    lambda: api.run(hardware="h100-sxm", flops=1e20, region=""),
    lambda: api.run(hardware="h100-sxm", flops=1e20, cloud=""),
    lambda: api.run(preset_id=""),
    lambda: api.resolve_grid(region=" "),
    lambda: limits.diminishing_report(11.5, 5, 0.072, base_preset=""),
])
def test_d_the_api_refuses_empty_text(call):
    with pytest.raises(InputError, match="empty|preset id"):
        call()


# J: output that cannot be written is one error line and exit 1, never a traceback -----------------


def _shell(command: str, env=None):
    return subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


PY = f"'{sys.executable}' -m estimator"


@pytest.mark.parametrize("command, env, needle", [
    (f"{PY} estimate --preset gpt3-175b >&-", None, "standard output is closed"),
    (f"{PY} inference --model llama-2-7b --tokens 1e6 >&-", None, "standard output is closed"),
    (f"{PY} estimate --preset gpt3-175b > /dev/full", None, "cannot write the output: No space left on device"),
    (f"{PY} presets > /dev/full", None, "cannot write the output"),
    (f"{PY} estimate --preset gpt3-175b > /dev/null", {"PYTHONIOENCODING": "ascii"}, "encoding 'ascii' cannot write"),
])
def test_j_unwritable_output_is_one_error_line_and_exit_1(command, env, needle):
    if "/dev/full" in command and not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    proc = _shell(command, env)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_j_a_reader_that_stops_reading_is_not_an_error():
    proc = _shell(f"{PY} compare --flops 1e20 | head -1; exit ${{PIPESTATUS[0]}}")
    assert proc.returncode == 0 and proc.stderr == "" and proc.stdout.startswith("hardware")


def test_j_a_broken_profile_is_an_error_even_when_the_reader_stops_reading():
    """CLI audit: `profiles validate missing.toml | head -1` exited 0: the closed pipe hid the refusal."""
    proc = _shell(f"{PY} profiles validate /no/such-a.toml /no/such-b.toml | head -1; exit ${{PIPESTATUS[0]}}")
    assert proc.returncode == 2 and proc.stdout.startswith("broken: /no/such-a.toml"), (proc.returncode, proc.stdout)
    assert proc.stderr.startswith("error: 2 of 2 profile file(s) are broken") and proc.stderr.count("\n") == 1
    proc = _shell(f"{PY} profiles validate | head -1; exit ${{PIPESTATUS[0]}}")
    assert proc.returncode == 0 and proc.stderr == "" and proc.stdout.startswith("ok: ")


# H: a run cannot happen before its hardware was released ------------------------------------------


def test_h_a_year_before_the_release_is_refused(capsys):
    err = refused(capsys, "estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--year", "1940",
                  needle="the run's year 1940 is before NVIDIA H100 SXM 80GB was released (2022)")
    assert err.rstrip().endswith("(--year)")
    with pytest.raises(InputError, match="released"):
        api.run(hardware="h100-sxm", flops=1e20, year=2021)
    code, _, _ = run(capsys, "estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--year", "2022")
    assert code == 0


# G: an error names the input the user gave, never another command's flag ---------------------------


@pytest.mark.parametrize("argv, needle", [
    (["scaling", "diminishing", "--base-flops", "1e32"], "(--base-flops, --target-error, --exponent)"),
    (["scaling", "diminishing", "--base-preset", "gpt3-175b", "--target-error", "0.01"],
     "(--base-preset, --target-error, --exponent)"),
    (["scaling", "chinchilla", "--budget-usd", "1e-300", "--hardware", "h100-sxm"], "give a larger budget (--budget-usd)"),
    (["scaling", "chinchilla", "--budget-usd", "1e-6", "--hardware", "h100-sxm"], "the scaling law covers"),
    (["estimate", "--forward-flops", "1e9", "--examples", "1e6", "--epochs", "1e-320", "--hardware", "h100-sxm"],
     "(--forward-flops, --examples, --epochs)"),
    (["inference", "--params", "1e7", "--tokens", "1e6", "--student-params", "0.5"], "(--student-params)"),
])
def test_g_errors_name_the_flags_that_were_given(capsys, argv, needle):
    err = refused(capsys, *argv, needle=needle)
    assert "(--flops)" not in err


def test_g_an_illustrative_row_a_tiny_model_cannot_take_is_left_out(capsys):
    # 1e7 parameters: one layer of the smallest catalog width (9.44e6 in attention), so no 0.6 × N student fits
    code, out, err = run(capsys, "inference", "--params", "1e7", "--tokens", "1e6")
    assert code == 0 and err == ""
    assert "illustrative distillation left out: the student's 6 × 10⁶ parameters cannot fill 1 layer" in out
    rep = limits.inference_report(hardware="a100-sxm-80gb", params=1e7, tokens=1e6)
    assert "distillation" not in [t.name for t in rep.techniques]
    full = limits.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9, bits=8)
    assert [(t.name, t.chosen) for t in full.techniques][:3] == [
        ("baseline", True), ("quantization-8bit", True), ("quantization-4bit", False)]


# F: profiles show says "not stated", yes/no and key: value lines, never None or a raw dict -------------


def test_f_profiles_show_has_no_python_values(capsys, tmp_path):
    code, out, _ = run(capsys, "profiles", "show", "brain")
    assert code == 0 and "None" not in out and "True" not in out and "False" not in out
    assert "released not stated" in out and "memory not stated" in out and "TDP not stated" in out
    assert "host included: no" in out
    cal = tmp_path / "cal.toml"
    code, _, _ = run(capsys, *import_argv("--out", str(cal), "--id", "cal-show-test"))
    assert code == 0
    code, out, _ = run(capsys, "profiles", "show", str(cal))
    assert code == 0 and "{" not in out and "None" not in out
    assert "  calibration:\n" in out and "    base_profile: cpu-server-2s-epyc\n" in out
    assert "    power_is_estimate: yes\n" in out


# I: calibrate's hint for an id a bundled profile has leads somewhere that works -----------------------


def test_i_the_hint_for_a_bundled_id_is_not_circular(capsys, tmp_path):
    err = refused(capsys, *import_argv("--id", "a100-sxm-80gb"), needle="never stands for")
    assert "--id a100-sxm-80gb-cal" in err and "profiles/a100-sxm-80gb.toml to replace" not in err
    refused(capsys, *import_argv("--id", "a100-sxm-80gb", "--out", str(PROFILES_DIR / "calibrated" / "a100-sxm-80gb.toml")),
            needle="give --id another value")
    # the way out works: another id
    code, _, _ = run(capsys, *import_argv("--id", "a100-sxm-80gb-cal", "--out", str(tmp_path / "a.toml")))
    assert code == 0
    # a file outside profiles/ is no way round it (calibrate audit: a CPU measurement written as
    # ./h100-sxm.toml then counted as an H100 beside a preset, and its JSON said "hardware": "h100-sxm")
    refused(capsys, *import_argv("--id", "a100-sxm-80gb", "--out", str(tmp_path / "b.toml")), needle="never stands for")
    assert not (tmp_path / "b.toml").exists()


def test_b_kv_heads_are_copied_when_devices_outnumber_them(capsys):
    """7B with mistral-7b's shape (32 heads, 8 KV heads) on 32 devices: each KV head is held 4 times,
    so the largest batch is (usable − weights) ÷ (4 × KV per sequence), not ÷ KV per sequence."""
    from estimator.core.serving import kv_replication
    from estimator.core.serving_memory import serving_footprint as footprint
    rep = limits.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e6, devices=32)
    r, arch = rep.result, rep.result.architecture
    assert (arch.heads, arch.kv_heads) == (32, 8) and kv_replication(arch, 32) == 4
    per_seq = (r.prompt_tokens + r.tokens_per_query) * arch.kv_bytes_per_token(16) / 1e9
    usable = 32 * 80 * 0.9
    assert r.max_batch_size == int((usable - 14.0) // (4 * per_seq)) == 8753
    fp = footprint(params=7e9, arch=arch, memory_gb_per_device=80, devices=8, batch=1, prompt_tokens=r.prompt_tokens,
                   output_tokens=r.tokens_per_query, weight_bits=16, kv_bits=16)
    assert fp.kv_gb_per_sequence == pytest.approx(per_seq)   # 8 devices, 8 KV heads: no copy
    refused(capsys, "inference", "--model", "qwen2-7b", "--hardware", "a100-sxm-80gb", "--tokens", "1e6", "--devices", "7",
            needle="the tensor-parallel degree 7 and the 4 KV heads must divide one another")


def test_b_a_compressed_model_that_fits_the_devices_given_is_not_refused_for_its_baseline():
    """4-bit Llama 3.1 70B fits one H100 (35 GB); its 16-bit baseline does not: the baseline row
    runs on the fewest devices that hold it, and the report is not refused."""
    rep = limits.inference_report(hardware="h100-sxm", model="llama-3.1-70b", tokens=1e6, devices=1, bits=4)
    assert rep.result.devices == 1
    rows = {t.name: t for t in rep.techniques}
    assert rows["baseline"].result.devices == 2 and rows["quantization-4bit"].result.devices == 1
    refused_before = limits.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e6, devices=1, kv_bits=8,
                                             batch_size=1000)
    assert refused_before.result.devices == 1


def test_b_a_derived_device_count_is_not_labelled_as_given():
    auto = limits.inference_report(hardware="h100-sxm", model="llama-3.1-70b", tokens=1e7, batch_size=64)
    a = auto.result.estimate.assumption("devices")
    assert (a.value, a.origin) == (4, "derived") and "power of two" in a.source
    given = limits.inference_report(hardware="h100-sxm", model="llama-3.1-70b", tokens=1e7, batch_size=64, devices=8)
    assert given.result.estimate.assumption("devices").origin == "user"


def test_b_chip_words_follow_the_device_kind(capsys):
    for hardware, chip in (("tpu-v4", "TPU"), ("cpu-server-2s-epyc", "CPU"), ("a100-sxm-80gb", "GPU")):
        rep = limits.inference_report(hardware=hardware, params=1e9, tokens=1e6)
        assert rep.result.chip == chip
        assert any(n.startswith("time per output token") and f"= {chip} " in n for n in rep.result.notes)


def test_b_links_of_capped_and_pcie3_devices():
    from estimator.core.serving import FALLBACK_LINK_GB_PER_S, link_for
    from estimator.io.datafiles import default_profiles
    p = default_profiles()
    assert link_for(p.get("h800"))[0] == link_for(p.get("a800"))[0] == 200.0  # 400 GB/s total, half each way
    for pcie3 in ("t4", "v100-pcie", "k80"):                                 # slower than the PCIe 4.0 fallback
        assert link_for(p.get(pcie3))[0] == 15.75 < FALLBACK_LINK_GB_PER_S
    assert link_for(p.get("tpu-v5p")) == (600.0, p.get("tpu-v5p").link_source)  # 1,200 GB/s ICI, half each way
    link, source = link_for(p.get("mi300x"))                               # no [interconnect]: the fallback, said so
    assert link == FALLBACK_LINK_GB_PER_S and "states no link" in source


def test_b_savings_without_a_price_give_energy_per_query(capsys):
    assert main(["inference", "--params", "7e9", "--hardware", "mi300x", "--tokens", "1e6"]) == 0
    rows = [r for r in capsys.readouterr().out.splitlines() if r.startswith("saves:")]
    assert rows and all(r.endswith("Wh less per query") and "n/a" not in r for r in rows)
