"""High-level calls shared by the CLI and the app, so both give the same numbers.

Loads profiles, presets and carbon data (edge) and calls the pure core.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from estimator.core.base import bounds as B
from estimator.core.base.errors import EstimatorError, InputError, ResultOutOfBounds
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import S_PER_HOUR
from estimator.core.base.validation import require_number_in, require_whole
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.training.estimate import (
    Estimate,  # noqa: F401 (re-exported)
    estimate,
)
from estimator.core.training.memory import PLAN_INPUTS, SHAPE_INPUTS, expert_tensor_parallel
from estimator.core.training.presets import (
    Preset,
    PublishedComparison,  # noqa: F401 (re-exported)
    compare_with_published,
)
from estimator.core.training.result import Assumption
from estimator.core.workload.architecture import check_head_size
from estimator.core.workload.flops import FLOPS_PER_PARAM_TOKEN_TRAIN, MLP_KINDS
from estimator.core.workload.scenario import FOOTPRINT_FIELDS, INPUT_FIELDS, Scenario
from estimator.io.datafiles import default_profiles, get_preset, source_path
from estimator.report import humanize as hz
from estimator.services.accuracy.coverage import short_coverage_note
from estimator.services.accuracy.preset_check import in_sample_note
from estimator.services.grid import (  # noqa: F401 (re-exported)
    HARDWARE_TEXT,
    another_clouds_price_note,
    given_intensity_note,
    grid_place,
    hardware_text,
    place_set_aside_note,
    resolve_grid,
    resolve_grid_site,
    text_or_none,
)
from estimator.services.inputs import (
    DEFAULT_HARDWARE,  # noqa: F401 (re-exported; the hardware input's default, its source there)
    STEP_NAMES,
    TRAINING,
    check_keywords,
)
from estimator.services.result import Result  # noqa: F401 (importable from here as before)
from estimator.services.rows import (  # noqa: F401 (a comparison's rows as data, re-exported)
    COMPARE_ASSUMPTIONS,
    compare_caveats,
    compare_row,
    host_words,
    memory_words,
    price_basis,
    summary_dict,
    utilization_short,
)
from estimator.services.training.memory import training_memory
from estimator.services.training.step_setup import (
    ILLUSTRATIVE_ORIGIN,
    ILLUSTRATIVE_TRAIN_TOKENS,
    SEQ_SIZED,
    SEQ_TIMED,
    illustrative_tokens_note,
    illustrative_tokens_source,
    model_seq_len,
    published_tokens_note,
    published_tokens_words,
    step_setup,
    whole_run_at_fit,
)

# What the API takes: the inputs a user gives, and where the FLOPs came from (the CLI states an
# architecture's or a generic network's working); never the records of who set a field, nor the
# grid's derived source and country (from the intensity, region or cloud given).
GIVEN_KEYS = INPUT_FIELDS + ("flops_source",)
# What ``run`` takes by keyword: the run's own (the hardware; the preset and the catalog model by id, the grid's
# place, the training-memory inputs as one mapping), the declared training inputs a scenario holds
# (estimator/services/inputs.py; tests/services/test_inputs_declared_once.py holds every scenario input declared),
# and where the FLOPs came from. A keyword outside them is refused by name, never a TypeError.
# ``flops_tokens``: the tokens an architecture's FLOPs count (``workload_inputs``), which the step model times.
# the step model's inputs compare takes beside its layout (compare review 2026-11-29: its own refusal had asked for a
# larger global batch it did not take)
COMPARE_STEP = ("global_batch_tokens", "vp", "etp")
RUN_KEYWORDS = ("hardware", "preset_id", "country", "region", "cloud", "memory", "params_model") + tuple(
    n for n in TRAINING if n in INPUT_FIELDS) + ("flops_source", "flops_tokens", "tokens_illustrative") + STEP_NAMES
# ``compare`` takes them but the hardware, which is its list of profiles, and the step model's own (an architecture's
# tokens, ``flops_tokens``, it takes: its shape is timed on the planner's best layout on each profile, as estimate's).
COMPARE_KEYWORDS = tuple(n for n in RUN_KEYWORDS if n != "hardware" and (n not in STEP_NAMES or n in COMPARE_STEP))


ARCHITECTURE_SOURCE = "architecture:"  # how workload_flops names an architecture's FLOPs (flops_source)


def architecture_details(d_model: int, *, heads=None, kv_heads=None, ffn=None, mlp=None, experts=None,
                         experts_per_token=None, head_dim=None) -> dict:
    """The ``TransformerShape`` fields beyond Kaplan's from the step model's shape inputs, each checked as the memory's
    are (``mem.check_inputs``); the heads d_model ÷ 128 where only the KV heads are given."""
    from estimator.core.training import memory as mem
    from estimator.services.model_shape import check_head_split, check_mixture, default_heads
    given = mem.check_inputs({k: x for k, x in dict(heads=heads, kv_heads=kv_heads, ffn=ffn, mlp=mlp, experts=experts,
                                                     experts_per_token=experts_per_token,
                                                     head_dim=head_dim).items() if x is not None})
    n_exp, per = check_mixture(given.get("experts"), given.get("experts_per_token"))
    out = {}
    check_head_size(given.get("heads"), given.get("head_dim"))
    if "kv_heads" in given or "heads" in given:
        h = given.get("heads") or default_heads(d_model)
        kv = given.get("kv_heads", h)
        check_head_split(d_model, h, kv, given.get("head_dim"))
        out.update(heads=h, kv_heads=kv)
    if "head_dim" in given:
        out["head_dim"] = given["head_dim"]
    if "ffn" in given:
        out["d_ff"] = given["ffn"]
    if "mlp" in given:
        out["mlp_matrices"] = MLP_KINDS[given["mlp"]]
    if n_exp > 1:
        if "ffn" not in given:  # an architecture's route derives its count: the experts' width must be said
            raise InputError("a mixture of experts given by its architecture needs its parameter count or its MLP's "
                             "width", field=("params", "ffn"))
        out.update(experts=n_exp, experts_per_token=per)
    return out


def workload_flops(*, layers=None, d_model=None, n_ctx=None, vocab=None, tokens=None,
                   forward_flops_per_example=None, examples=None, epochs=None, heads=None, kv_heads=None, ffn=None,
                   mlp=None, experts=None, experts_per_token=None, head_dim=None):
    """FLOPs and how they were derived, from an architecture or a generic network; (None, None)
    when neither is given. An architecture's ``heads``, ``kv_heads``, ``ffn``, ``mlp`` and experts (the step
    model's shape inputs), where given, count its parameters as the shape has them (``TransformerShape``)."""
    from estimator.core.workload import flops as wl
    arch = {"layers": (layers, B.LAYERS), "d_model": (d_model, B.D_MODEL), "context": (n_ctx, B.CONTEXT),
            "vocab": (vocab, B.VOCAB)}
    generic = {"forward FLOPs per example": (forward_flops_per_example, B.FORWARD_FLOPS_PER_EXAMPLE),
               "examples": (examples, B.EXAMPLES), "epochs": (epochs, B.EPOCHS)}
    has_arch = any(x is not None for x, _ in arch.values())
    has_generic = any(x is not None for x, _ in generic.values())
    if has_arch and has_generic:
        raise InputError("give either an architecture or a generic network (forward FLOPs × examples × epochs), not both")
    if has_arch:
        missing = [name for name, (x, _) in arch.items() if x is None] + (["tokens"] if tokens is None else [])
        if missing:
            # the fields by their API names (n_ctx, not "context"), so the CLI and the app name their inputs
            # (the tokens only where missing: without them an architecture takes the illustrative count, but beside a
            # known run's time or a preset's; second diff review 2026-11-30)
            needs = "layers, d_model, context, vocab and tokens" if "tokens" in missing else "layers, d_model, context and vocab"
            raise InputError(f"an architecture needs {needs}; missing: "
                             f"{', '.join(missing)}", field=tuple("n_ctx" if m == "context" else m for m in missing))
        ints = [int(require_number_in(name, x, bound, field="n_ctx" if name == "context" else name))
                for name, (x, bound) in arch.items()]
        tokens = require_number_in("tokens", tokens, B.TOKENS)
        shape = wl.TransformerShape(*ints, **architecture_details(ints[1], heads=heads, kv_heads=kv_heads, ffn=ffn,
                                                                  mlp=mlp, experts=experts,
                                                                  experts_per_token=experts_per_token,
                                                                  head_dim=head_dim))
        count, flops = wl.transformer_count(shape), wl.transformer_training_flops(shape, tokens)
        if not (B.FLOPS.low <= flops <= B.FLOPS.high):
            raise InputError(f"the architecture's FLOPs, {gfmt(count.training_flops_per_token, 3)} per token × {gfmt(tokens, 3)} "
                             f"tokens = {gfmt(flops, 3)}, must be {B.FLOPS.describe()}: change the architecture or the tokens",
                             field=("tokens", "layers", "d_model"))
        details = "" if shape.kaplan else (
            f" (its attention{'' if shape.heads is None else f' of {shape.heads} heads'}"
            f"{'' if shape.head_dim is None else f' of size {shape.head_dim}'}"
            f"{'' if shape.kv_heads is None else f' with {shape.kv_heads} KV heads'}, "
            f"its MLP of {shape.mlp_matrices} matrices{'' if shape.d_ff is None else f' of width {shape.d_ff:,}'}"
            + (f", {shape.experts} experts, {shape.experts_per_token} a token: N its active parameters"
               if shape.experts > 1 else "") + ")")
        return flops, (
            f"{ARCHITECTURE_SOURCE} {gfmt(count.params_total, 3)} parameters{details}, 3 × (2N + 2·n_layer·n_ctx·{'d_model' if shape.head_dim is None else 'heads·head size'} + logits) = "
            f"{gfmt(count.training_flops_per_token, 3)} FLOPs per token (Kaplan et al. 2020, Table 1) × {gfmt(tokens, 3)} tokens")
    if has_generic:
        if tokens is not None:
            raise InputError("a generic network counts examples and epochs, not tokens: give either tokens (with the "
                             "parameters or an architecture) or a generic network, not both",
                             field=("tokens", "forward_flops_per_example"))
        if any(x is None for x, _ in generic.values()):
            raise InputError("a generic network needs forward FLOPs per example, examples and epochs",
                             field=("forward_flops_per_example", "examples", "epochs"))
        f, n, e = (require_number_in(name, x, bound, field=key) for (name, (x, bound)), key
                   in zip(generic.items(), ("forward_flops_per_example", "examples", "epochs")))
        flops = float(wl.generic_training_flops(f, n, e))
        if not (B.FLOPS.low <= flops <= B.FLOPS.high):
            # each input is inside its own bound; their product is not: name the three, not a FLOPs input
            raise InputError(f"the generic network's FLOPs, 3 × {gfmt(f, 3)} forward FLOPs × {gfmt(n, 3)} examples × {gfmt(e, 3)} "
                             f"epochs = {gfmt(flops, 3)}, must be {B.FLOPS.describe()}: change the forward FLOPs, "
                             "examples or epochs", field=("forward_flops_per_example", "examples", "epochs"))
        return flops, (f"generic network: 3 × {gfmt(f, 3)} forward FLOPs × {gfmt(n, 3)} examples × {hz.noun(gfmt(e), 'epoch')} "
                       "(backward ≈ 2 × forward)")
    return None, None


