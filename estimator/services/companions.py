"""What a preset's companion devices (the brain beside AlphaGo) share with it, in one sentence for the CLI's
table and the app's caption alike (code audit: the CLI said "N× less than X" for each companion, the app
"uses N× the energy of" the first only)."""

from __future__ import annotations

from estimator.report import humanize as hz


def companion_basis(result) -> str:
    """What a preset's companions share with it: the time when the scenario gives one ("time (2.00 hours)"),
    else the work, each device at its own speed ("work (4.20 × 10²² FLOPs)")."""
    if result.scenario.hours is not None or result.scenario.device_hours is not None:
        return f"time ({hz.duration(result.estimate.wall_clock_s)})"
    return f"work ({hz.flops(result.estimate.flops)})"


def energy_ratio(result, other) -> float:
    """``result``'s energy ÷ its companion ``other``'s (AlphaGo's game ÷ the brain's, ≈50,000×): the one home of
    the ratio the CLI's table, the Estimate page's caption and the lecture's slide print."""
    return result.estimate.energy_kwh / other.estimate.energy_kwh


def energy_ratio_range(result, other) -> tuple[float, float] | None:
    """The ratio at the two ends of ``result``'s stated energy range, over ``other``'s energy (AlphaGo's ≈66 kW – 1 MW
    over the brain's game: 3,300× – 50,000×); None where ``result`` has no range."""
    low, high = result.estimate.range.get("energy_kwh", (None, None))
    if low is None or high is None:
        return None
    energy = other.estimate.energy_kwh
    return low / energy, high / energy


def stated_place(value: float, rng: tuple[float, float] | None) -> str:
    """Where a quoted figure sits in its stated range: a range's end is no centre (issue 55: AlphaGo's quoted
    ≈1 MW, the top of 66 kW – 1 MW, stood as if it were the middle)."""
    if rng is None or rng[0] == rng[1]:
        return ""
    return "the top of" if value >= rng[1] else "the bottom of" if value <= rng[0] else "within"


def _profiles_power(result) -> bool:
    """Whether the run's power is its profile's quoted figure (not one given: diff review 2026-11-30, `--power-w
    500000` had been said as "quoted at the top of its stated range: 25,000× – 25,000×")."""
    power = result.estimate.assumption("power_w")
    return power is not None and power.origin.startswith("profile:")


def quoted_power(result) -> str:
    """A reference point's power as its sources quote it, without digits they never had ("≈1 MW", "≈20 W"; lecturer
    review 2026-11-30: the Estimate page read "1.00 MW" where the slide says ≈1 MW), and where it is an end of its
    stated range, that range ("≈1 MW, the top of ≈66 kW – ≈1 MW"); a device's as computed."""
    power = result.profile.power
    if not result.profile.reference_point or not _profiles_power(result):
        return hz.power(result.estimate.assumption("power_w").value)
    place = stated_place(power.average_w, power.average_range_w)
    text = hz.approx(hz.power(power.average_w))
    if not place:
        return text
    low, high = (hz.approx(hz.power(x)) for x in power.average_range_w)
    return f"{text}, {place} {low} – {high}"


def companion_sentence(result, other) -> str:
    """The companion ``other`` beside ``result``: "The same time (4.00 hours) on Human brain, at its own power and
    PUE: energy 80.0 Wh (up to 50,000× less than AlphaGo distributed (Nature 2016), whose power is quoted at the top
    of its stated range: 3,300× – 50,000×)"; "the same as" where the two read alike."""
    ratio = energy_ratio(result, other)
    if hz.times(ratio) == hz.times(1.0):  # "1× less" said nothing (review)
        than = f"the same as {result.profile.name}"
    else:
        than = (f"{hz.times(ratio)} less" if ratio >= 1 else f"{hz.times(1 / ratio)} more") + f" than {result.profile.name}"
        # a quoted power at an end of its stated range: the ratio said as that end's, the range's two ends beside it,
        # as the lecture's slide says them (lecturer review 2026-11-30: "50,000× less" against the slide's "up to")
        place = stated_place(result.profile.power.average_w, result.profile.power.average_range_w)
        spread = energy_ratio_range(result, other)
        if (place and spread is not None and ratio >= 1 and _profiles_power(result)
                and hz.times(spread[0]) != hz.times(spread[1])):
            word = {"the top of": "up to ", "the bottom of": "at least "}.get(place, "")
            than = (f"{word}{than}, whose power is quoted at {place} its stated range: {hz.times(spread[0])} – "
                    f"{hz.times(spread[1])}")
    return (f"The same {companion_basis(result)} on {other.profile.name}, at its own power and PUE: energy "
            f"{hz.energy(other.estimate.energy_kwh)} ({than})")
