"""A lecturer's and a researcher's review (2026-11-27): fp64 training counted at 8 bytes, a refusal that echoes the
user's figure as given, and one device said in the singular."""

from __future__ import annotations

from dataclasses import replace

import pytest

from estimator import estimate
from estimator.core.base.errors import InputError
from estimator.core.training import plan as core_plan


def _memory(precision: str):
    return estimate(params=1e9, tokens=1e9, hardware="a100-sxm-80gb", precision=precision).memory.per_device


def test_fp64_weights_gradients_and_adam_states_are_twice_fp32s():
    fp32, fp64 = _memory("fp32"), _memory("fp64")
    assert (fp32.weights_gb, fp32.gradients_gb, fp32.optimizer_gb) == pytest.approx((4.0, 4.0, 8.0))
    assert (fp64.weights_gb, fp64.gradients_gb, fp64.optimizer_gb) == pytest.approx((8.0, 8.0, 16.0))
    # the layers' activations twice fp32's; the output layer's fp32 logits the same at both
    assert 1.6 < fp64.activations_gb / fp32.activations_gb < 2.0


def test_a_refused_global_batch_is_echoed_as_given():
    with pytest.raises(InputError) as e:
        estimate(model="llama-3.1-70b", tokens=15e12, devices=1024, global_batch_tokens=2048, seq_len=2048)
    assert "the global batch of 2048 tokens" in str(e.value) and "2,050" not in str(e.value)


def test_one_device_is_singular(cli):
    out = cli("estimate", "--model", "llama-3.1-70b", "--tokens", "15e12", "--devices", "1")
    assert out.code == 0 and "no layout of the model on 1 device fits" in out.err + out.out
    assert "1 devices" not in out.err + out.out


def test_tensor_parallelism_past_the_scale_up_domain_is_said_with_its_cost():
    over = estimate(model="llama-3.1-70b", tokens=15e12, devices=1024, tp=16)
    inside = estimate(model="llama-3.1-70b", tokens=15e12, devices=1024, tp=8)
    (note,) = [n for n in over.notes if "spans" in n]
    assert note.startswith("tensor parallelism 16 spans 2 scale-up domains of 8 devices") and "50 GB/s" in note
    assert not [n for n in inside.notes if "spans" in n] and over.wall_clock_s > 2 * inside.wall_clock_s


def test_context_parallelism_past_the_domain_names_its_own_exchanges():
    est = estimate(model="llama-3.1-70b", tokens=15e12, devices=1024, tp=8, cp=2, seq_len=32768)
    (note,) = [n for n in est.notes if "spans" in n]
    assert note.startswith("context parallelism 2 over tensor parallelism 8 spans 2 scale-up domains of 8 devices: "
                           "its K and V exchanges cross the scale-out network")
    assert note.endswith("(the tensor parallelism's stay inside a domain)") and "planner" not in note


def test_expert_parallelism_past_the_domain_is_said_with_its_cost():
    """Review 2026-11-27: TP 2 × EP 8 of Qwen3 235B-A22B on 8-GPU B200 servers gave 2.7% MFU, 70% of the step in
    all-to-alls across the scale-out network, without a word; inside one server (TP 1 × EP 8) no such note."""
    # (since 2026-11-30 TP 2 × EP 8 keeps its experts whole on each device, the group inside one server, as
    # Megatron-Core's MoE guide advises: test_experts_whole_keep_the_expert_group_inside_the_domain; EP 16 cannot)
    kw = dict(model="qwen3-235b-a22b", tokens=1e12, hardware="b200", devices=256, pp=8, tp=2, precision="fp8")
    over, inside = estimate(**kw, ep=16), estimate(**kw, ep=8)
    (note,) = [n for n in over.notes if "spans" in n]
    assert note.startswith("expert parallelism 16 over tensor parallelism 2 spans 4 scale-up domains of 8 devices: its "
                           "all-to-alls cross the scale-out network at 50 GB/s per device")
    share = over.step.step.parts.expert_comm_s / over.step.step.parts.total_s
    assert f"exposed {share:.0%} of the step" in note and share > 0.5
    assert not [n for n in inside.notes if "spans" in n]
    # 2.1× faster inside (only the copies leaving a server cross the network, and each TP rank dispatches its own
    # sequence-parallel share, since 2026-11-30)
    assert inside.step.step.tokens_per_s_per_device > 2.0 * over.step.step.tokens_per_s_per_device