WORKLOAD_KEYS = ("flops", "params", "tokens", "hours", "device_hours")


def time_only(preset: Preset, given) -> bool:
    """True when ``preset`` gives only a time on its own hardware (no FLOPs, no parameters) and the
    user's inputs ``given`` add no workload: on other hardware there is nothing to estimate."""
    size = ("flops", "params", "tokens")
    return (not any(preset.inputs.get(k) is not None for k in size)
            and not any(given.get(k) is not None for k in WORKLOAD_KEYS))


def time_only_message(preset: Preset, fix: str | None = None) -> str:
    fix = fix or f"use it on {preset.hardware}, or give"
    return (f"preset '{preset.id}' gives a time on {preset.hardware}, not FLOPs, and a time on one device says "
            f"nothing about another: {fix} the FLOPs (or the parameters and tokens)")


def build_scenario(preset: Preset | None = None, region=None, cloud=None, *, other_hardware: bool = False,
                   country=None, **overrides) -> Scenario:
    """A scenario from a preset (if any) with the user's overrides on top. On hardware other than
    the preset's (``other_hardware``), the preset's device-specific inputs are dropped
    (``presets.DEVICE_FIELDS``): that hardware's own profile values apply; so are the inputs tied
    to the preset's power wherever that power is not used (``Preset.dropped_inputs``)."""
    check_keywords(overrides, GIVEN_KEYS)
    base = preset.scenario() if preset else Scenario()
    given = {k: v for k, v in overrides.items() if v is not None}
    size_keys, time_keys = {"flops", "params", "tokens"}, {"hours", "device_hours"}
    if preset and given.keys() & size_keys:
        # a new workload from the user replaces the preset's workload as a whole, except that the
        # parameters alone (or the tokens alone) keep the preset's tokens (parameters): 6·N·D of the
        # preset's model on more tokens, or of another size on the preset's tokens
        if given.keys() & size_keys == {"tokens"} and base.params is None and preset.model_params \
                and preset.shape is None:
            # T5-11B, Meena: an encoder-decoder's tokens pass through part of N, so 6·N·D would overstate
            # them (review: T5-11B on 1T tokens gave 6.6e22 FLOPs against its published 4.05e22)
            raise InputError(f"preset '{preset.id}' states its model's size but no shape that 6·N·D fits (a "
                             "transformer whose every token passes through all N parameters): give the parameters "
                             "too to take 6·N·D anyway, or the FLOPs", field=("params", "tokens"))
        if given.keys() & size_keys == {"tokens"} and base.params is None and preset.model_params:
            # a FLOPs preset's model is known by its size (``model_params``, sourced): the tokens given are
            # its (user-journey review: GPT-3 on 600B tokens was refused for want of the parameters)
            base = replace(base, params=preset.model_params,
                           origins=base.origins + (("params", f"preset:{preset.id}"),),
                           sources=base.sources + (("params", preset.why.get("model_params") or preset.source),))
        if given.keys() & size_keys == {"params"} and base.tokens is None and base.flops is not None \
                and preset.model_params and preset.shape is not None:
            # a FLOPs preset of a decoder's published size and shape: its tokens are its FLOPs ÷ 6·N, kept under the
            # size given (lecturer review 2026-12-01: "what if GPT-3 were twice as big?" was refused for want of
            # tokens, and the page's numbers cleared)
            tokens = base.flops / (FLOPS_PER_PARAM_TOKEN_TRAIN * preset.model_params)
            base = replace(base, tokens=tokens, origins=base.origins + (("tokens", f"preset:{preset.id}"),),
                           sources=base.sources + (("tokens", f"the preset's {gfmt(base.flops, 3)} FLOPs ÷ "
                                                              f"({gfmt(FLOPS_PER_PARAM_TOKEN_TRAIN)} × its {gfmt(preset.model_params, 3)} parameters)"),))
        keep = {} if "flops" in given else {k: getattr(base, k) for k in ("params", "tokens") if k not in given}
        if len(keep) != 1 or None in keep.values():
            if "flops" not in given and len(given.keys() & size_keys) == 1:
                missing = "parameters" if "tokens" in given else "tokens"
                raise InputError(f"preset '{preset.id}' states no {missing} to go with the "
                                 f"{'tokens' if 'tokens' in given else 'parameters'} given (it gives "
                                 f"{'its FLOPs' if base.flops is not None else 'a time'}): give the {missing} too, "
                                 "or the FLOPs", field=("params", "tokens"))
            keep = {}
        base = replace(base, **{**dict(flops=None, params=None, tokens=None, hours=None, device_hours=None), **keep})
    elif preset and given.keys() & time_keys:
        # a known time for the preset's own workload: the preset's FLOPs stay, so that the time is
        # still checked against the device's peak; only the preset's own time is replaced
        base = replace(base, hours=None, device_hours=None)
    if preset:
        # a power the user gives that is the preset's own is the preset's power still (review)
        other_power = preset.other_power(given.get("power_w"))
        base = replace(base, **{k: None for k in preset.dropped_inputs(other_hardware=other_hardware,
                                                                      power_given=other_power)})
    if preset and other_hardware:
        if time_only(preset, given):
            raise InputError(time_only_message(preset), field=("hardware", "flops"))
    ci, ci_source, country = resolve_grid_site(given.pop("carbon_intensity_g_per_kwh", None), region, cloud, country)
    if ci is not None:
        given["carbon_intensity_g_per_kwh"] = ci
        given["carbon_intensity_source"] = ci_source
        given["grid_country"] = country
    # the fields the user set are the user's; every other field keeps the preset's origin and source
    def kept(pairs):
        return tuple((k, o) for k, o in pairs if k not in given and getattr(base, k) is not None)
    # a device count given is recorded even where it is the default's 1 (a statement says "one device assumed"
    # only where none was given: statement review)
    mine = (("devices", "user"),) if "devices" in given else ()
    return replace(base, **given, origins=kept(base.origins) + mine, sources=kept(base.sources))


