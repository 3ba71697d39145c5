"""Links that carry one input without its switch, limits past the estimator's bound, tables
without a price, and error hints that name the widget the user actually sees."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from apptest_pages import run_page, shared_page  # noqa: E402
from streamlit import dataframe_util  # noqa: E402

from app_pages.pages import calibrate as calibrate_page  # noqa: E402
from app_pages.pages import inference as inference_page  # noqa: E402
from app_pages.pages import limits as limits_page  # noqa: E402
from app_pages.ui import common as c  # noqa: E402
from estimator.core.base import bounds as B  # noqa: E402
from estimator.core.base.errors import InputError  # noqa: E402
from estimator.laws import scaling  # noqa: E402
from estimator.report import humanize as hz  # noqa: E402
from estimator.report.explain import steps  # noqa: E402
from estimator.services import api  # noqa: E402


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _text(at) -> str:
    return " ".join(e.value.replace("\\", "") for e in [*at.error, *at.info, *at.warning, *at.caption, *at.markdown])


@pytest.mark.parametrize("params, kwargs", [
    ({"region": "FRA"}, {"region": "FRA"}),
    ({"cloud": "gcp:europe-west1"}, {"cloud": "gcp:europe-west1"}),
    ({"grid": "100"}, {"carbon_intensity_g_per_kwh": 100.0}),
])
def test_a_link_with_a_grid_input_but_no_switch_uses_it_as_the_cli_does(params, kwargs):
    """?region=FRA alone means the country's grid, as ?flops= alone means a FLOPs workload and as
    the CLI's --region does; it was silently ignored."""
    at = shared_page("estimate", {"preset": "gpt3-175b", **params})
    expected = api.run(preset_id="gpt3-175b", **kwargs).estimate
    default = api.run(preset_id="gpt3-175b").estimate
    assert expected.co2e_kg != pytest.approx(default.co2e_kg)
    assert _metrics(at)["CO₂e"] == hz.co2e_short(expected.co2e_kg)


@pytest.mark.parametrize("params, kwargs", [
    ({"country": "USA"}, {"country": "USA"}),
    ({"country": "USA", "grid_by": "country"}, {"country": "USA"}),
    ({"country": "USA", "region": "california"}, {"country": "USA", "region": "california"}),
])
def test_a_link_in_the_command_lines_words_is_read_as_the_command_line_reads_it(params, kwargs):
    """Review 2026-11-27: ?country=USA was ignored as a typo (the picker's key is region) and the world average
    taken; the CLI's --country, and --region beside it (a state), now read as the CLI reads them."""
    at = shared_page("estimate", {"preset": "gpt3-175b", **params})
    expected = api.run(preset_id="gpt3-175b", **kwargs).estimate
    default = api.run(preset_id="gpt3-175b").estimate
    assert expected.co2e_kg != pytest.approx(default.co2e_kg)
    assert _metrics(at)["CO₂e"] == hz.co2e_short(expected.co2e_kg)
    assert "Ignored URL parameter" not in _text(at)


@pytest.mark.parametrize("params, region", [
    ({"grid_region": "California"}, "california"), ({"region": "usa:california"}, "usa:california"),
    ({"region": "california"}, "california"), ({"region": "SE4"}, "SE4"), ({"region": "beijing"}, "beijing")])
def test_a_links_region_without_its_country_is_read_as_the_command_line_reads_it(params, region):
    """App review 2026-12-02: ?grid_region=California alone was ignored (the world average taken), and the CLI's
    --region usa:california or a state alone under the country's key refused as a country; `estimate --region` alone
    reads each as the one country's region."""
    at = shared_page("estimate", {"preset": "gpt3-175b", **params})
    expected = api.run(preset_id="gpt3-175b", region=region).estimate
    default = api.run(preset_id="gpt3-175b").estimate
    assert expected.co2e_kg != pytest.approx(default.co2e_kg)
    assert _metrics(at)["CO₂e"] == hz.co2e_short(expected.co2e_kg)
    assert not at.warning


