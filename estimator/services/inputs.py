"""Every input a user gives a scenario, declared once: the CLI's flags, the app's widgets, the URL's keys and
the API's names all come from here.

One ``Input`` per input of a command: its API name (the keyword of ``api.run`` / ``services.serving.inference.inference_report``, the
CLI's argument ``dest``), the app's label, its unit and plausible bound (the core's object,
``estimator.core.base.bounds``, which carries its source), the CLI's flag(s) and help, the URL key and the kind of
widget. ``TRAINING`` holds `estimate`'s and `compare`'s inputs (the Estimate and Compare pages' sidebar),
``SERVING`` `inference`'s (the Inference page's), ``SETTING`` the `scaling` commands' setting. An input that
several commands share is declared once and varied (``Input.but``) where a command says it otherwise: serving's
power per device is training's, with its own help and URL key.

A malformed declaration (a flag without ``--``, a widget without a URL key, a number without a bound) fails at
import: the declarations are frozen pydantic models. The checks of the values themselves stay the core's
(``estimator.core.base.validation``), with their words: ``as_number`` accepts any real number (an int, a float, a
``Fraction``, a numpy scalar) and refuses a bool.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, InstanceOf, field_validator, model_validator

from estimator.core.base import bounds as B
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.validation import refuse_unknown
from estimator.core.footprint import embodied
from estimator.core.footprint.water import COOLING, DEFAULT_COOLING, EWIF_L_PER_KWH
from estimator.core.hardware.profile import PRECISIONS
from estimator.core.serving import estimate as serving
from estimator.core.serving.engines import DEFAULT_ENGINE, ENGINES
from estimator.core.serving.estimate import BITS, DEFAULT_PROMPT_TOKENS, DEFAULT_TOKENS_PER_QUERY, KV_BITS, QUERY_SOURCE
from estimator.core.serving.pruning import SKIP_RULE
from estimator.core.serving.scenario import SERVING_BOUNDS
from estimator.core.serving.step import ACCEPTANCE_SOURCE, BANDWIDTH_FRACTION, COMPUTE_FRACTION, DEFAULT_ACCEPTANCE
from estimator.core.training import plan as plan_core
from estimator.core.training.memory import (
    ATTENTION_KERNELS,
    DEFAULT_ATTENTION,
    DEFAULT_MICRO_BATCH,
    DEFAULT_SEQ_LEN,
    RECOMPUTE,
    ZERO_STAGES,
)
from estimator.core.workload.flops import MLP_KINDS
from estimator.core.workload.scenario import SCENARIO_BOUNDS
from estimator.device.backends import BACKENDS
from estimator.io.paths import CALIBRATED_DIR_ENV
from estimator.laws import diminishing as dm
from estimator.laws import scaling, trends
from estimator.report import humanize as hz
from estimator.services.model_shape import DEFAULT_HEAD_DIM

# Hardware when neither it nor a preset is given (`estimate`, the Estimate page, `scaling`): NVIDIA
# H100 SXM, the most used training GPU of 2023-2024 (profiles/h100-sxm.toml).
DEFAULT_HARDWARE = "h100-sxm"

# How the CLI reads a value (``estimator.cli.input_args`` maps each to its argparse type):
#   number: a float; count: a whole number as an int (devices, years), anything else a float for the core to
#   refuse by name; int: an int (bits, from a list of choices); zero_stage: a ZeRO stage or "fsdp"; text: as typed;
#   precision: a precision's name or an alias ("MXFP8" fp8, "NVFP4" fp4; core.hardware.profile.PRECISION_ALIASES).
CliValue = Literal["number", "count", "int", "zero_stage", "batch", "text", "precision", "word"]
# What the CLI does with the flag: store its value, set a switch (store_true/store_false), or add values (extend).
CliAction = Literal["store", "store_true", "store_false", "extend"]
# The app's widget: a number field (integer: shown and returned whole), a select box, a radio or a toggle; batch:
# a field that takes a whole number or the word for the largest batch (``serving.MAX_BATCH_WORD``), as the CLI's
# batch value does.
Widget = Literal["number", "integer", "select", "radio", "toggle", "batch"]
UNSET: Any = "<unset>"  # no argparse default given (a store_true then defaults to False, a store to None)


class Input(BaseModel):
    """One input of a command, as every interface names and bounds it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str                                  # API keyword, and the CLI argument's dest
    label: str | None = None                   # the app widget's label (None: no widget draws it)
    unit: str = ""                             # its unit ("" where it has none); a bound's unit unless given
    bound: InstanceOf[B.Bound] | None = None   # its plausible bound, with its source (core/base/bounds.py)
    message_name: str | None = None            # how the core's refusals name it ("power per device (W)"): see ``checked``
    choices: tuple[Any, ...] | None = None     # the values it may take (a precision, a cooling, bits)
    # the CLI
    flags: tuple[str, ...] = ()                # option strings (empty: no CLI flag)
    dest: str | None = None                    # the argument's dest where it is not the API name (--dense-kernels)
    help: str | None = None                    # the CLI's help
    value: CliValue = "number"
    action: CliAction = "store"
    metavar: str | None = None
    nargs: str | None = None
    default: Any = UNSET                      # argparse's default (where the CLI states one)
    required: bool = False
    # the app
    url_key: str | None = None                 # the query parameter its widget is bound to
    widget: Widget | None = None
    widget_help: str | None = None             # the widget's tooltip (a page may give one that depends on the run)

    @field_validator("name")
    @classmethod
    def _identifier(cls, name: str) -> str:
        if not name.isidentifier() or keyword.iskeyword(name):  # the Python API's keyword argument
            raise ValueError(f"an input's name must be a Python identifier and not a keyword, got {name!r}")
        return name

    @field_validator("flags")
    @classmethod
    def _long_flags(cls, flags: tuple[str, ...]) -> tuple[str, ...]:
        if any(not f.startswith("--") or f != f.strip() or len(f) < 3 for f in flags):
            raise ValueError(f"a flag starts with --, got {flags!r}")
        return flags

    @model_validator(mode="before")
    @classmethod
    def _unit_from_bound(cls, data: Any) -> Any:
        if isinstance(data, dict) and "unit" not in data and data.get("bound") is not None:
            return {**data, "unit": data["bound"].unit}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Input:
        if self.widget is not None and (self.label is None or self.url_key is None):
            raise ValueError(f"{self.name}: a widget needs a label and a URL key")
        if self.widget in ("number", "integer", "batch") and self.bound is None:
            raise ValueError(f"{self.name}: a number widget needs a bound")
        if self.widget == "integer" and not self.bound.whole:
            raise ValueError(f"{self.name}: a whole-number widget needs a whole-number bound")
        if self.url_key is not None and not self.url_key.isidentifier():
            raise ValueError(f"{self.name}: a URL key is a plain name, got {self.url_key!r}")
        if self.message_name is not None and self.bound is None:
            raise ValueError(f"{self.name}: a message name comes with the bound the core checks it against")
        if self.help is not None and not self.flags:
            raise ValueError(f"{self.name}: a CLI help needs a flag")
        if self.action in ("store_true", "store_false") and self.value != "number":
            raise ValueError(f"{self.name}: a switch takes no value")
        return self

    @property
    def flag(self) -> str | None:
        """The CLI's flag (its first option string), None where the CLI has none."""
        return self.flags[0] if self.flags else None

    @property
    def cli_dest(self) -> str:
        return self.dest or self.name

    def but(self, **changes: Any) -> Input:
        """This input as another command or page says it (its help, URL key or default), checked again."""
        return type(self)(**{**{k: getattr(self, k) for k in self.model_fields_set | {"unit"}}, **changes})


def table(*inputs: Input) -> dict[str, Input]:
    """Inputs by API name, in the order given (the CLI's order); a name given twice is a mistake."""
    out: dict[str, Input] = {}
    for i in inputs:
        if i.name in out:
            raise ValueError(f"input {i.name!r} declared twice")
        out[i.name] = i
    return out


def labels(inputs: Mapping[str, Input]) -> dict[str, str]:
    """API name → the app widget's label, for the inputs a widget draws (the hint after an error)."""
    return {name: i.label for name, i in inputs.items() if i.label is not None}


def url_keys(inputs: Mapping[str, Input], names: Iterable[str] | None = None) -> tuple[str, ...]:
    """The URL keys of ``names`` (default: every input with a widget), in that order."""
    chosen = inputs.values() if names is None else (inputs[n] for n in names)
    return tuple(i.url_key for i in chosen if i.url_key is not None)


