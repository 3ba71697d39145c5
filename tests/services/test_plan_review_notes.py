"""Researcher review (2026-11-27, second): a pipeline whose stages do not divide the layers said nothing, and the
bubble's remedies offered interleaving to a layout it would take past the device's memory; a layout at 99% of the
device's memory read "fits" with nothing said of what the memory model leaves out."""

from __future__ import annotations

import pytest

from estimator import estimate, plan

LLAMA_405B = dict(model="llama-3.1-405b", tokens=15e12, hardware="h100-sxm", devices=16384, seq_len=8192,
                  global_batch_tokens=16777216)


def _notes(**kw) -> list[str]:
    return list(estimate(**kw).notes)


def test_stages_that_do_not_divide_the_layers_are_said():
    notes = _notes(**LLAMA_405B, tp=8, pp=16, zero=1)
    (said,) = [n for n in notes if n.startswith("pipeline: ")]
    assert "126 layers over 16 stages do not split evenly" in said and "the busiest stage holds 8, the lightest 7" in said
    assert "the memory counts the average stage, 7.88 layers" in said
    assert not any(n.startswith("pipeline: ") for n in _notes(**LLAMA_405B, tp=8, pp=2, zero=1))  # 63 a stage


def test_interleaving_offered_with_as_many_micro_batches_as_stages_costs_no_memory():
    """16 micro-batches on 16 stages: the first stage holds all 16 under 1F1B, and no more interleaved (Megatron-Core
    caps the warm-up at every micro-batch: ``memory.in_flight``). Until the planner review of 2026-11-28 the offer had
    said "but 119 GB a device of 85.52 GB", the schedule's full interleaving penalty counted on micro-batches that do
    not exist."""
    notes = _notes(**LLAMA_405B, tp=8, pp=16, zero=1)
    (bubble,) = [n for n in notes if n.startswith("pipeline bubble")]
    assert "interleaved stages (vp 2: the bubble ÷ 2, MFU 33.8%);" in bubble
    plain = estimate(**LLAMA_405B, tp=8, pp=16, zero=1).memory.per_device
    chunked = estimate(**LLAMA_405B, tp=8, pp=16, zero=1, vp=2).memory.per_device
    assert chunked.activations_gb == pytest.approx(plain.activations_gb, rel=0.02)


# at the tool's default sequence, 2,048, these cases' (Llama 3.1 70B's own, 8,192, is its default since 2026-11-30)
LLAMA_70B = dict(model="llama-3.1-70b", tokens=15e12, hardware="h100-sxm", devices=1024, seq_len=2048)


def test_a_layout_near_the_devices_memory_is_said_to_be_tight():
    """The memory model counts tensors, not the CUDA context, NCCL's buffers or fragmentation: a layout at 99% of an
    H100's 85.52 GB "fits" by it but may not run, and its memory note and JSON say it is tight; one at half of it says
    nothing of the kind."""
    tight = estimate(**LLAMA_70B, tp=2, pp=1, zero=2, micro_batch=4, activation_recompute="full")
    (said,) = [n for n in tight.notes if n.startswith("memory: ")]
    assert said.startswith("memory: fits, tight: 79.1 GB per device against 85.52 GB, 93% of it (")
    assert said.endswith("above 90% of the device's memory, what the model leaves out (the runtime's context, the "
                         "collectives' buffers, the allocator's fragmentation) and its own miss may stop it: check the "
                         "peak in a short run, or take a layout with more room")
    assert tight.to_dict()["memory"]["tight"] is True and tight.to_dict()["memory"]["fits"] is True
    roomy = estimate(**LLAMA_70B, tp=4, pp=1, zero=3, micro_batch=4)
    assert not any("tight" in n for n in roomy.notes) and roomy.to_dict()["memory"]["tight"] is False


