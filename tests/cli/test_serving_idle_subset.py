"""A device count no tensor-parallel degree divides usefully: the subset that serves more, named (serving-engineer
review 2026-11-30: a 70B model at 8 bits on 3 H100s was answered as 3 one-device replicas, 3,470 tokens/s, where 2 of
them in tensor parallelism serve 6,120; 405B on 12 H100s was refused with no word that 8 of them serve it)."""

import re

from estimator.cli import main

BASE = ["inference", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--bits", "8", "--batch-size", "max",
        "--tokens", "1e9"]


def _tokens_per_s(out: str) -> float:
    return float(re.search(r"^throughput\s+([\d,]+) tokens/s", out, re.M).group(1).replace(",", ""))


def test_three_devices_name_two_of_them_in_tensor_parallelism_and_that_subset_serves_what_it_says(capsys):
    assert main([*BASE, "--devices", "3"]) == 0
    out = capsys.readouterr().out
    m = re.search(r"2 of the 3 devices at tensor parallelism 2 × 1 replica \(1 device idle\) would serve ([\d,]+) "
                  r"tokens/s against these ([\d,]+).*?give 2 devices at that degree to take it", out)
    assert m, out
    named, these = (float(x.replace(",", "")) for x in m.groups())
    assert named > 1.5 * these
    assert main([*BASE, "--devices", "2", "--tp", "2"]) == 0
    assert abs(_tokens_per_s(capsys.readouterr().out) / named - 1) < 0.01  # what it names is what that answers


def test_a_count_the_best_degree_divides_names_no_subset(capsys):
    assert main([*BASE, "--devices", "4"]) == 0
    assert "idle) would serve" not in capsys.readouterr().out


def test_a_refused_count_names_the_subset_that_serves(capsys):
    args = ["inference", "--model", "llama-3.1-405b", "--hardware", "h100-sxm", "--bits", "8", "--batch-size", "max",
            "--tokens", "1e9"]
    assert main([*args, "--devices", "12"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert "8 of the 12 devices at tensor parallelism 8 × 1 replica (4 devices idle) would serve" in err
    assert "give 8 devices at that degree to take it" in err
    assert main([*args, "--devices", "8", "--tp", "8"]) == 0


def test_a_bound_no_dividing_degree_meets_names_the_subset_that_does(capsys):
    """Diff review 2026-11-30: 3 H100s under a 25 ms TPOT were refused where 2 of them at TP 2 serve it."""
    assert main([*BASE[:-4], "--tokens", "1e9", "--devices", "3", "--tpot-ms", "25"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2 of the 3 devices at tensor parallelism 2" in err and "within the bound" in err
    assert main([*BASE[:-4], "--tokens", "1e9", "--devices", "2", "--tp", "2", "--tpot-ms", "25"]) == 0


def test_a_count_with_a_slower_subset_names_none(capsys):
    """Six devices: a subset at TP 4 exists (4 of 6) but serves less than 3 replicas of TP 2 on all six."""
    assert main([*BASE, "--devices", "6"]) == 0
    assert "idle) would serve" not in capsys.readouterr().out


def test_a_refusal_counts_one_kv_head_in_the_singular(capsys):
    """API review 2026-11-30: DeepSeek-V3's refusal read "the 1 KV heads" (latent attention, one KV head). Since the
    serving review of the same day a latent-attention mixture's refusal names its experts, not its one KV head; a model
    with one KV head that is dense still counts it in the singular."""
    from estimator.core.serving.notes import counted
    assert counted(1, "KV head") == "1 KV head" and counted(8, "KV head") == "8 KV heads"
    # (and since redundant experts, 2026-11-30, DeepSeek-V3 on 6 H200s at 8 bits serves in one group of 6: no refusal)
    assert main(["inference", "--model", "deepseek-v3", "--hardware", "h200-sxm", "--bits", "8", "--tokens", "1e9",
                 "--devices", "6"]) == 0
    assert "6 devices in expert parallelism" in capsys.readouterr().out