def test_an_explicit_grid_switch_still_wins_over_a_stray_input():
    at = shared_page("estimate", {"preset": "gpt3-175b", "grid_by": "default", "region": "FRA"})
    assert _metrics(at)["CO₂e"] == hz.co2e_short(api.run(preset_id="gpt3-175b").estimate.co2e_kg)


def test_scaling_past_the_estimate_bound_shows_the_split_and_says_why_no_cost():
    """The scaling law's split stays in bounds up to 3e33 FLOPs, an estimate up to 1e32: past it the page shows the
    parameters and tokens (as `scaling chinchilla` does) and says why there is no time or cost."""
    flops = 2e33
    assert B.FLOPS.high < flops <= B.SCALING_FLOPS.high
    at = shared_page("limits", {"lim_flops": str(flops)})
    shown = _metrics(at)
    assert not at.error
    assert shown["Parameters"] == hz.count(scaling.chinchilla(flops, "tokens-per-param").params_opt)
    assert "Cost" not in shown and "Energy" not in shown
    assert f"not estimated past {hz.sci(B.FLOPS.high)} FLOPs" in _text(at)
    from estimator.cli.main import main
    assert main(["scaling", "chinchilla", "--flops", str(flops), "--hardware", "h100-sxm"]) == 0  # the CLI agrees


def test_the_inference_table_says_n_a_for_hardware_without_a_price():
    assert api.default_profiles().get("gtx-580").price.usd_per_device_hour is None
    at = shared_page("inference", {"inf_hw": "gtx-580"})
    shown = dataframe_util.convert_arrow_bytes_to_pandas_df(at.dataframe[0].proto.arrow_data.styler.display_values)
    assert set(shown["usd_per_query"]) == {c.NO_VALUE} and set(shown["cost_total_usd"]) == {c.NO_VALUE}
    assert not {"None", "nan", "inf"} & {str(v) for v in shown.to_numpy().ravel()}
    assert shown["j_per_token"].str.match(r"^[0-9.]+(e[-+][0-9]+)?$").all()


def test_the_inference_page_names_its_own_token_field():
    at = shared_page("inference", {"inf_tokens": "1"})
    assert at.error
    text = at.error[0].value.replace("\\", "")
    assert "Tokens generated in total" in text and "Training tokens D" not in text


def _labels(at, kinds=("number_input", "selectbox", "radio", "toggle", "text_input")) -> set[str]:
    return {w.label for kind in kinds for w in getattr(at, kind)}


def test_every_hint_names_a_widget_the_page_draws():
    """Each page's hint labels (input → widget) are labels of widgets that page draws: a hint never
    points at a field that is not there (the Inference page once named 'Training tokens D')."""
    drawn = set()
    for params in ({"workload": "params", "memory_inputs": "true", "grid_by": "country"},
                   {"workload": "flops", "grid_by": "cloud"}, {"grid_by": "g/kWh"},
                   {"grid_by": "country", "region": "USA"}):  # a country with states draws their picker
        drawn |= _labels(shared_page("estimate", params))
    assert set(c.FIELD_LABELS.values()) <= drawn, set(c.FIELD_LABELS.values()) - drawn
    inf = _labels(shared_page("inference", {"inf_model": "custom"}))
    assert set(inference_page.FIELD_LABELS.values()) <= inf, set(inference_page.FIELD_LABELS.values()) - inf
    lim = set()
    for params in ({"lim": "Scaling laws"}, {"lim": "Scaling laws", "lim_budget": "USD"},
                   {"lim": "Scaling laws", "lim_budget": "kWh"}, {"lim": "Scaling laws", "lim_budget": "t CO₂e"},
                   {"lim": "Diminishing returns"}, {"lim": "Trends"}):
        lim |= _labels(shared_page("limits", params))
    for labels in (limits_page.SCALING_LABELS, limits_page.DIMINISHING_LABELS, limits_page.TREND_LABELS):
        assert set(labels.values()) <= lim, set(labels.values()) - lim
    cal = _labels(shared_page("calibrate"))
    assert set(calibrate_page.FIELD_LABELS.values()) <= cal, set(calibrate_page.FIELD_LABELS.values()) - cal


