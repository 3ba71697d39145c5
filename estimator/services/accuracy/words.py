"""What `validate` and the app's Accuracy page both say about the utilisation figures beyond the figures
themselves: the caveat on how the procedure came to be, and which runs the energy coverage counts."""

from __future__ import annotations

from estimator.io.datafiles import default_profiles

# The caveat on the utilisation figures, once for `validate` and the app's Accuracy page: they are
# held out, but the procedure they score was shaped on the same runs (README.md, "How far to trust it").
DESIGN_OPTIMISM = ("These figures score the procedure as it stands; how it came to be (the candidate set, ν, the "
                   "interval multiplier taken over the Epoch AI rows only, adopted after nested figures on these runs) was "
                   "settled after looking at results on many of the same runs, so they carry some optimism that no "
                   "fold removes (profiles/README.md lists what was tried).")


def energy_runs(doc: dict) -> str:
    """Which runs the energy coverage counts, for `validate` and the Accuracy page: those whose profile
    takes a power fit; a profile that states its power (TPU v4) has no held-out power to pair."""
    profiles = default_profiles()
    counted = sum(e["runs"] for e in doc["energy_coverage"].values())
    left: dict[str, int] = {}
    for r in doc["runs"]:
        if profiles.get(r["hardware"]).power.fit_group is None:
            left[r["hardware"]] = left.get(r["hardware"], 0) + 1
    text = f"{counted} of the {len(doc['runs'])} runs"
    if left:
        names = " and ".join(f"{n} {name}" for name, n in left.items())
        text += (f" (the {names} {'run is' if sum(left.values()) == 1 else 'runs are'} left out: "
                 f"{'its profile states' if len(left) == 1 else 'their profiles state'} the power instead of taking "
                 "a fit, so there is no held-out power to pair)")
    return text


__all__ = ["DESIGN_OPTIMISM", "energy_runs"]