def checked(core_table: Mapping[str, tuple[str, B.Bound]], name: str) -> dict[str, Any]:
    """The bound and the message name the core checks input ``name`` with, from the core's own table
    (``SCENARIO_BOUNDS``, ``SERVING_BOUNDS``: name → (message name, bound)), for a declaration to refer to: the
    words are written once, in the core, which cannot import the declarations."""
    message_name, bound = core_table[name]
    return {"bound": bound, "message_name": message_name}


def cli_only(i: Input) -> Input:
    """``i`` with no widget: a command's input that no page draws as it (its label is then no page's hint)."""
    return i.but(label=None, url_key=None, widget=None, widget_help=None)


def check_keywords(given: Iterable[str], accepted: Iterable[str]) -> None:
    """Refuse a keyword that is none of the ``accepted`` names, by name, with the nearest one ("unknown input
    'devcies'; did you mean 'devices'?") or, where none is near, every one: a typo is never a TypeError, nor a
    silent default (the CLI's argparse says the same of a flag)."""
    names, given = tuple(accepted), tuple(given)
    for name in given:
        if name not in names:
            # a flag's words for an input named otherwise (researcher review 2026-11-26: `context=` for --context
            # was refused with no suggestion; its name is n_ctx)
            flagged, switch = FLAG_NAMES.get(str(name), (None, ""))
            if flagged in names:
                raise InputError(f"unknown input {name!r}; did you mean {flagged + '=False' if switch else flagged!r}?",
                                 field=str(name))
    refuse_unknown(given, names)


# -- training: `estimate`, `compare`, the Estimate and Compare pages ------------------------------------------------
FLOPS = Input(name="flops", label="Training FLOPs", **checked(SCENARIO_BOUNDS, "flops"), flags=("--flops",),
              help="total training FLOPs, e.g. 3.14e23", url_key="flops", widget="number")
PARAMS = Input(name="params", label="Parameters N", **checked(SCENARIO_BOUNDS, "params"), flags=("--params",),
               help="parameters N (with --tokens: 6·N·D)", url_key="params", widget="number",
               widget_help="Model parameters; FLOPs = 6·N·D (Kaplan et al. 2020)")
TOKENS = Input(name="tokens", label="Training tokens D", **checked(SCENARIO_BOUNDS, "tokens"), flags=("--tokens",),
               help="training tokens D (with --model alone: its published pretraining tokens, where the catalog has "
                    "them; else, with a model or an architecture, an illustrative 2 × 10¹², said: the step's rates do "
                    "not depend on it)", url_key="tokens", widget="number")
RECOMPUTE_FLOPS = Input(name="recompute", label="Activation recomputation (8·N·D)", flags=("--recompute",),
                        action="store_true", default=None, url_key="recompute", widget="toggle",
                        help="full activation recomputation: the devices execute 8·N·D, not 6·N·D (a fitted utilisation, "
                             "which counts model FLOPs, still times 6·N·D; one you give applies to 8·N·D)")
PRESET = Input(name="preset", label="Preset", flags=("--preset",), value="text", help="a famous run (see `presets`)",
               url_key="preset", widget="select",
               widget_help="Famous runs with published figures (estimator/data/presets.toml). Picking one clears "
                           "hardware, devices, utilisation, precision, power, PUE and the workload.")
LAYERS = Input(name="layers", bound=B.LAYERS, flags=("--layers",), help="transformer layers")
D_MODEL = Input(name="d_model", bound=B.D_MODEL, flags=("--d-model",), help="model width")
CONTEXT = Input(name="n_ctx", bound=B.CONTEXT, flags=("--context",), help="context length")
VOCAB = Input(name="vocab", bound=B.VOCAB, flags=("--vocab",), help="vocabulary size")
FORWARD_FLOPS = Input(name="forward_flops_per_example", bound=B.FORWARD_FLOPS_PER_EXAMPLE, flags=("--forward-flops",),
                      help="forward FLOPs per example (generic network: × examples × epochs × 3)")
EXAMPLES = Input(name="examples", bound=B.EXAMPLES, flags=("--examples",), help="training examples per epoch")
EPOCHS = Input(name="epochs", bound=B.EPOCHS, flags=("--epochs",), help="epochs")
DEVICES = Input(name="devices", label="Devices", **checked(SCENARIO_BOUNDS, "devices"), flags=("--devices",), value="count",
                help="number of devices (default 1)", url_key="devices", widget="integer",
                widget_help="Number of accelerators (or systems) working in parallel")
UTILIZATION = Input(name="utilization", label="Utilisation (fraction of peak)", **checked(SCENARIO_BOUNDS, "utilization"),
                    flags=("--utilization",), help=f"fraction of peak achieved over the whole run, {B.UTILIZATION.describe()}",
                    url_key="utilization", widget="number")
PRECISION = Input(name="precision", label="Precision", choices=PRECISIONS, flags=("--precision",), value="precision",
                  help="precision whose peak is used (in any case; mxfp8, fp8-cs and fp8-ds run at fp8's peak, nvfp4 "
                       "and mxfp4 at fp4's)", url_key="precision", widget="select")
YEAR = Input(name="year", label="Year of the run", **checked(SCENARIO_BOUNDS, "year"), flags=("--year",), value="count",
             help="year of the run: the utilisation fit uses the years since the chip's release when cross-validation "
                  "keeps that covariate (profiles/README.md says whether the shipped fit does; default: unknown, "
                  "averaged over the fitted runs)", url_key="year", widget="integer")
HOURS = Input(name="hours", **checked(SCENARIO_BOUNDS, "hours"), flags=("--hours",),
              help="wall-clock hours of a known run (time is taken from it)")
DEVICE_HOURS = Input(name="device_hours", **checked(SCENARIO_BOUNDS, "device_hours"), flags=("--device-hours",),
                     help="device-hours of a known run")
POWER = Input(name="power_w", label="Power per device (W)", **checked(SCENARIO_BOUNDS, "power_w"), flags=("--power-w",),
              # the device's share of its server, host included, as the gpu-system power fit's is (researcher review
              # 2026-12-02: an NVML reading of 700 W given read as the default's 695 W, which holds 294 W of host)
              help="average power per device in W over the run, its share of the server's host (CPUs, memory, fans) "
                   "included (what PUE multiplies): a GPU's own reading (nvidia-smi) leaves the host out",
              url_key="power_w", widget="number",
              widget_help="Average draw per device over the run, its share of the server's host (CPUs, memory, fans) "
                          "included; a GPU's own reading (nvidia-smi) leaves the host out")
PUE = Input(name="pue", label="PUE", **checked(SCENARIO_BOUNDS, "pue"), flags=("--pue",), help=f"data-centre PUE, {B.PUE.describe()}",
            url_key="pue", widget="number",
            widget_help="Data-centre power usage effectiveness (facility energy ÷ IT energy)")
GRID = Input(name="carbon_intensity_g_per_kwh", label="Grid intensity (gCO2e/kWh)", **checked(SCENARIO_BOUNDS, "carbon_intensity_g_per_kwh"),
             flags=("--carbon-intensity",), help="grid gCO2e/kWh", url_key="grid", widget="number")
# The grid's place, in CodeCarbon's words: a country (its name or ISO 3166 code), a region inside it (a state or
# province, where CodeCarbon's data has them), a cloud region (services/grid.py). The app's country picker keeps
# the URL key "region" it had when the country was given as --region (links stay valid).
COUNTRY = Input(name="country", label="Country", flags=("--country",), value="text",
                help="country of the grid, by name or ISO 3166 code: France, FRA or FR (CodeCarbon's data); with "
                     "--region, a state or province of it", url_key="region", widget="select",
                widget_help="CodeCarbon's per-country grid intensity (Our World in Data / Ember): type a name or a code")
REGION = Input(name="region", label="State or province", flags=("--region",), value="text",
               help="state or province of the grid, as in CodeCarbon: with --country (--country USA --region "
                    "california) or as country:region (usa:california); U.S. states, Canadian and Chinese provinces, "
                    "Nordic bidding zones. A country code alone (--region FRA) is read as that country, and said",
               url_key="grid_region", widget="select",
               widget_help="Where CodeCarbon's data has the country's regions (U.S. states: EPA eGRID; Canadian "
                           "provinces; Chinese provinces; Nordic bidding zones). Empty: the whole country")