def test_the_plan_leads_with_room_and_says_what_a_tight_layout_would_gain():
    """The planner ranks by time every layout that fits the whole memory; a tight one (above 90% of it) gives way to the
    fastest with room within 5% of its time (planner review 2026-11-28: Llama 3.1 8B on 8 H100s had led at 85.0 GB of
    85.52, 1.3% faster than ZeRO-3 at 59 GB; since ZeRO-2 is tried where ZeRO-1 is tight, ZeRO-2 at 71 GB takes its
    time there; on 4 H100s ZeRO-3 at micro-batch 4, 77.2 GB, is 3.8% faster than ZeRO-2 at micro-batch 2, 65.7 GB), and
    the plan says what the tight one would gain; where no layout listed is tight and faster (the 70B on 1,024), nothing."""
    from estimator.services.training.plan import plan
    loose = plan(**LLAMA_70B)
    assert loose.rows[0].planned.memory.total_gb < 0.9 * 85.52
    assert not any("tight" in n or "keeps room" in n for n in loose.notes)
    roomy = plan(model="llama-3.1-8b", tokens=1e12, hardware="h100-sxm", devices=4, seq_len=2048)
    best, second = roomy.rows[0].planned, roomy.rows[1].planned
    assert best.memory.total_gb <= 0.9 * 85.52 < second.memory.total_gb and second.run_seconds < best.run_seconds
    assert best.run_seconds <= 1.05 * second.run_seconds
    (said,) = [n for n in roomy.notes if "keeps room" in n]
    faster = 1 - second.run_seconds / best.run_seconds
    assert said.startswith(f"memory: the best layout keeps room (65.7 GB a device); #2, TP 1 × PP 1 × DP 4, ZeRO-3, "
                           f"micro-batch 4, 4.19 × 10⁶ tokens a step (2,048 × 2,048), no recomputation, bf16, is "
                           f"{faster:.1%} faster at 77.2 GB, 90.3% of 85.52 GB: above 90% of the device's memory")
    assert said.endswith("a layout with room leads one within 5% of its time")
    assert f"{faster:.1%}" == "3.8%"
    # on 8 H100s the fastest, ZeRO-2 at micro-batch 4 (73.1 GB), keeps room: it leads, and nothing is said
    eight = plan(model="llama-3.1-8b", tokens=1e12, hardware="h100-sxm", devices=8, seq_len=2048)
    first = eight.rows[0].planned
    assert first.layout.zero_stage == 2 and first.memory.total_gb < 0.9 * 85.52
    assert all(first.run_seconds <= r.planned.run_seconds for r in eight.rows)
    assert not any("keeps room" in n for n in eight.notes)


def test_a_layout_that_does_not_fit_names_the_planners_best_and_says_when_it_is_tight():
    notes = _notes(model="llama-3.1-8b", tokens=1e12, hardware="h100-sxm", devices=8, seq_len=2048, tp=1, zero=0,
                   micro_batch=8)
    (said,) = [n for n in notes if n.startswith("the layout given does not fit")]
    # the planner's best keeps room where one within 5% of the tight one's time does (2026-11-28): ZeRO-2 at 71 GB
    assert said.endswith("TP 1 × PP 1 × DP 8, ZeRO-2, micro-batch 4, 4.19 × 10⁶ tokens a step (2,048 × 2,048), no "
                         "recomputation, bf16")


def test_zero_given_alone_is_said_as_data_parallelism_alone_and_the_best_named_keeps_it():
    """Researcher review 2026-11-28: `--zero 1` alone for a 70B model on 1,024 H100s read as TP 1 × PP 1 "as given" (330
    GB a device), the best named beside it ZeRO-3. ZeRO alone stays data parallelism alone (a DeepSpeed or FSDP run; the
    issue's Llama-2-7B ZeRO-3 memory case is one), said as such, and the planner's best named keeps the ZeRO given."""
    notes = _notes(model="llama-3.1-8b", tokens=1e12, hardware="h100-sxm", devices=8, seq_len=2048, zero=0,
                   micro_batch=8)
    (said,) = [n for n in notes if "does not fit in memory" in n]
    assert said.startswith("ZeRO given alone is data parallelism alone (TP 1 × PP 1, as DeepSpeed and FSDP shard; give "
                           "tensor and pipeline parallelism to split the model), and it does not fit in memory (215 GB")
    best = said.split("the planner's best that fits")[1]
    assert ", ZeRO-0, " in best and "(tight" not in best   # the ZeRO given, and room (2026-11-28)
    seventy = _notes(**LLAMA_70B, zero=1)
    (said,) = [n for n in seventy if "does not fit in memory" in n]
    assert "(332 GB a device of 85.52 GB)" in said and ", ZeRO-1, " in said.split("the planner's best that fits")[1]
    # with context parallelism given too it is no longer data parallelism alone (code review 2026-11-28)
    with_cp = _notes(**LLAMA_70B, zero=1, cp=2)
    (said,) = [n for n in with_cp if "does not fit in memory" in n]
    assert said.startswith("the layout given does not fit in memory")


