"""The browser review of 2026-11-29, its findings each a test: a widget whose choice another input takes away (fp8 on a
device without an fp8 peak) falls back to its default in its own state, so that the address follows what the page
shows, and says so (the Plan page showed bf16 with `plan_precision=fp8` still in its address; reopening that address
gave fp8, 108 days against 164); fields set aside dropped from the address; notes whole and apart; names as people
write them; what a headline range is not, beside it."""

from __future__ import annotations

from apptest_pages import run_page


def _warnings(at) -> list[str]:
    return [w.value for w in at.warning] + [w.value for w in at.info] + [m.value for m in at.markdown]


def test_a_precision_the_new_device_lacks_falls_back_and_is_said():
    at = run_page("plan", {"plan_precision": "fp8"})
    assert at.selectbox(key="plan_precision").value == "fp8"
    at.selectbox(key="plan_hw").set_value("a100-sxm-80gb").run()
    assert at.selectbox(key="plan_precision").value == "bf16"
    assert at.session_state["plan_precision"] == "bf16"
    assert any("fp8 is not offered with the current choices; bf16 instead" in str(w) for w in _warnings(at))
    at.selectbox(key="plan_hw").set_value("h100-sxm").run()
    assert at.selectbox(key="plan_precision").value == "bf16"   # not back to the fp8 the address had held


def test_a_plan_field_the_choice_hides_is_dropped_from_the_address():
    """Browser review 2026-11-29: `/plan?plan_devices=512&plan_deadline=30` warned that the deadline is ignored but kept
    it in the address, and choosing Deadline then took 30 without a word."""
    at = run_page("plan", {"plan_devices": "512", "plan_deadline": "30"})
    assert any("`plan_deadline` = `30`: not used when the run is sized by devices" in str(w) for w in _warnings(at))
    assert "plan_deadline" not in at.query_params


def test_the_memory_box_gives_each_note_its_own_paragraph():
    """Browser review 2026-11-29: the default preset's memory box read "…ZeRO sharding over the data-parallel devices
    shrinks it memory: gpt3-175b is a published run…", two notes joined by a space."""
    at = run_page("estimate")
    (box,) = [i.value.replace("\\", "") for i in at.info if "published run" in i.value]
    assert "shrinks it memory:" not in box
    paragraphs = box.split("\n\n")
    assert len(paragraphs) == 2 and all(p.startswith("memory:") for p in paragraphs)
    assert paragraphs[1].startswith("memory: gpt3-175b is a published run")


def test_the_engine_choice_offers_no_alias_and_a_link_to_one_opens_its_engine():
    """Browser review 2026-11-29: the Inference page offered "online", the former name of vllm-2024, as a fifth engine
    with the same figures; a link that names it opens vllm-2024."""
    at = run_page("inference")
    assert "online" not in at.radio(key="inf_engine").options and "vllm-2024" in at.radio(key="inf_engine").options
    linked = run_page("inference", {"inf_engine": "online"})
    assert linked.radio(key="inf_engine").value == "vllm-2024"


def test_compare_names_a_catalog_model_as_the_estimate_page_does():
    """Browser review 2026-11-29: `/compare?model=llama-3.1-70b…` read "Custom workload: 6.35 × 10²⁴ FLOPs…"."""
    at = run_page("compare", {"model": "llama-3.1-70b", "tokens": "15e12", "devices": "1024"})
    (line,) = [m.value.replace("\\", "") for m in at.markdown if "of each profile" in m.value]
    assert line.startswith("Llama 3.1 70B: 6.35 × 10²⁴ FLOPs on 1,024 devices")
    custom = run_page("compare", {"workload": "params", "params": "7e9", "tokens": "1e12"})
    assert any(m.value.startswith("Custom workload") for m in custom.markdown)


def test_notes_are_shown_whole():
    """Browser review 2026-11-29: the Compare page's notes and the Plan page's shape note were cut mid-word at 600
    characters ("…rests o…", "max_pos…")."""
    at = run_page("plan", {"plan_model": "deepseek-v3", "plan_hw": "h800", "plan_tokens": "14.8e12",
                           "plan_devices": "2048"})
    (shape,) = [x.value for x in at.caption if x.value.startswith("shape\\:")]
    assert len(shape) > 600 and not shape.endswith("…")
    cmp = run_page("compare", {"model": "llama-3.1-70b", "tokens": "15e12", "devices": "1024"})
    notes = [x.value for x in cmp.caption if x.value.startswith("Note\\:")]
    assert notes and not any(n.endswith("…") for n in notes)


def test_the_plan_says_beside_its_ranges_that_they_are_a_tuned_stacks():
    """Browser review 2026-11-29: the Plan page's "80% ranges: time 134 days – 199 days" read as the run's, where the
    Accuracy page says the step path's range holds 1 of 10 published whole runs; the whole-run utilisation's figure
    (252 days) was a grey caption among the notes. It is said beside the ranges, once."""
    from estimator.services.training import plan as plan_service
    at = run_page("plan")
    report = plan_service.plan(model="llama-3.1-70b", tokens=15e12, hardware="h100-sxm", devices=1024)
    whole = plan_service.whole_run_note(report.whole_run_fit)
    (box,) = [i.value.replace("\\", "") for i in at.info if "tuned stack" in i.value]
    assert box.startswith(whole[:1].upper() + whole[1:]) and "of published whole runs" in box and "Phi-3's three" in box
    assert not [x for x in at.caption if x.value.replace("\\", "") == whole]


def test_the_fallbacks_word_goes_when_the_choice_is_offered_again():
    """Diff review 2026-11-29: back on the H100 with fp8 chosen again, the page still said "fp8 is not offered with the
    current choices; bf16 instead"."""
    at = run_page("plan", {"plan_precision": "fp8"})
    at.selectbox(key="plan_hw").set_value("a100-sxm-80gb").run()
    at.selectbox(key="plan_hw").set_value("h100-sxm").run()
    at.selectbox(key="plan_precision").set_value("fp8").run()
    assert at.selectbox(key="plan_precision").value == "fp8"
    assert not any("is not offered with the current choices" in str(w) for w in _warnings(at))


def test_a_lectures_compare_page_says_what_is_compared_at_caption_size():
    """Lecturer review 2026-11-30: at 1920 px the line saying what is compared stayed 14 px under a 24-px paragraph: in
    a lecture it is a caption, which grows with the window."""
    at = run_page("compare", {"preset": "lambda-gpt3-v100", "lecture": "1"})
    assert [x for x in at.caption if "of each profile" in x.value]
    assert not [m for m in at.markdown if "of each profile" in m.value]