def changed_from_preset(preset: Preset, hardware: str, scenario: Scenario) -> frozenset[str]:
    """The inputs in which ``scenario`` on ``hardware`` differs from the preset's own run (the footprint's
    inputs apart: ``footprint_changed_from_preset``)."""
    own = preset.scenario()
    changed = {name for name in INPUT_FIELDS
               if name not in FOOTPRINT_FIELDS and getattr(scenario, name) != getattr(own, name)}
    # a FLOPs preset given only new tokens runs its own model (``model_params``) on them: the parameters are
    # its still, and the FLOPs follow from the tokens (audit: GPT-3 with new tokens "differs in flops, params,
    # tokens")
    if own.params is None and scenario.params is not None and scenario.params == preset.model_params:
        changed.discard("params")
    if scenario.flops is None and changed & {"params", "tokens"}:
        changed.discard("flops")
    if scenario.flops is not None and "flops" in changed:  # new FLOPs replace the preset's size and tokens
        changed -= {k for k in ("params", "tokens") if getattr(scenario, k) is None}
    if changed & {"flops", "params", "tokens"}:  # a new workload drops a time-only preset's known time
        changed -= {k for k in ("hours", "device_hours") if getattr(scenario, k) is None}
    if hardware != preset.hardware:
        changed.add("hardware")
    # the published run's own time given (its wall-clock or its device-hours as published) is the run's, not a change
    # (researcher review 2026-11-28: BLOOM's 118 days given as --hours 2832 made the run "a variant" that "would take")
    # (researcher review 2026-11-28: BLOOM's 1,082,990 device-hours given had made the run "a variant"); the wall-clock
    # hours only where the devices × them are the published device-hours too (BLOOM's "118 days" is rounded: 384 ×
    # 2,832 h is 1,087,488, not its 1,082,990, and the run as published would read 1.09 million: code review 2026-11-28)
    pub_s, pub_dh = preset.published.get("wall_clock_s"), preset.published.get("device_hours")
    own = {"device_hours": pub_dh,
           "hours": pub_s / S_PER_HOUR if pub_s and (pub_dh is None or scenario.hours is None or math.isclose(
               scenario.hours * scenario.devices, pub_dh, rel_tol=PARAMS_MATCH)) else None}
    for name, value in own.items():
        given = getattr(scenario, name)
        if name in changed and given is not None and value and math.isclose(given, value, rel_tol=PARAMS_MATCH):
            changed.discard(name)
    return frozenset(changed)