CLOUD = Input(name="cloud", label="Cloud region", flags=("--cloud",), value="text",
              help="provider:region: gcp:europe-west1 (Google's own figure, CodeCarbon's data), aws:us-east-1 or "
                   "azure:westeurope (the grid of where the region is: these providers publish no figure per region)",
              url_key="cloud", widget="select")
PRICE = Input(name="price_usd_per_device_hour", label="Price (USD per device-hour)", **checked(SCENARIO_BOUNDS, "price_usd_per_device_hour"),
              flags=("--price-usd-per-hour",), help="USD per device-hour", url_key="price", widget="number")
ELECTRICITY = Input(name="electricity_usd_per_kwh", label="Or electricity price (USD/kWh)",
                    **checked(SCENARIO_BOUNDS, "electricity_usd_per_kwh"), flags=("--electricity-usd-per-kwh",),
                    help="cost from energy instead: USD per kWh", url_key="elec", widget="number",
                    widget_help="Cost from energy instead of a price per device-hour")
EMBODIED = Input(name="embodied", label="Embodied (manufacturing) CO₂e", flags=("--no-embodied",), action="store_false",
                 default=None, help="leave out the devices' embodied (manufacturing) CO2e", url_key="embodied",
                 widget="toggle",
                 widget_help=f"The devices' manufacturing footprint, shared over a {gfmt(embodied.LIFETIME_YEARS)}-year "
                             f"life ({gfmt(embodied.LIFETIME_RANGE_YEARS[0])}–{gfmt(embodied.LIFETIME_RANGE_YEARS[1])})")
LIFETIME = Input(name="lifetime_years", **checked(SCENARIO_BOUNDS, "lifetime_years"), flags=("--lifetime-years",),
                 help="devices' service life over which their manufacturing is shared (default "
                      f"{gfmt(embodied.LIFETIME_YEARS)}, range {gfmt(embodied.LIFETIME_RANGE_YEARS[0])}–"
                      f"{gfmt(embodied.LIFETIME_RANGE_YEARS[1])}; accepts {B.LIFETIME_YEARS.describe()})")
COOLING_INPUT = Input(name="cooling", label="Data-centre cooling (on-site water)", choices=tuple(COOLING),
                      flags=("--cooling",), value="text",
                      help=f"kind of data centre for on-site water (default: the profile's cooling, else "
                           f"{DEFAULT_COOLING}: {gfmt(COOLING[DEFAULT_COOLING].wue_l_per_kwh)} L/kWh)",
                      url_key="cooling", widget="select",
                      widget_help="On-site water per kWh by kind of data centre (Li et al. 2023 and operators' reports); "
                                  "off-site water: the grid's country where Li et al. give one, else the U.S. average "
                                  f"{gfmt(EWIF_L_PER_KWH)} L/kWh")
WUE = Input(name="wue_l_per_kwh", **checked(SCENARIO_BOUNDS, "wue_l_per_kwh"), flags=("--wue",), help="on-site water, L per kWh of IT energy")
EWIF = Input(name="ewif_l_per_kwh", **checked(SCENARIO_BOUNDS, "ewif_l_per_kwh"), flags=("--ewif",),
             help="off-site water of the electricity, L per kWh (default: the grid's country's where Li et al.'s Table 1 "
                  "has one, a country's as a whole, never a state's or a cloud region's, else default "
                  f"{gfmt(EWIF_L_PER_KWH)}, the U.S. average, which a U.S. region takes too)")
# A catalog model (estimator/data/open_models.toml): the Estimate page's picker (?model=), the Inference page's
# (?inf_model=), `estimate --model`'s and `inference --model`'s, each with its own words.
MODEL = Input(name="model", label="Model", flags=("--model",), value="text",
              help="a catalog model for the shape (`python -m estimator models` lists them), e.g. llama-2-7b; without --tokens, its "
                   "published pretraining run (a model publishing none: an illustrative 2 × 10¹² tokens, said)",
              url_key="model",
              widget="select",
              widget_help="An open model from the catalog (its published config): its parameters with the tokens give "
                          "6·N·D, its shape the step model's time, the planner's layout and the memory, as `estimate "
                          "--model` does. Empty: the parameters below")
HEADS = Input(name="heads", bound=B.HEADS, flags=("--heads",), help=f"attention heads (default d_model ÷ {DEFAULT_HEAD_DIM})")
KV_HEADS = Input(name="kv_heads", bound=B.HEADS, flags=("--kv-heads",), help="key/value heads (default: as many as heads)")
# A head's size where it is not d_model ÷ heads (PaLM, Gemma): the attention's width heads × head size (with --heads)
HEAD_DIM = Input(name="head_dim", bound=B.HEAD_DIM, flags=("--head-dim",),
                 help="size of each attention head, with --heads (default: d_model ÷ heads)")
# The rest of an architecture's shape, for the step model (estimate, plan): the MLP's width and kind, and a mixture of
# experts' experts (its active parameters follow from them: the shared weights and k/E of the experts').
FFN = Input(name="ffn", bound=B.FFN, flags=("--ffn",),
            help="MLP hidden size, one expert's for a mixture of experts (default: from the parameter count)")
MLP = Input(name="mlp", choices=tuple(MLP_KINDS), flags=("--mlp",), value="text",
            help="the MLP: plain (2 matrices: GELU, squared ReLU) or gated (3: SwiGLU, GeGLU); default: the catalog "
                 "model's, else plain")
EXPERTS = Input(name="experts", bound=B.EXPERTS, flags=("--experts",),
                help="experts per layer of a mixture of experts given by its architecture (with --experts-per-token)")
EXPERTS_PER_TOKEN = Input(name="experts_per_token", bound=B.EXPERTS, flags=("--experts-per-token",),
                          help="experts each token is routed to (top-k), with --experts")
# The layout flags' defaults as the help says them: each flag's own where another layout flag is given; with none, a
# catalog model or a shape is timed at the planner's best layout (researcher review 2026-12-02: "(default 1)" alone read
# as what a bare --model runs, where the planner had chosen TP 4, ZeRO-3, micro-batch 8 and full recomputation)
LAYOUT_DEFAULT = ("where another layout flag is given; with none, a catalog model or a shape given by flags takes the "
                  "planner's best layout, a preset its own figure")


MICRO_BATCH = Input(name="micro_batch", label="Micro-batch (sequences per device)", bound=B.MICRO_BATCH,
                    flags=("--micro-batch",), help=f"sequences per device per step (default {DEFAULT_MICRO_BATCH} {LAYOUT_DEFAULT})",
                    url_key="micro_batch", widget="integer")
SEQ_LEN = Input(name="seq_len", label="Sequence length (tokens)", bound=B.CONTEXT, flags=("--seq-len",),
                help=f"sequence length in tokens (default {DEFAULT_SEQ_LEN}, or a catalog model's pretraining sequence "
                     "where published, the architecture's --context, or a preset's own)", url_key="seq_len",
                widget="integer")
def _listed(choices) -> str:
    """"1, 2 and 3": the planner's choices in a help text, from their one home (``core.training.plan``)."""
    return ", ".join(str(c) for c in choices[:-1]) + f" and {choices[-1]}"


ZERO = Input(name="zero", label="ZeRO stage (3 = FSDP)", choices=ZERO_STAGES, flags=("--zero",), value="zero_stage",
             metavar="{0,1,2,3,fsdp}",
             help="ZeRO stage: 1 shards optimizer states, 2 also gradients, 3 (= fsdp) also weights (default 0 " + LAYOUT_DEFAULT + ")",
             url_key="zero", widget="select")
ACTIVATION_RECOMPUTE = Input(name="activation_recompute", label="Activation recomputation (memory and time)", choices=RECOMPUTE,
                             flags=("--activation-recompute",), value="text",
                             help="activation recomputation (default none " + LAYOUT_DEFAULT + "; full with --recompute; full also counts 8·N·D as --recompute "
                                  "does, where the FLOPs are 6·N·D of parameters and tokens, without a preset)",
                             url_key="act_recompute", widget="select",
                             widget_help="Activations recomputed in the backward pass: less memory per device, more "
                                         "time a step (the step model counts it); 'full' also counts 8·N·D FLOPs, as "
                                         "the 8·N·D toggle does, where the FLOPs are 6·N·D of parameters and tokens")
