"""The CLI robustness audit's findings (2026-11-25, 1,395 scripted cases): each refused with exit 2 and
one line naming the option, or answered as the README says."""

from __future__ import annotations

import csv

import pytest
from robustness_helpers import refused, run

from estimator import estimate
from estimator.cli.main import main
from estimator.core.base import bounds as B
from estimator.core.base.errors import InputError, ResultOutOfBounds
from estimator.io.datafiles import PROFILES_DIR
from estimator.services.limits import reports as limits

CSV = PROFILES_DIR.parent / "tests" / "data" / "codecarbon" / "emissions_codecarbon_3.3.2.csv"


# D1: a result past the device-hours a time given directly may reach ----------------------------------


def test_j_a_huge_but_finite_answer_is_printed_up_to_the_device_hours_bound(capsys):
    code, out, err = run(capsys, "estimate", "--flops", "1e28", "--hardware", "gtx-580")
    assert code == 0 and err == ""
    assert "Training time  668 million years" in out  # the README's example, as printed
    # past the bound a time given directly must meet (CLI audit: printed 6.68 trillion years, and with
    # --hours 1e8 --devices 1e7 10^15 device-hours, which --device-hours refuses)
    for argv in (("--flops", "1e32", "--hardware", "gtx-580"), ("--flops", "1e27", "--utilization", "1e-6"),
                 ("--hours", "1e8", "--devices", "10000000")):
        code, out, err = run(capsys, "estimate", *argv)
        assert code == 2 and out == "" and err.count("\n") == 1, argv
        assert err.startswith("error: the run would take ") and "more than the 10¹⁴ an estimate covers" in err


def test_a_run_under_one_device_millisecond_is_refused_by_the_cli_and_the_api_alike(capsys):
    # the bound's low end (API review 2026-12-02: `--flops 1` printed a training time of 1.53 × 10⁻¹⁴ s)
    for argv, flags in ((("--flops", "1"), "(--flops)"), (("--params", "10", "--tokens", "10"), "(--params, --tokens)"),
                        (("--flops", "1e11", "--hardware", "b200", "--precision", "fp4"), "(--flops)")):
        code, out, err = run(capsys, "estimate", *argv)
        assert code == 2 and out == "" and err.count("\n") == 1, argv
        assert "less than the one device-millisecond an estimate covers: give a larger workload" in err
        assert err.rstrip().endswith(flags)
    with pytest.raises(InputError, match="1.53 × 10⁻¹⁴ device-seconds, less than the one device-millisecond"):
        estimate(flops=1)
    # a millisecond's work is estimated: 10¹² FLOPs on an H100 at the fitted share take 15.3 ms
    assert estimate(flops=1e12).wall_clock_s == pytest.approx(0.0153, rel=0.01)


@pytest.mark.parametrize("command, argv, names", [
    ("estimate", ("--layers", "96", "--d-model", "12288", "--vocab", "50000", "--context", "2048", "--tokens", "1e15",
                  "--hardware", "gtx-580", "--utilization", "0.0001"),
     "(--layers, --d-model, --context, --vocab, --tokens, --utilization)"),
    ("compare", ("--hardware", "gtx-580", "--forward-flops", "1e18", "--examples", "1e12", "--epochs", "10",
                 "--utilization", "0.001"), "(--forward-flops, --examples, --epochs, --utilization)")])