def test_experts_whole_keep_the_expert_group_inside_the_domain():
    """Serving review 2026-11-30: TP 2 × EP 8 of Qwen3 235B-A22B on 64 B200s read 3.3% MFU, the experts split over the
    run's TP 2 (Megatron-Core's argument default) so that each expert group of 16 devices spanned two 8-GPU servers.
    Megatron-Core's MoE guide keeps EP × TP inside the NVLink domain and the experts whole (MoE parallel folding,
    --expert-tensor-parallel-size 1): taken where it fits the memory, said in the layout and memory words; the group
    of 8 then stays in one server and no all-to-all crosses the network. Where whole experts do not fit, the run's own
    tensor parallelism is kept."""
    from estimator.core.training import memory as mem
    kw = dict(model="qwen3-235b-a22b", tokens=1e12, hardware="b200", devices=64, tp=2, pp=4, ep=8, precision="fp8",
              global_batch_tokens=4194304, seq_len=4096, micro_batch=1)
    r = estimate(**kw)
    step = r.step.step
    assert step.layout.etp == 1 and "EP 8 (over TP × DP, experts whole)" in r.step.layout_words()
    assert r.to_dict()["step"]["layout"]["etp"] == 1
    # each device's whole experts take its own half of the micro-batch's tokens (sequence parallel): 3,670 tokens/s
    # per device, where the experts split over TP 2 across two servers read 893 (1,980 since each TP rank dispatches
    # its own share)
    assert step.tokens_per_s_per_device == pytest.approx(3667, rel=0.01)
    assert "expert parallel 8 (experts whole on each device)" in r.memory.strategy.describe()
    assert not [n for n in r.notes if "spans" in n]
    # the all-to-all at NVLink's 900 GB/s, not the 50 GB/s network: under a tenth of the step (it had been 77%)
    assert step.parts.expert_comm_s / step.parts.total_s < 0.1
    # whole experts hold more per device than split ones, and fit
    split = mem.per_device(r.memory.shape, replace(r.memory.strategy, etp=None), 8, 4096, 1, "fp8").total_gb
    assert r.memory.per_device.total_gb > split and r.memory.fits
    # the choices: 1 first only where the group at the run's TP leaves the domain and 1 keeps it in
    assert mem.expert_tp_choices(2, 8, 8, 8) == (1, None)
    assert mem.expert_tp_choices(1, 8, 8, 8) == mem.expert_tp_choices(2, 4, 8, 8) == (None,)   # already inside
    assert mem.expert_tp_choices(2, 16, 16, 8) == (None,)   # 16 cannot fit in 8 either way
    assert mem.expert_tp_choices(2, 8, 8, 72) == (None,)    # an NVL72 rack holds 16