TP = Input(name="tp", label="Tensor parallel", bound=B.TENSOR_PARALLEL, flags=("--tp",), help=f"tensor-parallel degree (default 1 {LAYOUT_DEFAULT})",
           url_key="tp", widget="integer")
PP = Input(name="pp", label="Pipeline stages", bound=B.PIPELINE_PARALLEL, flags=("--pp",), help=f"pipeline stages (default 1 {LAYOUT_DEFAULT})",
           url_key="pp", widget="integer")
CP = Input(name="cp", label="Context parallel", bound=B.CONTEXT_PARALLEL, flags=("--cp",),
           help="context-parallel degree: each sequence split over this many devices (default 1 " + LAYOUT_DEFAULT + ")", url_key="cp",
           widget="integer", widget_help="Each sequence split over this many devices: activations ÷ this degree")
EP = Input(name="ep", label="Expert parallel (mixture of experts)", bound=B.EXPERT_PARALLEL, flags=("--ep",),
           help="expert-parallel degree: a mixture of experts' experts split over this many devices (default 1 " + LAYOUT_DEFAULT + ")",
           url_key="ep", widget="integer",
           widget_help="A mixture of experts' expert weights, gradients and optimizer states ÷ this degree")
ATTENTION_KERNEL = Input(name="attention_kernel", label="Attention kernel (memory)", choices=ATTENTION_KERNELS,
                         flags=("--attention-kernel",), value="text",
                         help=f"attention kernel, for activation memory and the step's attention time (default {DEFAULT_ATTENTION}: FlashAttention "
                              "stores no attention scores; eager: the kernels before it, which store them)",
                         url_key="attn_kernel", widget="select",
                         widget_help="flash: FlashAttention (Dao et al. 2022) stores no attention scores, as today's "
                                     "kernels; eager: the older kernels, which store them (Korthikanti et al. 2022)")
GLOBAL_BATCH_TOKENS = Input(name="global_batch_tokens", label="Global batch (tokens per step)", bound=B.TOKENS,
                            flags=("--global-batch-tokens",),
                            help="tokens per optimizer step, all data-parallel replicas together, for the step model's "
                                 "time (default: a catalog model's pretraining batch where published, else "
                                 f"{plan_core.DEFAULT_GLOBAL_BATCH_TOKENS:,}, Llama 2's 4M); rounded to whole "
                                 "micro-batches on the replicas, a batch given within "
                                 f"{plan_core.BATCH_HELD_WITHIN * 100:.0f}%% of it",
                            url_key="gbt", widget="number",
                            widget_help="Tokens per optimizer step, all data-parallel replicas together: with the "
                                        "micro-batch, it sets the micro-batches per step and so the pipeline bubble. "
                                        "Empty: the model's pretraining batch where published, else "
                                        f"{plan_core.DEFAULT_GLOBAL_BATCH_TOKENS:,} (Llama 2's 4M)")
ACTIVE_PARAMS = Input(name="active_params", label="Active parameters (mixture of experts)", bound=B.PARAMS,
                      flags=("--active-params",),
                      help="parameters one token uses (a mixture of experts given by its architecture; a catalog "
                           "model states its own), for the step model's FLOPs", url_key="active_params",
                      widget="number",
                      widget_help="Parameters one token uses, for the step model's FLOPs. Empty: all of them (dense)")
VP = Input(name="vp", label="Interleaved chunks per pipeline stage", bound=B.VIRTUAL_PIPELINE, flags=("--vp",),
           value="count", help="interleaved pipeline schedule: layer chunks per stage, which divide the pipeline bubble "
                               "(p − 1)/m by this many (Narayanan et al. 2021 §2.2.2; needs --pp and micro-batches per "
                               "step a multiple of the pipeline stages; default 1)",
           url_key="vp", widget="integer",
           widget_help="The interleaved schedule (Narayanan et al. 2021): each stage holds this many chunks of layers, "
                       "the bubble (p − 1)/m shrinks by as many. Needs pipeline stages.")
ETP = Input(name="etp", label="Experts' tensor parallel (ETP)", bound=B.TENSOR_PARALLEL, flags=("--etp",),
            value="count", help="the experts' tensor-parallel degree: 1 (each expert whole on a device, its group folded "
                                "over the tensor- and data-parallel ranks: Megatron-Core's --expert-tensor-parallel-size "
                                "1) or the run's --tp (default: the run's, or where the experts' group at it would leave "
                                "the scale-up domain, the faster of the two that fits; needs --ep above 1)",
            url_key="etp", widget="integer",
            widget_help="1: each expert whole on a device (MoE parallel folding); the run's TP: experts split as the "
                        "dense layers are. Empty: the run's TP, or where the experts' group at it would leave the "
                        "NVLink domain, the faster of the two that fits. Needs expert parallelism.")
EXPERT_OVERLAP = Input(name="expert_overlap", label="Expert all-to-all hidden (share)", bound=B.EXPERT_OVERLAP,
                       flags=("--expert-overlap",),
                       help="share of a mixture of experts' all-to-all the schedule hides under compute, 0 to 1 "
                            "(default 0: all exposed; DeepSeek-V3's DualPipe hid all of it, arXiv:2412.19437 §3.2.1)",
                       url_key="ep_overlap", widget="number",
                       widget_help="Share of the experts' all-to-all hidden under compute by the schedule. Empty: none "
                                   "(DeepSeek-V3's DualPipe: 1, all)")
HARDWARE = Input(name="hardware", label="Hardware profile", flags=("--hardware",), value="text",
                 help="profile id (see `profiles list`), a name of one profile ('NVIDIA A100 SXM4 80 GB', 'TPU v4') or "
                      f"path to a profile .toml (default: the preset's, else {DEFAULT_HARDWARE})",
                 url_key="hardware", widget="select",
                 widget_help="Profile ids; see the Profiles & sources page. Empty: the preset's hardware.")

TRAINING = table(FLOPS, PARAMS, TOKENS, RECOMPUTE_FLOPS, PRESET, LAYERS, D_MODEL, CONTEXT, VOCAB, FORWARD_FLOPS,
                 EXAMPLES, EPOCHS, DEVICES, UTILIZATION, PRECISION, YEAR, HOURS, DEVICE_HOURS, POWER, PUE, GRID, COUNTRY,
                 REGION, CLOUD, PRICE, ELECTRICITY, EMBODIED, LIFETIME, COOLING_INPUT, WUE, EWIF, MODEL, HEADS, KV_HEADS, HEAD_DIM, FFN, MLP,
                 EXPERTS, EXPERTS_PER_TOKEN, MICRO_BATCH,
                 SEQ_LEN, ZERO, ACTIVATION_RECOMPUTE, TP, PP, CP, EP, ATTENTION_KERNEL, GLOBAL_BATCH_TOKENS,
                 ACTIVE_PARAMS, VP, ETP, EXPERT_OVERLAP, HARDWARE)
# `compare`: the workload and scenario of `estimate` (no training memory), on several profiles.
# A catalog model and the sequence are kept: each profile's time from the step model over the planner's best layout on
# it, as `estimate --model` times it (researcher review 2026-11-27: compare could not reproduce estimate --model); a
# layout is not (one that divides one profile's devices and memory need not another's).
# compare's inputs: estimate's but the shape's details, the active parameters and the experts' overlap (its layout, the
# global batch and the interleaving it takes, as the Compare page does from the sidebar: compare review 2026-11-29, the
# page had timed a layout `compare` refused)
COMPARE = table(*(TRAINING[n] for n in TRAINING if n not in ("heads", "kv_heads", "head_dim", "ffn", "mlp", "experts",
                                                                "experts_per_token", "active_params",
                                                                "expert_overlap", "hardware")),
                HARDWARE.but(nargs="+", action="extend",  # repeated, each adds (CLI audit: the last one alone counted)
                             help="profile ids, names or .toml files, each of one profile (default: every profile, "
                                  "calibrated ones included; the reference points, the brain and AlphaGo, only when named)"))
# The site's inputs, in the CLI's order: power, PUE, grid (intensity, country or cloud) and price.
SITE_NAMES = ("power_w", "pue", "carbon_intensity_g_per_kwh", "country", "region", "cloud",
              "price_usd_per_device_hour", "electricity_usd_per_kwh")
MEMORY_NAMES = ("micro_batch", "seq_len", "zero", "activation_recompute", "tp", "pp", "cp", "ep", "attention_kernel")
# The step model's own inputs beside the memory's (estimate's time from the run's plan: services/training/step_setup.py).
STEP_NAMES = ("global_batch_tokens", "active_params", "vp", "etp", "expert_overlap")