def test_a_page_with_its_own_labels_never_falls_back_to_the_sidebars():
    exc = InputError("bad", field=("utilization", "tokens"))  # the Inference page has no utilisation field
    assert c.error_text(exc, inference_page.FIELD_LABELS) == "bad (inputs: Tokens generated in total)"
    assert c.error_text(exc, {}) == "bad"
    assert c.error_text(exc) == "bad (inputs: Utilisation (fraction of peak), Training tokens D (Workload: params))"
    # a workload field is drawn only for its Workload choice: the hint says which
    assert c.error_text(InputError("bad", field=("preset", "flops"))) == "bad (inputs: Preset, Training FLOPs (Workload: flops))"


def test_a_memory_setting_that_cannot_work_names_its_field():
    with pytest.raises(InputError) as e:
        api.run(params=7e10, tokens=1e12, memory={"tp": 7})
    assert e.value.fields == ("tp",)
    assert "(inputs: Tensor parallel)" in c.error_text(e.value)


def test_flops_from_parameters_and_tokens_are_held_to_the_flops_bound():
    """6·N·D past 1e32 is refused as a FLOPs input is, naming the two inputs, not a FLOPs field."""
    with pytest.raises(InputError, match="6 × 10¹⁶ × 10¹⁷ = 6 × 10³³") as e:
        api.run(params=1e16, tokens=1e17)
    assert set(e.value.fields) == {"params", "tokens"}
    at = shared_page("estimate", {"workload": "params", "params": "1e16", "tokens": "1e17"})
    assert at.error and "Time" not in _metrics(at)


def test_how_it_was_computed_takes_the_time_from_model_flops_under_recomputation():
    """With full recomputation the devices execute 8·N·D, but the fitted utilisation counts 6·N·D:
    the time step shows the FLOPs the time was computed from, so its arithmetic holds."""
    est = api.run(params=7e9, tokens=2e12, recompute=True).estimate
    plain = api.run(params=7e9, tokens=2e12).estimate
    assert est.device_hours == pytest.approx(plain.device_hours) and est.flops > plain.flops
    time_step = steps(est)[1]
    assert time_step.formula.startswith("device-seconds = 6·N·D ÷")
    assert time_step.numbers.startswith(hz.sci(plain.flops, 4))
    peak, util = est.assumption("peak_flops_per_s").value, est.assumption("utilization").value
    assert hz.sci(plain.flops / (peak * util), 4) in time_step.numbers
    assert steps(plain)[1].formula.startswith("device-seconds = C ÷")


def test_the_memory_note_is_shown_once():
    at = shared_page("estimate", {"workload": "params", "params": "7e9", "tokens": "2e12", "recompute": "true"})
    notes = [i.value for i in at.info if "memory" in i.value]
    assert len(notes) == 1


@pytest.mark.parametrize("value, text", [(1234567.0, "1234567"), (1.23456789e9, "1234567890"), (0.1234567, "0.1234567"),
                                         (3.14e23, "3.14e+23"), (True, "true"), (False, "false"), ("FRA", "FRA")])
def test_a_shared_link_keeps_every_digit_and_writes_booleans_as_the_toggles_read_them(value, text):
    from app_pages.inputs.sidebar import url_text
    assert url_text(value) == text
    if isinstance(value, float):
        assert float(text) == value


def test_a_shared_link_reopens_on_the_same_devices():
    at = shared_page("estimate", {"preset": "lambda-gpt3-v100", "devices": "1234567", "tab": "Export & share"})
    link = next(x.value for x in at.code if x.value.startswith("http"))
    assert "devices=1234567" in link and "e%2B06" not in link