def test_a_batch_the_layout_rounds_is_said_with_both_figures():
    """Researcher review (2026-11-27, third): 4,194,304 tokens given ran as 3,833,856 (1,872 sequences of 2,048: 4 on
    each of 468 replicas) without a word; an exact fit says nothing."""
    notes = _notes(**{**LLAMA_70B, "devices": 1872}, tp=4, pp=1, zero=3, micro_batch=4, activation_recompute="none",
                   global_batch_tokens=4194304)
    (said,) = [n for n in notes if n.startswith("global batch:")]
    assert said == ("global batch: given, 4,194,304 tokens; the layout's step holds 3,833,856 (1,872 sequences of 2,048, "
                    "-8.6%): a whole number of micro-batches of 4 on each of its 468 data-parallel replicas")
    exact = _notes(**LLAMA_70B, tp=4, pp=1, zero=3, micro_batch=4, global_batch_tokens=4194304)
    assert not any(n.startswith("global batch:") for n in exact)


def test_a_sequence_beyond_the_models_released_context_is_said():
    notes = _notes(model="llama-3.1-8b", tokens=15e12, hardware="h100-sxm", devices=1024, seq_len=200000)
    (said,) = [n for n in notes if n.startswith("sequence 200,000")]
    assert "longer than the context Llama 3.1 8B (meta-llama/Meta-Llama-3.1-8B) was released with, 131,072 tokens" \
        in said
    assert not any(n.startswith("sequence 8,192") for n in _notes(model="llama-3.1-8b", tokens=15e12,
                                                                 hardware="h100-sxm", devices=1024, seq_len=8192))


def test_the_plan_table_marks_tight_layouts_and_its_json_says_which(cli):
    """A layout above 90% of the device's memory is marked, and the JSON says which (of two as fast, the one with room is
    listed first: test_the_plan_leads_with_room_and_says_what_a_tight_layout_would_gain). Llama 3.1 70B on 1,024 H100s:
    TP 4 at ZeRO-2, 85.0 GB, fifth."""
    import json
    out = cli("plan", "--model", "llama-3.1-70b", "--tokens", "15e12", "--hardware", "h100-sxm", "--devices", "1024",
              "--seq-len", "2048").out
    assert "(estimate's --pp p --vp v); GB/dev marked *: above 90% of the device's memory, tight" in out
    row5 = next(line for line in out.splitlines() if line.startswith(" 5  "))
    assert "TP4 PP1 DP256, ZeRO-2, mb 4" in row5 and " 85.0* " in row5
    row10 = next(line for line in out.splitlines() if line.startswith("10  "))
    assert " 46.8 " in row10 and " 1,003 " in row10  # tokens/s whole, as the rows above it (an unevenly interleaved
    # layout, 76.6 GB at 1,008, left the list when interleaving was held to even chunks, 2026-11-29)
    layouts = json.loads(cli("plan", "--model", "llama-3.1-70b", "--tokens", "15e12", "--hardware", "h100-sxm",
                             "--devices", "1024", "--seq-len", "2048", "--format", "json").out)["layouts"]
    assert [x["memory_tight"] for x in layouts] == [x["memory_per_device_gb"] > 0.9 * 85.52 for x in layouts]
    assert not layouts[9]["memory_tight"] and layouts[4]["memory_tight"]


def test_a_plan_says_its_time_is_a_tuned_stacks_and_of_a_size_alone_what_estimate_does_instead():
    """Researcher review 2026-11-28: `plan --params 7e9` (7B on 64 H100s) read 16.0 days where `estimate` of the same
    size alone read 43.2 (its range 23–80), neither saying why, and the plan had no word that published whole runs can
    take longer. The plan says both; a catalog model's plan says the first only."""
    from estimator.core.base.interval import WHOLE_RUN_LONGER
    from estimator.services.training.plan import PLAN_SIZE_ALONE_NOTE, plan
    sized = plan(params=7e9, tokens=1e12, devices=64, hardware="h100-sxm")
    assert any(n.endswith(f"a tuned stack's; {WHOLE_RUN_LONGER}") for n in sized.notes)
    assert PLAN_SIZE_ALONE_NOTE in sized.notes and "usually longer" in PLAN_SIZE_ALONE_NOTE
    named = plan(model="mistral-7b", tokens=1e12, devices=64, hardware="h100-sxm")
    assert any(n.endswith(f"a tuned stack's; {WHOLE_RUN_LONGER}") for n in named.notes)
    assert PLAN_SIZE_ALONE_NOTE not in named.notes


