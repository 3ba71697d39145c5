"""The preset's recomputation toggle (8·N·D) is taken only where the run has a count of parameters and tokens: the
preset's own, or tokens given (app review 2026-11-30: on a FLOPs preset the toggle had replaced the whole page with the
refusal); with tokens given it changes the run as `estimate --preset … --tokens … --recompute` does."""

from apptest_pages import shared_page

from estimator.services import api


def test_on_a_flops_preset_the_toggle_is_shown_off_until_tokens_are_given():
    at = shared_page("estimate", {"preset": "lambda-gpt3-v100", "recompute": "true"})
    assert not at.error
    toggle = at.toggle(key="recompute")
    assert toggle.disabled
    plain = api.run(preset_id="lambda-gpt3-v100").estimate
    shown = {m.label: m.value for m in at.metric}
    assert "355 years" in shown["Training time"] and plain.wall_clock_s > 0


def test_with_tokens_given_the_toggle_counts_8nd():
    at = shared_page("estimate", {"preset": "lambda-gpt3-v100", "tokens": "300000000000", "recompute": "true"})
    assert not at.error and not at.toggle(key="recompute").disabled
    e = api.run(preset_id="lambda-gpt3-v100", tokens=3e11, recompute=True).estimate
    assert e.flops > api.run(preset_id="lambda-gpt3-v100", tokens=3e11).estimate.flops * 1.3