def footprint_changed_from_preset(preset: Preset, scenario: Scenario) -> frozenset[str]:
    """The inputs that set only the embodied carbon and the water (cooling, lifetime, …) in which
    ``scenario`` differs from the preset's own run."""
    own = preset.scenario()
    return frozenset(name for name in FOOTPRINT_FIELDS if getattr(scenario, name) != getattr(own, name))


def check_year_after_release(scenario: Scenario, profile: HardwareProfile) -> None:
    """A run cannot happen before its hardware existed: a year before the profile's release year
    is refused (a profile without a release year accepts any year inside the bounds)."""
    year, released = scenario.year, profile.release_year
    if year is not None:  # checked before it is compared (contract review 2026-11-29: year="2024" raised a TypeError)
        year = require_whole("year", year, B.YEAR, field="year")
    if year is not None and released is not None and year < released:
        raise InputError(f"the run's year {int(year)} is before {profile.name} was released ({released}): give a year "
                         f"from {released} on, or leave the year out", field="year")


PARAMS_MATCH = 1e-6  # a parameter count is the catalog model's own when equal to this relative precision


def with_active_params(scenario: Scenario, memory: Mapping | None, active_params=None,
                       params_model: str | None = None) -> Scenario:
    """A mixture of experts' scenario computes with its active parameters (6·N·D with N the active count: the
    core's ``MOE_ACTIVE_SOURCE``): those given (``active_params``), else the catalog model's where it is a mixture
    of experts. Without a parameter count, or for a dense model, the scenario as it is."""
    if scenario.params is None:
        if active_params is not None and (scenario.flops_source or "").startswith(ARCHITECTURE_SOURCE):
            # an architecture's FLOPs count every parameter (Kaplan's dense count): timing fewer would put the
            # run above the peak (review: utilisation 1.03)
            raise InputError("active parameters go with a parameter count or a catalog model; an architecture's "
                             "FLOPs count all of its parameters: give the parameters and the active parameters instead",
                             field=("active_params", "layers"))
        return scenario
    if active_params is None:
        name = (memory or {}).get("model") or params_model
        from estimator.io.serving_data import catalog_model  # reads the catalog: only when a model is named
        shape = {k: x for k, x in (memory or {}).items() if k in SHAPE_INPUTS and k != "model" and x is not None}
        if not isinstance(name, str) and shape.get("layers") is not None:
            # a shape given beside the parameter count: a mixture of experts by its experts, or a catalog one by its
            # shape and count (services.model_shape), computes with its active parameters
            from estimator.services.model_shape import resolve_architecture
            _, arch, _ = resolve_architecture(params=scenario.params, **shape)
            return replace(scenario, active_params=arch.active_params) if arch.active_params else scenario
        if not isinstance(name, str):
            return scenario  # none
        try:
            model = catalog_model(name)  # by its id or a name it goes by ("Mixtral-8x7B", "llama2-70b-99")
        except InputError:
            return scenario  # one the step model refuses by name
        if model.arch.active_params is None or not math.isclose(model.params, scenario.params, rel_tol=PARAMS_MATCH):
            return scenario  # dense, or a parameter count that is not the model's (the step model says which)
        active_params = model.arch.active_params
    return replace(scenario, active_params=active_params)