def test_the_bound_names_the_architecture_or_network_the_flops_came_from(capsys, command, argv, names):
    # not --flops, which was never given (weak item of the sixth session's note)
    code, out, err = run(capsys, command, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("error: the run would take ") and err.rstrip().endswith(names) and "--flops" not in err


def test_a_split_whose_training_is_past_the_bound_keeps_the_split_and_says_why():
    model, est, omitted = limits.flops_model(1e31, "gtx-580")  # ~10^16 GTX 580-hours
    assert est is None and model.params_opt > 0
    assert omitted.startswith("time, energy, CO₂e and cost are not estimated: the run would take")
    with pytest.raises(ResultOutOfBounds):
        limits.estimate_flops(1e31, "gtx-580")


# D2: a power per device past what the hardware's kind may draw ----------------------------------------

@pytest.mark.parametrize("argv", [("estimate", "--flops", "1e21", "--power-w", "1e8"),
                                  ("estimate", "--flops", "1e21", "--power-w", "1"),
                                  ("inference", "--model", "llama-3.1-8b", "--tokens", "1e6", "--power-w", "1e8")])
def test_a_power_a_gpu_cannot_draw_is_refused(capsys, argv):
    refused(capsys, *argv, needle="is outside what a GPU may draw (2–20,000 W per device")
    assert main(["estimate", "--flops", "1e21", "--power-w", "500"]) == 0  # a GPU's power still runs


def test_a_whole_systems_power_stays_allowed_on_a_system(capsys):
    assert main(["estimate", "--preset", "alphago-vs-brain"]) == 0  # ≈1 MW: its kind's limits are the shared ones


# D3, D4: a CodeCarbon log calibrates a GPU or a CPU, the one it measured --------------------------------

def _gpu_log(tmp_path):
    with CSV.open(newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:  # every run of the log on 8 GPUs
        row.update(gpu_energy="1e-3", gpu_count="8", gpu_model="8 x NVIDIA H100 80GB HBM3", gpu_power="300")
    path = tmp_path / "gpu.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.mark.parametrize("base", ["brain", "alphago-2016", "tpu-v4"])
def test_a_codecarbon_log_is_not_calibrated_onto_a_brain_a_system_or_a_tpu(capsys, tmp_path, base):
    refused(capsys, "calibrate", "--from-codecarbon", str(CSV), "--flops", "1e12", "--base", base,
            "--out", str(tmp_path / "o.toml"), needle="a CodeCarbon log measures GPUs and CPUs")
    assert not (tmp_path / "o.toml").exists()


def test_a_gpu_runs_log_is_not_calibrated_as_a_cpu(capsys, tmp_path):
    refused(capsys, "calibrate", "--from-codecarbon", str(_gpu_log(tmp_path)), "--flops", "1e12", "--base",
            "cpu-server-2s-epyc", "--out", str(tmp_path / "o.toml"), needle="ran on 8 GPU(s)")
    assert main(["calibrate", "--from-codecarbon", str(_gpu_log(tmp_path)), "--flops", "1e15", "--base", "h100-sxm",
                 "--id", "h100-from-log", "--out", str(tmp_path / "g.toml")]) == 0


def test_a_meter_option_with_an_imported_log_is_refused_not_ignored(capsys, tmp_path):
    refused(capsys, "calibrate", "--from-codecarbon", str(CSV), "--flops", "1e12", "--base", "cpu-server-2s-epyc",
            "--backend", "nvml", "--out", str(tmp_path / "o.toml"), needle="--backend sets the meter")


# D5, D6: the message names the option, in words ----------------------------------------------------------

def test_a_count_that_is_no_number_says_so(capsys):
    refused(capsys, "estimate", "--flops", "1e21", "--year", "abc", needle="--year: expected a whole number, got 'abc'")


@pytest.mark.parametrize("argv, flag", [
    (("estimate", "--layers", "24", "--d-model", "1024", "--vocab", "50000", "--tokens", "1e9", "--context", "nan"),
     "(--context)"),
    (("estimate", "--forward-flops", "nan", "--examples", "1e6", "--epochs", "1"), "(--forward-flops)"),
    (("scaling", "diminishing", "--exponent", "0.001"), "(--exponent, --current-error, --target-error)"),
    (("scaling", "diminishing", "--current-error", "5", "--target-error", "5"), "(--target-error, --current-error)")])
def test_each_refusal_names_its_option(capsys, argv, flag):
    assert refused(capsys, *argv).rstrip().endswith(flag)


# D7, D9, D10: names ------------------------------------------------------------------------------------

def test_a_near_miss_of_a_preset_or_model_gets_a_suggestion(capsys):
    refused(capsys, "estimate", "--preset", "GPT3-175B", needle="did you mean gpt3-175b?")
    refused(capsys, "inference", "--model", " llama-2-7b", "--tokens", "1e6", needle="did you mean llama-2-7b?")


def test_a_model_alone_says_what_is_missing_and_an_unknown_one_is_named(capsys):
    refused(capsys, "estimate", "--model", "nope", needle="unknown model 'nope'")
    assert main(["estimate", "--model", "llama-2-7b", "--tokens", "2e12"]) == 0


@pytest.mark.parametrize("workload", [("--model", "mixtral-8x7b"),
                                      ("--layers", "32", "--d-model", "4096", "--heads", "32", "--vocab", "32000",
                                       "--seq-len", "4096")])
def test_a_run_with_no_tokens_given_or_published_takes_an_illustrative_count(capsys, workload):
    """Review 2026-11-30: a layout's step asked of a model that publishes no training tokens (Mixtral 8x7B) or of an
    architecture had been refused for want of tokens the step does not use. The illustrative 2 × 10¹² (Llama 2's) is
    taken, said: the step, the memory and the per-token figures are those of any tokens, the totals those of 2 × 10¹²."""
    import json
    args = ["estimate", *workload, "--hardware", "h100-sxm", "--devices", "64", "--format", "json"]
    assert main(args) == 0
    alone = json.loads(capsys.readouterr().out)
    assert main([*args, "--tokens", "2e12"]) == 0
    same = json.loads(capsys.readouterr().out)
    assert main([*args, "--tokens", "5e12"]) == 0
    more = json.loads(capsys.readouterr().out)
    note = next(n for n in alone["notes"] if n.startswith("tokens: "))
    assert note.startswith("tokens: 2 × 10¹², illustrative (Llama 2's pretraining tokens, Touvron et al. 2023, "
                           "arXiv:2307.09288, Table 1; none given")
    assert ("Mixtral 8x7B" in note) == ("--model" in workload)
    assert not any(n.startswith("tokens: ") for n in same["notes"] + more["notes"])
    rates = ("tokens_per_s_per_device", "mfu", "seconds", "layout", "parts", "range")
    assert [alone["step"][k] for k in rates] == [same["step"][k] for k in rates] == [more["step"][k] for k in rates]
    assert alone["memory"] == more["memory"]
    assert alone["wall_clock_s"] == same["wall_clock_s"]
    assert more["wall_clock_s"] == pytest.approx(2.5 * alone["wall_clock_s"], rel=1e-9)
    assert alone["energy_kwh"] == same["energy_kwh"]


def test_a_model_alone_is_its_published_pretraining_run(capsys):
    """Serving review 2026-11-30: `estimate --model llama-2-7b` had been refused for want of tokens the catalog holds.
    The published tokens (2T, Llama 2 Table 1) are taken, said in a note and among the assumptions' sources; the
    figures are those of the tokens given."""
    import json
    args = ["estimate", "--model", "llama-2-7b", "--hardware", "a100-sxm-80gb", "--devices", "64", "--format", "json"]
    assert main(args) == 0
    alone = json.loads(capsys.readouterr().out)
    assert main([*args, "--tokens", "2e12"]) == 0
    given = json.loads(capsys.readouterr().out)
    assert alone["flops"] == given["flops"] == pytest.approx(6 * 6.738e9 * 2e12, rel=1e-3)
    assert alone["wall_clock_s"] == given["wall_clock_s"]
    said = [n for n in alone["notes"] if n.startswith("tokens: 2 × 10¹², Llama 2 7B's training tokens as published")]
    assert said and not any(n.startswith("tokens: ") for n in given["notes"])


def test_validate_given_an_id_points_to_show(capsys):
    code, out, _ = run(capsys, "profiles", "validate", "h100-sxm")
    assert code == 2 and "validate takes files; `python -m estimator profiles show h100-sxm` shows it" in out


# D11, D13, D16: one bound everywhere -------------------------------------------------------------------------

def test_a_trend_starts_in_a_year_an_estimate_takes(capsys):
    refused(capsys, "scaling", "trend", "--start-year", "2200", needle="at most 2100")
    assert B.TREND_START_YEAR.high == B.YEAR.high


def test_a_sequence_longer_than_the_architectures_context_is_refused(capsys):
    refused(capsys, "estimate", "--layers", "24", "--d-model", "1024", "--context", "2048", "--vocab", "50000",
            "--tokens", "1e9", "--seq-len", "1000000",
            needle="the sequence length 10⁶ is longer than the architecture's context 2048: give a sequence within the "
                   "context, or a longer context (--seq-len, --context)")


def test_the_scaling_laws_bound_is_one_a_split_can_reach(capsys):
    assert B.SCALING_FLOPS.high == 6 * B.PARAMS.high * B.TOKENS.high  # no split passes 6·N·D at both bounds
    refused(capsys, "scaling", "chinchilla", "--flops", "1e35", needle="at most 6 × 10³³ FLOPs")


# D12: a profile file is used as `profiles validate` judges it ------------------------------------------------

def test_a_profile_file_validate_calls_broken_is_refused_everywhere(capsys, tmp_path):
    copy = tmp_path / "copy.toml"
    copy.write_text((PROFILES_DIR / "h100-sxm.toml").read_text())
    for argv in (("estimate", "--flops", "1e21", "--hardware", str(copy)), ("profiles", "show", str(copy))):
        refused(capsys, *argv, needle="is the id of the bundled profile profiles/h100-sxm.toml")
    text = tmp_path / "h100.txt"
    text.write_text((PROFILES_DIR / "h100-sxm.toml").read_text())
    refused(capsys, "estimate", "--flops", "1e21", "--hardware", str(text), needle="a profile is a .toml file")


# D15: tokens served are whole ------------------------------------------------------------------------------

def test_a_fraction_of_a_served_token_is_refused_as_other_counts_are(capsys):
    refused(capsys, "inference", "--model", "llama-3.1-8b", "--tokens", "1000.5", "--tokens-per-query", "100",
            needle="tokens must be a whole number, got 1000.5 (--tokens)")


# The review of these fixes: every path to the device-hours bound names the inputs that set the workload -------

def test_a_split_past_the_estimates_flops_on_several_devices_keeps_the_split(capsys):
    code, out, err = run(capsys, "scaling", "chinchilla", "--flops", "3e33", "--hardware", "h100-sxm", "--devices", "8")
    assert code == 0 and err == "" and "not estimated past 10³² FLOPs" in out  # it checked 1 FLOP on 8 devices
    refused(capsys, "scaling", "chinchilla", "--flops", "3e33", "--hardware", "no-such-gpu", needle="unknown hardware")


@pytest.mark.parametrize("argv, needle", [
    (("scaling", "chinchilla", "--budget-kwh", "1e15", "--hardware", "gtx-580"),
     "the budget of 10¹⁵ kWh buys a run of 4.13 × 10¹⁵ device-hours, more than the 10¹⁴ an estimate covers: give a "
     "smaller budget (--budget-kwh)"),
    (("scaling", "diminishing", "--exponent", "0.03", "--hardware", "gtx-580"),
     "aim at a nearer target error, give a larger exponent or smaller base FLOPs (--base-flops, --target-error, "
     "--exponent)"),
    (("scaling", "trend", "--flops", "1e32", "--hardware", "v100-sxm2"), "give fewer FLOPs (--flops)"),
    (("estimate", "--params", "1e15", "--tokens", "1e16", "--hardware", "gtx-580"),
     "give a smaller workload or a higher utilisation (--params, --tokens, --utilization)"),
    (("estimate", "--flops", "1e21", "--hardware", "gaudi3", "--power-w", "1e6"), "outside what an accelerator may draw"),
    (("scaling", "trend", "--start-year", "2100", "--years", "27"), "past 2100, the last year a run may have")])
def test_each_path_past_a_bound_names_what_the_user_gave(capsys, argv, needle):
    refused(capsys, *argv, needle=needle)


def test_the_limits_page_names_the_budget_and_the_target_not_a_flops_input():
    pytest.importorskip("streamlit")
    from apptest_pages import shared_page
    at = shared_page("limits", {"lim_budget": "kWh", "lim_kwh": "1e14", "lim_hw": "v100-sxm2"})
    shown = " ".join(e.value.replace("\\", "") for e in at.error)
    assert "give a smaller budget" in shown and "Training FLOPs" not in shown


def test_the_diminishing_tab_names_its_own_inputs_past_the_bound():
    pytest.importorskip("streamlit")
    from apptest_pages import shared_page
    at = shared_page("limits", {"lim": "Diminishing returns", "dr_k": "0.027", "lim_hw": "v100-sxm2"})
    shown = " ".join(e.value.replace("\\", "") for e in at.error)
    assert shown.endswith("(inputs: Base compute to multiply (FLOPs), Target error (%), Exponent k)")


def test_a_plan_of_a_model_alone_is_its_published_pretraining_run(capsys):
    """As `estimate` takes it: the published tokens, said; a model that publishes none is refused naming that."""
    import json
    args = ["plan", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--devices", "64", "--format", "json"]
    assert main(args) == 0
    alone = json.loads(capsys.readouterr().out)
    assert main([*args, "--tokens", "15e12"]) == 0
    given = json.loads(capsys.readouterr().out)
    assert alone["tokens"] == given["tokens"] == 15e12 and alone["layouts"] == given["layouts"]
    assert alone["notes"][0].startswith("tokens: 1.5 × 10¹³, Llama 3.1 8B's training tokens as published")
    assert (alone["tokens_of"], given["tokens_of"]) == ("model:llama-3.1-8b", "given")
    # a model that publishes none: the illustrative count ranks the layouts as any tokens would; a deadline or a
    # budget is the run's tokens' to meet, so there they are asked for
    args = ["plan", "--model", "mixtral-8x7b", "--hardware", "h100-sxm", "--devices", "64", "--format", "json"]
    assert main(args) == 0
    alone = json.loads(capsys.readouterr().out)
    assert main([*args, "--tokens", "8e12"]) == 0
    given = json.loads(capsys.readouterr().out)
    assert (alone["tokens"], alone["tokens_of"], given["tokens_of"]) == (2e12, "illustrative", "given")
    assert alone["notes"][0].startswith("tokens: 2 × 10¹², illustrative (Llama 2's pretraining tokens")
    assert ([r["layout"] for r in alone["layouts"]] == [r["layout"] for r in given["layouts"]])
    refused(capsys, "plan", "--model", "mixtral-8x7b", "--deadline-days", "30",
            needle="a plan to a deadline or a budget needs the run's tokens (mixtral-8x7b publishes none) (--tokens)")


@pytest.mark.parametrize("argv", [("estimate", "--flops", "1e21"), ("inference", "--model", "llama-3.1-8b"),
                                  ("plan", "--model", "llama-3.1-8b", "--tokens", "1e12", "--devices", "8")])
def test_a_cloud_instance_as_the_hardware_is_refused_with_its_part_and_its_devices(capsys, argv):
    """Review 2026-12-01: 'p5.48xlarge' read as unknown hardware (cpu-server-2s-epyc or tpu-v5p offered)."""
    refused(capsys, *argv, "--hardware", "p5.48xlarge",
            needle="names AWS's p5.48xlarge instance, 8 × h100-sxm: give the part as the hardware (h100-sxm)")