def test_lecture_links_stay_in_embed_mode(monkeypatch):
    """Inside a slide's iframe (?embed=true) the claim's next, previous and all-claims links keep
    embed mode, and the Estimate page's link to the Accuracy page keeps it too."""
    monkeypatch.setattr(c, "is_embedded", lambda: True)  # AppTest has no embed context of its own
    at = run_page("lecture", {"claim": "gpt3-v100"})
    nav = next(h.value for h in at.get("html") if "cce-links" in h.value)  # the slide's ←/→ and all-claims links
    assert 'href="/lecture?embed=true"' in nav and 'href="/lecture?claim=brain-alphago&amp;embed=true"' in nav
    est = run_page("estimate", {"preset": "gpt3-175b"})
    assert any("(/accuracy?embed=true)" in m.value for m in est.markdown)
    monkeypatch.setattr(c, "is_embedded", lambda: False)
    plain = run_page("lecture", {"claim": "gpt3-v100"})
    assert 'href="/lecture"' in next(h.value for h in plain.get("html") if "cce-links" in h.value)


def test_an_unknown_claim_on_another_page_warns_and_is_not_lecture_mode():
    at = shared_page("estimate", {"claim": "garbage"})
    assert any("`claim`" in w.value and "not a lecture claim" in w.value for w in at.warning)


def test_a_time_only_preset_offers_only_its_own_hardware():
    """AlphaGo's preset gives a game's time on AlphaGo, which says nothing about an H100: the picker
    offers AlphaGo alone, and a link naming other hardware warns and keeps the preset's numbers."""
    at = shared_page("estimate", {"preset": "alphago-vs-brain", "hardware": "h100-sxm"})
    picker = next(s for s in at.selectbox if s.label == "Hardware profile")
    assert list(picker.options) == [api.get_preset("alphago-vs-brain").hardware]
    assert not at.error and any("`hardware`" in w.value for w in at.warning)


def test_notes_say_what_a_known_runs_time_ignores_and_keeps():
    est = api.run(preset_id="resnet50-imagenet", utilization=0.9, devices=16).estimate
    own = api.run(preset_id="resnet50-imagenet").estimate
    assert est.wall_clock_s == pytest.approx(own.wall_clock_s) and est.energy_kwh == pytest.approx(2 * own.energy_kwh)
    notes = " ".join(est.notes)
    assert "utilisation 0.9 changes nothing here" in notes
    assert "16 devices instead of its 8 run as long" in notes
    assert not any("run as long" in n for n in own.notes)


@pytest.mark.parametrize("rate, text", [(4.33e13, "43.3 TFLOP/s"), (7.07e6, "7.07 MFLOP/s"), (9.89e14, "989 TFLOP/s"),
                                        (1.2e18, "1.20 EFLOP/s"), (None, "n/a")])
def test_throughput_is_written_in_the_si_unit_it_reaches(rate, text):
    assert hz.flops_rate(rate) == text


@pytest.mark.parametrize("query, workload", [({"params": "abc"}, "params"), ({"flops": "abc"}, "flops"),
                                             ({"flops": "1e40", "lecture": "1"}, "flops")])
def test_a_refused_workload_value_still_leaves_the_workload_in_the_address(query, workload):
    """Browser audit: /?params=abc showed the params workload at its default value, but the address
    became "/", which reopens GPT-3: the workload implied by the refused value is written to the
    address, so the link reopens what the page shows."""
    at = shared_page("estimate", query)
    assert any("Ignored URL parameter" in w.value for w in at.warning)
    address = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert address["workload"] == workload
    again = shared_page("estimate", address)
    assert _metrics(again) == _metrics(at) and _metrics(at)


def test_the_energy_step_shows_the_power_to_four_digits():
    """Browser audit: "3,115,000 h × 314.896 W × 1.1" (a fitted power printed to every digit)."""
    est = api.run(preset_id="lambda-gpt3-v100").estimate
    energy = next(s for s in steps(est) if s.title == "3. Energy")
    assert f" h × {hz.sig(est.assumption('power_w').value, 4)} W × 1.1 ÷ 1000 = " in energy.numbers
    assert "314.896" not in energy.numbers


