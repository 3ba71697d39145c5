"""The CLI contract's serving defects (B of the command-line probe, tests/cli/test_cli_contract.py): KV heads
copied across devices, a compressed model's baseline, derived device counts, chip words, device links,
savings without a price."""

from __future__ import annotations

import pytest
from robustness_helpers import refused

from estimator.cli.main import main
from estimator.services.serving import inference as serving


def test_b_kv_heads_are_copied_when_devices_outnumber_them(capsys):
    """7B with mistral-7b's shape (32 heads, 8 KV heads) on 32 devices: each KV head is held 4 times,
    so the largest batch is (usable − weights) ÷ (4 × KV per sequence), not ÷ KV per sequence."""
    from estimator.core.serving.memory import serving_footprint as footprint
    from estimator.core.serving.weights import kv_replication
    # tp, not devices: devices are all the replicas together (issue 54), the degree is --tp
    rep = serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e6, tp=32)
    r, arch = rep.result, rep.result.architecture
    assert (arch.heads, arch.kv_heads) == (32, 8) and kv_replication(arch, 32) == 4
    # a paged engine holds each sequence at prompt + half its output on average
    per_seq = (r.prompt_tokens + r.tokens_per_query / 2) * arch.kv_bytes_per_token(16) / 1e9
    usable = 32 * 85.9 * 0.9  # the A100 80GB's 81,920 MiB (profiles/a100-sxm-80gb.toml)
    assert r.max_batch_size == int((usable - 14.0) // (4 * per_seq)) == 14217
    fp = footprint(params=7e9, arch=arch, memory_gb_per_device=80, devices=8, batch=1, prompt_tokens=r.prompt_tokens,
                   output_tokens=r.tokens_per_query, weight_bits=16, kv_bits=16)
    assert fp.kv_gb_per_sequence == pytest.approx(per_seq)   # 8 devices, 8 KV heads: no copy
    refused(capsys, "inference", "--model", "qwen2-7b", "--hardware", "a100-sxm-80gb", "--tokens", "1e6", "--tp", "7",
            needle="the tensor-parallel degree 7 and the 4 KV heads must divide one another")


def test_b_a_compressed_model_that_fits_the_devices_given_is_not_refused_for_its_baseline():
    """4-bit Llama 3.1 70B fits one H100 (35 GB); its 16-bit baseline does not: the baseline row
    runs on the fewest devices that hold it, and the report is not refused."""
    rep = serving.inference_report(hardware="h100-sxm", model="llama-3.1-70b", tokens=1e6, devices=1, bits=4)
    assert rep.result.devices == 1
    rows = {t.name: t for t in rep.techniques}
    assert rows["baseline"].result.devices == 2 and rows["quantization-4bit"].result.devices == 1
    refused_before = serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e6, devices=1, kv_bits=8,
                                             batch_size=1000)
    assert refused_before.result.devices == 1


def test_b_a_derived_device_count_is_not_labelled_as_given():
    auto = serving.inference_report(hardware="h100-sxm", model="llama-3.1-70b", tokens=1e7, batch_size=64)
    a = auto.result.estimate.assumption("devices_per_replica")
    # 141 GB of weights and 64 sequences' KV cache: two H100s (2 × 85.52 GB × 0.9 = 154 GB usable)
    assert (a.value, a.origin) == (2, "derived") and "power of two" in a.source
    given = serving.inference_report(hardware="h100-sxm", model="llama-3.1-70b", tokens=1e7, batch_size=64, devices=8)
    g = given.result.estimate.assumption("devices_per_replica")
    # the estimate's devices are one replica's: the 8 given where one replica takes them all, else derived from them
    # (review 2026-11-26: TP 2 × 4 replicas of the 8 given had read "2 devices, given")
    assert g.source.startswith("8 devices (given)")
    assert g.origin == ("user" if g.value == 8 else "derived") and given.result.tp == g.value
    split = serving.inference_report(hardware="h100-sxm", model="llama-2-70b", tokens=1e7, batch_size="max", devices=8,
                                    bits=8)
    s = split.result.estimate.assumption("devices_per_replica")
    assert (split.result.tp, split.result.replicas, s.value, s.origin) == (2, 4, 2, "derived")
    # one replica's devices under their own name, all the devices given under `devices` (serving review 2026-11-27:
    # the JSON's `devices` 8 beside `assumptions.devices` 2); no second copy of the rule (`devices_rule` was one)
    doc = split.to_dict()
    # the count a replica takes is the tensor parallelism's, given once (contract audit 2026-12-01)
    assert doc["devices"] == 8 and doc["tp"] == 2 and doc["assumptions"]["devices_per_replica"]["value_at"] == "tp"
    assert "value" not in doc["assumptions"]["devices_per_replica"]
    assert "devices" not in doc["assumptions"] and "devices_rule" not in doc["assumptions"]


