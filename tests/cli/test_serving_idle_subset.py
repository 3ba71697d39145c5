"""A device count no tensor-parallel degree divides usefully: the subset that serves more is the layout, the rest idle
(serving-engineer review 2026-11-30: a 70B model at 8 bits on 3 H100s was answered as 3 one-device replicas, 3,470
tokens/s, where 2 of them in tensor parallelism serve 6,120; 405B on 12 H100s was refused with no word that 8 of them
serve it; the serving review of the same day: more devices had served less, the subset only named)."""

import json
import re

from estimator.cli import main

BASE = ["inference", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--bits", "8", "--batch-size", "max",
        "--tokens", "1e9"]


def _tokens_per_s(out: str) -> float:
    return float(re.search(r"^throughput\s+([\d,]+) tokens/s", out, re.M).group(1).replace(",", ""))


def _json(capsys, *argv) -> dict:
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_three_devices_serve_on_two_of_them_in_tensor_parallelism_and_say_the_third_is_idle(capsys):
    """Since 2026-11-30 the subset that serves more is the layout (serving review: more devices had served less), the
    rest idle and not counted, and what all of them would serve said beside it."""
    d = _json(capsys, *BASE, "--devices", "3")
    assert (d["devices"], d["idle_devices"], d["tp"], d["replicas"]) == (2, 1, 2, 1)
    (how,) = [n for n in d["notes"] if n.startswith("layout: 3 devices (given; 2 of them serve)")]
    m = re.search(r"no degree dividing all 3 serves as much \(on all of them, tensor parallelism 1 × 3 replicas, "
                  r"([\d,]+) tokens/s against these ([\d,]+)\)", how)
    assert m, how
    on_all, these = (float(x.replace(",", "")) for x in m.groups())
    assert these > 1.5 * on_all and abs(d["tokens_per_s"] / these - 1) < 0.01
    two = _json(capsys, *BASE, "--devices", "2", "--tp", "2")
    assert two["tokens_per_s"] == d["tokens_per_s"] and two["node_power_w"] == d["node_power_w"]  # the idle not counted
    assert main([*BASE, "--devices", "3"]) == 0
    out = capsys.readouterr().out
    assert "; 1 device of the 3 given idle" in out and "on 2 of the 3 devices given, the rest idle" in out


def test_a_count_the_best_degree_divides_leaves_none_idle(capsys):
    d = _json(capsys, *BASE, "--devices", "4")
    assert d["idle_devices"] == 0 and d["devices"] == 4


def test_a_count_no_dividing_degree_holds_serves_on_the_subset_that_does(capsys):
    """405B at 8 bits on 12 H100s had been refused, naming the 8 that serve it; now they serve, 4 idle."""
    args = ["inference", "--model", "llama-3.1-405b", "--hardware", "h100-sxm", "--bits", "8", "--batch-size", "max",
            "--tokens", "1e9"]
    d = _json(capsys, *args, "--devices", "12")
    assert (d["devices"], d["idle_devices"], d["tp"]) == (8, 4, 8)
    (how,) = [n for n in d["notes"] if n.startswith("layout: 12 devices (given; 8 of them serve)")]
    assert "no degree dividing all 12 serves it (the weights need" in how
    assert d["tokens_per_s"] == _json(capsys, *args, "--devices", "8", "--tp", "8")["tokens_per_s"]


def test_a_bound_no_dividing_degree_meets_is_served_by_the_subset_that_does(capsys):
    """Diff review 2026-11-30: 3 H100s under a 25 ms TPOT were refused where 2 of them at TP 2 serve it."""
    d = _json(capsys, *BASE[:-4], "--tokens", "1e9", "--devices", "3", "--tpot-ms", "25")
    assert (d["devices"], d["idle_devices"], d["tp"]) == (2, 1, 2)
    (how,) = [n for n in d["notes"] if n.startswith("layout: 3 devices (given; 2 of them serve)")]
    assert "no degree dividing all 3 serves it (no tensor-parallel split of 3 × h100-sxm serves the model within 25 ms" in how


def test_a_count_with_a_slower_subset_leaves_none_idle(capsys):
    """Six devices: a subset at TP 4 exists (4 of 6) but serves less than 3 replicas of TP 2 on all six."""
    d = _json(capsys, *BASE, "--devices", "6")
    assert d["idle_devices"] == 0 and (d["tp"], d["replicas"]) == (2, 3)


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


def test_notes_that_name_another_layout_say_its_idle_devices_and_the_idle_note_asks_for_nothing(capsys):
    """Idle-devices review 2026-11-30: the latency note named "tensor parallel 4 × 1 replica" of 5 B200s as if all served,
    and the idle note quoted a refusal's "use more devices" beside a layout served on fewer."""
    assert main(["inference", "--model", "llama-3.1-70b", "--hardware", "b200", "--devices", "5", "--tpot-ms", "50",
                 "--tokens", "1e9"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert re.search(r"batch [\d,]+ per replica \(tensor parallel 4 × 1 replica, 1 device idle\) meets it at the "
                     r"range's top", out), out
    d = _json(capsys, "inference", "--model", "deepseek-r1", "--hardware", "b200", "--bits", "16", "--devices", "9",
              "--batch-size", "max", "--tokens", "1e9")
    assert d["idle_devices"] == 1
    (how,) = [n for n in d["notes"] if n.startswith("layout: 9 devices (given; 8 of them serve)")]
    assert "no degree dividing all 9 serves it (" in how and "use more devices" not in how
