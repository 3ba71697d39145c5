"""App review 2026-11-30, the Estimate page. The preset's recomputation toggle (8·N·D) is taken only where the run has a count of parameters and tokens: the
preset's own, or tokens given (app review 2026-11-30: on a FLOPs preset the toggle had replaced the whole page with the
refusal); with tokens given it changes the run as `estimate --preset … --tokens … --recompute` does."""

from apptest_pages import run_page, shared_page

from estimator.services import api


def test_on_a_flops_preset_the_toggle_is_shown_off_until_tokens_are_given():
    at = shared_page("estimate", {"preset": "lambda-gpt3-v100", "recompute": "true"})
    assert not at.error
    toggle = at.toggle(key="recompute")
    assert toggle.disabled and toggle.value is False  # shown off, the link's "true" said ignored
    assert any("recompute" in w.value and "8·N·D needs the run's tokens" in w.value for w in at.warning)
    plain = api.run(preset_id="lambda-gpt3-v100").estimate
    shown = {m.label: m.value for m in at.metric}
    assert "355 years" in shown["Training time"] and plain.wall_clock_s > 0


def test_with_tokens_given_the_toggle_counts_8nd():
    at = shared_page("estimate", {"preset": "lambda-gpt3-v100", "tokens": "300000000000", "recompute": "true"})
    assert not at.error and not at.toggle(key="recompute").disabled
    e = api.run(preset_id="lambda-gpt3-v100", tokens=3e11, recompute=True).estimate
    assert e.flops > api.run(preset_id="lambda-gpt3-v100", tokens=3e11).estimate.flops * 1.3


def test_the_memory_tab_says_what_would_hold_a_run_that_does_not_fit():
    """App review 2026-11-30: the Training memory tab said "does not fit" alone; the note above the tabs said 88."""
    m = api.run(preset_id="lambda-gpt3-v100").estimate.memory
    at = shared_page("estimate", {"preset": "lambda-gpt3-v100", "tab": "Training memory"})
    said = [x.value.replace("\\", "") for x in at.caption if "The dashed line is the device's memory" in x.value]
    assert any(f"{m.best_devices:,} or more devices would hold it with {m.best_strategy.describe()}." in x for x in said)


def test_the_preset_fields_placeholders_say_what_an_empty_field_means_with_the_others_given():
    """App review 2026-11-30: with tokens given on GPT-3's FLOPs preset, Parameters N read "none (preset: FLOPs)" while
    its model's 1.75 × 10¹¹ was used, and Training FLOPs the preset's 3.14 × 10²³ while 6·N·D was."""
    from app_pages.inputs.preset_workload import placeholder
    preset = api.get_preset("lambda-gpt3-v100")
    assert placeholder(preset, "params") == "1.75 × 10¹¹ (model)"
    assert placeholder(preset, "flops") == "3.14 × 10²³ (preset)"
    assert placeholder(preset, "flops", {"params": None, "tokens": 3e11}) == "6·N·D (the counts)"
    e = api.run(preset_id="lambda-gpt3-v100", tokens=3e11).estimate
    assert e.flops == 6 * preset.model_params * 3e11


def test_the_toggle_turns_off_when_the_tokens_that_let_it_apply_are_taken_away():
    at = run_page("estimate", {"preset": "lambda-gpt3-v100", "tokens": "300000000000", "recompute": "true"})
    assert at.toggle(key="recompute").value is True
    at.number_input(key="tokens").set_value(None).run()
    toggle = at.toggle(key="recompute")
    assert toggle.disabled and toggle.value is False and not at.error
    assert "355 years" in {m.label: m.value for m in at.metric}["Training time"]