def run(hardware: str | None = None, preset_id: str | None = None, region=None, cloud=None, memory=None,
        params_model: str | None = None, global_batch_tokens=None, active_params=None, vp=None, etp=None,
        expert_overlap=None,
        country=None,
        flops_tokens=None, tokens_illustrative=False, fewest_fitting: bool = True, **inputs) -> Result:
    """One scenario on one device; ``memory``: the training-memory inputs (``MEMORY_KEYS``); with a layout among
    them, a catalog model, ``global_batch_tokens``, ``active_params``, ``vp`` (interleaved chunks per pipeline stage) or
    ``expert_overlap`` (the share of a mixture of experts' all-to-all the schedule hides),
    the time is the step model's
    (``services.training.step_setup.step_setup``: the layout given, or the planner's best);
    ``params_model``: the catalog model whose parameter count ``params`` is (named where the FLOPs
    derived from it are; researcher audit: `--model llama-2-7b` read as a count the user typed);
    ``flops_tokens``: the tokens the FLOPs given count, where an architecture gave them
    (``services.workload_inputs``, its shape in ``memory``): the step model times them as it times the tokens of
    parameters × tokens (issue 53: the architecture's route had dropped them, and with them the step model);
    ``tokens_illustrative``: those tokens are the illustrative count none given took (``workload_inputs``), said. A
    catalog model alone takes its published tokens, or where it publishes none the illustrative count, said. A keyword
    that is none of ``RUN_KEYWORDS`` is refused by name ("unknown input 'devcies'; did you mean 'devices'?")."""
    check_keywords(inputs, RUN_KEYWORDS)
    hardware = hardware_text(hardware)
    for name, value in (("preset", preset_id), ("country", country), ("region", region), ("cloud", cloud)):
        text_or_none(name, value)
    preset = get_preset(preset_id) if preset_id else None
    defaulted = not hardware and not preset
    hardware = hardware or (preset.hardware if preset else DEFAULT_HARDWARE)
    profile = default_profiles().get(hardware)
    hardware = profile.id  # a profile given as a file is the device its id names (the preset's own, perhaps)
    other = bool(preset) and hardware != preset.hardware
    tokens_model = illustrative_model = None
    if params_model is not None and preset is None and all(inputs.get(k) is None for k in ("tokens", "flops", "hours",
                                                                                           "device_hours")):
        # a catalog model without the run's tokens: its published training tokens (serving review 2026-11-30: the
        # step's figures need no tokens, and `--model llama-3.1-70b` alone had been refused), or where it publishes
        # none the illustrative count (``ILLUSTRATIVE_TRAIN_TOKENS``: Mixtral 8x22B's step had been refused)
        from estimator.io.serving_data import catalog_model
        published = catalog_model(params_model)
        if published.train_tokens is not None:
            tokens_model = published
            inputs = {**inputs, "tokens": published.train_tokens}
        else:
            illustrative_model = published
            inputs = {**inputs, "tokens": ILLUSTRATIVE_TRAIN_TOKENS}
    scenario = build_scenario(preset, region=region, cloud=cloud, other_hardware=other, country=country, **inputs)
    if params_model is not None and scenario.params is not None:
        from estimator.io.serving_data import catalog_model
        m = catalog_model(params_model)
        # the count is that model's, or refused, as beside a model's memory inputs (API review 2026-11-28: 7e9 named
        # as Llama 3.1 70B's had been printed "N = 7 × 10⁹ (model llama-3.1-70b …)")
        from estimator.services.model_shape import refuse_other_params
        refuse_other_params(scenario.params, m.params)
        scenario = replace(scenario, origins=scenario.origins + (("params", f"model:{m.id}"),),
                           sources=scenario.sources + (("params", f"{m.name}: {m.source} "
                                                                  "(estimator/data/open_models.toml)"),))
        if tokens_model is not None:
            scenario = replace(scenario, origins=scenario.origins + (("tokens", f"model:{m.id}"),),
                               sources=scenario.sources + (("tokens", published_tokens_words(m)),))
        elif illustrative_model is not None:
            scenario = replace(scenario, origins=scenario.origins + (("tokens", ILLUSTRATIVE_ORIGIN),),
                               sources=scenario.sources + (("tokens", illustrative_tokens_source(m)),))
    if tokens_illustrative and flops_tokens is not None and scenario.flops is not None:
        # an architecture's FLOPs over the illustrative tokens: not the user's (diff review 2026-11-30: "user")
        scenario = replace(scenario, origins=scenario.origins + (("flops", ILLUSTRATIVE_ORIGIN),))
    if memory is not None and (not isinstance(memory, Mapping) or not all(isinstance(k, str) for k in memory)):
        raise InputError("memory inputs must be a mapping of names to values")
    scenario = with_active_params(scenario, memory, active_params, params_model)
    if ((memory or {}).get("activation_recompute") == "full" and not scenario.recompute and preset is None
            and scenario.flops is None and scenario.params is not None and scenario.tokens is not None):
        # full recomputation given for the memory and the step is the FLOPs' too (8·N·D executed), as `--recompute`
        # gives it: one recomputation, one answer (researcher review 2026-11-29: the two flags had printed 6.4 and
        # 4.8 × 10²² FLOPs, and under a utilisation given 23.2 and 17.4 days, for the same run). Only where the FLOPs
        # are 6·N·D of parameters and tokens, as `--recompute` takes them: a preset's FLOPs are its source's, an
        # architecture's or a known run's have no 6·N·D to recount (diff review 2026-11-29)
        scenario = replace(scenario, recompute=True)
    est = estimate(scenario, profile)  # validates the scenario first (the year a whole number in its bound)
    if flops_tokens is not None:
        flops_tokens = require_number_in("tokens", flops_tokens, B.TOKENS, field="tokens")
        if (scenario.flops is None or scenario.tokens is not None
                or not (scenario.flops_source or "").startswith(ARCHITECTURE_SOURCE)):
            raise InputError("the tokens of an architecture's FLOPs go with those FLOPs: give the tokens alone with the "
                             "parameters", field=("flops_tokens", "tokens"))
    # a catalog model's own pretraining sequence where none is given (and no preset states its run's): the step and
    # the memory at it, said
    seq_own = None
    if (memory or {}).get("model") is not None and (memory or {}).get("seq_len") is None and not (
            preset is not None and preset.shape and preset.shape.get("seq_len")) and profile.memory_gb and not (
            profile.reference_point):  # a brain or a whole system holds no sequence to size (diff review 2026-11-30)
        seq_own = model_seq_len(memory["model"])
        if seq_own is not None:
            memory = {**memory, "seq_len": seq_own[0]}
    setup = step_setup(scenario, profile, preset, est.precision, memory, global_batch_tokens=global_batch_tokens,
                       active_params=active_params, vp=vp, etp=etp, expert_overlap=expert_overlap,
                       tokens=flops_tokens, fewest_fitting=fewest_fitting)
    if (setup.run is not None and setup.run.layout.recompute == "full" and not scenario.recompute
            and preset is None and scenario.flops is None and scenario.params is not None
            and scenario.tokens is not None and scenario.utilization is None):
        # the planner's layout recomputes the forward: its FLOPs are 8·N·D executed, as the same layout typed in
        # gives them (researcher review 2026-12-01: the planner's choice printed 4.82 × 10²² FLOPs and "C = 6ND" in
        # the statement, the same layout given 6.42 × 10²² and "8ND", for one run); not beside a utilisation given,
        # which sets the time while the planner's layout sets the memory only (diff review 2026-12-01: it would have
        # timed 8·N·D at the utilisation given, 4/3 longer, where the user chose no recomputation)
        scenario = replace(scenario, recompute=True)
        est = estimate(scenario, profile)
    if setup.run is not None and scenario.utilization is not None:
        # a utilisation given sets the time, as it does without a layout; the layout (given or planned) sets the
        # memory (review 2026-11-26: `--model … --utilization 0.4` had been timed by the step model without a word)
        time_flops = est.time_flops if est.time_flops is not None else est.flops  # None: the FLOPs themselves
        step_share = time_flops / (profile.peak_flops_per_s[est.precision] * est.devices * setup.run.wall_clock_s)
        setup = replace(setup, notes=setup.notes + (
            f"the utilisation given sets the time; the step model's {setup.run.layout_words()} "
            f"({gfmt(step_share, 3)} of peak over the run for the estimate's FLOPs) sets the memory only",))
    elif setup.run is not None:
        # the whole-run fit at the peak its runs were measured at (``whole_run_at_fit``)
        est = estimate(scenario, profile, step=replace(setup.run, whole_run_fit=whole_run_at_fit(
            est, scenario, profile, setup.run.step.model_flops_per_token * setup.run.tokens)))
    if seq_own is not None:
        setup = replace(setup, notes=(seq_own[1] + (SEQ_TIMED if setup.run is not None else SEQ_SIZED),) + setup.notes)
    if tokens_model is not None:
        setup = replace(setup, notes=(published_tokens_note(tokens_model),) + setup.notes)
    elif illustrative_model is not None or (tokens_illustrative and flops_tokens is not None):
        setup = replace(setup, notes=(illustrative_tokens_note(illustrative_model),) + setup.notes)
    seq_assumed = None
    if seq_own is not None:  # among the assumptions too, with its source, as the exports list them
        from estimator.io.serving_data import catalog_model
        m = catalog_model(memory["model"])
        seq_assumed = Assumption("seq_len", seq_own[0], "tokens", f"model:{m.id}",
                                 f"{m.name.split(' (')[0]}'s in pretraining: {m.train_seq_len_source}")
    if setup.notes:
        est = replace(est, notes=est.notes + setup.notes)
    if seq_assumed is not None:
        est = replace(est, assumptions=est.assumptions + (seq_assumed,))
    if setup.batch is not None:  # a catalog model's published global batch, among the assumptions as its sequence is
        est = replace(est, assumptions=est.assumptions + (
            Assumption("global_batch_tokens", setup.batch.tokens, "tokens", setup.batch.origin,
                       f"{setup.batch.whose}: {setup.batch.source}"),))
    if (short := short_coverage_note(est)) is not None:  # said beside the figures (researcher review 2026-11-28)
        est = replace(est, notes=est.notes + (short,))
    from estimator.services.training.chip_draw import with_chip_draw  # here: it reads the measured steps' file
    est = with_chip_draw(est, profile)
    memory_used = setup.memory if setup.memory is not None else memory
    if country or region or cloud:  # where the grid is, as data (the intensity's source text is for display)
        est = replace(est, grid=grid_place(region, cloud, country))
        if (other := another_clouds_price_note(est, region, cloud, country)) is not None:
            est = replace(est, notes=est.notes + (other,))
    if defaulted:
        # the device as the tool's default, in the assumptions too (researcher review 2026-11-28: a known run's
        # statement put "64 × NVIDIA H100 SXM 80GB" in the paper as fact, the device never given)
        est = replace(est, notes=(f"no hardware given: the default, {profile.name} ({hardware})",) + est.notes,
                      assumptions=tuple(replace(x, origin="default", source=f"the tool's default hardware; {x.source}")
                                        if x.name == "hardware" else x for x in est.assumptions))
    check_year_after_release(scenario, profile)
    asked = any(x is not None for x in (memory_used or {}).values())
    try:
        # the interleaving the step model ran (given or the planner's): its schedule's memory too
        vp = setup.run.step.layout.vp if setup.run is not None else 1
        # and its micro-batches a step: fewer than the schedule keeps in flight are all the first stage holds
        micro_batches = setup.run.step.layout.micro_batches if setup.run is not None else None
        # and its experts' tensor parallelism (whole on each device where that keeps their group in the domain)
        lay = setup.run.step.layout if setup.run is not None else None
        etp = (expert_tensor_parallel(lay.tp, lay.ep, lay.dp * lay.cp, lay.etp) if lay is not None and lay.ep > 1
               else None)   # as resolved, so that the memory's words say whole experts where the step's do
        tm = training_memory(scenario, profile, preset, est.precision, vp=vp, micro_batches=micro_batches, etp=etp,
                             **(memory_used or {}))
    except InputError as exc:
        if asked:
            raise
        # memory is a side result: a model no catalog shape can hold (1M parameters) is still estimated
        tm = None
        est = replace(est, notes=est.notes + (f"training memory left out: {exc}",))
    if tm is not None:
        own = preset.scenario().devices if preset is not None else None
        # on the run's own hardware and devices, with no sharding or parallelism chosen (a sequence
        # length or micro-batch given leaves the run's plan as unknown as before; review)
        planned = any((memory or {}).get(k) is not None for k in PLAN_INPUTS)
        unrecorded = (preset is not None and preset.published and not planned and bool(own) and own > 1
                      and scenario.devices == own and hardware == preset.hardware)
        defaults = not planned and setup.run is None and scenario.devices > 1
        # device-hours given without a device count: the memory's one device is the default, not the run's (researcher
        # review 2026-11-30: 1.72M A100-hours of a 70B model read "does not fit" on "the chosen 1 device")
        no_count = (scenario.device_hours is not None and scenario.devices == 1
                    and "devices" not in dict(scenario.origins))
        # the memory's verdict, fits or not, is of settings nobody chose: said as data (diff review 2026-11-29: set
        # only where it did not fit, the field read false on a run of the same defaults that fitted)
        tm = replace(tm, of_defaults=unrecorded or defaults or no_count, published_split_unrecorded=unrecorded,
                     devices_default=no_count)
        est = replace(est, memory=tm, notes=est.notes + (tm.note(),) + tuple(
            w for w in (tm.even_split_words(),) if w is not None))
        if unrecorded and not tm.fits:
            # a published run that happened "does not fit" only as set here (newcomer audit: every large
            # preset's first screen said so): the preset records no parallelism, and says so
            est = replace(est, notes=est.notes + (
                f"memory: {preset.id} is a published run: it split its model across devices in a way the preset does "
                f"not record (tensor, pipeline or sharded data parallelism), so \"does not fit\" is of the memory "
                "settings shown, not of the run; choose ZeRO, tensor and pipeline parallelism to check a plan",))
        elif defaults and not tm.fits:
            # no layout given nor planned (a known run's time, a utilisation given, a size without a shape): the
            # verdict is of the defaults shown (researcher review 2026-11-29: a known run on 1,024 H100s read "does
            # not fit" at no ZeRO sharding, settings the user never chose)
            est = replace(est, notes=est.notes + (
                "memory: no layout given, so \"does not fit\" is of the default settings shown (no sharding or "
                "parallelism), not of the run; choose ZeRO, tensor and pipeline parallelism to check a plan",))
    changed = changed_from_preset(preset, hardware, scenario) if preset else frozenset()
    own_devices = preset.scenario().devices if preset else None
    if "devices" in changed and inputs.get("hours") is None and scenario.hours is not None and own_devices:
        est = replace(est, notes=est.notes + (
            f"the known run's wall clock is kept: {scenario.devices:,} devices instead of its {own_devices:,} run as "
            "long, so device-hours, energy and cost scale with the devices (for the same work on more devices, "
            "give the FLOPs)",))
    # an intensity given in kg/kWh by mistake is said (researcher review 2026-11-27)
    grid_note = given_intensity_note(scenario.carbon_intensity_g_per_kwh, scenario.carbon_intensity_source)
    if grid_note:
        est = replace(est, notes=est.notes + (grid_note,))
    if place_note := place_set_aside_note(scenario.carbon_intensity_g_per_kwh, scenario.carbon_intensity_source,
                                          region, country):
        est = replace(est, notes=est.notes + (place_note,))
    comparison = compare_with_published(preset, est, changed) if preset else ()
    note = in_sample_note(preset, est) if comparison else None
    if note:
        est = replace(est, notes=est.notes + (note,))
    footprint = footprint_changed_from_preset(preset, scenario) if preset else frozenset()
    if setup.run is not None and est.utilization is not None and est.utilization.value > 1:
        # the FLOPs and the step model's time disagree (FLOPs given beside a shape of fewer): never printed
        raise InputError(f"the FLOPs {gfmt(est.flops, 3)} are more than the devices execute in the step model's "
                         f"time for this model's shape ({est.utilization.value:.3g} of the peak): give the FLOPs "
                         "of that model, or its parameters and tokens", field=("flops", "tokens"))
    return Result(est, scenario, profile, preset, comparison, changed, footprint)