# -- `plan`: the layouts of a model on a number of devices, or the fewest devices for a deadline or budget --------
DEADLINE = Input(name="deadline_days", label="Deadline (days)", bound=plan_core.DEADLINE_DAYS, flags=("--deadline-days",),
                 help="find the fewest devices that finish within this many days (instead of --devices)",
                 url_key="plan_deadline", widget="number",
                 widget_help="The fewest devices whose best layout finishes within this many days")
BUDGET_USD = Input(name="budget_usd", label="Budget (USD)", bound=B.BUDGET["usd"], flags=("--budget-usd",),
                   help="find the fewest devices whose run costs at most this many USD (instead of --devices)",
                   url_key="plan_budget", widget="number",
                   widget_help="The fewest devices whose best layout costs at most this; the fastest plan it pays "
                               "for is said above the plan")
# the Plan page's price (the CLI's --price-usd-per-hour): over the profile's, or where it has none (a budget needs one)
PLAN_PRICE = PRICE.but(url_key="plan_price", widget_help="The price per device-hour the plan's costs are at; empty: "
                                                          "the profile's, where it has one (a budget needs one)")
# the page's choice of what sizes the run (the CLI's is which of --devices, --deadline-days, --budget-usd is given)
PLAN_BY = Input(name="plan_by", label="Size the run by", choices=("Devices", "Deadline", "Budget"), default="Devices",
                url_key="plan_by", widget="radio",
                widget_help="Devices you have, or the fewest that meet a deadline or a budget")
# The Plan page draws the model, hardware, tokens, devices (or deadline or budget), precision, sequence and global batch, under
# their own URL keys (plan_*: a link to the Plan page does not set the Estimate page's fields); the layout's parts
# and the site are the CLI's alone (the page plans the layout and uses the profile's site defaults).
# the site inputs the Plan page draws (with its own URL keys), as `plan --power-w/--pue/--carbon-intensity/--country/
# --cloud` take them; the others (a state, the prices) are the CLI's, the page's price its own (PLAN_PRICE)
PLAN_SITE_KEYS = {"power_w": "plan_power", "pue": "plan_pue", "carbon_intensity_g_per_kwh": "plan_grid",
                  "country": "plan_country", "cloud": "plan_cloud"}
PLAN = table(MODEL.but(help="a catalog model (`python -m estimator models` lists them), e.g. llama-3.1-70b", url_key="plan_model",
                       widget_help="An open model from the catalog (its published config)"),
             *(cli_only(i) for i in (PARAMS.but(help="parameters (with the catalog's nearest shape, or with the "
                                                     "architecture)"),
                                     LAYERS, D_MODEL, HEADS, KV_HEADS, HEAD_DIM, VOCAB, FFN, MLP, EXPERTS, EXPERTS_PER_TOKEN,
                                     ACTIVE_PARAMS)),
             TOKENS.but(help="training tokens D (default: a catalog model's published pretraining tokens, else an illustrative "
                             "2 × 10¹², said; a deadline or a budget needs them)",
                        label="Training tokens", url_key="plan_tokens"),
             DEVICES.but(help="devices (or a deadline or budget to find them)", url_key="plan_devices",
                         widget_help="Devices you have: the layouts that fit them, ranked by time"),
             DEADLINE, BUDGET_USD,
             # its own key, as the page's others (plan review 2026-11-28: FP8 and FP4 plans were the CLI's alone)
             PRECISION.but(url_key="plan_precision", widget_help="The precision whose peak the step model runs at: "
                                                                 "the device's own precisions the step model covers"),
             SEQ_LEN.but(url_key="plan_seq", widget_help=("Tokens per sequence (default: the model's pretraining sequence where published, else "
                                                  f"{DEFAULT_SEQ_LEN:,})")),
             GLOBAL_BATCH_TOKENS.but(url_key="plan_batch",
                                     widget_help=f"Tokens per optimizer step (default: the model's pretraining "
                                                 "batch where published, else "
                                                 f"{plan_core.DEFAULT_GLOBAL_BATCH_TOKENS:,}, raised to feed the "
                                                 f"replicas, at most {plan_core.BATCH_GROWTH_MAX:g}x; a batch given is "
                                                 f"held within {plan_core.BATCH_HELD_WITHIN:.0%}; any rounding said)"),
             *(cli_only(i) for i in (
                 TP.but(help="fix the tensor-parallel degree (default: the planner tries 1 up to the scale-up domain)"),
                 PP.but(help="fix the pipeline stages (default: the planner tries powers of two, and a device count's other divisors up to 64 that split the layers nearly evenly)"),
                 CP.but(help=f"fix the context-parallel degree (default: the planner tries it for sequences of {plan_core.CP_FROM_SEQ_LEN:,}+)"),
                 EP.but(help="fix the expert-parallel degree (default: the planner tries divisors of the experts)"),
                 ZERO.but(help=f"fix the ZeRO stage (default: the planner tries {_listed(plan_core.ZERO_CHOICES)})"),
                 MICRO_BATCH.but(help=f"fix the micro-batch (default: the planner tries {_listed(plan_core.MICRO_BATCH_CHOICES)})"),
                 ACTIVATION_RECOMPUTE.but(help="fix the recomputation (default: the least that fits)"),
                 VP.but(help=f"fix the interleaved chunks per pipeline stage (default: the planner tries {_listed(plan_core.VP_CHOICES)} "
                             "where the stages hold them evenly; above 1, only layouts of two or more stages)"),
                 ETP.but(help="fix the experts' tensor parallelism: 1 (each expert whole on a device) or the run's --tp "
                              "(alone, it fixes the run's TP too); only layouts in expert parallelism (default: the "
                              "faster of the two that fit, where the experts' group at the run's TP would leave the "
                              "scale-up domain)"),
                 ATTENTION_KERNEL, EXPERT_OVERLAP, *(TRAINING[n] for n in SITE_NAMES if n not in PLAN_SITE_KEYS))),
             # the Plan page's site, under keys of its own (browser review 2026-11-29: the Estimate page's keys carried a
             # power typed for an H100 plan into a V100 scenario)
             *(TRAINING[n].but(url_key=key) for n, key in PLAN_SITE_KEYS.items()),
             HARDWARE.but(help=f"profile id, name or .toml file (default {DEFAULT_HARDWARE})", url_key="plan_hw",
                          widget_help="Profiles with a scale-up domain (the planner's tensor parallelism needs one)"))

# -- `scaling`: the setting every cost uses (`add_setting_args`) ---------------------------------------------------
SETTING = table(DEVICES.but(help="devices (changes the time, not the energy or cost)"), PRECISION,
                UTILIZATION.but(help=f"fraction of peak achieved, {B.UTILIZATION.describe()}"),
                *(TRAINING[n] for n in SITE_NAMES))


def setting_hardware(default: str | None, default_text: str | None) -> Input:
    """The setting's hardware, with the default a command states (argparse's, or said in words)."""
    return HARDWARE.but(help="profile id, name ('TPU v4') or .toml file" + (f" (default {default_text})" if default_text
                                                                           else ""),
                        default=default)