def test_a_deadlines_device_count_on_a_rack_scale_domain_is_said_in_its_steps_not_servers():
    """Researcher review 2026-11-28: on GB200 NVL72 the deadline's search said "whole 8-device servers"; it counts in
    eights within the 72-device domains, and says so. An HGX H100's still reads whole 8-device servers."""
    from estimator.services.training.plan import plan
    rack = plan(model="llama-3.1-70b", tokens=1e12, hardware="gb200", deadline_days=30)
    (said,) = [n for n in rack.notes if n.startswith("the fewest devices tried that meet the deadline")]
    assert "(1, 2, 4 devices, then 8-device steps within its 72-device scale-up domains: " in said and "server" not in said
    hgx = plan(model="llama-3.1-70b", tokens=1e12, hardware="h100-sxm", deadline_days=30)
    (said,) = [n for n in hgx.notes if n.startswith("the fewest devices tried that meet the deadline")]
    assert "(1, 2, 4 devices, then whole 8-device servers: " in said


def test_a_plan_gives_the_flops_alone_time_beside_its_best():
    """Researcher review 2026-11-28: the plan's best (Llama 3.1 70B on 15T tokens over 1,024 H100s: 164 days) stood
    alone; `estimate` now gives the FLOPs alone's time beside the step model's, and the plan does too, equal to it."""
    from estimator.report import humanize as hz
    from estimator.services import api
    from estimator.services.training.plan import plan
    report = plan(model="llama-3.1-70b", tokens=15e12, devices=1024, hardware="h100-sxm")
    best = report.rows[0]
    alone = api.run(flops=best.estimate.flops, hardware="h100-sxm", devices=1024).estimate
    (said,) = [n for n in report.notes if n.startswith("the best layout's time is a tuned stack's; ")]
    low, high = hz.duration_range(*alone.range["wall_clock_s"], alone.wall_clock_s)
    assert f"gives {hz.duration(alone.wall_clock_s)} (80% range {low} – {high}), {hz.energy(alone.energy_kwh)} (" in said
    assert said.endswith(" at the same power") and f" and {hz.co2e(alone.co2e_kg)} (" in said
    assert alone.wall_clock_s > best.estimate.wall_clock_s  # whole runs' hours hold more than a tuned stack's steps


def test_a_mixture_of_experts_plan_counts_its_active_parameters():
    """Code review 2026-11-28: Mixtral's plan counted 6·N·D over all 46.7B parameters, its FLOPs-alone time 240 days
    where `estimate` gives 74.9; both now count the active parameters."""
    from estimator.report import humanize as hz
    from estimator.services import api
    from estimator.services.training.plan import plan
    report = plan(model="mixtral-8x7b", tokens=1e12, devices=64, hardware="h100-sxm")
    best = report.rows[0].estimate
    assert best.flops == pytest.approx(6 * 12.9e9 * 1e12, rel=0.01)  # Mixtral's 12.9B active parameters
    (said,) = [n for n in report.notes if n.startswith("the best layout's time is a tuned stack's; ")]
    alone = api.run(flops=best.flops, hardware="h100-sxm", devices=64).estimate
    assert f"gives {hz.duration(alone.wall_clock_s)} (" in said
    from estimator.services.workload_inputs import run_estimate
    estimated = run_estimate(model="mixtral-8x7b", tokens=1e12, hardware="h100-sxm", devices=64).estimate
    assert estimated.step.whole_run_fit.wall_clock_s == pytest.approx(alone.wall_clock_s, rel=1e-3)