def estimated(result: Result) -> Result:
    """``result`` as an estimate's answer: one estimated to take less than the one device-millisecond an estimate covers
    (``bounds.DEVICE_HOURS``'s low end, as serving's totals hold it) is refused (API review 2026-12-02: `--flops 1`
    printed a training time of 1.53 × 10⁻¹⁴ s). Those that answer an estimate call it: `estimate` (the CLI, the Python
    API's ``estimate``/``run``, the app's Estimate page) and ``compare`` (each profile); ``plan``, ``sweep``,
    `scaling diminishing`, `scaling chinchilla` (its split without a time) and a serving break-even's training run hold
    the same floor in their own words. ``run`` itself still times a toy workload for those that keep floors of their
    own (the lecture's millionth of a cent). A known run's hours are inputs, held to the bound as given."""
    refuse_under_a_device_millisecond(result.estimate, result.scenario)
    return result


def refuse_under_a_device_millisecond(est: Estimate, s: Scenario) -> None:
    """``estimated``'s check of an estimate and its scenario (the Python API's ``estimate(Scenario(…), profile)`` too)."""
    device_hours = est.device_hours
    if device_hours >= B.DEVICE_HOURS.low or s.hours is not None or s.device_hours is not None:
        return
    given = dict(s.origins)
    workload = tuple(k for k in ("flops", "params", "tokens") if getattr(s, k) is not None and k not in given)
    # ResultOutOfBounds, so that the CLI names the inputs the FLOPs came from (an architecture's, a generic network's)
    # as it does at the bound's other end (parity review 2026-12-03: `--forward-flops 1 …` was told `--flops`)
    raise ResultOutOfBounds(f"the run would take {gfmt(device_hours * S_PER_HOUR, 3)} device-seconds, less than the "
                            "one device-millisecond an estimate covers: give a larger workload", field=workload or None,
                            device_hours=device_hours)