# -- serving: `inference`, the Inference page -----------------------------------------------------------------------
# Hardware for serving when none is given (the CLI's `inference` and the app's Inference page): training's,
# one default for every command (issue 55: `inference` had the A100 SXM 80GB of issue 13's worked example). The
# H100 SXM is one of the two devices the serving fit is measured on (ML.ENERGY, estimator/data/mlenergy_inference.csv).
INFERENCE_DEFAULT_HARDWARE = DEFAULT_HARDWARE
SERVING = table(
    MODEL.but(help="a catalog model, e.g. llama-3.1-8b (`python -m estimator models` lists them)", url_key="inf_model",
              widget_help="An open model from the catalog (its published config), or `custom`: give the parameters and, "
                          "optionally, the shape"),
    PARAMS.but(help="model parameters N (alone: the catalog's nearest shape is assumed)", url_key="inf_params",
               widget_help=None),
    LAYERS.but(label="Layers", url_key="inf_layers", widget="integer"),
    D_MODEL.but(label="d_model", help="hidden size", url_key="inf_dmodel", widget="integer"),
    HEADS.but(label="Attention heads", url_key="inf_heads", widget="integer"),
    KV_HEADS.but(label="KV heads", url_key="inf_kvheads", widget="integer",
                 widget_help="Fewer than the heads: grouped-query attention, a smaller KV cache"),
    HEAD_DIM.but(label="Head size", url_key="inf_headdim", widget="integer",
                 widget_help="Each attention head's size where it is not d_model ÷ heads (PaLM, Gemma): the KV cache "
                             "and the attention's width follow it; with the heads"),
    VOCAB.but(help="vocabulary (with an architecture and no --params: N adds vocab·d_model)"),
    Input(name="tokens", label="Tokens generated in total", **checked(SERVING_BOUNDS, "tokens"), flags=TOKENS.flags,
          help=f"output tokens to generate in total (default {gfmt(serving.DEFAULT_TOKENS)}, illustrative: only the "
               "totals scale with it, not the rates, latencies or per-token figures)",
          url_key="inf_tokens", widget="number"),
    Input(name="prompt_tokens", label="Prompt tokens per query", **checked(SERVING_BOUNDS, "prompt_tokens"), flags=("--prompt-tokens",),
          help=f"prompt tokens per query (default {gfmt(DEFAULT_PROMPT_TOKENS)}: ShareGPT's mean, vLLM paper; with "
               "an MLPerf benchmark's name as --model, e.g. llama2-70b-99, its dataset's; the catalog ids "
               "mixtral-8x7b, deepseek-r1 and gpt-oss-120b are also MLPerf's names, so they take its datasets too, "
               "where a Hub name, e.g. openai/gpt-oss-120b, does not)",
          url_key="inf_prompt", widget="number", widget_help=f"Default: {QUERY_SOURCE}"),
    Input(name="tokens_per_query", label="Output tokens per query", **checked(SERVING_BOUNDS, "tokens_per_query"),
          flags=("--tokens-per-query",),
          help=f"output tokens per query (default {gfmt(DEFAULT_TOKENS_PER_QUERY)}: ShareGPT's mean, vLLM paper; with "
               "an MLPerf benchmark's name as --model, its dataset's)",
          url_key="inf_tpq", widget="number", widget_help=f"Default: {QUERY_SOURCE}"),
    Input(name="batch_size", label="Batch size", **checked(SERVING_BOUNDS, "batch_size"), flags=("--batch-size",), value="batch",
          help=f"sequences each replica decodes together, or {serving.MAX_BATCH_WORD}: the largest its memory holds, the "
               f"most tokens per second (MLPerf's Offline) (default {serving.DEFAULT_BATCH_SIZE}; with --ttft-ms or "
               f"--tpot-ms, the largest that meets them)",
          url_key="inf_batch", widget="batch",
          widget_help=(f"Sequences each replica decodes together: they share each weight read, each adds its KV cache. "
                       f"{serving.MAX_BATCH_WORD}: the largest its memory holds, the most tokens per second (MLPerf's "
                       f"Offline); empty: {serving.DEFAULT_BATCH_SIZE}, or with a time bound the largest batch that "
                       "meets it")),
    DEVICES.but(label="Devices (all replicas)", url_key="inf_devices", widget_help=None,
                help="devices in all: the tensor-parallel degree (--tp, or the one that serves the most tokens per "
                     "second; or the expert-parallel degree, --ep) times the replicas; where a subset of them serves more, "
                     "or a degree given does not divide them, it serves and the rest stand idle, said (default: the fewest, a power of two where it divides the "
                     "heads, that hold weights and KV cache, as one replica; under --ttft-ms or --tpot-ms, where those "
                     "cannot meet the bound, the fewest that can, said)"),
    TP.but(label="Tensor parallel (devices per replica)", url_key="inf_tp", **checked(SERVING_BOUNDS, "tp"),
           help="tensor-parallel degree of each replica, a divisor of the attention heads that divides the KV heads "
                "or is a multiple of them (default: chosen)",
           widget_help="Empty: the degree that serves the most tokens per second on the devices"),
    EP.but(label="Expert parallel (devices per replica, a mixture of experts)", url_key="inf_ep",
           **checked(SERVING_BOUNDS, "ep"),
           help="expert-parallel degree of each replica of a mixture of experts: each of its devices holds the "
                "weights outside the experts and 1/ep of the experts (ceil(E/ep), the spare slots redundant copies, "
                "where ep does not divide the E experts) and runs attention for its own sequences "
                "(attention data-parallel), the tokens exchanged by all-to-alls (default: none)",
           widget_help="Empty: none. A mixture of experts' experts split over this many devices per replica, each "
                       "device running attention for its own sequences (DeepSeek-V3's and TensorRT-LLM's attention "
                       "data parallelism); at most the experts (a degree that does not divide them holds redundant "
                       "copies), with no tensor parallelism."),
    Input(name="ttft_ms", label="p99 time to first token bound (ms)", **checked(SERVING_BOUNDS, "ttft_ms"),
          flags=("--ttft-ms",), help="a p99 bound in ms on the time to the first token: the largest batch that meets "
                                     "it (MLPerf's Server: Llama 2 70B 2,000 ms; Interactive 450 ms)",
          url_key="inf_ttft", widget="number"),
    Input(name="tpot_ms", label="p99 time per output token bound (ms)", **checked(SERVING_BOUNDS, "tpot_ms"),
          flags=("--tpot-ms",), help="a p99 bound in ms on the time per output token: the largest batch that meets "
                                     "it, above batch 1 its steady (mean) time per output token held at the share of "
                                     "the bound the engine's measured runs held (a note says the share) (MLPerf's "
                                     "Server: Llama 2 70B 200 ms; Interactive 40 ms)",
          url_key="inf_tpot", widget="number"),
    Input(name="beams", label="Beams per request", **checked(SERVING_BOUNDS, "beams"), flags=("--beams",),
          help=f"beam search's width: sequences each request decodes, its prompt prefilled and held once, one output "
               f"token counted a step (default {serving.DEFAULT_BEAMS}: greedy; MLPerf's benchmark names decode as "
               "MLPerf does: gptj-99, 4)",
          url_key="inf_beams", widget="integer",
          widget_help=f"Beam search: each request decodes this many sequences and keeps the best (default "
                      f"{serving.DEFAULT_BEAMS}, greedy; MLPerf's GPT-J benchmark decodes 4)"),
    Input(name="draft_tokens", label="Speculative decoding: draft tokens a step",
          **checked(SERVING_BOUNDS, "draft_tokens"), flags=("--draft-tokens",),
          help="speculative decoding: tokens a one-layer draft head (EAGLE, a model's multi-token-prediction head) "
               "proposes a step, verified by the model in the same pass (default 0: none; MLPerf's "
               "deepseek-r1-interactive benchmark drafts 3, as its rules require)",
          url_key="inf_draft", widget="integer",
          widget_help="Speculative decoding: a one-layer draft head proposes this many tokens a step and the model "
                      "checks them in one pass (EAGLE; DeepSeek's multi-token-prediction head). Empty or 0: none."),
    Input(name="acceptance", label="Draft acceptance", **checked(SERVING_BOUNDS, "acceptance"), flags=("--acceptance",),
          help=f"the chance each draft token is accepted, given the ones before it were (default "
               f"{DEFAULT_ACCEPTANCE:g}: {ACCEPTANCE_SOURCE})",
          url_key="inf_accept", widget="number",
          widget_help=f"With draft tokens: the chance each is accepted, given the ones before it were (empty: "
                      f"{DEFAULT_ACCEPTANCE:g}, DeepSeek-V3's MTP head's 0.85-0.90 for its next token)."),
    Input(name="engine", label="Serving engine", choices=tuple(ENGINES), flags=("--engine",), value="word",
          default=DEFAULT_ENGINE, url_key="inf_engine", widget="radio",
          help="whose fitted engine costs: " + "; ".join(f"{k}, {v}" for k, v in ENGINES.items())
               + " (default %(default)s; only vllm-2024's and eager-2023's device energy was measured, by "
                 "ML.ENERGY: the others' follows the devices' measured power by load)",
          widget_help="; ".join(f"{k}: {v}" for k, v in ENGINES.items()) + ". Only vllm-2024's and eager-2023's "
                      "device energy was measured (ML.ENERGY); the others' time is fitted to published results and "
                      "their energy follows the devices' measured power by load (Accuracy page)."),
    Input(name="bits", label="Bits per weight", choices=BITS, flags=("--bits",), value="count",
          help=f"bits per weight (quantisation; default: the model's as released where fewer than "
               f"{serving.DEFAULT_BITS}, DeepSeek-V3/R1's 8 and gpt-oss's 4, else {serving.DEFAULT_BITS})",
          url_key="inf_bits", widget="radio",
          widget_help="Quantisation. 16: bf16 weights and compute. 8: FP8 (or INT8) weights and activations, at that "
                      "peak where the device has one. 4: 4-bit weights only (FP4 where the device has the peak, "
                      "else dequantised to 16-bit compute: less memory read, no faster arithmetic)"),
    Input(name="kv_bits", label="Bits per KV-cache entry", choices=KV_BITS, flags=("--kv-bits",), value="count",
          default=serving.DEFAULT_KV_BITS, help="bits per KV-cache entry", url_key="inf_kvbits", widget="radio",
          widget_help="A quantised KV cache: fewer bytes read per step at large batch or context"),
    Input(name="sparsity", label="Pruned fraction of weights", **checked(SERVING_BOUNDS, "sparsity"), flags=("--sparsity",), default=0.0,
          help=f"fraction of weights pruned, {B.SPARSITY.describe()}", url_key="inf_sparsity", widget="number"),
    # the API's sparse_kernels is its opposite: dense kernels, where pruning saves nothing
    Input(name="sparse_kernels", label="Dense kernels (pruning saves nothing)", flags=("--dense-kernels",),
          dest="dense_kernels", action="store_true",
          help="pruned weights are still read and multiplied (unstructured sparsity on dense hardware)",
          url_key="inf_dense", widget="toggle",
          widget_help=f"Off: {SKIP_RULE}; any other fraction or device saves nothing. Unstructured sparsity rarely speeds "
                      "up dense hardware."),
    Input(name="student_params", label="Distilled student (parameters)", **checked(SERVING_BOUNDS, "student_params"), flags=("--student-params",),
          help="distillation: serve a student of this many parameters", url_key="inf_student", widget="number"),
    Input(name="train_flops", bound=B.FLOPS, flags=("--train-flops",),
          help="training FLOPs for the break-even (default 6·N·D, N the active parameters of a mixture of experts; D a "
               f"catalog model's published training tokens, else {gfmt(scaling.CHINCHILLA_TOKENS_PER_PARAM)}·N)"),
    Input(name="train_tokens", label="Training tokens (break-even)", bound=B.TOKENS, flags=("--train-tokens",),
          help="training tokens D for the break-even (6·N·D)", url_key="inf_train", widget="number"),
    setting_hardware(INFERENCE_DEFAULT_HARDWARE, INFERENCE_DEFAULT_HARDWARE).but(label="Hardware", url_key="inf_hw",
                                                                                 widget_help=None),
    UTILIZATION.but(help=f"fraction of the device's own peak in compute-bound phases (default {gfmt(COMPUTE_FRACTION)} × "
                         "the device's measured matmul share against the H100's, where its profile has one; memory "
                         f"reads at {gfmt(BANDWIDTH_FRACTION)} of the bandwidth)", label=None, url_key=None, widget=None),
    POWER.but(help="average serving power per device in W (default: modelled from load)", url_key="inf_power",
              widget_help="Empty: each device's power rises with its load, from idle towards the decode and prefill "
                          "draws, fitted to the measured draw of the serving runs (ML.ENERGY)"),
    Input(name="power_limit_w", label="Power limit per device (W)", **checked(SERVING_BOUNDS, "power_limit_w"),
          flags=("--power-limit-w",),
          help="each device's power limit in W, from a quarter of a GPU's TDP up to it (nvidia-smi --power-limit; "
               "MLPerf's MaxQ runs): where the modelled draw (the decode's, or that of an engine's own prefill phase) "
               "is above it, the device draws the limit and runs that work slower (default: none)",
          url_key="inf_plimit", widget="number",
          widget_help="Empty: none. A power cap on each device (nvidia-smi --power-limit, MLPerf's MaxQ): a device that "
                      "would draw more draws the cap and runs each step slower, by the rate MLPerf's capped "
                      "results ran at against the same systems uncapped"),
    PUE.but(url_key="inf_pue", widget_help="Multiplies the devices' energy (the J per output token shown is before PUE)"),
    GRID.but(url_key="inf_grid"),
    # the grid's place by country or cloud region, as `inference --country/--cloud` (serving-engineer review
    # 2026-11-29: the page had the intensity as a number alone, a French grid beyond it)
    COUNTRY.but(url_key="inf_country"),
    cli_only(REGION),
    CLOUD.but(url_key="inf_cloud"),
    PRICE.but(url_key="inf_price"),
    ELECTRICITY.but(label=None, url_key=None, widget=None, widget_help=None),
)