def test_a_deadline_met_only_by_a_tight_layout_on_fewer_devices_is_said():
    """Planner review 2026-11-28: the deadline's search takes each count's best layout, one with room where one is within
    5% of the tight fastest (core.training.plan.ROOMY_WITHIN), so the count it answers can be above one whose tight
    fastest layout meets the deadline, unsaid. Llama 2 7B, 10¹² tokens in 5 days: 208 devices with room; on 200 the
    fastest, ZeRO-3 at micro-batch 8 and 77.1 GB, above 90% of the memory, meets it where their layout with room does
    not (5.05 days)."""
    report = plan(model="llama-2-7b", tokens=1e12, deadline_days=5, seq_len=2048)
    assert report.devices == 208
    said = [n for n in report.notes if "devices meet the deadline with a tight layout" in n]
    assert len(said) == 1 and said[0].startswith("200 devices meet the deadline with a tight layout (TP 1 × PP 1 × DP 200")
    fewer = plan(model="llama-2-7b", tokens=1e12, devices=200, top=20, seq_len=2048)
    deadline_s = 5 * 86400
    assert fewer.best.estimate.wall_clock_s > deadline_s   # the layout with room misses it
    tight = [r for r in fewer.rows if r.planned.memory.total_gb > 0.9 * fewer.capacity_gb]
    assert min(r.estimate.wall_clock_s for r in tight) <= deadline_s
    # a count whose best layout itself meets the deadline says nothing of the kind
    assert not [n for n in plan(model="llama-3.1-70b", tokens=1e12, deadline_days=30, seq_len=2048).notes
                if "tight layout" in n]


def test_the_planner_interleaves_stages_whose_layers_do_not_divide_as_estimate_times_them():
    """Planner review 2026-11-28 (third): interleaving was tried only where the layers divided by stages × chunks, so
    Llama 3.1 405B (126 layers) on TP 8 × PP 16 was planned without it, 97.7 tokens/s per device, where `estimate` of
    the same layout with 2 chunks a stage (Llama 3's own, arXiv:2407.21783 §3.3.2) times 127, and DeepSeek-V3's 61
    layers could never be interleaved. The planner's row is `estimate`'s figure for its layout."""
    kw = dict(model="llama-3.1-405b", tokens=15.6e12, devices=16384, hardware="h100-sxm", seq_len=8192,
              global_batch_tokens=16777216)
    report = plan(**kw, tp=8, pp=16, cp=1, zero=2)
    best = report.best.planned
    assert best.layout.vp > 1 and 126 % (16 * best.layout.vp)
    given = estimate(**kw, tp=8, pp=16, cp=1, zero=2, vp=best.layout.vp, micro_batch=best.layout.micro_batch,
                     activation_recompute=best.layout.recompute)
    assert given.step.step.tokens_per_s_per_device == pytest.approx(best.step.tokens_per_s_per_device, rel=1e-9)
    flat = estimate(**kw, tp=8, pp=16, cp=1, zero=2, vp=1, micro_batch=1, activation_recompute="none")
    assert best.step.tokens_per_s_per_device > 1.2 * flat.step.step.tokens_per_s_per_device


def test_the_whole_run_time_beside_the_step_says_it_leaves_out_long_sequences_attention(cli):
    """Planner review 2026-11-28 (third): at 131,072 tokens a sequence the step counts 5.2× the FLOPs alone (attention's
    12·L·s·a a token), and the whole-run utilisation's time of 6·N·D read 48.9 days beside the step model's 87.5, the
    "longer" whole-run time shorter. It says what it leaves out and its time on the step's FLOPs; at 2,048 tokens
    (1.02×) nothing more is said."""
    from estimator.report import humanize as hz
    long = estimate(model="llama-3.1-8b", tokens=1e12, devices=64, hardware="h100-sxm", seq_len=131072, tp=1, pp=1,
                    cp=16, zero=1, micro_batch=1)
    w = long.step.whole_run_fit
    ratio = long.step.step.model_flops_per_token * 1e12 / long.flops
    assert w.step_flops_ratio == pytest.approx(ratio) and 5.0 < ratio < 5.5
    assert w.wall_clock_s < long.wall_clock_s < w.wall_clock_s * ratio  # on the step's FLOPs, longer than the step's
    out = cli("estimate", "--model", "llama-3.1-8b", "--tokens", "1e12", "--devices", "64", "--hardware", "h100-sxm",
              "--seq-len", "131072", "--tp", "1", "--pp", "1", "--cp", "16", "--zero", "1", "--micro-batch", "1").out
    assert (f"those FLOPs count less of the attention than the step does at this sequence (its model FLOPs are "
            f"{ratio:.3g}× them): on the step's FLOPs the same utilisation would take "
            f"{hz.duration(w.wall_clock_s * ratio)}") in " ".join(out.split())
    # the energy and CO2e said are the whole-run time's, before the clause's other time (consistency review
    # 2026-12-01: "would take 58.0 days, 165 MWh … and 78.2 t CO2e" had put the 35.0 days' footprint on the 58.0)
    flat = " ".join(out.split())
    assert (f"gives {hz.duration(w.wall_clock_s)} (80% range {' – '.join(hz.duration_range(w.low_s, w.high_s, w.wall_clock_s))}), "
            f"{hz.energy(w.energy_kwh)} (") in flat
    assert flat.index(hz.co2e(w.co2e_kg)) < flat.index("those FLOPs count less of the attention")
    assert f"would take {hz.duration(w.wall_clock_s * ratio)}, " not in flat
    short = estimate(model="llama-3.1-8b", tokens=1e12, devices=64, hardware="h100-sxm", seq_len=2048)
    assert not short.step.whole_run_fit.attention_left_out and short.step.whole_run_fit.step_flops_ratio < 1.05
    assert "less of the attention" not in cli("estimate", "--model", "llama-3.1-8b", "--tokens", "1e12", "--devices",
                                                 "64", "--hardware", "h100-sxm", "--seq-len", "2048").out


