"""Serving engineer's and diff reviews (2026-11-30): what the inference answer said or timed wrongly.

- PCIe cards (no scale-up domain stated) sit in servers of 8; a replica across servers pays the nodes' latency (32 RTX
  4090s in one tensor-parallel replica had been timed as one server, faster than 8 H100 SXMs); TPUs, GH200, MI250X not.
- The expert note's layers that have experts; a subset within 5% said beside the layout kept; refusals that name what
  serves (Maverick's heads, a bound refused for memory, a bound one card misses); a batch no layout holds not said
  held; the JSON's latency bounds."""

from __future__ import annotations

from estimator import inference


def _run(hardware: str, tp: int):
    return inference(model="llama-3.1-70b", hardware=hardware, bits=4, tp=tp, devices=tp)


def test_a_replica_of_pcie_cards_across_servers_pays_the_nodes_latency():
    across, one_server = _run("rtx-4090", 32), _run("rtx-4090", 8)
    d = across.to_dict()
    assert d["nodes_per_replica"] == 4 and d["scale_up_domain"] == "servers"
    assert one_server.to_dict()["nodes_per_replica"] == 1
    # four servers' latency on each of 160 all-reduces a step: no longer faster than 8 H100 SXMs in one server
    assert d["seconds_per_output_token"] > _run("h100-sxm", 8).to_dict()["seconds_per_output_token"]
    assert any("stand-in for the network between servers of 8 cards" in n for n in d["notes"])
    assert any("each across 4 servers of 8" in n for n in d["notes"])


def test_a_card_with_a_scale_up_domain_keeps_it():
    from estimator.services.public import load_profile
    assert load_profile("h100-sxm").server_devices == 8 and load_profile("gb200").server_devices == 72
    assert load_profile("l40s").server_devices == 8 and load_profile("l40s").domains_word == "servers"


def test_devices_linked_otherwise_than_by_pcie_are_not_put_in_servers_of_8():
    """Diff review 2026-11-30: the rule caught every profile without a scale-up domain: TPU v3's ICI, the GH200's
    NVLink, the MI250X's Infinity Fabric read "each across 2 servers of 8", 12-14% slower."""
    for hw in ("tpu-v3", "gh200-144gb"):
        d = inference(model="llama-3.1-70b", hardware=hw, bits=4, tp=16, devices=16).to_dict()
        assert d["nodes_per_replica"] == 1 and d["scale_up_domain"] == "nodes", hw
        assert not any("servers of 8" in n for n in d["notes"]), hw
    # the MI250X's profile states its node since 2026-12-01 (4 a Frontier node, a Slingshot NIC each): 16 span 4 nodes
    d = inference(model="llama-3.1-70b", hardware="mi250x", bits=4, tp=16, devices=16).to_dict()
    assert d["nodes_per_replica"] == 4 and d["scale_up_domain"] == "nodes"
    assert not any("servers of 8" in n for n in d["notes"])


def test_a_bound_one_pcie_card_misses_names_the_cards_of_one_server_that_meet_it(cli):
    """Diff review 2026-11-30: `--tpot-ms 15` on one L40S was refused naming no count (the search stopped at a scale-up
    domain the card has none of), where 2 of them meet it. Since the serving engineer's review of 2026-12-01 those 2
    serve it, said."""
    out = cli("inference", "--model", "llama-3.1-8b", "--hardware", "l40s", "--tpot-ms", "15")
    assert out.code == 0 and "layout: 2 devices (the fewest, a power of two up to 64, that meet the bound, 15 ms " \
                              "per output token; fewer do not)" in " ".join(out.out.split())


def test_the_expert_parallel_note_counts_the_layers_that_have_experts():
    """Serving engineer's review 2026-11-30: DeepSeek-R1's note said "every layer counted as a mixture-of-experts
    layer", while the step counts its all-to-alls in the 58 of its 61 layers that have experts."""
    r1 = inference(model="deepseek-r1", hardware="b200", devices=8, bits=4, batch_size="max").to_dict()["notes"]
    assert any("in the 58 of its 61 layers that have experts" in n and "experts of every layer that has them" in n
               for n in r1)
    assert not any("every layer counted as a mixture-of-experts layer" in n for n in r1)
    qwen = inference(model="qwen3-30b-a3b", hardware="b200", devices=8, ep=8, batch_size="max").to_dict()["notes"]
    assert any("; every layer has experts" in n for n in qwen)