def companions(result: Result) -> list[Result]:
    """The preset's companion devices (``compare_hardware``: the brain beside AlphaGo) in the same
    scenario, the known time included: the game lasts as long for both players, on the same grid.
    Power and PUE are each device's own: the user's belong to the device they were given for."""
    p = result.preset
    if p is None:
        return []
    same = {k: getattr(result.scenario, k) for k in ("hours", "device_hours", "flops", "params", "tokens", "recompute",
                                                     "devices")
            if getattr(result.scenario, k) is not None}
    if ("devices", "user") not in result.scenario.origins:  # the preset's or the default's count stays theirs (review)
        same.pop("devices", None)
    ci = result.scenario.carbon_intensity_g_per_kwh
    if ci is not None and result.scenario.origin("carbon_intensity_g_per_kwh") == "user":  # a region, cloud or number
        same["carbon_intensity_g_per_kwh"] = ci
    return [run(hardware=h, preset_id=p.id, **same) for h in p.compare_hardware]


@dataclass(frozen=True)
class CompareReport:
    """The same scenario on several profiles: the results of those that can run it, and for each
    that cannot (e.g. a precision it lacks) its id and the reason. The CLI and the app both show
    the results and report the failures beside them."""
    results: tuple[Result, ...]
    failures: tuple[tuple[str, str], ...]  # (hardware id, message)
    errors: tuple[EstimatorError, ...] = field(default=(), repr=False, compare=False)  # as raised, per failure


# What gives `compare` a workload (any of them): the FLOPs, a size and tokens, a preset, a known run's time, an
# architecture or a generic network
COMPARE_WORKLOAD_KEYS = ("flops", "params", "tokens", "preset_id", "hours", "device_hours", "layers", "d_model",
                         "forward_flops_per_example")