def test_an_embedded_page_names_its_scenario_in_one_line(monkeypatch):
    """Browser audit: in a frame (?embed=true) the Estimate page's title is hidden and the sidebar
    closed, so 45.4 days / $7.5M stood unlabelled, and Compare said only "the sidebar's workload"."""
    monkeypatch.setattr(c, "is_embedded", lambda: True)
    est = run_page("estimate", {"workload": "flops", "flops": "1e24", "hardware": "h100-sxm", "devices": "1000"})
    lines = [m.value.replace("\\", "") for m in est.markdown]
    assert "**Custom workload on NVIDIA H100 SXM 80GB · 1,000\u00a0devices** · 10²⁴ FLOPs" in lines
    pre = [m.value.replace("\\", "") for m in run_page("estimate", {"preset": "llama2-70b"}).markdown]
    assert any(x.startswith("**Llama 2 70B (Touvron et al. 2023) · 2,048\u00a0×\u00a0NVIDIA A100 SXM 80GB**") for x in pre), pre
    assert not est.title
    cmp = run_page("compare", {"workload": "flops", "flops": "1e24", "devices": "1000"})
    assert "Custom workload: 10²⁴ FLOPs on 1,000 devices of each profile" in [
        m.value.replace("\\", "") for m in cmp.markdown]
    # out of a frame too: the sidebar is closed on a phone (browser audit: only the sidebar said it)
    monkeypatch.setattr(c, "is_embedded", lambda: False)
    cmp = run_page("compare", {"workload": "flops", "flops": "1e24", "devices": "1000"})
    assert "Custom workload: 10²⁴ FLOPs on 1,000 devices of each profile" in [
        m.value.replace("\\", "") for m in cmp.markdown]


@pytest.mark.parametrize("page, key, given, shown", [("estimate", "hardware", "H100-SXM", "h100-sxm"),
                                                     ("inference", "inf_hw", "L40S", "l40s")])
def test_a_hardware_id_in_a_link_is_read_in_any_case_as_the_cli_reads_it(page, key, given, shown):
    """App audit: ?hardware=H100-SXM was "unknown value" while `estimate --hardware H100-SXM` worked."""
    at = run_page(page, {key: given, **({"workload": "flops", "flops": "1e22"} if page == "estimate" else {})})
    assert not any("Ignored URL parameter" in w.value for w in at.warning)
    assert at.query_params[key] in (shown, [shown])
    if page == "estimate":
        assert _metrics(at)["CO₂e"] == hz.co2e_short(api.run(hardware=shown, flops=1e22).estimate.co2e_kg)


def test_a_parameter_given_twice_is_said_with_the_value_used():
    """Audit: ?devices=4&devices=8 took 8 without a word (two links pasted together)."""
    at = shared_page("estimate", {"preset": "gpt3-175b", "devices": ["4", "8"]})
    said = [w.value for w in at.warning if "is given 2 times" in w.value]
    assert said == ["URL parameter `devices` is given 2 times: only the last, `8`, is read; `4` ignored."]
    assert next(m.value for m in at.metric if m.label.startswith("Devices")) == "8"
    at = shared_page("compare", {"preset": "gpt3-175b", "hw": ["a", "b", "c", "d", "e"]})  # an unknown one, five times
    said = [w.value for w in at.warning if "is given 5 times" in w.value]
    assert said == ["URL parameter `hw` is given 5 times: only the last, `e`, is read; `a`, `b`, `c`, … ignored."]
    assert not [w for w in shared_page("estimate", {"preset": "gpt3-175b"}).warning if "times" in w.value]
    # an empty value is said in words, not as an empty pair of backticks (review 2026-11-27)
    at = shared_page("inference", {"inf_model": "llama-3.1-8b", "inf_batch": ["4", ""]})
    said = [w.value for w in at.warning if "is given 2 times" in w.value]
    assert said == ["URL parameter `inf_batch` is given 2 times: only the last, an empty value, is read; `4` ignored."]