def test_a_mixture_of_experts_exposed_all_to_alls_are_said_with_what_hiding_them_would_give():
    """Review 2026-11-27: DeepSeek-V3 on 2,048 H800s, planned at 88.8 days with its all-to-alls 58% of the step
    counted exposed, said nothing of it; the note gives the share and 1 ÷ (1 − share), the most an overlapping
    schedule (DualPipe) would gain. A dense model's plan has no such note. (118 days and 43% since the experts'
    gradients reduce over the ranks that hold them, across servers, and the planner interleaves 61 layers: 2026-11-28;
    83 days and 27% since DeepSeek-V3's node-limited routing sends a token over InfiniBand once to each of at most 4
    nodes: 2026-11-29; 82 days and 26% since its all-to-alls are counted on its 58 layers with experts, not 61: 2026-11-30.)"""
    from estimator import plan
    # at 2,048 tokens a sequence, the review's (DeepSeek-V3's own 4,096 is its default since 2026-11-30)
    # and the tool's 4M batch, the review's (its published 62.9M is its default since 2026-11-30)
    # (at TP 1: since each TP rank dispatches its own sequence-parallel share, 2026-11-30, a TP 2 layout running one
    # micro-batch a step leads, whose all-to-alls no schedule could hide)
    report = plan(model="deepseek-v3", tokens=14.8e12, hardware="h800", devices=2048, precision="fp8", seq_len=2048,
                  global_batch_tokens=4194304, tp=1)
    parts = report.best.planned.step.parts
    share = parts.expert_comm_s / parts.total_s
    (note,) = [n for n in report.notes if n.startswith("the best layout's expert all-to-alls")]
    assert note.startswith(f"the best layout's expert all-to-alls: {share:.0%} of the step, counted exposed")
    gain = core_plan.expert_hiding_gain(report.best.planned.step)   # no more than the compute beside them hides
    assert parts.expert_comm_floor_s == 0.0 and gain == pytest.approx(1 / (1 - share))  # all of it hideable here
    assert note.endswith(f"would run the step up to {gain:.2f}× as fast: give the share of the all-to-all "
                         "it hides") and f"{share:.0%}" == "26%" and f"{gain:.2f}" == "1.36"
    assert round(report.best.estimate.wall_clock_s / 86400) == 82
    est = estimate(model="deepseek-v3", tokens=14.8e12, hardware="h800", devices=2048, precision="fp8", seq_len=2048,
                   global_batch_tokens=4194304, tp=1, pp=8, vp=4, ep=64, zero=1)   # the plan's best, given
    assert [n for n in est.notes if n.startswith(f"expert all-to-alls: {share:.0%} of the step")]
    dense = plan(model="llama-3.1-70b", tokens=15e12, hardware="h100-sxm", devices=1024)
    assert not [n for n in dense.notes if "all-to-alls" in n]


@pytest.mark.parametrize("tp, devices, straddling", [(16, 144, "1 of its 9 groups straddles"),
                                                      (16, 288, "2 of its 18 groups straddle"), (8, 144, None),
                                                      (4, 144, None)])