def compare(hardware_ids, **inputs) -> CompareReport:
    """``run`` on each profile in ``hardware_ids``; a profile that cannot run the scenario (e.g. a
    precision it lacks) is recorded in ``failures`` instead of failing the whole comparison. An
    unknown id or a broken profile file is bad input and raised, as is a scenario every profile refuses (its first
    profile's error: the input's own, as the CLI says it); a profile named twice (the same
    id, or an id and its own file) is run once. A keyword that is none of ``COMPARE_KEYWORDS`` is refused by
    name, before any profile is run (a typo was each profile's failure)."""
    check_keywords(inputs, COMPARE_KEYWORDS)
    # None or 5 is the project's error, not a TypeError; a generator is read once
    # (a 0-d array is Iterable but holds no list: input fuzz 2026-12-01, a TypeError)
    listed = None if isinstance(hardware_ids, (str, bytes, Mapping)) or not isinstance(hardware_ids, Iterable) \
        or getattr(hardware_ids, "ndim", None) == 0 else tuple(hardware_ids)
    # a profile's file as text or a path, as estimate, inference and plan take it (parity review 2026-12-03)
    listed = listed if listed is None else tuple(os.fspath(h) if isinstance(h, os.PathLike) else h for h in listed)
    if listed is None or not all(isinstance(h, str) for h in listed):
        raise InputError(f"hardware must be a list of profile ids or files, got {repr(hardware_ids)[:40]}",
                         field="hardware")
    hardware_ids = listed
    if not hardware_ids:
        raise InputError("hardware must name at least one profile to compare", field="hardware")
    seen: dict[str, tuple[str, str]] = {}  # profile id -> (as named, its file)
    unique = []
    for h in hardware_ids:
        profile = default_profiles().get(h)  # UnknownHardwareError / ProfileError: the input is wrong
        where = str(source_path(profile.source_file)) if profile.source_file else h
        if profile.id in seen:
            if seen[profile.id][1] != where:
                raise InputError(f"'{seen[profile.id][0]}' and '{h}' are two different profiles with the same id "
                                 f"'{profile.id}': give one of them, or give the file another id", field="hardware")
            continue
        seen[profile.id] = (h, where)
        unique.append(h)
    if len(unique) > 1 and all(inputs.get(k) is None for k in COMPARE_WORKLOAD_KEYS):
        # compare's own words where no workload is given (estimate's name a known run's hours, which compare takes for
        # one profile alone: the API had said estimate's, a circle; review 2026-11-26)
        raise InputError("no workload to compare: give the FLOPs, the parameters and tokens, an architecture and "
                         "tokens, a generic network or a preset; a known run's hours or device-hours say nothing about "
                         "other hardware, so they are taken only with one profile named",
                         field=("flops", "params", "preset"))
    preset = get_preset(inputs["preset_id"]) if inputs.get("preset_id") else None
    # by the profiles the names resolved to (review: the preset's own hardware given by name was refused)
    if preset and time_only(preset, inputs) and any(pid != preset.hardware for pid in seen):
        raise InputError(time_only_message(preset, "to compare hardware, give"), field=("preset", "flops"))
    timed = [k for k in ("hours", "device_hours") if inputs.get(k) is not None]
    if timed and len(unique) > 1:
        raise InputError(f"a time given ({' and '.join(k.replace('_', '-') for k in timed)}) is one run's on one device and says "
                         "nothing about another: to compare hardware, give the FLOPs (or the parameters and tokens) "
                         "and leave the time out", field=tuple(timed))
    results, failures, errors = [], [], []
    for h in unique:
        try:
            results.append(_compare_one(h, inputs))
        except EstimatorError as exc:
            # the failure is shown after the profile's name ("h: msg"): a message that starts with it names it once
            msg = str(exc)
            failures.append((h, msg[len(h):].lstrip(" :") if msg.startswith(h) and msg[len(h):].strip() else msg))
            errors.append(exc)
    if not results:
        # every profile refused it: the input itself, most often (flops=0, pue=nan), refused as `compare` refuses it
        # (researcher review 2026-11-26: the API returned an empty report with the error tucked in .errors); a refusal
        # of each profile in the same words is said of them all, not of the first alone
        said = {msg.split("; ")[0] for _, msg in failures}  # their shared clause (what each has differs: "; it has …")
        own = [h for (h, _), exc in zip(failures, errors) if str(exc).startswith(h)]
        if len(failures) > 1 and len(said) == 1 and len(own) == len(failures):
            raise InputError(f"each of the {len(failures)} profiles compared ({', '.join(own[:4])}"
                             f"{', …' if len(own) > 4 else ''}) {said.pop()}", field=errors[0].field)
        raise errors[0]
    return CompareReport(tuple(results), tuple(failures), tuple(errors))


def _compare_one(hardware: str, inputs: Mapping[str, Any]) -> Result:
    """One row of a comparison. A reference point (a brain, AlphaGo's whole system) is one of it, not
    the scenario's devices: 10,000 brains or 10,000 one-megawatt AlphaGos are no comparison (a
    browser audit found them topping GPT-3's table); the row says so."""
    profile = default_profiles().get(hardware)
    if not profile.reference_point or inputs.get("devices") is not None:
        # held to `estimate`'s floor, as a profile's own failure (parity review 2026-12-03: `compare --flops 1` printed
        # 1.53 × 10⁻¹⁴ s where `estimate` refuses it)
        return estimated(run(hardware=hardware, fewest_fitting=False, **inputs))
    r = estimated(run(hardware=hardware, fewest_fitting=False, **{**inputs, "devices": 1}))
    # one of it is the comparison's choice, not a count the user gave (review: it read "user, given")
    r = replace(r, estimate=replace(r.estimate, assumptions=tuple(
        replace(a, origin="default", source="a reference point: one of it") if a.name == "devices" else a
        for a in r.estimate.assumptions)))
    asked = run_devices(inputs)
    if asked == 1:
        return r
    note = (f"{profile.name} is a reference point: one of it, not the scenario's {asked:,} devices "
            "(give the devices to compare it at another count)")
    return replace(r, estimate=replace(r.estimate, notes=(note,) + r.estimate.notes))


def run_devices(inputs: Mapping[str, Any]) -> int:
    """The devices a scenario runs on: the user's, else its preset's, else one."""
    if inputs.get("devices") is not None:
        return int(inputs["devices"])
    preset = get_preset(inputs["preset_id"]) if inputs.get("preset_id") else None
    return int(preset.inputs.get("devices", 1)) if preset else 1
