"""The preset's workload fields in the sidebar: its parameters, tokens and FLOPs, empty for the preset's own,
each with a placeholder that says what empty means (``inputs.draw_inputs`` draws them under the preset)."""

from __future__ import annotations

from typing import Any

from app_pages.inputs import declared as d
from app_pages.ui import common as c
from estimator.core.base.number_text import sci
from estimator.services import inputs as I


def placeholder(preset, key: str, given: dict[str, Any] | None = None) -> str:
    """What an empty workload field of a preset means: the preset's own count, or what it gives instead. ``given``: the
    fields above it as given (app review 2026-11-30: with tokens given, the FLOPs field still read the preset's
    3.14 × 10²³ while 6·N·D was used, and Parameters N "none (preset: FLOPs)" while its model's N was)."""
    own, given = preset.inputs, given or {}
    if key == "flops" and any(given.get(k) is not None for k in ("params", "tokens")):
        return "6·N·D (the counts)"
    if own.get(key) is not None:
        return f"{sci(own[key])} (preset)"
    if key == "params" and preset.model_params:
        return f"{sci(preset.model_params)} (model)"  # the preset's model's N, what tokens given are counted with
    # short enough for the field beside its step buttons (issue 55: "none: the preset gives its F…" was cut);
    # the field's help says the rest
    return ("6·N·D (preset)" if key == "flops" and own.get("params") is not None else
            "none (preset: FLOPs)" if own.get("flops") is not None else "none (preset: time)")


def preset_workload(preset, where: Any) -> dict[str, Any]:
    """The preset's workload, changed (URL keys ``params``, ``tokens``, ``flops``, ``recompute``; empty: the preset's), passed
    to ``api.run`` as the CLI's ``--preset … --tokens … --recompute``: tokens alone keep the preset's parameters."""
    where.caption("The preset's workload (empty: the preset's own)")
    out = {}
    help_text = ("Changes the preset's run: its tokens alone (or its parameters alone) keep the preset's other count; "
                 "FLOPs replace its workload.")
    for i in (I.PARAMS, I.TOKENS, I.FLOPS):  # their labels, URL keys and bounds as declared (``services.inputs``)
        out[i.name] = d.number(i, fmt=c.LARGE_NUMBER_FORMAT, placeholder=placeholder(preset, i.name, out), where=where,
                               help=help_text)
    # 8·N·D needs a count of parameters and tokens: the preset's own, or tokens given (the preset's shape giving N), as
    # the CLI takes `--preset … --tokens … --recompute`; else the toggle is shown off, not taken (app review
    # 2026-11-30: on a FLOPs preset it had replaced the whole page with the refusal)
    counted = (preset.inputs.get("params") is not None and preset.inputs.get("tokens") is not None) \
        or out["tokens"] is not None
    why = None if counted else "8·N·D needs the run's tokens: give them above (the preset gives FLOPs)"
    if d.toggle(I.RECOMPUTE_FLOPS, where=where, disabled=why, **({"help": why} if why else {})):
        out["recompute"] = True
    return out
