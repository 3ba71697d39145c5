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
from estimator.core.base.errors import InputError
from estimator.io.datafiles import PROFILES_DIR, default_profiles
from estimator.services import api
from estimator.services.limits import reports as limits
from estimator.services.serving import inference as serving

ROOT = Path(__file__).resolve().parents[2]
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
    # since issue 54 --devices counts devices in all (3 serve as 3 replicas of tensor parallel 1); the degree is --tp
    (["inference", "--model", "llama-2-7b", "--tokens", "1e6", "--tp", "3"],
     "the tensor-parallel degree 3 must divide the 32 attention heads (--tp)"),
    (["inference", "--model", "llama-2-7b", "--tokens", "1e6", "--tp", "64"],
     "the tensor-parallel degree 64 must divide the 32 attention heads"),
    # a count the degree does not divide serves in the replicas it holds, the rest idle (2026-11-30); fewer, refused
    (["inference", "--model", "llama-2-7b", "--tokens", "1e6", "--tp", "4", "--devices", "3"],
     "3 devices are fewer than the tensor-parallel degree 4: give at least that many (--devices, --tp)"),
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
    from estimator.core.serving.estimate import tensor_parallel_problem
    from estimator.core.serving.memory import serving_footprint as footprint
    rep = serving.inference_report(hardware=hardware, model=model, tokens=1e6, devices=None, batch_size=batch)
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
    (["scaling", "chinchilla", "--flops", "1e22", "--devices", "8"],
     "given without the hardware it describes: give the hardware too (what the FLOPs run on), or leave the setting out "
     "(--devices, --hardware;"),
    (["scaling", "chinchilla", "--flops", "1e22", "--utilization", "0.3"], "leave the setting out (--utilization, --hardware;"),
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
    """--recompute with --activation-recompute full: the devices execute 8·N·D, the time comes from 6·N·D (the
    fitted utilisation counts model FLOPs), and the memory is full recomputation's. The JSON's own fields give
    the time back (audit: from ``flops`` alone it missed by 25%)."""
    code, out, _ = run(capsys, "estimate", "--params", "7e9", "--tokens", "1e12", "--recompute",
                       "--activation-recompute", "full", "--hardware", "h100-sxm", "--devices", "8", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["flops"] == pytest.approx(8 * 7e9 * 1e12) and d["time_flops"] == pytest.approx(6 * 7e9 * 1e12)
    peak = default_profiles().profiles["h100-sxm"].peak()
    # a recomputation given is kept and the planner chooses the rest of the layout: the time is the step model's
    # (issue 53), its share of peak for 6·N·D
    assert d["utilization"]["origin"] == "step" and d["step"]["layout"]["recompute"] == "full"
    assert d["wall_clock_s"] == pytest.approx(d["time_flops"] / (peak * d["utilization"]["value"] * d["devices"]))
    assert d["achieved_flops_per_s_per_device"] == pytest.approx(d["flops"] / d["wall_clock_s"] / d["devices"])  # executed
    assert d["memory"]["strategy"]["recompute"] == "full"
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


# As a user's shell runs them (a fresh interpreter each: its own flush at exit must not fail a second time) ...
@pytest.mark.parametrize("command, env, needle", [
    (f"{PY} estimate --preset gpt3-175b >&-", None, "standard output is closed"),
    (f"{PY} estimate --preset gpt3-175b > /dev/full", None, "cannot write the output: No space left on device"),
])
@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_j_unwritable_output_is_one_error_line_and_exit_1(command, env, needle):
    if "/dev/full" in command and not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    proc = _shell(command, env)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def _closed():
    return None  # what Python sets sys.stdout to when started with stdout closed (`>&-`)


def _full():
    return open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115 (closed by the test)


def _ascii():
    return open(os.devnull, "w", encoding="ascii")  # noqa: SIM115 (what PYTHONIOENCODING=ascii makes of stdout)


# ... and other commands in this process, stdout replaced by what that shell would have given the interpreter
@pytest.mark.parametrize("argv, stdout, needle", [
    (["inference", "--model", "llama-2-7b", "--tokens", "1e6"], _closed, "standard output is closed"),
    (["presets"], _full, "cannot write the output: No space left on device"),
    (["estimate", "--preset", "gpt3-175b"], _ascii, "encoding 'ascii' cannot write"),
])
def test_j_unwritable_output_in_this_process(capsys, monkeypatch, argv, stdout, needle):
    if stdout is _full and not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    stream = stdout()
    monkeypatch.setattr(sys, "stdout", stream)
    try:
        code = main(argv)
    finally:
        monkeypatch.undo()
        if stream is not None:
            stream.close()  # main pointed a failed stdout's descriptor at /dev/null: its flush succeeds
    err = capsys.readouterr().err
    assert code == 1, (code, err)
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert needle in err and "Traceback" not in err


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_j_a_reader_that_stops_reading_is_not_an_error():
    proc = _shell(f"{PY} compare --flops 1e20 | head -1; exit ${{PIPESTATUS[0]}}")
    # stderr holds the table's notes (what its rows do not share), nothing of the closed pipe
    assert proc.returncode == 0 and proc.stdout.startswith("hardware")
    assert all(line.startswith("note: ") for line in proc.stderr.splitlines()), proc.stderr


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
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
    # an underflow, refused as one where its bound is open at 0 too (API review 2026-11-30)
    (["scaling", "chinchilla", "--budget-usd", "1e-300", "--hardware", "h100-sxm"], "is an underflow or a typo, and the "
     "arithmetic on it is not meaningful), got 10⁻³⁰⁰ (--budget-usd)"),
    (["scaling", "chinchilla", "--budget-usd", "1e-6", "--hardware", "h100-sxm"], "the scaling law covers"),
    (["estimate", "--forward-flops", "1e9", "--examples", "1e6", "--epochs", "1e-320", "--hardware", "h100-sxm"],
     "got 10⁻³²⁰ (--epochs)"),
    (["estimate", "--forward-flops", "1", "--examples", "1", "--epochs", "1e-9", "--hardware", "h100-sxm"],
     "(--forward-flops, --examples, --epochs)"),
    (["inference", "--params", "1e7", "--tokens", "1e6", "--student-params", "0.5"], "(--student-params)"),
])
def test_g_errors_name_the_flags_that_were_given(capsys, argv, needle):
    err = refused(capsys, *argv, needle=needle)
    assert "(--flops)" not in err


def test_g_an_illustrative_row_a_tiny_model_cannot_take_is_left_out(capsys):
    # 3e6 parameters: one layer of the smallest catalog width (GPT-3 Small's 768: 2.36e6 in attention), so no 0.6 × N
    # student fits
    code, out, err = run(capsys, "inference", "--params", "3e6", "--tokens", "1e6")
    assert code == 0 and err == ""
    assert "illustrative distillation left out: the student's 1.8 × 10⁶ parameters cannot fill 1 layer" in out
    rep = serving.inference_report(hardware="a100-sxm-80gb", params=3e6, tokens=1e6)
    assert "distillation" not in [t.name for t in rep.techniques]
    full = serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9, bits=8)
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
