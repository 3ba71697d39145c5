"""A plan whose best layout crosses the scale-up domain says so, as `estimate` says it of a layout given, and neither
claims the planner keeps expert groups inside one domain when its best does not (MoE review 2026-11-30: gpt-oss-120b on
256 B200s planned EP 64 over 8 servers, 65% of the step in all-to-alls, unsaid, while `estimate --ep 64` said "the
planner keeps the expert group within one domain where it can")."""

from __future__ import annotations

from estimator import estimate, plan

GPT_OSS = dict(model="gpt-oss-120b", tokens=2e12, devices=256, hardware="b200")


def test_a_plans_expert_groups_across_servers_are_said_with_why():
    report = plan(**GPT_OSS)
    lay = report.best.planned.layout
    assert lay.ep > 8  # the planner's best spans the 8-GPU servers
    (note,) = [n for n in report.notes if n.startswith("the best layout's expert parallelism")]
    assert f"spans {lay.ep // 8} scale-up domains of 8 devices" in note
    assert note.endswith("those whose expert groups stay inside one domain, each expert then held by more ranks whose "
                         "gradients reduce across the domains, ran slower or did not fit")
    e = estimate(**GPT_OSS)
    assert e.step.layout.ep == lay.ep
    assert [n for n in e.notes if n.startswith("the planner's best layout: expert parallelism")]


def test_a_layout_given_across_servers_no_longer_claims_the_planner_keeps_it_inside():
    e = estimate(**GPT_OSS, ep=64, zero=1, micro_batch=8)
    (note,) = [n for n in e.notes if n.startswith("expert parallelism 64 spans")]
    assert "keeps the expert group within one domain" not in note
    assert note.endswith("the planner weighs it against expert groups inside one domain, whose experts' gradients then "
                         "reduce across the domains (`plan` lists its layouts)")


def test_a_tensor_parallelism_fixed_across_servers_is_said_in_the_plan():
    report = plan(model="deepseek-v3", tokens=1e12, devices=2048, hardware="h800", tp=16)
    (note,) = [n for n in report.notes if n.startswith("the best layout's tensor parallelism 16 spans 2 scale-up")]
    assert note.endswith("; the tensor-parallel degree is the one given")


def test_a_micro_batch_too_large_for_any_layout_names_a_smaller_one(capsys):
    """MoE review 2026-11-30: 1,000 sequences a micro-batch fit no layout and were told to give more devices alone."""
    from estimator.cli import main
    assert main(["plan", "--model", "deepseek-v3", "--tokens", "1e12", "--devices", "2048", "--hardware", "h800",
                 "--micro-batch", "1000"]) == 2
    err = capsys.readouterr().err
    assert ("context parallelism, expert parallelism, ZeRO, recomputation): give a smaller micro-batch than the 1,000 "
            "given, or more devices (--micro-batch, --devices, --tp, --pp)") in err
