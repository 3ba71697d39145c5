"""Serving-engineer review 2026-12-02: the words of two messages."""

from __future__ import annotations

from estimator.cli import main


def test_a_fractional_output_count_is_grouped_as_the_whole_ones_are(capsys):
    # a dataset's mean output (MLPerf's) is fractional: "1278.2" had stood beside "150,000"
    assert main(["inference", "--model", "gpt-oss-120b", "--prompt-tokens", "130000", "--tokens-per-query",
                 "1500.5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: a query of 130,000 prompt and 1,500.5 output tokens is longer than gpt-oss-120b's "
                          "context window of 131,072 tokens") and err.count("\n") == 1


def test_a_tpot_bound_met_at_the_centre_names_the_p99_each_steady_tpot_implies(capsys):
    # "(a steady TPOT of 13.8 ms, 0.69 of 19.9 ms)" had read as a share of the 20 ms bound
    assert main(["inference", "--model", "llama-3.1-8b", "--devices", "1", "--tpot-ms", "20"]) == 0
    out = capsys.readouterr().out
    (line,) = [x for x in out.splitlines() if "TPOT bound (a p99) is met at the centre" in x]
    steady = float(line.split("a steady TPOT of ")[1].split(" ms")[0])
    p99 = float(line.split(", a p99 of ")[1].split(" ms")[0])
    share = float(line.split(" ms at ")[1].split(" of it")[0])
    assert p99 <= 20.0 and abs(steady / p99 - share) < 0.01