def test_a_tensor_parallel_degree_given_that_splits_the_kv_heads_is_said():
    """Planner review 2026-11-28: TP 16 for a model of 8 KV heads was taken without a word; Megatron-Core refuses it
    (``divide(num_query_groups, world_size)``). The planner does not choose it; given, it is timed and said. TP 8 (whole
    KV heads a rank) and multi-head attention say nothing."""
    base = dict(model="llama-3.1-70b", tokens=15e12, devices=1024, pp=1, zero=1)
    (said,) = [n for n in _notes(**base, tp=16) if "KV heads splits them" in n]
    assert said.startswith("tensor parallelism 16 over 8 KV heads splits them: Megatron-Core refuses it")
    assert not [n for n in _notes(**base, tp=8) if "KV heads" in n]
    assert not [n for n in _notes(model="gpt3-175b", tokens=3e11, devices=1024, pp=8, zero=1, tp=16) if "KV heads" in n]
    assert all(r.planned.layout.tp <= 8 for r in plan(model="llama-3.1-70b", tokens=15e12, devices=1024).rows)


def test_a_zero_2_row_that_only_repeats_zero_1s_is_not_listed():
    """Code review 2026-11-28: since ZeRO-2 is tried wherever ZeRO-1 needed recomputation, lost an interleaving or was
    tight, it had been listed also where it landed on ZeRO-1's own row, as fast and as tight (Llama 3.1 70B on 64 H100s:
    TP 4 × PP 4 × 4 chunks, micro-batch 4, at 85.1 and 78.5 GB, both tight, one time). A ZeRO-2 row differs from the
    ZeRO-1 row of its split in its recomputation, its interleaving or its room."""
    report = plan(model="llama-3.1-70b", tokens=15e12, hardware="h100-sxm", devices=64, top=40)
    rows = [r.planned for r in report.rows]
    tight = [mem_tight(p.memory.total_gb) for p in rows]
    seen = {}
    for p, t in zip(rows, tight):
        lay = p.layout
        if lay.zero_stage == 3:  # ZeRO-3 gathers the weights: a step of its own
            continue
        key = (lay.tp, lay.pp, lay.cp, lay.ep, lay.micro_batch, lay.recompute, lay.vp, t)
        assert key not in seen, f"ZeRO-{lay.zero_stage} repeats ZeRO-{seen[key]}'s row {key}"
        seen[key] = lay.zero_stage
    assert any(p.layout.zero_stage == 2 for p in rows)   # ZeRO-2 rows that differ are listed


def mem_tight(gb: float) -> bool:
    from estimator.core.training.memory import is_tight
    return is_tight(gb, 85.52)


