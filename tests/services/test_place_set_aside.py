"""An intensity given with a place: the place's own figure is set aside for it, said (researcher review 2026-11-30:
`--country FRA --carbon-intensity 500` took 500 g with no word of France's 56 g), in estimate, plan and inference."""

from __future__ import annotations

from estimator import estimate, inference, plan

SAID = "grid: the 500 g CO₂e/kWh given is used, in place of France (FRA)'s 56 g (the data CodeCarbon ships)"


def _said(notes) -> list[str]:
    return [n for n in notes if n.startswith("grid: the 500 g")]


def test_an_intensity_given_with_a_country_says_the_countrys_is_set_aside():
    r = estimate(params=7e9, tokens=1e12, country="FRA", carbon_intensity_g_per_kwh=500)
    assert r.assumption("carbon_intensity_g_per_kwh").value == 500
    assert [n.split(";")[0] for n in _said(r.notes)] == [SAID]
    p = plan(model="llama-3.1-8b", devices=64, country="FRA", carbon_intensity_g_per_kwh=500)
    assert [n.split(";")[0] for n in _said(p.notes)] == [SAID]
    i = inference(model="llama-3.1-8b", tokens=1e6, country="FRA", carbon_intensity_g_per_kwh=500).result
    assert [n.split(";")[0] for n in _said(i.notes)] == [SAID]


def test_an_intensity_alone_or_a_place_alone_says_nothing_of_it():
    assert not _said(estimate(params=7e9, tokens=1e12, carbon_intensity_g_per_kwh=500).notes)
    assert not [n for n in estimate(params=7e9, tokens=1e12, country="FRA").notes if "in place of" in n]