# -- `scaling`'s own inputs: `scaling chinchilla`, `diminishing` and `trend`, the Limits page ----------------------
# The trend's default fixed workload: GPT-3's 3.14e23 training FLOPs (Brown et al. 2020, Table D.1)
# on the V100 (2017) it was trained on (Patterson et al. 2021, Table 4); limits re-exports them.
TREND_FLOPS = 3.14e23
TREND_HARDWARE = "v100-sxm2"
TREND_YEARS = 10  # a decade ahead, what one slide shows: a design choice (the table reaches trends.MAX_YEARS when asked)
TREND_FLOPS_TYPED = f"{TREND_FLOPS:g}".replace("e+", "e")  # as one types it ("3.14e23")
# The hardware every cost of the Limits page is on (the sidebar's), and the hardware for a cost the CLI states.
COST_HARDWARE_WIDGET = dict(label="Hardware for costs", url_key="lim_hw", widget="select",
                            widget_help="Time, energy, CO₂e and cost use this profile's defaults")
# The setting (the Limits page prices with its hardware's defaults: it draws none of them).
_SETTING_CLI = {name: cli_only(i) for name, i in SETTING.items()}

SCALING_FLOPS = FLOPS.but(bound=B.SCALING_FLOPS, message_name=None, help="training FLOP budget C", url_key="lim_flops")
# A budget, by kind (laws.scaling.BUDGET_KINDS: its unit as the page writes it), as the CLI says its unit.
_BUDGET_WORDS = {"usd": "US dollars", "kwh": "kWh", "tco2e": "tonnes CO2e"}
BUDGETS = {kind: Input(name=f"budget_{kind}", label=f"Budget ({scaling.BUDGET_KINDS[kind][2]})", bound=B.BUDGET[kind],
                       flags=(f"--budget-{kind}",), help=f"budget in {words} (needs --hardware)", url_key=f"lim_{kind}",
                       widget="number")
           for kind, words in _BUDGET_WORDS.items()}
# the page's choice of a budget's kind (the CLI's is which flag is given): FLOPs, else a budget's unit
BUDGET_KIND = Input(name="kind", label="Budget in", choices=("FLOPs", *(scaling.BUDGET_KINDS[k][2] for k in BUDGETS)),
                    default="FLOPs", url_key="lim_budget", widget="radio",
                    widget_help="A FLOP budget, or money, energy or CO₂e spent on the hardware below")
METHOD = Input(name="method", label="Split between N and D", choices=scaling.METHODS, flags=("--method",), value="text",
               default="tokens-per-param", url_key="lim_method", widget="radio",
               help=f"tokens-per-param: D = {gfmt(scaling.CHINCHILLA_TOKENS_PER_PARAM)}·N; fit: minimum of Hoffmann et "
                    "al.'s L(N, D)",
               widget_help=f"tokens-per-param: D = {gfmt(scaling.CHINCHILLA_TOKENS_PER_PARAM)}·N (Hoffmann et al. 2022, "
                           "Table 3); fit: the minimum of L(N, D) = E + A/N^α + B/D^β (§3.3, App. D.2)")
TOKENS_PER_PARAM = Input(name="tokens_per_param", bound=B.TOKENS_PER_PARAM, flags=("--tokens-per-param",),
                         help=f"with --method tokens-per-param only (default {gfmt(scaling.CHINCHILLA_TOKENS_PER_PARAM)}, "
                              "Hoffmann et al. 2022 Table 3)")
CHINCHILLA = table(SCALING_FLOPS, *BUDGETS.values(), BUDGET_KIND, METHOD, TOKENS_PER_PARAM,
                   setting_hardware(None, None).but(**COST_HARDWARE_WIDGET), *_SETTING_CLI.values())
# the budget's flags, one of which (or --flops) a `scaling chinchilla` takes
CHINCHILLA_SIZE_NAMES = ("flops", *(i.name for i in BUDGETS.values()))

