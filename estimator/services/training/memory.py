"""Training memory for a scenario: the model's shape (a catalog id, an architecture, the preset's
published shape or the nearest catalog shape to the parameter count) and the memory per device with
the fewest devices that hold it (estimator/core/training/memory.py). Used by ``api.run``; memory changes
neither the time nor the energy, so its inputs are not part of the Scenario.
"""

from __future__ import annotations

import math
from dataclasses import replace

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.training.memory import MEMORY_INPUTS
from estimator.core.training.presets import Preset
from estimator.core.workload.scenario import Scenario

# The inputs of the training-memory model (estimator/core/training/memory.py): not part of the Scenario, since
# they change neither the time nor the energy; the model's shape comes from a catalog id or an
# architecture, else from the preset's published shape (while the parameters are the preset's), else
# from the parameter count (the catalog's nearest shape, stated). Their one home is the core's MEMORY_INPUTS.
MEMORY_KEYS = MEMORY_INPUTS


def training_memory(scenario: Scenario, profile: HardwareProfile, preset: Preset | None, precision: str,
                    vp: int = 1, micro_batches: float | None = None, etp: int | None = None, **options):
    """Memory per device and the fewest devices that hold it, or None when the model's size is
    unknown (FLOPs alone) or the device states no memory. ``vp``: the interleaved chunks a pipeline stage runs (the
    step model's layout's), whose schedule holds more activations (``memory.interleaved_penalty``); ``micro_batches``:
    those a replica runs a step, where the step model's layout says (``memory.in_flight``: no more are held); ``etp``:
    the experts' tensor-parallel degree the step's layout chose (``memory.expert_tp_choices``; None: the rule)."""
    from estimator.core.training import memory as mem

    # it reads the catalog: only when asked
    from estimator.services.model_shape import memory_shape, resolve_architecture
    unknown = set(options) - set(MEMORY_KEYS)
    if unknown:
        raise InputError(f"unknown memory input(s): {', '.join(sorted(unknown))}")
    # each input checked on its own first, whatever the device: the brain refuses a ZeRO stage of 7 as a GPU does
    o = mem.check_inputs({k: x for k, x in options.items() if x is not None})
    if scenario.recompute and o.get("activation_recompute") not in (None, "full"):
        # 8·N·D counts full recomputation: memory under another recomputation would contradict it
        raise InputError(f"recomputation for the FLOPs (8·N·D) is full, but the activation recomputation for memory "
                         f"is '{o['activation_recompute']}': give one of them", field=("recompute", "activation_recompute"))
    shape_keys = {k: o.pop(k) for k in mem.SHAPE_INPUTS if k in o}
    params = scenario.params if scenario.params is not None else (preset.model_params if preset and not
                                                                   shape_keys.get("model") else None)
    if params is None and not shape_keys:
        if o:
            raise InputError("training memory needs the model: give the parameters, a catalog model or the architecture",
                             field=("params", "model", "layers"))
        return None
    no_memory = not profile.memory_gb or profile.reference_point
    if no_memory and not o:
        return None  # nothing asked of a device that states no memory
    own = preset.shape if preset and preset.shape and not shape_keys and params is not None else None
    if own and abs(params / (preset.inputs.get("params") or preset.model_params or params) - 1) > 1e-9:
        own = None  # another model's size than the preset's: the preset's shape no longer describes it
    if own:  # the preset's published shape, and its sequence length unless the user gives one
        n, arch, _ = resolve_architecture(params=params, **{k: own.get(k) for k in ("layers", "d_model", "heads",
                                                                                    "kv_heads")})
        how = preset.describe_shape(n, "seq_len" not in o)
        o.setdefault("seq_len", own.get("seq_len"))
        shape_keys.update({k: own[k] for k in ("ffn", "mlp") if k in own})
    else:
        n, arch, how = resolve_architecture(params=params if "model" not in shape_keys else None, **shape_keys)
        # a mixture of experts' active parameters given beside its shape, other than the shape implies: its widths at
        # them, as the FLOPs and the step take them
        active = scenario.active_params
        if (active is not None and shape_keys.get("experts") is not None and arch.active_params is not None
                and not math.isclose(active, arch.active_params, rel_tol=1e-9)):
            n, arch, how = resolve_architecture(params=params if "model" not in shape_keys else None, **shape_keys,
                                                active_params=active)
    if preset is not None and scenario.year is not None and scenario.year < mem.FLASH_ATTENTION_RUNS_FROM:
        # a known run from before FlashAttention's kernels were in training stacks (its year the preset's, on its own
        # device: on another the year is dropped) stored the scores
        o.setdefault("attention_kernel", "eager")
    if "model" in shape_keys:
        _check_model_matches(scenario, preset, shape_keys["model"], n)
    recompute = o.get("activation_recompute", "full" if scenario.recompute else "none")
    shape = memory_shape(n, arch, how, ffn=shape_keys.get("ffn"), mlp=shape_keys.get("mlp"))
    strategy = mem.Strategy(o.get("zero", 0), recompute, o.get("tp", 1), o.get("pp", 1), o.get("cp", 1), o.get("ep", 1),
                            o.get("attention_kernel", mem.DEFAULT_ATTENTION), vp=int(vp), micro_batches=micro_batches,
                            etp=etp)
    if no_memory:  # the run's own checks still hold (a tensor-parallel degree that splits no heads), as on a GPU
        mem.check_run(shape, strategy, int(scenario.devices), o.get("seq_len"), o.get("micro_batch"))
        return None
    counted = mem.training_memory(shape, strategy, int(scenario.devices), profile.memory_gb,
                                  profile.name, precision, o.get("seq_len"), o.get("micro_batch"), how)
    if mem.flash_attention_runs_on(profile.kind, profile.release_year):
        return counted
    return replace(counted, flash_unsupported=True)


def _check_model_matches(scenario: Scenario, preset: Preset | None, model: str, n: float) -> None:
    """A catalog model given for memory must be the model whose compute is estimated: the user's
    parameters, else the preset's model (the memory of one model beside another's time is refused)."""
    from estimator.services.model_shape import MODEL_MATCH_TOLERANCE, refuse_other_params  # the tolerance's one home
    from_preset = scenario.params is None or dict(scenario.origins).get("params", "").startswith("preset")
    params = scenario.params if scenario.params is not None else (preset.model_params if preset else None)
    if params is None or abs(params / n - 1) <= MODEL_MATCH_TOLERANCE:
        return
    if preset and from_preset:
        raise InputError(f"preset '{preset.id}' is a model of {gfmt(params, 4)} parameters, not {model}'s {gfmt(n, 4)}: leave "
                         "the model out, or give that model's parameters and tokens", field=("model", "params"))
    refuse_other_params(params, n)