def test_b_chip_words_follow_the_device_kind(capsys):
    for hardware, chip in (("tpu-v4", "TPU"), ("cpu-server-2s-epyc", "CPU"), ("a100-sxm-80gb", "GPU")):
        rep = serving.inference_report(hardware=hardware, params=1e9, tokens=1e6)
        assert rep.result.chip == chip
        assert any(n.startswith("time per output token") and f"= {chip} " in n for n in rep.result.notes)


def test_b_links_of_capped_and_pcie3_devices():
    from estimator.core.serving.step import FALLBACK_LINK_GB_PER_S, link_for
    from estimator.io.datafiles import default_profiles
    p = default_profiles()
    assert link_for(p.get("h800"))[0] == link_for(p.get("a800"))[0] == 200.0  # 400 GB/s total, half each way
    for pcie3 in ("t4", "v100-pcie", "k80"):                                 # slower than the PCIe 4.0 fallback
        assert link_for(p.get(pcie3))[0] == 15.75 < FALLBACK_LINK_GB_PER_S
    assert link_for(p.get("tpu-v5p")) == (600.0, p.get("tpu-v5p").link_source)  # 1,200 GB/s ICI, half each way
    assert link_for(p.get("mi300x")) == (448.0, p.get("mi300x").link_source)  # 7 Infinity Fabric links × 64 GB/s each way
    link, source = link_for(p.get("a10g"))                                 # no [interconnect]: the fallback, said so
    assert link == FALLBACK_LINK_GB_PER_S and "states no link" in source


def test_b_savings_without_a_price_give_energy_per_query(capsys):
    assert main(["inference", "--params", "7e9", "--hardware", "h800", "--tokens", "1e6"]) == 0
    rows = [r for r in capsys.readouterr().out.splitlines() if r.startswith("saves vs baseline:")]
    assert rows and all(r.endswith("Wh less per query") and "n/a" not in r for r in rows)


def test_a_question_of_rates_needs_no_tokens_in_all(capsys):
    """Serving review 2026-11-30: `inference --model … --batch-size max` was refused for want of --tokens, though only
    the totals scale with them. None given: a billion (the app's illustrative default), said in a note; the rates and
    per-token figures are those of any tokens given, the totals scale with them."""
    import json
    args = ["inference", "--model", "llama2-70b", "--hardware", "h100-sxm", "--devices", "8", "--bits", "8",
            "--batch-size", "max", "--format", "json"]
    assert main(args) == 0
    none_given = json.loads(capsys.readouterr().out)
    assert main([*args, "--tokens", "1e6"]) == 0
    given = json.loads(capsys.readouterr().out)
    assert none_given["tokens"] == 1e9 and given["tokens"] == 1e6
    for key in ("tokens_per_s", "seconds_per_output_token", "joules_per_output_token", "node_power_w", "batch", "tp"):
        assert none_given[key] == given[key]
    assert none_given["energy_kwh"] == pytest.approx(1000 * given["energy_kwh"])
    assert any(n.startswith("tokens in all: 10⁹ (none given, illustrative)") for n in none_given["notes"])
    assert not any(n.startswith("tokens in all") for n in given["notes"])
    # the Python API takes the same default
    assert serving.inference_report(params=7e9).result.tokens == 1e9


def test_a_degree_given_that_does_not_divide_the_devices_serves_in_the_replicas_they_hold(capsys):
    """Serving review 2026-11-30: `--devices 12 --tp 8` was refused where `--devices 12` alone serves on 8 of them. The
    degree given serves in as many replicas as the devices hold, the rest idle, said and not counted: the figures are
    those of the devices that serve; an expert-parallel degree likewise."""
    import json
    base = ["inference", "--model", "llama-3.1-405b", "--hardware", "h100-sxm", "--bits", "8", "--format", "json"]
    assert main([*base, "--devices", "12", "--tp", "8"]) == 0
    twelve = json.loads(capsys.readouterr().out)
    assert main([*base, "--devices", "8", "--tp", "8"]) == 0
    eight = json.loads(capsys.readouterr().out)
    assert (twelve["tp"], twelve["replicas"], twelve["idle_devices"]) == (8, 1, 4)
    for key in ("tokens_per_s", "joules_per_output_token", "node_power_w", "cost_usd"):
        assert twelve[key] == pytest.approx(eight[key])
    assert any("the tensor-parallel degree given, 8, does not divide the 12" in n for n in twelve["notes"])
    r = serving.inference_report(model="deepseek-r1", hardware="b200", devices=12, ep=8, batch_size="max").result
    assert (r.ep, r.replicas, r.idle_devices) == (8, 1, 4)