# An error rate: the page takes it in percent (ERROR_PCT, more than 0); the CLI and the API in any unit, only positive.
CURRENT_ERROR = Input(name="current_error", label="Current error (%)", bound=B.ERROR_PCT, flags=("--current-error",),
                      default=dm.CLAIM_CURRENT_ERROR_PCT, url_key="dr_now", widget="number",
                      help=f"error now, any unit (default {gfmt(dm.CLAIM_CURRENT_ERROR_PCT)}: ImageNet top-1 %% in 2020)")
TARGET_ERROR = Input(name="target_error", label="Target error (%)", bound=B.ERROR_PCT, flags=("--target-error",),
                     default=dm.CLAIM_TARGET_ERROR_PCT, url_key="dr_target", widget="number",
                     help=f"error wanted, same unit (default {gfmt(dm.CLAIM_TARGET_ERROR_PCT)})")
EXPONENT = Input(name="exponent", label="Exponent k", bound=B.DIMINISHING_EXPONENT, flags=("--exponent",),
                 default=dm.DEFAULT_EXPONENT, url_key="dr_k", widget="number", widget_help="error ∝ compute^(−k)",
                 help=f"k in error ∝ compute^(−k) (default {gfmt(dm.DEFAULT_EXPONENT)}: the {dm.CLAIM_MULTIPLIER_TEXT} "
                      f"claim implies {dm.CLAIM_EXPONENT:.4f}; at least {gfmt(dm.MIN_HALVING_EXPONENT)}, below which "
                      "halving an error outgrows physics)")
# the base is illustrative (ResNet-50's training by default, which reaches ≈24% top-1 error, not the claim's
# 11.5%; audit: the label said "reaches the current error", contradicting its own default)
BASE_FLOPS = Input(name="base_flops", label="Base compute to multiply (FLOPs)", bound=B.FLOPS, flags=("--base-flops",),
                   url_key="dr_base", widget="number",
                   help="base compute to multiply, FLOPs (default: ResNet-50 on ImageNet, an illustrative base at "
                        f"≈{gfmt(dm.RESNET50_TOP1_ERROR_PCT)}%% top-1 error, not a model at the current error)",
                   widget_help=f"The compute the multiplier is applied to; by default {dm.RESNET50_SOURCE}")
BASE_PRESET = Input(name="base_preset", flags=("--base-preset",), value="text",
                    help="a preset with FLOPs as the base workload")
DIMINISHING = table(CURRENT_ERROR, TARGET_ERROR, EXPONENT, BASE_FLOPS, BASE_PRESET,
                    setting_hardware(None, f"the base preset's, else {DEFAULT_HARDWARE}").but(**COST_HARDWARE_WIDGET),
                    *_SETTING_CLI.values())

TREND = table(
    FLOPS.but(label="Fixed workload (FLOPs)", default=TREND_FLOPS, url_key="tr_flops",
              help=f"the fixed workload (default GPT-3, {TREND_FLOPS_TYPED})",
              widget_help=f"Default: GPT-3, {hz.flops(TREND_FLOPS)} (type {TREND_FLOPS_TYPED})"),
    Input(name="years", label="Years", bound=trends.YEARS, flags=("--years",), value="count", default=TREND_YEARS,
          url_key="tr_years", widget="integer",
          help=f"years to project (default %(default)g, at most {trends.MAX_YEARS}: past that the frontier-compute "
               "what-if outgrows physics)"),
    Input(name="start_year", bound=B.TREND_START_YEAR, flags=("--start-year",), value="count",
          help="year of the base cost (default: the year of the profile's price; with a price you give, the hardware's "
               "release year)"),
    Input(name="doubling_years", label="FLOP/s per $ doubling time (years)", bound=B.DOUBLING_YEARS,
          flags=("--doubling-years",), default=trends.PRICE_PERF_DOUBLING_YEARS, url_key="tr_doubling", widget="number",
          help=f"FLOP/s per $ doubling time (default %(default)g, {trends.PRICE_PERF_SOURCE}; "
               f"{gfmt(trends.PRICE_PERF_ML_GPU_DOUBLING_YEARS)} for ML GPUs)",
          widget_help=f"{trends.PRICE_PERF_SOURCE}: {gfmt(trends.PRICE_PERF_DOUBLING_YEARS)} years for all GPUs, "
                      f"{gfmt(trends.PRICE_PERF_ML_GPU_DOUBLING_YEARS)} for ML GPUs"),
    setting_hardware(TREND_HARDWARE, TREND_HARDWARE).but(label="Hardware of the base year", url_key="tr_hw",
                                                         widget="select", widget_help=None),
    *_SETTING_CLI.values(),
)


# -- `calibrate`, the Calibrate page ----------------------------------------------------------------------------------
CALIBRATE = table(
    Input(name="backend", choices=BACKENDS, flags=("--backend",), value="text", default=None,
          help="auto (the default): the NVIDIA GPU through NVML when available, else the CPU through CodeCarbon"),
    # the page runs whole seconds, at most the CLI's default (app_pages/pages/calibrate.py narrows the bound)
    Input(name="seconds", label="Seconds", bound=B.CALIBRATION_SECONDS, flags=("--seconds",), url_key="cal_seconds",
          widget="number", help=f"built-in workload: seconds to run (default {gfmt(B.DEFAULT_CALIBRATION_SECONDS)})"),
    Input(name="out", flags=("--out",), value="text",
          help="where to write the profile (.toml; default <id>.toml in profiles/calibrated/ in a checkout, in the "
               "user's data folder when installed, or in the folder the environment variable "
               f"{CALIBRATED_DIR_ENV} names, where set, which the app reads too); never in the bundled profiles/ folder"),
    Input(name="force", flags=("--force",), action="store_true",
          help="replace the profile the output file already holds, an earlier run of this calibration's too (its id "
               "follows the base and the host); without it the run stops before it measures"),
    Input(name="base", label="Base profile (the run's hardware)", flags=("--base",), value="text",
          url_key="cal_base", widget="select",
          help="profile id, name or file the calibrated profile starts from (default: matched to the device)"),
    Input(name="id", flags=("--id",), value="text", help="id of the calibrated profile (default: <base>-cal-<host>)"),
    FLOPS.but(label="FLOPs of the run", url_key="cal_flops",
              help="FLOPs of the command after `--` on the one device it meters (on several GPUs: one GPU's share), "
                   "or of the imported run"),
    # the page's precision is no URL's (a select box of its own session)
    PRECISION.but(help="precision of the command or imported run (default: the base's)", url_key=None, widget=None),
    Input(name="from_codecarbon", flags=("--from-codecarbon",), value="text", metavar="CSV",
          help="import a CodeCarbon emissions.csv (needs --flops and --base)"),
    Input(name="run_id", flags=("--run-id",), value="text",
          help="with --from-codecarbon: the run (id or prefix); default the file's last run"),
    cli_only(REGION).but(help="the country measured in, by name or ISO 3166 code (France, FR, FRA; usa:california), "
                              "recorded in the profile as CodeCarbon's ISO 3166 alpha-3 code (its CO2 figure only)"),
    Input(name="device", bound=B.DEVICE_INDEX, flags=("--device",), value="int", default=None,
          help="GPU index for NVML (default: the GPU CUDA programs here use first: CUDA_VISIBLE_DEVICES's first, else 0)"),
    Input(name="backends", flags=("--backends",), action="store_true",
          help="only say which meters this machine has (NVML, CodeCarbon/RAPL) and why one is missing"),
)


def _flag_names() -> dict[str, tuple[str, bool]]:
    """A flag's words as a keyword ("context", "carbon_intensity", "no_embodied") → (the input's API name, whether
    the flag turns it off), for every declared input whose name is not its flag's words (the Python API guide lists
    them)."""
    out = {"preset": ("preset_id", False)}
    for value in list(globals().values()):
        tables = [value] if isinstance(value, Input) else (
            list(value.values()) if isinstance(value, dict) and value and all(isinstance(v, Input) for v in value.values())
            else [])
        for i in tables:
            for flag in i.flags:
                words = flag[2:].replace("-", "_")
                if words != i.name:
                    # --no-embodied, --dense-kernels: a switch that turns the API's input off
                    off = i.action == "store_false" or (i.action == "store_true" and i.dest is not None)
                    out.setdefault(words, (i.name, off))
    return out


FLAG_NAMES = _flag_names()