def test_an_embedded_compare_page_names_the_links_workload_not_a_sidebar_it_does_not_draw():
    """Browser review 2026-11-27: embedded, Compare said "The sidebar's workload and settings", with no sidebar."""
    from apptest_pages import run_page
    embedded = run_page("compare", {"preset": "lambda-gpt3-v100"}, is_embedded=True)
    plain = run_page("compare", {"preset": "lambda-gpt3-v100"})
    said = [x.value for x in embedded.caption]
    assert any(x.startswith("The link's workload and settings on every hardware profile") for x in said)
    assert not any("sidebar" in x.lower() for x in said[:2])
    assert any(x.value.startswith("The sidebar's workload and settings") for x in plain.caption)


@pytest.mark.parametrize("raw, rules, why", [
    ("0", {"low_open": True}, "not above the minimum 0"),
    ("1e-320", {"smallest_nonzero": B.SMALLEST_NONZERO}, "neither 0 nor at least 10⁻⁹"),
    ("2.5", {"integer": True}, "not a whole number"),
    ("0", {"smallest_nonzero": B.SMALLEST_NONZERO}, None), ("1e-9", {"smallest_nonzero": B.SMALLEST_NONZERO}, None),
    ("0.001", {"low_open": True}, None)])
def test_a_url_number_is_checked_by_its_bounds_other_rules(raw, rules, why):
    """API review 2026-11-28: an open lower bound, the "0 or at least 10⁻⁹" rule and a whole-number bound had passed
    the URL check and been refused by the core after it."""
    rules = {"integer": False, **rules}
    assert c.check_number(raw, min_value=0, max_value=10, **rules) == why


@pytest.mark.parametrize("page, query", [
    ("inference", {"inf_accept": "0"}), ("inference", {"inf_tokens": "2.5"}),
    ("inference", {"inf_price": "1e-320"}), ("inference", {"inf_grid": "1e-320"}),
    ("estimate", {"price": "1e-320"}), ("estimate", {"grid": "1e-320"}), ("estimate", {"elec": "1e-320"})])
def test_a_url_value_its_bound_refuses_is_dropped_with_a_warning_not_shown_as_an_error(page, query):
    """A link whose value the declared bound refuses is dropped with the page's warning, as an out-of-range one is,
    and the page answers without it (it had reached the core and shown its error banner: API review 2026-11-28)."""
    at = shared_page(page, query)
    assert any("Ignored URL parameter" in w.value for w in at.warning), [w.value for w in at.warning]
    assert not at.error, [e.value for e in at.error]
    assert _metrics(at)


@pytest.mark.parametrize("module, params", [
    ("estimate", {"preset": "lambda-gpt3-v100", "devices": "8", "tab": "Export & share"}),
    ("plan", {}),
])
def test_a_share_link_takes_the_deployments_public_address_and_says_when_it_is_local(monkeypatch, module, params):
    """Lecturer review 2026-11-29: opened on the projector's localhost, the Export tab's links pointed there whatever
    ESTIMATOR_PUBLIC_URL said, with no word that they open only on that computer (the Lecture page's share box took
    the address and said so)."""
    monkeypatch.setenv("ESTIMATOR_PUBLIC_URL", "https://lecture.example.org")
    at = run_page(module, params)
    shown = [c.value for c in at.code if c.value.startswith("http")]
    assert shown and all(x.startswith("https://lecture.example.org/") for x in shown)
    assert not [c for c in at.caption if "only on this computer" in c.value]
    monkeypatch.delenv("ESTIMATOR_PUBLIC_URL")
    at = run_page(module, params)
    shown = [c.value for c in at.code if c.value.startswith("http")]
    assert shown and all(x.startswith("http://localhost:8501/") for x in shown)
    assert [c.value for c in at.caption if c.value.startswith("localhost opens only on this computer")]
