"""The sidebar's scenario inputs: their defaults, their choices and the URL keys each choice uses.

Shared by the sections that draw the inputs (``workload``, ``hardware``, ``site``, ``memory`` in this folder) and
by ``sidebar``, which composes them (and re-exports these names: other pages read ``sidebar.DEFAULT_PRESET`` and the
like).
"""

from __future__ import annotations

from estimator.services.inputs import MEMORY_NAMES, STEP_NAMES, TRAINING, url_keys
from estimator.services.limits import reports as limits
from estimator.services.training.step_setup import ILLUSTRATIVE_TRAIN_TOKENS

# The landing page's preset: GPT-3 175B as estimated by Patterson et al. 2021 (arXiv:2104.10350,
# Table 4), the run with the most complete published figures (time, energy, CO2e).
DEFAULT_PRESET = "gpt3-175b"
# Hardware for a workload without a preset: the service layer's default (declared in estimator/services/inputs.py).
DEFAULT_HARDWARE = limits.DEFAULT_HARDWARE
# Default workload for "params": Llama 2 7B, 7e9 parameters on 2e12 tokens (Touvron et al. 2023, arXiv:2307.09288,
# Table 1; the tokens the CLI takes where none are given and none published, one home in
# estimator/services/training/step_setup.py); for "flops": GPT-3's 3.14e23 FLOPs (Brown et al. 2020, Table D.1),
# the lecture's fixed workload (TREND_FLOPS, declared in estimator/services/inputs.py, held to its preset).
DEFAULT_PARAMS = 7e9
DEFAULT_TOKENS = ILLUSTRATIVE_TRAIN_TOKENS
DEFAULT_FLOPS = limits.TREND_FLOPS

# The memory inputs' URL keys and the step model's, drawn behind the "Training memory" toggle.
MEMORY_KEYS = url_keys(TRAINING, MEMORY_NAMES + STEP_NAMES)
MEMORY_DEFAULT_KEY = "_memory_inputs_default"  # the toggle's default: on when the first URL set one

WORKLOADS = ("preset", "params", "flops")
GRID_BY = ("default", "country", "cloud", "g/kWh")
# Bounds for typed values come from estimator/core/base/bounds.py (the core refuses the same values).


# Inputs that describe how a run was done; a new preset brings its own, so picking one clears them
# (its workload too: a preset's parameters, tokens or FLOPs given are changes to that preset's run).
# Grid and price inputs describe the user's own setting and stay.
PRESET_SCOPED_KEYS = url_keys(TRAINING, ("hardware", "devices", "utilization", "year", "precision", "power_w", "pue",
                                          "params", "tokens", "flops"))
# Each workload's own fields and the values they start from when the Workload switch picks it: a
# preset's are empty (its own workload), the others the defaults above.
# The params workload starts with no catalog model (its parameters field).
WORKLOAD_START = {"preset": {"params": None, "tokens": None, "flops": None},
                  "params": {"model": None, "params": DEFAULT_PARAMS, "tokens": DEFAULT_TOKENS},
                  "flops": {"flops": DEFAULT_FLOPS}}

# The URL keys each choice of the Workload and grid switches uses; the others are ignored. The params workload's
# catalog model (?model=, `estimate --model`) comes first: it stands for the parameters.
WORKLOAD_KEYS = {"preset": url_keys(TRAINING, ("preset", "params", "tokens", "flops", "recompute")),
                 "params": url_keys(TRAINING, ("model", "params", "tokens", "recompute")),
                 "flops": url_keys(TRAINING, ("flops",))}
ALL_WORKLOAD_KEYS = WORKLOAD_KEYS["preset"] + url_keys(TRAINING, ("model",))
GRID_KEYS = {"default": (), "country": url_keys(TRAINING, ("country", "region")), "cloud": url_keys(TRAINING, ("cloud",)),
             "g/kWh": url_keys(TRAINING, ("carbon_intensity_g_per_kwh", "country"))}  # a site's own number, and where
ALL_GRID_KEYS = url_keys(TRAINING, ("country", "region", "cloud", "carbon_intensity_g_per_kwh"))
# The sidebar's own switches: which workload, where the grid intensity comes from, whether the memory inputs are
# drawn. They choose which inputs are drawn and are no input of a scenario (``estimator.services.inputs``).
SWITCH_KEYS = ("workload", "grid_by", "memory_inputs")