def test_a_plan_without_a_precision_takes_the_profiles_default_else_the_first_the_step_model_times():
    """Code review 2026-11-28: the Plan page opened on the first precision the step model times where the profile's
    default is not one of them, and `plan` refused that default; one rule now (``plan_precision``), both read it."""
    from dataclasses import replace

    from estimator.io.datafiles import default_profiles
    from estimator.services.training.step_setup import plan_precision
    h100 = default_profiles().get("h100-sxm")
    assert plan_precision(h100) == h100.default_precision == "bf16"
    assert plan_precision(replace(h100, default_precision="fp32")) == "bf16"   # bf16 first of those it times
    assert plan_precision(replace(h100, default_precision="fp8")) == "fp8"
    assert plan_precision(replace(h100, peak_flops_per_s={"fp32": 67e12}, default_precision="fp32")) is None


def test_plan_takes_and_says_the_precision_it_chose_where_the_profiles_default_is_not_timed(tmp_path):
    """A profile whose default precision the step model does not time (fp32 here) is planned at the first it does, as
    the Plan page opens, and the plan says so (code review 2026-11-28: bf16 without a word, where `estimate` runs fp32)."""
    from pathlib import Path

    from estimator.services.training.plan import plan
    text = Path("profiles/h100-sxm.toml").read_text(encoding="utf-8")
    f = tmp_path / "my-h100.toml"
    f.write_text(text.replace('id = "h100-sxm"', 'id = "my-h100"').replace('default_precision = "bf16"',
                                                                            'default_precision = "fp32"'), encoding="utf-8")
    r = plan(model="llama-3.1-8b", tokens=1e12, hardware=str(f), devices=64)
    assert r.precision == "bf16"
    assert any(n.startswith("precision: bf16, the first the step model times") and "default, fp32" in n for n in r.notes)
    assert not any(n.startswith("precision: ") for n in plan(model="llama-3.1-8b", tokens=1e12, hardware="h100-sxm",
                                                              devices=64).notes)


def test_a_plans_whole_run_fit_at_fp8_takes_the_step_fits_share_of_the_fp8_peak():
    """Researcher review 2026-11-28: the whole-run fit beside an fp8 plan applied the bf16-fitted share to the fp8
    peak, twice as fast as the same FLOPs at bf16; it was then timed at the bf16 peak; since 2026-12-01 at the fp8 peak,
    the share × the step fit's whole-step share (1.34× the bf16 time's pace, not 2×); `plan` says it as `estimate`
    does."""
    from estimator.io.datafiles import default_profiles
    from estimator.services.training.plan import plan
    kw = dict(model="llama-3.1-70b", tokens=2e12, hardware="h100-sxm", devices=512)

    def whole(r):
        (said,) = [n for n in r.notes if "the whole-run utilisation an estimate from the FLOPs alone uses" in n]
        return said
    fp8, bf16 = whole(plan(**kw, precision="fp8")), whole(plan(**kw))
    low = default_profiles().get("h100-sxm").utilization.low_precision
    h100 = default_profiles().get("h100-sxm")
    share = low.pace / (h100.peak("fp8") / h100.peak())
    assert f"of the fp8 peak, the fitted runs' bf16 share × {share:.3g}" in fp8 and "the fitted runs'" not in bf16

    def days(said: str) -> float:
        text = said.split(") gives ")[1].split(" (")[0]
        assert text.endswith(" days")
        return float(text.removesuffix(" days"))
    assert days(bf16) / days(fp8) == pytest.approx(low.pace, rel=0.01)


def test_zero3_regathering_each_micro_batch_is_said_where_it_dominates_the_step():
    """Planner review 2026-11-30: GPT-3 175B under ZeRO-3 at micro-batch 1 (8 micro-batches a step) spent most of its
    step re-gathering parameters, 12.5% MFU, and nothing said why; at micro-batch 8 (one a step) nothing is said."""
    run = dict(model="gpt-3-175b", tokens=180e9, hardware="a100-sxm-80gb", devices=992, tp=8, zero=3, seq_len=2048,
               global_batch_tokens=2097152, activation_recompute="full")
    slow = estimate(**run)
    (said,) = [n for n in slow.notes if n.startswith("ZeRO-3 gathers the parameters")]
    step = slow.to_dict()["step"]
    exposed = step["parts"]["communication_exposed_s"]["data_parallel"]
    assert "each of the step's 8 micro-batches" in said and f"{exposed / step['seconds']:.0%} of the step" in said
    assert exposed / step["seconds"] > 0.5
    one = estimate(**run, micro_batch=8)
    assert not any(n.startswith("ZeRO-3 gathers") for n in one.notes) and one.to_dict()["step"]["mfu"] > 3 * step["mfu"]