def test_a_subset_that_serves_a_little_more_is_said_beside_all_the_devices_kept():
    """Serving engineer's review 2026-11-30: DeepSeek-R1 on 22 H200s served on all of them at 46,500 tokens/s, said
    "chosen for the most tokens per second", where 16 of them serve 48,400 (under the 5% for which devices are left
    idle) at fewer devices' cost; now that subset is said beside the layout."""
    r = inference(model="deepseek-r1", hardware="h200-sxm", batch_size="max", devices=22)
    d = r.to_dict()
    assert d["devices"] == 22 and d["idle_devices"] == 0
    (said,) = [n for n in d["notes"] if n.startswith("layout: ")]
    assert "16 of the 22 at expert parallelism 8 × 2 replicas (6 devices idle) would serve 48,300 tokens/s (+3.9%)" \
        in said and "all kept (give 16 devices for that layout" in said
    on16 = inference(model="deepseek-r1", hardware="h200-sxm", batch_size="max", devices=16).to_dict()
    assert on16["tokens_per_s"] > d["tokens_per_s"]


def test_a_refusal_where_no_larger_power_of_two_splits_the_heads_names_what_serves(cli):
    """Serving engineer's review 2026-11-30: Llama 4 Maverick (40 heads, 8 KV heads) on 32 A100s was told to give a
    device count "that a larger such [power-of-two] degree divides", where none above 8 divides the heads; 40 devices
    in one group, or expert parallelism, serve it."""
    out = cli("inference", "--model", "llama-4-maverick", "--hardware", "a100-sxm-80gb", "--devices", "32")
    assert out.code == 2 and out.err.startswith("error: ") and out.err.count("\n") == 1
    assert "a larger such degree divides" not in out.err
    assert ("no larger power of two divides the heads; 40 devices hold it as one tensor-parallel group of them all "
            "(give 40 devices); a mixture of experts also serves in expert parallelism") in out.err
    assert out.err.rstrip().endswith("or fewer bits a weight: at 8 bits the weights fit (--devices, --tp, --ep, --bits)")
    assert inference(model="llama-4-maverick", hardware="a100-sxm-80gb", devices=40).to_dict()["tp"] == 40
    assert inference(model="llama-4-maverick", hardware="a100-sxm-80gb", devices=32, ep=16).to_dict()["ep"] == 16


def test_a_bound_refused_for_want_of_memory_keeps_its_numbers(cli):
    """Serving engineer's review 2026-11-30: without a bound, Llama 3.1 405B at 16 bits on 4 B200s is refused with "the
    weights need 812 GB; … offer 692 GB"; with --tpot-ms the refusal had said only that no split holds the weights."""
    out = cli("inference", "--model", "llama-3.1-405b", "--hardware", "b200", "--devices", "4", "--bits", "16",
              "--tpot-ms", "10")
    assert out.code == 2 and out.err.count("\n") == 1
    assert "(the weights need 812 GB; a replica of 4 devices, the largest tried, offers 692 GB (0.9 of its memory))" \
        in out.err
    # of the replica tried, not of all the devices given; the KV cache named where it is what does not fit (diff review
    # 2026-11-30)
    out = cli("inference", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--devices", "4", "--tp", "1",
              "--tpot-ms", "50")
    assert "(the weights need 141 GB; a replica of 1 device, the largest tried, offers 77 GB" in out.err
    out = cli("inference", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--devices", "2", "--prompt-tokens",
              "100000", "--tpot-ms", "50")
    assert "(one sequence's KV cache, 32.9 GB by its last token, and 141 GB of weights need more than the 154 GB" \
        in out.err


def test_a_batch_no_layout_holds_is_not_said_to_be_held():
    """Serving engineer's review 2026-11-30: 6,000 sequences on 8 H100s read "chosen … among the layouts whose replicas
    hold the batch given", which none did (TP 2 × 4 ran 751 a replica)."""
    def layout_note(batch: int) -> str:
        notes = inference(model="llama-3.1-70b", bits=8, devices=8, batch_size=batch).to_dict()["notes"]
        return next(n for n in notes if n.startswith("layout: "))
    assert "none of whose replicas holds the batch given: each runs what its memory holds" in layout_note(6000)
    assert "among the layouts whose replicas hold the batch given)" in layout_note(3000)


def test_the_json_holds_the_latency_bounds_and_the_steady_tpot_held_under_them():
    """Serving engineer's review 2026-11-30: the bounds given and the steady TPOT they hold were in the notes alone."""
    d = inference(model="llama-3.1-70b", bits=8, devices=8, tpot_ms=40, ttft_ms=2000).to_dict()
    b = d["latency_bounds"]
    assert (b["ttft_ms_p99"], b["tpot_ms_p99"]) == (2000.0, 40.0)
    assert 0.5 * 40 < b["tpot_ms_steady_held_under"] < 40
    assert d["seconds_per_output_token"] * 1e3 <= b["tpot_ms_steady_held_under"] * (1 + 1e-9)
    assert inference(model="llama-3.1-70b", bits=8, devices=8).to_dict()["latency_bounds"] is None