def test_a_given_tensor_parallelism_that_does_not_tile_the_rack_says_how_many_groups_straddle_two(tp, devices,
                                                                                                   straddling):
    """Summary of weak points (2026-11-28): `--tp 16` on GB200 NVL72 racks (72 GPUs a domain) lays groups 64-79 across
    two racks, timed as inside one, with no word. Said, with the count of groups that straddle; a degree that tiles the
    rack (8, 4) says nothing."""
    r = estimate(model="llama-3.1-405b", tokens=1e12, hardware="gb200", devices=devices, tp=tp, pp=devices // tp)
    said = [n for n in r.notes if "does not tile the 72-device scale-up domain" in n]
    if straddling is None:
        assert not said
    else:
        (note,) = said
        assert note.startswith(f"tensor parallelism {tp} does not tile the 72-device scale-up domain: {straddling} "
                               "two domains")
        # and timed so: the step waits on the straddling groups' all-reduces over the network (researcher review
        # 2026-11-30: they had been timed as inside one domain), so TP 16 runs slower than TP 8 on the same devices
        assert "the step waits on the slowest group" in note
        tp8 = estimate(model="llama-3.1-405b", tokens=1e12, hardware="gb200", devices=devices, tp=8, pp=devices // tp)
        assert r.step.step.parts.tp_comm_s > 3 * tp8.step.step.parts.tp_comm_s


@pytest.mark.parametrize("pp, vp, m, held", [(16, 1, 4, 4), (16, 1, 64, 16), (16, 2, 16, 16), (16, 2, 64, 16 + 7.5),
                                             (4, 4, None, 4 + 0.75), (1, 1, 8, 1)])
def test_the_first_stage_holds_no_more_micro_batches_than_the_step_runs(pp, vp, m, held):
    """Planner review 2026-11-28: 1F1B's first stage holds p micro-batches, the interleaved schedule p + (p − 1)/v, but
    never more than the step's m (Megatron-Core's warm-up caps at every micro-batch)."""
    from estimator.core.training.memory import in_flight
    assert in_flight(pp, vp, m) == pytest.approx(held)


def test_an_all_to_all_across_domains_sends_over_the_network_only_what_leaves_the_domain():
    """Review 2026-11-30: an expert group over several 8-GPU servers had every copy counted over the 50 GB/s network,
    those to the sender's own server too. With a uniform router, (n − 1)/n of a token's copies leave for the other
    n − 1 servers: EP 16 over 2 sends half, EP 32 over 4 three quarters, so at the same tokens per device the exposed
    all-to-all of EP 32 is 1.5× EP 16's (it had been (31/32)/(15/16) = 1.03×)."""
    kw = dict(model="qwen3-235b-a22b", tokens=1e12, hardware="b200", devices=256, pp=8, tp=1, precision="fp8")
    ep16, ep32 = (estimate(**kw, ep=ep).step.step for ep in (16, 32))
    assert ep16.layout.dp == ep32.layout.dp  # the same tokens per device and step
    assert ep32.parts.expert_comm_s / ep16.parts.expert_comm_s == pytest.approx(1.5, rel=1e-6)


def test_the_all_to_alls_are_counted_on_the_layers_with_experts_only():
    """Llama 4 Maverick routes tokens to experts in every second of its 48 layers, DeepSeek-V3 in 58 of 61 (the first 3
    dense): the catalog says so (moe_layers, from their sources) and the step's and the serving step's all-to-alls are
    counted on those layers, half of Maverick's had been counted twice."""
    from estimator.core.serving.engines import DEFAULT_ENGINE
    from estimator.core.serving.estimate import InferenceScenario, inference
    from estimator.core.training.step import step_hardware, step_time
    from estimator.io.serving_data import load_serving_fit
    from estimator.services.model_shape import resolve_architecture
    from estimator.services.public import load_profile
    from estimator.services.training.step_setup import resolve_model
    kw = dict(model="llama-4-maverick", tokens=1e12, hardware="b200", devices=128, tp=1, pp=2, ep=64, precision="fp8")
    r = estimate(**kw)
    _, shape, _, _, _ = resolve_model(model="llama-4-maverick")
    assert shape.moe_layer_share == 0.5
    every = step_time(replace(shape, moe_layer_share=1.0), r.step.step.layout, step_hardware(load_profile("b200")))
    assert r.step.step.parts.expert_comm_s == pytest.approx(0.5 * every.parts.expert_comm_s, rel=1e-9)
    # serving DeepSeek-R1 at EP 8: its all-to-alls 58/61 of what all 61 layers would exchange
    n, arch, _ = resolve_architecture(model="deepseek-r1")
    assert arch.moe_layers == 58
    profile, fit = load_profile("b200"), load_serving_fit(DEFAULT_ENGINE)
    s = InferenceScenario(params=n, tokens=1e6, architecture=arch, devices=8, ep=8, batch_size=64, bits=8)
    ours, all_layers = (inference(x, profile, fit).expert_parallel_s_per_step
                        for x in (s, replace(s, architecture=replace(arch, moe_layers=None))))
    assert ours == pytest.approx(58 / 61 * all_layers, rel=1e-9) and ours > 0


def test_each_tensor_parallel_rank_dispatches_its_own_share_and_split_experts_gather_it():
    """Sweep review 2026-11-30: with the experts split over the run's TP, every TP rank had dispatched the whole
    micro-batch, t times the bytes. Megatron-Core's all-to-all dispatcher sends each rank's sequence-parallel 1/t over
    the expert-parallel group, then all-gathers the routed tokens over the experts' TP ranks (and the reverse to
    combine): TP 2 × EP 4 inside one server moves k copies of its share over EP, 3/4 of them to other devices, and
    gathers the other rank's k copies, (3/4 + 1) ÷ 3/4 = 7/3 of the same group with whole experts, which gathers none."""
    from estimator.core.training.step import step_hardware, step_time
    from estimator.services.public import load_profile
    from estimator.services.training.step_setup import resolve_model
    _, shape, _, _, _ = resolve_model(model="qwen3-30b-a3b")
    r = estimate(model="qwen3-30b-a3b", tokens=1e12, hardware="h100-sxm", devices=64, tp=2, ep=4)
    layout, hw = r.step.step.layout, step_hardware(load_profile("h100-sxm"))
    assert layout.etp is None and layout.tp == 2 and layout.dp % 4 == 0   # the experts split over TP 2, 8 in a server
    split = step_time(shape, layout, hw).parts.expert_comm_s
    whole = step_time(shape, replace(layout, etp=1), hw).parts.expert_comm_s
    assert split / whole == pytest.approx(7 / 3, rel=1e-9)


def test_on_a_rack_the_groups_that_tile_it_keep_the_experts_whole():
    """Sweep review 2026-11-30: on 72-GPU racks an expert group of 16 (EP 8 × TP 2) straddles two racks, 8 of every 9,
    while 8 whole-expert devices tile a rack; only a group larger than the rack had been folded, so GB200 read 0.78×
    the H100 for Qwen3 235B on 128 devices. The experts are whole there and the all-to-all as inside a B200 server."""
    from estimator.core.training import memory as mem
    kw = dict(model="qwen3-235b-a22b", tokens=1e12, devices=128, tp=2, pp=4, cp=2, ep=8, zero=1,
              activation_recompute="full", seq_len=8192, global_batch_tokens=2 * 128 * 8192)
    gb200, b200, h100 = (estimate(**kw, hardware=hw).step.step for hw in ("gb200", "b200", "h100-sxm"))
    # 128 devices fill no whole racks: taken as 64 in each of two (researcher review 2026-11-30,
    # ``memory.inside_domain``), where groups of 16 tile the rack too, and the faster of the two is kept
    assert not [n for n in estimate(**kw, hardware="gb200").notes if "straddle" in n]
    assert gb200.parts.expert_comm_s <= 1.1 * max(b200.parts.expert_comm_s, h100.parts.expert_comm_s)
    assert gb200.tokens_per_s_per_device > 1.3 * h100.tokens_per_s_per_device
    # whole racks (144 devices): a group of 16 straddles, so whole experts are weighed too; in part (128) or one: not
    assert mem.expert_tp_choices(2, 8, 72, 72, 144) == (1, None) and mem.expert_tp_choices(2, 8, 16, 72, 128) == (None,)
    assert mem.expert_tp_choices(2, 8, 16, 72, 64) == (None,)


def test_of_whole_and_split_experts_the_faster_that_fits_is_taken(capsys):
    """Diff review 2026-11-30: whole experts had been taken wherever they fitted, though on Llama 4 Maverick at TP 2 ×
    EP 8 on 64 H200s (ZeRO-1, full recomputation) the split ones run 1.5× as fast; the H100, where whole ones do not
    fit, had read faster than the H200. Both are timed and the faster kept, by estimate and plan alike; the CSV and the
    memory's JSON say which."""
    import csv
    import io

    from estimator import plan
    from estimator.cli.main import main
    from estimator.core.training.step import step_hardware, step_time
    from estimator.services.public import load_profile
    from estimator.services.training.step_setup import resolve_model
    kw = dict(model="llama-4-maverick", tokens=1e12, devices=64, tp=2, pp=4, ep=8, zero=1,
              activation_recompute="full")
    r = estimate(**kw, hardware="h200-sxm")
    _, shape, _, _, _ = resolve_model(model="llama-4-maverick")
    chosen, lay = r.step.step, r.step.step.layout
    whole = step_time(shape, replace(lay, etp=1), step_hardware(load_profile("h200-sxm")))
    assert lay.etp is None and chosen.seconds < whole.seconds / 1.3
    assert r.to_dict()["memory"]["strategy"]["expert_tensor_parallel"] == 2
    assert chosen.tokens_per_s_per_device >= estimate(**kw, hardware="h100-sxm").step.step.tokens_per_s_per_device
    planned = plan(**kw, hardware="h200-sxm")
    assert planned.best.planned.layout.etp is None
    capsys.readouterr()
    assert main(["plan", "--model", "qwen3-30b-a3b", "--hardware", "h100-sxm", "--devices", "64", "--tokens", "1e12",
                 "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert all(row["etp"] in ("1", "2", "4", "8") for row in rows if row["ep"] != "1")


def test_the_all_to_alls_floor_counts_the_layers_with_experts_only():
    """Diff review 2026-11-30: the least exposed part of the all-to-alls (what outlasts the compute beside them) was
    counted on every layer, the exposed part on the layers with experts: the floor could exceed what is exposed."""
    from estimator.core.training.step import step_hardware, step_time
    from estimator.services.public import load_profile
    from estimator.services.training.step_setup import resolve_model
    _, shape, _, _, _ = resolve_model(model="llama-4-maverick")
    r = estimate(model="llama-4-maverick", tokens=1e12, hardware="b200", devices=128, tp=1, pp=2, ep=64,
                 precision="fp8", expert_overlap=1.0)
    # a network a hundredth as fast: the all-to-alls outlast the compute beside them
    slow = replace(step_hardware(load_profile("b200")), scale_out_gb_per_s=0.5)
    parts = step_time(shape, r.step.step.layout, slow).parts
    every = step_time(replace(shape, moe_layer_share=1.0), r.step.step.layout, slow).parts
    assert 0 < parts.expert_comm_floor_s <= parts.expert_comm_s
    assert parts.expert_comm_floor_s == pytest.approx(0.5 * every.expert_comm_floor_s, rel=1e-9)


def test_a_student_keeps_its_teachers_share_of_layers_with_experts():
    """Diff review 2026-11-30: a 2-layer student of DeepSeek-V3 had kept its 58 layers with experts, an all-to-all
    share of 29 and an architecture the checks refuse."""
    from estimator.core.workload.architecture import check_architecture, student_architecture
    from estimator.services.model_shape import resolve_architecture
    n, arch, _ = resolve_architecture(model="deepseek-v3")
    student = student_architecture(arch, n, 20e9)
    assert 1 <= student.moe_layers <= student.layers and student.moe_layer_share <= 1.0
    check_architecture(student)


def test_a_catalog_model_without_published_tokens_takes_the_illustrative_count_by_the_api_too():
    """Diff review 2026-11-30: run(params_model=…) of a model that publishes no tokens raised Python's TypeError; then
    refused for want of tokens; now (review 2026-11-30) it takes the illustrative 2 × 10¹², as the CLI does, said."""
    from estimator import run
    r = run(hardware="h100-sxm", params_model="mixtral-8x7b", params=4.67e10, devices=64)
    given = run(hardware="h100-sxm", params_model="mixtral-8x7b", params=4.67e10, devices=64, tokens=2e12)
    assert r.estimate.wall_clock_s == given.estimate.wall_clock_s
    assert r.scenario.origin("tokens") == "illustrative" and given.scenario.origin("tokens") == "user"
    assert any(n.startswith("tokens: 2 × 10¹², illustrative") and "Mixtral 8x7B" in n for n in r.estimate.notes)


def test_where_whole_experts_do_not_fit_the_run_keeps_its_own_tensor_parallelism():
    """Llama 4 Scout at TP 4 × EP 8 on 32 H100s (ZeRO-1, full recomputation, sequence 8,192): whole experts would take
    more than the 80 GB; the experts split over TP 4 fit and run, though their group leaves the server."""
    from estimator.core.training import plan as core_plan
    from estimator.services.training.step_setup import resolve_model
    r = estimate(model="llama-4-scout", tokens=1e12, hardware="h100-sxm", devices=32, tp=4, ep=8, zero=1, seq_len=8192,
                 activation_recompute="full")
    lay = r.step.step.layout
    _, _, mshape, _, _ = resolve_model(model="llama-4-scout")
    assert lay.etp is None and r.memory.fits
    assert core_plan.memory_of(mshape, replace(lay, etp=1)).total_gb > 85.52