def test_sharding_beside_a_pipeline_says_which_stacks_run_it():
    """Planner review 2026-11-30: the planner's best for Llama 3.1 405B on 1,024 H100s pipelined with ZeRO-2, which
    DeepSpeed's pipeline engine refuses and Megatron-LM does not have; said by estimate (given or planned) and plan, not
    where the layout does not pipeline or shards the optimizer states alone."""
    from estimator import plan
    run = dict(model="llama-3.1-405b", tokens=1e12, hardware="h100-sxm", devices=1024)
    planned = estimate(**run)
    (said,) = [n for n in planned.notes if "with pipeline parallelism" in n]
    lay = planned.to_dict()["step"]["layout"]
    assert lay["zero"] >= 2 and lay["pp"] > 1
    assert said.startswith(f"the planner's best layout: ZeRO-{lay['zero']} with pipeline parallelism (PP {lay['pp']})")
    assert "DeepSpeed's pipeline engine refuses ZeRO-2 and -3" in said
    # whether the same layout fits under ZeRO-1 (app review 2026-11-30: a layout at 100% had been pointed to ZeRO-1)
    zero1 = estimate(**run, tp=lay["tp"], pp=lay["pp"], cp=lay["cp"], zero=1, micro_batch=lay["micro_batch"],
                     vp=lay["vp"]).to_dict()["memory"]
    assert said.endswith(f"this layout under ZeRO-1 needs {zero1['per_device_gb']['total']:.3g} GB a device and "
                         + ("fits in 85.52 GB" if zero1["fits"] else "does not fit in 85.52 GB: those stacks need "
                            "another layout"))
    assert any(n.startswith("the best layout's ZeRO-") for n in plan(**run).notes)
    given = estimate(**run, tp=8, pp=4, zero=3)
    assert any(n.startswith("ZeRO-3 with pipeline parallelism (PP 4)") and "gradients and parameters" in n
               for n in given.notes)
    assert not any("with pipeline parallelism" in n for n in estimate(**run, tp=8, pp=4, zero=1).notes)
    assert not any("with pipeline parallelism" in n for n in estimate(**run, tp=8, pp=1, zero=3).notes)


def test_the_planners_best_under_zero3_says_its_gathers_as_estimate_does():
    """Diff review 2026-11-30: the note was estimate's of a layout given only; `plan` with ZeRO-3 and micro-batch 1
    pinned says it of its best too."""
    from estimator import plan
    report = plan(model="gpt-3-175b", tokens=180e9, hardware="a100-sxm-80gb", devices=992, tp=8, pp=1, zero=3,
                  micro_batch=1, seq_len=2048, global_batch_tokens=2097152, activation_recompute="full")
    assert any(n.startswith("the best layout: ZeRO-3 gathers the parameters") for n in report.notes)


def test_the_plan_lists_no_row_twice_under_another_name():
    """Planner review 2026-11-30: on 1,024 H100s Llama 3.1 70B's rows 6-8 were one layout under three names (TP8 with
    CP 1, 2, 4 and micro-batch 2, 4, 8: the same time and memory); the first, with the fewest model-parallel devices,
    stands for them."""
    from estimator import plan
    rows = plan(model="llama-3.1-70b", tokens=15e12, hardware="h100-sxm", devices=1024).rows
    assert len(rows) == 10
    seen = [(round(r.planned.run_seconds, 3), round(r.planned.memory.total_gb, 3), r.planned.layout.zero_stage,
             r.planned.layout.recompute) for r in rows]
    assert len(set(seen)) == len(seen)


def test_chunks_that_split_unevenly_on_even_stages_are_said_as_such():
    """Diff review 2026-12-02: 32 layers on 2 stages × 3 chunks had read "the busiest stage holds 16, the lightest 16"."""
    notes = _notes(model="llama-2-7b", tokens=1e12, hardware="h100-sxm", devices=16, tp=1, pp=2, vp=3, zero=1,
                   micro_batch=1, global_batch_tokens=4194304)
    (said,) = [n for n in notes if n.startswith("pipeline: ")]
    assert said.startswith("pipeline: 32 layers over 2 stages × 3 interleaved chunks do not split evenly into chunks: "
                           "each stage holds 16, its chunks 6 or 5 layers")
    assert "the lightest" not in said