def test_a_refusal_on_a_degree_that_does_not_divide_the_devices_says_which_of_them_it_took(capsys):
    """Diff review 2026-11-30: under a bound no replica meets, `--devices 12 --tp 8` was refused "of 8 × h100-sxm"
    with no word of the 12 given."""
    refused(capsys, "inference", "--model", "llama-3.1-405b", "--hardware", "h100-sxm", "--devices", "12", "--tp", "8",
            "--bits", "8", "--tpot-ms", "20",
            needle="(8 of the 12 devices given take replicas of the tensor-parallel degree 8, the other 4 idle)")


def test_replicas_that_would_straddle_racks_leave_those_devices_idle_where_that_serves_more():
    """Serving review 2026-11-30 (weak list): 80 GB200s served Llama 3.1 405B under a 50 ms TPOT at 12,900 tokens/s
    (TP 8 × 10), where 64 of them serve 14,700: TP 16 divides 80, but its fifth replica, laid out in order, spans two
    72-GPU racks and every replica was timed at that span. The replicas that fit whole in the racks serve, the rest
    idle: 80 devices serve what 64 do."""
    kw = dict(model="llama-3.1-405b", hardware="gb200", tpot_ms=50)
    whole, sixty_four, eighty, eighty_two = (serving.inference_report(**kw, devices=n).result
                                             for n in (144, 64, 80, 82))
    # two whole racks: the ninth replica of 16 would straddle them, so 128 serve, 8 whole replicas, 16 idle
    assert (whole.tp, whole.replicas, whole.idle_devices, whole.nodes_per_replica) == (16, 8, 16, 1)
    assert whole.tokens_per_s == pytest.approx(2 * sixty_four.tokens_per_s)
    # 80 fill no whole number of racks: taken as racks run in part, 64 and 16, every replica inside one (diff review
    # 2026-11-30: as the training step takes them; they had left 16 idle, as if laid out in order over full racks)
    assert (eighty.tp, eighty.replicas, eighty.idle_devices, eighty.nodes_per_replica) == (16, 5, 0, 1)
    assert eighty.tokens_per_s == pytest.approx(5 / 4 * sixty_four.tokens_per_s)
    # 82, which TP 16 does not divide: 80 of them serve
    assert (eighty_two.tp, eighty_two.idle_devices) == (16, 2)
    assert eighty_two.tokens_per_s == pytest.approx(eighty.tokens_per_s)


def test_b_a_figure_that_is_another_by_construction_is_given_once():
    """Contract audit 2026-12-01 (issue 54: no number under two names): at one carbon intensity the break-even in CO₂e
    is the energy's, and a saving in CO₂e or in energy per output token the energy's; the JSON gives each once and
    says so, a replica's devices under expert parallelism point to `ep`."""
    doc = serving.inference_report(hardware="h100-sxm", model="llama-2-70b", tokens=1e7, batch_size="max",
                                   devices=8).to_dict()
    be = doc["break_even"]
    for part in ("queries", "tokens", "queries_range"):
        assert "co2e_kg" not in be[part] and be[part]["same_as_energy_kwh"] == "co2e_kg" and "energy_kwh" in be[part]
    assert set(be["train"]) == {"energy_kwh", "co2e_kg"}  # training's own energy and CO₂e are two numbers
    quant = next(t for t in doc["techniques"] if t["technique"] == "quantization-8bit")
    assert quant["saving_fraction"]["same_as_energy_kwh"] == "co2e_kg, joules_per_output_token"
    assert {"co2e_kg", "joules_per_output_token"}.isdisjoint(quant["saving_fraction"])
    assert 0.3 < quant["saving_fraction"]["energy_kwh"] < 0.7
    # what the technique's rows state apart (kWh and kg saved a query) stays
    assert set(quant["saved_per_query"]) == {"energy_kwh", "co2e_kg", "cost_usd"}
    ep = serving.inference_report(hardware="h200-sxm", model="qwen3-235b-a22b", tokens=1e7, batch_size="max",
                                  devices=8, ep=8, bits=8).to_dict()
    assert (ep["tp"], ep["ep"], ep["assumptions"]["devices_per_replica"]["value_at"]) == (1, 8, "ep")
