"""The step model's run for ``estimate`` at the edge: the model's shape for the step model (a catalog model, an
architecture or a parameter count), the profile's links, the fitted step parameters and their cross-validated range
(``estimator/data/step_fit.json``), the layout given or the planner's best, the notes on it, and the same FLOPs at the
utilisation fitted to whole runs (``api.run`` calls ``step_setup``; the planner, ``plan``, searches with the same parts).

Pure search and arithmetic live in ``estimator.core.training.plan`` and ``estimator.core.training.step``.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError
from estimator.core.base.interval import PREDICTION
from estimator.core.base.number_text import as_typed, count_text, gfmt
from estimator.core.base.units import S_PER_DAY
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.training import memory as mem
from estimator.core.training import plan as core_plan
from estimator.core.training.estimate import estimate
from estimator.core.training.fit_caveats import OtherPeak
from estimator.core.training.plan import (
    DEFAULT_GLOBAL_BATCH_TOKENS,
    PlannedLayout,
    SearchSpace,
    StepRun,
    WholeRunFit,
)
from estimator.core.training.presets import Preset
from estimator.core.training.step import PRECISIONS as STEP_PRECISIONS
from estimator.core.training.step import (
    Layout,
    ModelShape,
    step_hardware,
    step_time,
)
from estimator.core.training.utilization_choice import fit_words
from estimator.core.training.words import beyond_published_devices_words
from estimator.core.workload.architecture import Architecture, check_params_fit
from estimator.core.workload.flops import FLOPS_PER_PARAM_TOKEN_TRAIN
from estimator.core.workload.scenario import Scenario
from estimator.services.training.fitted_layouts import (
    fitted_layout,
    fitted_rows,
    memory_settings_words,
)
from estimator.services.training.fitted_step import step_model
from estimator.services.training.step_notes import (
    attention_left_out_note,
    batch_rounded_note,
    beyond_context_note,
    bubble_note,
    cross_node_note,
    device_matmul_note,
    expert_overlap_note,
    fewest_fitting_note,
    kv_heads_split_note,
    no_faster_peak_note,
    outside_fit_note,
    pcie_card_links_note,
    sharded_pipeline_note,
    uneven_stages_note,
    zero3_gathers_note,
)

# How far a parameter count given beside an MLP width may be from the count the shape and width hold (biases, norms
# and a nominal count such as "340B" for 341.0B sit well inside): beyond, the two describe different models.
FFN_PARAMS_TOLERANCE = 0.10
# The inputs that choose the layout (given: the user's layout, the rest at their defaults; none: the planner's);
# ``vp``, the interleaved chunks per stage, is given beside them (``step_setup``'s keyword).
LAYOUT_KEYS = ("tp", "pp", "cp", "ep", "zero", "micro_batch", "activation_recompute")
# The parts that make a layout given: tensor and pipeline parallelism (and interleaving, a pipeline's), and ZeRO (a
# DeepSpeed or FSDP run shards over data parallelism alone: `--zero 3` on 8 GPUs is DP 8), the rest at TP 1, PP 1.
# The others given alone (context or expert parallelism, the micro-batch, recomputation) are kept and the planner
# chooses the rest, as `plan` does (review 2026-11-26: `--activation-recompute selective` alone had timed TP 1 × PP 1
# × ZeRO-0 for a 70B model on 1,024 GPUs, which does not fit, where `plan` found one that does).
STRUCTURE_KEYS = ("tp", "pp", "zero")
# the words of a layout's part given alone, as layout_words writes them
_PART_WORDS = {"cp": lambda x: f"CP {int(x)}", "ep": lambda x: f"EP {int(x)}", "micro_batch": lambda x: f"micro-batch {int(x)}",
               "activation_recompute": lambda x: "no recomputation" if x == "none" else f"{x} recomputation"}
_GIVEN_WORDS = {"tp": lambda x: f"TP {int(x)}", "pp": lambda x: f"PP {int(x)}", "zero": lambda x: f"ZeRO-{int(x)}",
                **_PART_WORDS}
# The parts a layout given leaves at the tool's defaults without being any less given: a layout named with all of these
# is "as given"; one with fewer says which were given, the rest the defaults (researcher review 2026-11-28: `--tp 2`
# alone read "TP 2 × PP 1 × DP 32, ZeRO-0, micro-batch 1 …; as given")
WHOLE_LAYOUT_KEYS = ("tp", "pp", "zero", "micro_batch")


def given_parts_words(given: Mapping, vp: int | None = None, etp: int | None = None) -> str:
    """The parts of a layout given, in words ("TP 2, ZeRO-1"; ``vp``, the interleaving given, "interleaved ×2";
    ``etp``, the experts' tensor parallelism given, "ETP 1"), where some of ``WHOLE_LAYOUT_KEYS`` were not given (the
    rest the tool's defaults); "" where all were (as given)."""
    if all(k in given for k in WHOLE_LAYOUT_KEYS):
        return ""
    return ", ".join([_GIVEN_WORDS[k](given[k]) for k in LAYOUT_KEYS if k in given]
                     + ([f"ETP {int(etp)}"] if etp is not None else [])
                     + ([f"interleaved ×{int(vp)}"] if vp is not None else []))


def shapes(params: float, arch: Architecture, how: str, active_params: float | None = None, ffn: int | None = None,
           mlp: str | None = None) -> tuple[ModelShape, mem.Shape]:
    """The step model's shape and the memory model's from a resolved architecture (``resolve_architecture``):
    the FFN width from the parameter count (``model_shape``'s ``PLAIN_MLP``, ``STEP_ATTENTION``), or ``ffn`` where given; the MLP's
    matrices ``mlp``'s (``MLP_KINDS``) where given."""
    from estimator.services.model_shape import (
        attention_dims,
        attention_params,
        embedding_params,
        ffn_from_count,
        memory_shape,
        mlp_matrices,
    )
    heads, kv, hd = attention_dims(arch)
    d, layers = arch.d_model, arch.layers
    vocab = arch.vocab or 1
    mats = mlp_matrices(arch, mlp)
    experts = arch.experts or 1
    per_token = arch.experts_per_token or 1
    attention = attention_params(arch)
    emb = embedding_params(arch)
    given_ffn = ffn
    if ffn is None:
        # a count the shape's attention and embeddings alone pass is refused, as `inference` refuses it (researcher
        # review 2026-11-29: `plan --params 1e9 --layers 32 --d-model 4096` had planned an MLP one unit wide)
        check_params_fit(params, arch)
        ffn = ffn_from_count(params, arch, mats)
    else:  # the width given: the count it and the shape hold must be the parameters given
        held = emb + layers * (attention + experts * mats * d * ffn)
        if abs(held / params - 1.0) > FFN_PARAMS_TOLERANCE:
            raise InputError(f"the shape with an MLP of width {ffn:,} ({mats} matrices{f', {experts} experts' if experts > 1 else ''}) "
                             f"holds {gfmt(held, 3)} parameters, not the {gfmt(params, 3)} given: give the width, the "
                             "MLP's kind or the parameters of one model", field=("ffn", "params", "mlp"))
    moe = arch.experts is not None and arch.active_params is not None
    if active_params is not None and moe and arch.source.startswith("given"):  # a shape given: its active count wins
        from estimator.services.model_shape import check_active_covers_shape
        given = float(v.require_number_in("active parameters", active_params, B.PARAMS, field="active_params"))
        check_active_covers_shape(given, params, int(arch.experts), int(arch.experts_per_token))
        arch = replace(arch, active_params=given)
        active_params = None
    if active_params is not None and moe:
        raise InputError(f"{arch.name} states its active parameters ({gfmt(arch.active_params, 3)}): leave the active "
                         "parameters out, or give the architecture instead of the catalog model",
                         field=("active_params", "model"))
    active = arch.active_params if moe else active_params
    if active is not None:  # checked, then a float (API review 2026-11-28: a Decimal had raised a TypeError below)
        active = float(v.require_number_in("active parameters", active, B.PARAMS, field="active_params"))
        if active > params:
            raise InputError(f"the active parameters {gfmt(active, 3)} are more than the model's {gfmt(params, 3)}",
                             field=("active_params", "params"))
        # the step model's layers hold the active count less the embedding and output layers (ModelShape.layer_scale):
        # fewer than those left the layers negative FLOPs (API review 2026-11-28: a traceback, a negative matmul time)
        outside = 2 * vocab * d
        if active <= outside:
            raise InputError(f"the active parameters {gfmt(active, 3)} are no more than the model's embedding and output "
                             f"layers ({gfmt(outside, 3)}), which every token uses: give more than that, or leave them "
                             "out for a dense model", field="active_params")
    shape = ModelShape(layers=layers, d_model=d, heads=heads, kv_heads=kv, vocab=vocab, ffn=ffn, ffn_matrices=mats,
                       head_dim=hd, experts=experts if moe else 1, experts_per_token=per_token if moe else 1,
                       active_params=active, total_params=params,
                       nodes_per_token=arch.nodes_per_token if moe else None,
                       moe_layer_share=arch.moe_layer_share if moe else 1.0,
                       window=arch.window, windowed_layers=arch.windowed_layers)
    mshape = memory_shape(params, arch, how, ffn=given_ffn, mlp=mlp)
    return shape, mshape


def resolve_model(*, model=None, params=None, layers=None, d_model=None, heads=None, vocab=None, active_params=None,
                  kv_heads=None, ffn=None, mlp=None, experts=None, experts_per_token=None, head_dim=None):
    """(parameters, step shape, memory shape, how the shape was chosen, the model's name)."""
    from estimator.services.model_shape import resolve_architecture  # reads the catalog: only when asked
    n, arch, how = resolve_architecture(params=params if model is None else None, model=model, layers=layers,
                                        d_model=d_model, heads=heads, vocab=vocab, kv_heads=kv_heads, ffn=ffn, mlp=mlp,
                                        experts=experts, experts_per_token=experts_per_token, head_dim=head_dim)
    shape, mshape = shapes(n, arch, how, active_params, ffn=None if ffn is None else int(ffn), mlp=mlp)
    if params is not None and model is None and ffn is None and arch.source == "given":
        # the MLP's width the count leaves, said (researcher review 2026-11-29: 7 × 10¹⁰ parameters on 32 × 4,096 had
        # planned an MLP 43 × d_model wide without a word)
        how += (f"; MLP width {shape.ffn:,} ({shape.ffn / shape.d_model:.3g} × d_model, {shape.ffn_matrices} matrices"
                f"{f' an expert, {shape.experts} experts' if shape.experts > 1 else ''}): what the "
                f"{gfmt(float(params), 3)} parameters given leave after the attention and embeddings (set it with the "
                "MLP width)")
    if model is not None and params is not None:
        # a count beside a catalog model is that model's, or refused, as `estimate` refuses it (fuzz review 2026-11-27:
        # `plan --model … --params nan` ran on the model's count without a word); one within the tolerance is the
        # FLOPs' count, as `estimate` takes it (code review 2026-11-27: 7.7e9 beside Llama 3.1 8B), the shape the model's
        from estimator.services.model_shape import refuse_other_params
        given = v.require_number_in("parameters", params, B.PARAMS, field="params")
        refuse_other_params(given, n)
        n = given
    borrowed = model is None and layers is None and d_model is None and arch.name
    # a size alone borrows the catalog's nearest shape: named as borrowed, not as the model (researcher review
    # 2026-11-26: `plan --params 1.3e9` read "Plan: gemma-2b", a model nobody chose)
    return n, shape, mshape, how, (f"a {arch.name}-shaped model" if borrowed else arch.name or "the model given")


@dataclass(frozen=True)
class StepSetup:
    """What ``api.run`` takes from the step model: the run (None: the fitted utilisation stays), the memory
    inputs of the layout it used (the planner's, where none was given), and the notes."""

    run: StepRun | None = None
    memory: Mapping | None = None
    notes: tuple[str, ...] = ()
    batch: BatchDefault | None = None  # a catalog model's published global batch, where the step ran at it


def _seq_len(memory: Mapping, preset: Preset | None) -> int:
    if memory.get("seq_len") is not None:
        return int(memory["seq_len"])
    if preset is not None and preset.shape and preset.shape.get("seq_len"):
        return int(preset.shape["seq_len"])
    return mem.DEFAULT_SEQ_LEN


def default_seq_note(seq_len: int) -> str:
    """Where the sequence the step was timed at is the tool's default, not the model's (researcher review 2026-11-27:
    Llama 3.1 70B timed at 2,048 with nothing to say so; it pretrained at 8,192, arXiv:2407.21783 §3.4.1)."""
    return (f"sequence {seq_len:,}: the tool's default (GPT-3's context), not necessarily the model's own in "
            "pretraining; give the sequence length to time that (a longer one costs more attention per token)")


def refuse_untimed_layout_inputs(why: str, vp: int | None, etp: int | None) -> None:
    """Where no step is timed, the interleaving and the experts' tensor parallelism given are refused, with why: the
    memory sizes the layout without them, so taken they would be ignored (etp review 2026-11-30: `--preset gpt3-175b
    --etp 7` and `--precision fp32 … --etp 1` had been taken and dropped; `--vp` alike since it was added)."""
    given = tuple(k for k, x in (("vp", vp), ("etp", etp)) if x is not None)
    if given:
        raise InputError(f"the step model's inputs do not apply: {why}", field=given)


def etp_given(value) -> int | None:
    """The experts' tensor-parallel degree given (``--etp``), a whole number in the tensor-parallel bound; None: not
    given (the faster of those that fit: ``expert_tp_of``)."""
    if value is None:
        return None
    return int(v.require_whole("the experts' tensor-parallel degree (etp)", value, B.TENSOR_PARALLEL, field="etp"))


@contextlib.contextmanager
def tp_from_etp(etp: int | None, tp_given: bool):
    """Refusals of the tensor-parallel degree that an experts' degree given alone set (``etp`` above 1, no ``tp``):
    said of that degree, the input given (researcher review 2026-11-30: `--ep 8 --etp 3` had been refused as "the
    tensor-parallel degree 3 must divide the 128 attention heads (--tp)", naming a flag not given)."""
    try:
        yield
    except InputError as exc:
        if etp is None or etp <= 1 or tp_given or "tp" not in exc.fields:
            raise
        raise InputError(f"{exc} (experts split over tensor parallelism at degree {etp} set the run's tensor "
                         "parallelism to it)", field=tuple(dict.fromkeys("etp" if f == "tp" else f for f in exc.fields))
                         ) from None


def layout_etp(etp: int, shape, tp: int, ep: int, dp_cp: int) -> int | None:
    """A layout's ``etp`` for the degree given: 1 (experts whole, the group folded over the tensor- and data-parallel
    ranks) or the run's ``tp`` (the rule's), where the layout can run it; refused otherwise, in words."""
    if shape.experts <= 1 or ep <= 1:
        raise InputError("the experts' tensor parallelism applies to a mixture of experts in expert parallelism: give "
                         "an expert-parallel degree above 1 (ep) for a mixture of experts, or no etp",
                         field=("etp", "ep"))
    if etp not in (1, tp):
        raise InputError(f"the experts' tensor-parallel degree is 1 (each expert whole on a device) or the run's "
                         f"tensor parallelism, {tp}: got {etp}", field=("etp", "tp"))
    if etp == 1 and tp > 1:
        if (tp * dp_cp) % ep:
            raise InputError(f"experts whole (etp 1) fold the expert-parallel group over the tensor-, data- and "
                             f"context-parallel ranks: their {tp * dp_cp:,} must be a multiple of ep {ep}",
                             field=("etp", "ep"))
        return 1
    if dp_cp % ep:
        raise InputError(f"experts split as the dense layers are (etp {tp}) take their expert-parallel group from the "
                         f"{dp_cp:,} data- and context-parallel ranks, which ep {ep} must divide: give etp 1 or another "
                         "ep", field=("etp", "ep"))
    return tp   # the rule's own degree (``memory.folded_expert_tp``), stated


def expert_tp_of(layout: Layout, scale_up_devices: int | None, memory_gb: Callable[[Layout], float],
                 capacity_gb: float, seconds: Callable[[Layout], float]) -> int | None:
    """The experts' tensor-parallel degree a given layout runs (``memory.expert_tp_choices``): of the choices whose
    memory fits, the faster (diff review 2026-11-30: the first that fitted had been taken, where whole experts gathered
    under ZeRO-3 ran slower), as the planner takes it; the run's own rule where none fits."""
    choices = mem.expert_tp_choices(layout.tp, layout.ep, layout.dp * layout.cp, scale_up_devices, layout.devices)
    fitting = [etp for etp in choices if memory_gb(replace(layout, etp=etp)) <= capacity_gb]
    if len(fitting) < 2:
        return fitting[0] if fitting else choices[-1]
    return min(fitting, key=lambda etp: seconds(replace(layout, etp=etp)))


def model_seq_len(model) -> tuple[int, str] | None:
    """The sequence length a catalog model was pretrained at, as published, and the note that says so; None where
    none is published (the tool's default stands, said by ``default_seq_note``). Researcher review 2026-11-27 and the
    2026-11-30 notes: Llama 3.1 70B had been timed and its memory sized at GPT-3's 2,048 where it pretrained at
    8,192, a quarter of the attention per token and of the activations."""
    if model is None:
        return None
    from estimator.io.serving_data import catalog_model  # reads the catalog: only when asked
    m = catalog_model(model)
    if m.train_seq_len is None:
        return None
    short = m.name.split(" (")[0]
    return m.train_seq_len, f"sequence {m.train_seq_len:,}: {short}'s in pretraining ({m.train_seq_len_source})"


def published_tokens_words(m) -> str:
    """A catalog model's published training tokens taken as the run's, in words with their source (``estimate``'s and
    ``plan``'s where no tokens are given: serving review 2026-11-30); a fine-tune's or a continued model's count its
    base model's, as their sources say (diff review: "Vicuna's pretraining" had read as its own)."""
    return (f"{gfmt(m.train_tokens, 3)}, {m.name.split(' (')[0]}'s training tokens as published "
            f"({m.train_tokens_source}; none given)")


def published_tokens_note(m) -> str:
    """The note ``estimate`` and ``plan`` give where a model alone took its published training tokens."""
    return f"tokens: {published_tokens_words(m)}; give the tokens for another run"


# The training tokens a run is given where none are and none are published (a catalog model that publishes none, an
# architecture): illustrative, Llama 2's pretraining 2 × 10¹² (Touvron et al. 2023, arXiv:2307.09288, Table 1), the
# Estimate page's default too. The step's rates (tokens/s per device, MFU, the step's seconds), the memory and the
# per-token figures do not depend on them; the totals scale with them (as `inference` takes its illustrative 10⁹
# tokens: core.serving.scenario.DEFAULT_TOKENS). Refused had been every such run's step (review 2026-11-30: a
# layout's throughput asked of Mixtral 8x22B, which publishes no tokens, or of an architecture, needed a token count
# it does not use).
ILLUSTRATIVE_TRAIN_TOKENS = 2e12
ILLUSTRATIVE_TOKENS_SOURCE = "Llama 2's pretraining tokens, Touvron et al. 2023, arXiv:2307.09288, Table 1"
ILLUSTRATIVE_ORIGIN = "illustrative"   # the tokens' origin among the assumptions


def illustrative_tokens_source(model=None) -> str:
    """Where the illustrative training tokens come from, ``model`` the catalog model that publishes none (None: an
    architecture's run): the assumption's source, beside its value."""
    whose = f", and {model.name.split(' (')[0]} publishes none" if model is not None else ""
    return f"{ILLUSTRATIVE_TOKENS_SOURCE}; none given{whose}"


def illustrative_tokens_words(model=None) -> str:
    """The illustrative training tokens in words with their source (``illustrative_tokens_source``)."""
    return f"{gfmt(ILLUSTRATIVE_TRAIN_TOKENS, 3)}, illustrative ({illustrative_tokens_source(model)})"


def illustrative_tokens_note(model=None) -> str:
    """The note where a run took the illustrative tokens: what they change and what they do not. One text whoever
    times the run, so that `compare` says it once for every row (second diff review 2026-11-30): the step model's rates
    owe the tokens nothing, a utilisation fitted to whole runs' FLOPs moves with them (diff review 2026-11-30: Mixtral
    8x22B on one device, 0.18 of the peak at 2 × 10¹¹ tokens, 0.28 at 2 × 10¹³)."""
    return (f"tokens: {illustrative_tokens_words(model)}: the totals (time, energy, cost, CO₂e) are for these tokens; "
            "the step model's rates, the memory and the per-token figures do not depend on them, a utilisation fitted "
            "to whole runs' FLOPs does; give the tokens for your run")


# What the model's sequence set, after ``model_seq_len``'s words: the step's time, or where no step is timed (a known
# run's hours, the FLOPs' utilisation) the memory only (diff review 2026-11-30: "to time another" where nothing was timed)
SEQ_TIMED = "; give the sequence length to time another"
SEQ_SIZED = "; the memory is sized at it, the time is not the step's: give the sequence length for another"


@dataclass(frozen=True)
class BatchDefault:
    """The global batch a run steps with where none is given: the tool's (``DEFAULT_GLOBAL_BATCH_TOKENS``, Llama 2's
    4M) or, for a catalog model whose pretraining batch is published, that one (``model_batch``), ``whose`` it is in
    the notes' words and the note that says where it comes from (None for the tool's)."""
    tokens: float
    whose: str
    named: str                 # the batch in a sentence: "the default global batch"
    note: str | None = None
    origin: str = "default"    # as an Assumption's: "model:<id>" for a catalog model's
    source: str = ""           # where it is published


TOOL_BATCH = BatchDefault(float(DEFAULT_GLOBAL_BATCH_TOKENS), "the default", "the default global batch")


def model_batch(model, global_batch_tokens=None) -> BatchDefault:
    """The global batch where none is given (``global_batch_tokens`` None): a catalog model's published pretraining
    batch, said in a note, else the tool's default. Researcher review 2026-11-30: DeepSeek-V3 had been planned at 4M
    tokens a step where it trained at 62.9M (arXiv:2412.19437 §4.2), its pipelines fed a sixteenth of the
    micro-batches; Llama 3.1 405B at 4M where it ran 16M."""
    if global_batch_tokens is not None or model is None:
        return TOOL_BATCH
    from estimator.io.serving_data import catalog_model  # reads the catalog: only when asked
    m = catalog_model(model)
    if m.train_batch_tokens is None:
        return TOOL_BATCH
    short = m.name.split(" (")[0]
    return BatchDefault(float(m.train_batch_tokens), f"{short}'s in pretraining", f"{short}'s pretraining global batch",
                        f"global batch {m.train_batch_tokens:,} tokens: {short}'s in pretraining "
                        f"({m.train_batch_tokens_source}); give the global batch to time another",
                        f"model:{m.id}", m.train_batch_tokens_source)


def check_model_batch_holds_a_sequence(default: BatchDefault, gbt: float, seq_len: int) -> None:
    """A catalog model's published batch shorter than one sequence of the length given is refused naming whose batch it
    is (diff review 2026-11-30: GPT-3 125M at a sequence of 1,048,576 read "the global batch of 524,288 tokens", a batch
    nobody gave)."""
    if default.note is not None and gbt < seq_len:
        raise InputError(f"{default.named}, {count_text(gbt)} tokens, holds less than one sequence of {seq_len:,}: give "
                         "a global batch of at least one sequence, or a shorter sequence",
                         field=("global_batch_tokens", "seq_len"))


def own_batch(default: BatchDefault, batch_note: str | None) -> BatchDefault | None:
    """A catalog model's published batch where the step ran at it (not lowered to the run's tokens), else None."""
    return default if default.note is not None and batch_note is None else None


def global_batch_tokens_of(value, default: BatchDefault = TOOL_BATCH) -> float:
    if value is None:
        return default.tokens
    return float(v.require_number_in("global batch (tokens)", value, B.TOKENS, field="global_batch_tokens"))


def expert_overlap_of(value) -> float | None:
    """The share of the experts' all-to-all the schedule hides, in its bound (None: not given, none hidden)."""
    if value is None:
        return None
    return float(v.require_number_in("expert all-to-all hidden (share)", value, B.EXPERT_OVERLAP,
                                     field="expert_overlap"))


def check_overlap_has_experts(overlap: float | None, shape: ModelShape, name: str) -> None:
    """A share of the experts' all-to-all hidden, given for a dense model, is refused, not ignored."""
    if overlap is not None and shape.experts <= 1:
        raise InputError(f"the share of the experts' all-to-all hidden applies to a mixture of experts; {name} is dense",
                         field="expert_overlap")


def vp_of(value) -> int | None:
    if value is None:
        return None
    return int(v.require_whole("interleaved chunks per pipeline stage (vp)", value, B.VIRTUAL_PIPELINE, field="vp"))


def check_batch_holds_a_sequence(global_batch_tokens, seq_len: int) -> None:
    """A global batch given holds one sequence at least (review 2026-11-26: 1,000 tokens of 2,048-token sequences had
    been answered from the fitted utilisation where no layout was given, refused where one was)."""
    if global_batch_tokens is None:
        return
    # the declared bound first, in its words (API review 2026-11-28: "abc" had raised a bare ValueError, -inf been
    # called "less than one sequence" where `estimate` says "must be a finite number")
    given = global_batch_tokens_of(global_batch_tokens)
    if given < seq_len:
        # the figure as given, not rounded (planner review 2026-11-28, second: 8,191 had read "8,190")
        raise InputError(f"a global batch of {as_typed(given)} tokens is less than one sequence "
                         f"of {seq_len:,} tokens: give a larger global batch or a shorter sequence",
                         field=("global_batch_tokens", "seq_len"))


def _tokens_words(tokens: float) -> str:
    return f"{as_typed(tokens)} token{'' if tokens == 1 else 's'} {'is' if tokens == 1 else 'are'}"


def run_batch_tokens(global_batch_tokens, tokens: float, seq_len: int,
                     default: BatchDefault = TOOL_BATCH) -> tuple[float, str | None]:
    """The global batch a run steps with, and a note where it is not the one asked: a batch given is refused above the
    run's tokens (API audit 2026-11-27: 10¹⁵ tokens a step for a run of 10¹² had printed "0.001 steps of
    1.35 × 10⁹ s"); the default, above them, is the run's tokens, one step (code review 2026-11-27: a fine-tune of 10⁶
    tokens had been refused for the tool's own default); a run under one sequence is refused (1 token: 1.5 × 10⁻⁶ s)."""
    tokens = float(tokens)
    gbt = global_batch_tokens_of(global_batch_tokens, default)
    if tokens < seq_len:
        raise InputError(f"the run's {_tokens_words(tokens)} fewer than one sequence of {seq_len:,}: give more tokens or "
                         "a shorter sequence", field=("tokens", "seq_len"))
    if tokens >= gbt:
        return gbt, None
    if global_batch_tokens is not None:
        raise InputError(f"the run's {_tokens_words(tokens)} fewer than one step's global batch ({as_typed(gbt)} "
                         "tokens): give a global batch of at most the run's tokens, or more tokens",
                         field=("global_batch_tokens", "tokens"))
    return tokens, (f"global batch: {default.whose}, {count_text(gbt, 3)} tokens, is more than the run's {count_text(tokens, 3)}: "
                    "the run's tokens are the global batch asked (give a global batch to set it)")


def larger_batch_tried(global_batch_tokens, tokens: float, default: BatchDefault = TOOL_BATCH) -> bool:
    """Whether to try the larger batch beside the default: the default taken (smaller than the larger one: a model's
    published batch may be as large or larger), and the run holding one larger step."""
    return (global_batch_tokens is None and default.tokens < core_plan.LARGE_GLOBAL_BATCH_TOKENS
            and float(tokens) >= core_plan.LARGE_GLOBAL_BATCH_TOKENS)


def check_split_divides(devices: int, tp: int | None, pp: int | None, cp: int | None) -> None:
    """The parts of a layout given divide the devices, as `estimate` refuses them (API audit 2026-11-27: `plan --tp
    16` on 8 devices had been told no replica gets a micro-batch, and to give a larger global batch)."""
    given = {k: x for k, x in (("tp", tp), ("pp", pp), ("cp", cp)) if x is not None}
    split = math.prod(given.values())
    if given and devices % split:
        words = " × ".join({"tp": "tensor", "pp": "pipeline", "cp": "context"}[k] for k in given)
        raise InputError(f"{words} parallel given = {' × '.join(str(x) for x in given.values())}"
                         f"{f' = {split:,}' if len(given) > 1 else ''} does not divide the {devices:,} devices: give "
                         "parts whose product divides them", field=(*given, "devices"))


def check_interleaving_stages(vp: int, layout_pp: int) -> None:
    """The interleaved schedule needs stages: refused in words, before anything about the batch (researcher review
    2026-12-03: on 1,024 devices `--vp 2` alone had been refused for the default batch's size)."""
    if vp > 1 and layout_pp < 2:
        raise InputError(f"interleaving (vp {vp}) splits each pipeline stage's layers into chunks: it needs two or more "
                         "pipeline stages (pp)", field=("vp", "pp"))


def check_interleaving(vp: int, layout_pp: int, micro_batches: float) -> None:
    """The interleaved schedule needs stages, and whole rounds of micro-batches on each (Megatron-LM's
    interleaved 1F1B runs the micro-batches in groups of p; Narayanan et al. 2021 §2.2.2): refused in words."""
    if vp == 1:
        return
    check_interleaving_stages(vp, layout_pp)
    if micro_batches % layout_pp or micro_batches < layout_pp:
        raise InputError(f"the interleaved schedule needs the micro-batches per step ({gfmt(micro_batches, 4)}: the "
                         f"global batch ÷ data-parallel replicas ÷ micro-batch) to be a multiple of the {layout_pp} "
                         "pipeline stages: change the global batch or the micro-batch, or leave vp at 1",
                         field=("vp", "global_batch_tokens", "micro_batch"))


# A size without a shape is timed by the utilisation fitted to published whole runs (issue 53: "with FLOPs alone,
# keep today's fitted utilisation"); a shape gets the step model's planned layout
SIZE_ALONE_NOTE = ("time: the utilisation fitted to published whole runs (their FLOPs, hardware and devices), as a size "
                   "alone has no layout to time; a catalog model, a shape or a layout is timed by the step model over "
                   "the planned or given layout instead, usually shorter (a planned layout's throughput over a goodput, "
                   "not what published runs averaged)")


def step_fit_devices() -> dict[str, int | None]:
    """The devices of the layouts the step model was fitted on (step_fit.json's rows used), each with its release
    year."""
    from estimator.io.datafiles import default_profiles
    profiles = default_profiles()
    ids = sorted({p["hardware"] for p in step_model()[2]["predictions"] if p.get("used")})
    return {i: profiles.get(i).release_year for i in ids}


def planned_precisions(profile: HardwareProfile) -> list[str]:
    """The precisions `plan` times a layout on ``profile`` at: the step model's that the profile has a peak at (the
    Plan page offers these, `plan --precision` takes these)."""
    return [x for x in STEP_PRECISIONS if x in profile.peak_flops_per_s]


def plan_precision(profile: HardwareProfile) -> str | None:
    """The precision a plan on ``profile`` takes where none is given: the profile's default where the step model times
    it, else the first it times that the profile has a peak at (``STEP_PRECISIONS``' order); None where it times none.
    One rule for `plan` and the Plan page (code review 2026-11-28: the page took the first, the command refused)."""
    covered = planned_precisions(profile)
    if not covered:
        return None
    return profile.default_precision if profile.default_precision in covered else covered[0]


def predates_the_step_fit(profile: HardwareProfile) -> str | None:
    """Why the step model does not time a run on ``profile``, where the device was released before every device
    of the layouts it was fitted on (None otherwise, or where its year is not known). Researcher review 2026-11-27:
    on 64 V100s it planned Llama 3.1 8B at MFU 67% (115 days), where the utilisation fitted to V100 runs gives
    1.26 years; V100 runs never came near it (PaLM, arXiv:2204.02311, Table 3: GPT-3 on V100 at 21.3% MFU), on
    kernels and libraries a generation older (no FlashAttention on Volta) than any the step model has seen."""
    fitted = step_fit_devices()
    years = [y for y in fitted.values() if y is not None]
    if profile.release_year is None or not years or profile.release_year >= min(years):
        return None
    return (f"{OLDER_DEVICE_START} {min(years)} on "
            f"({', '.join(fitted)}); {profile.name} ({profile.release_year}) predates them, and its published runs "
            f"reached far less than it would say (PaLM, arXiv:2204.02311, Table 3: GPT-3 on V100 at 21.3% MFU, Gopher on TPU v3 at 32.5%)")


def batch_whose(global_batch_tokens, batch_note: str | None, default: BatchDefault = TOOL_BATCH) -> str:
    """Whose the global batch asked is, for the notes: given, the default (the tool's or the model's published), or
    the run's tokens (a run under the default's one step: ``run_batch_tokens``)."""
    return "given" if global_batch_tokens is not None else "the run's" if batch_note else default.whose


def larger_batch_note(best: PlannedLayout | None, larger: PlannedLayout | None,
                      default: BatchDefault = TOOL_BATCH) -> str | None:
    """Where no global batch was given and a larger one (``LARGE_GLOBAL_BATCH_TOKENS``) makes the planner's best
    layout ``LARGE_BATCH_GAIN`` × faster or more, what each gives: the default's replicas on a large cluster get too
    few micro-batches to fill their pipelines (review 2026-11-27: Llama 3.1 405B on 16,384 H100s, MFU 20% at the
    default, 35% at 16M tokens, which Llama 3 ran)."""
    if best is None or larger is None or best.run_seconds < core_plan.LARGE_BATCH_GAIN * larger.run_seconds:
        return None
    def batch(p: PlannedLayout) -> str:  # the batch the layout runs: the one asked for, rounded to fill its replicas
        return gfmt(p.layout.global_batch * p.layout.seq_len, 3)
    # the batch asked for beside what the layout rounds it to (researcher review 2026-11-28: 2.52 × 10⁷ tokens had read
    # as "about Llama 3 405B's 16M")
    asked = gfmt(float(core_plan.LARGE_GLOBAL_BATCH_TOKENS), 3)
    ran = batch(larger)
    rounded = "" if ran == asked else f", rounded to whole micro-batches on its replicas: {ran}"
    # the default as the header names it, and what the best layout runs where it rounds it up to fill its replicas
    # (plan review 2026-11-28: "the default global batch (6.29 × 10⁶ …)" under a header of ~4.19 × 10⁶)
    default_tokens, run = gfmt(default.tokens, 3), batch(best)
    default_words = (f"{run} tokens a step" if run == default_tokens else
                     f"{default_tokens} tokens, {run} a step on its replicas")
    return (f"at {default.named} ({default_words}) the best layout on {best.devices:,} devices "
            f"reaches MFU {best.step.mfu:.0%}; a batch of {asked} tokens (about Llama 3 405B's 16M on 16,384 H100s, "
            f"arXiv:2407.21783 §3.4.1{rounded}) would take {best.run_seconds / larger.run_seconds:.1f}× less time, MFU "
            f"{larger.step.mfu:.0%} ({core_plan.layout_words(larger.layout)}){LARGER_BATCH_END}")


def _steps_here(profile: HardwareProfile, devices: int | None = None, precision: str | None = None) -> bool:
    """Whether the step model can time a run on ``devices`` of ``profile``: at the run's precision (default: the
    profile's), on a device the step fit does not predate, its links known (or one device: ``step_hardware``)."""
    if ((precision or profile.default_precision) not in STEP_PRECISIONS
            or predates_the_step_fit(profile) is not None):
        return False
    try:
        step_hardware(profile, devices=devices)
    except InputError:
        return False
    return True


# Why a mixture of experts given by its parameter counts alone, no layout given, is timed from the FLOPs (``step_setup``).
MOE_BY_COUNTS_WHY = ("a mixture of experts given by its parameter counts alone has no shape here to plan a layout on (the "
                     "planner would lay out the catalog's nearest dense model with every parameter in its layers and "
                     "no expert parallelism)")


def step_setup(scenario: Scenario, profile: HardwareProfile, preset: Preset | None, precision: str,
               memory: Mapping | None, *, global_batch_tokens=None, active_params=None, vp=None, etp=None,
               expert_overlap=None, tokens=None, fewest_fitting: bool = True) -> StepSetup:
    """The step model's run for ``api.run``: with a layout (``LAYOUT_KEYS``), a catalog model, active parameters
    or a global batch given; None where none of them is (the estimate as before). A layout that cannot be is
    refused; a run the step model cannot time (a known run's time, no tokens, a precision or links it lacks) keeps
    the fitted utilisation and says why. ``tokens``: the run's tokens where the scenario counts FLOPs, those of
    an architecture (its shape in ``memory``): timed as the tokens of parameters × tokens are. ``fewest_fitting``:
    where no layout fits the devices, search their doublings for the step model's figure beside the fitted one
    (``fewest_fitting_note``; off in a comparison of every profile, where it multiplied the searches)."""
    memory = {k: x for k, x in (memory or {}).items() if x is not None}
    vp = vp_of(vp)
    etp = etp_given(etp)
    overlap = expert_overlap_of(expert_overlap)
    # the experts' tensor parallelism is kept as expert parallelism is, the planner choosing the rest, as `plan` takes
    # it (researcher review 2026-11-30: `--ep 8 --etp 1` had timed ZeRO-0 × PP 1, the rest at the defaults, where
    # `--ep 8` alone took the planner's best); with a structure given it is a part of that layout
    layout_given = any(k in memory for k in STRUCTURE_KEYS) or vp is not None
    # ZeRO with no other parallelism given: data parallelism alone (code review 2026-11-28: with a CP given too it had
    # been called so)
    zero_alone = ("zero" in memory and not any(k in memory for k in ("tp", "pp", "cp", "ep")) and vp is None
                  and etp is None)
    parts_given = [k for k in LAYOUT_KEYS if k in memory]
    asked = (layout_given or parts_given or etp is not None or "model" in memory or "layers" in memory or active_params is not None
             or global_batch_tokens is not None or overlap is not None)
    if not asked:
        if (preset is None and not profile.reference_point and profile.memory_gb and scenario.params is not None
                and scenario.tokens is not None and scenario.hours is None
                and scenario.device_hours is None and scenario.utilization is None and _steps_here(profile, scenario.devices, precision)):
            # which of two methods timed it, said where a size could have been a shape (researcher review 2026-11-26:
            # 7B on 256 H100s read 20.2 days here and 7.74 days planned, with nothing to say why)
            return StepSetup(notes=(SIZE_ALONE_NOTE,))
        return StepSetup()
    o = mem.check_inputs(memory)
    default = model_batch(o.get("model"), global_batch_tokens)
    gbt = global_batch_tokens_of(global_batch_tokens, default)
    seq_len = _seq_len(o, preset)
    v.require_whole("sequence length", seq_len, B.CONTEXT, field="seq_len")
    check_batch_holds_a_sequence(global_batch_tokens, seq_len)  # on any device (review: tpu-v6e had skipped it)
    # what contradicts itself whatever times it, refused on every device as where the step model times it (input fuzz
    # 2026-12-01: `--model llama-2-7b --tokens 1` was refused on an H100 and answered, 0.00584 s, on a V100)
    run_tokens = scenario.tokens if scenario.tokens is not None else tokens
    if run_tokens is not None and scenario.hours is None and scenario.device_hours is None:
        run_batch_tokens(global_batch_tokens, run_tokens, seq_len, default)
        check_model_batch_holds_a_sequence(default, gbt, seq_len)
    shape_given = {k: o[k] for k in mem.SHAPE_INPUTS if k in o}
    if scenario.flops is not None and shape_given:
        # FLOPs given beside the model they train: fewer than one token's training of it is no run, refused as
        # `inference --train-flops` refuses it (input fuzz 2026-12-01: `--flops 1 --model llama-2-7b` read
        # 1.5 × 10⁻¹⁴ s)
        n, shape, *_ = resolve_model(params=scenario.params if "model" not in shape_given else None,
                                     active_params=active_params, **shape_given)
        active = min(float(shape.active_params or n), float(n))
        one_token = FLOPS_PER_PARAM_TOKEN_TRAIN * active  # 6·N_active, one token trained
        if float(scenario.flops) < one_token:
            raise InputError(f"the FLOPs, {gfmt(float(scenario.flops), 3)}, are fewer than one token's training of "
                             f"the model (6·N = {gfmt(one_token, 3)}): give the FLOPs of the whole run, or the "
                             "tokens", field=("flops", "model"))
    timed_elsewhere = (f"{profile.name} has no step to time" if profile.reference_point or not profile.memory_gb
                       else "the time is the known run's" if scenario.hours is not None or scenario.device_hours is not None
                       else None)
    if timed_elsewhere is not None:
        # the step's own inputs set nothing where no step is timed: refused, as on a device that predates the step
        # fit (API review 2026-11-29: a known run's --vp and --global-batch-tokens were taken and ignored)
        step_only = [k for k, x in (("vp", vp), ("etp", etp), ("global_batch_tokens", global_batch_tokens),
                                    ("expert_overlap", overlap)) if x is not None]
        if step_only:
            raise InputError(f"the step model's inputs do not apply: {timed_elsewhere}", field=tuple(step_only))
        if (active_params is not None and scenario.params is None and preset is None
                and not any(k in o for k in mem.SHAPE_INPUTS)):
            # active parameters with the FLOPs alone set nothing, refused as on a device the step model times (input
            # fuzz 2026-12-01: `--flops 1e23 --active-params 1e9 --hardware brain` was taken and ignored)
            raise InputError("the step model's inputs need the model and the run's tokens: give a catalog model, the "
                             "parameters or the architecture, and the tokens", field=("active_params",))
    if profile.reference_point or not profile.memory_gb:
        return StepSetup()  # a reference point (the brain, AlphaGo) has no layout to time, as it has no memory to fill
    if scenario.hours is not None or scenario.device_hours is not None:
        return StepSetup(notes=("the layout and shape set the memory only: the time is the known run's",))
    arch_tokens = tokens
    tokens = scenario.tokens if scenario.tokens is not None else arch_tokens
    if tokens is None:
        step_only = [k for k, x in (("vp", vp), ("etp", etp), ("global_batch_tokens", global_batch_tokens),
                                    ("active_params", active_params), ("expert_overlap", overlap)) if x is not None]
        if step_only and scenario.params is None and preset is None and not any(k in o for k in mem.SHAPE_INPUTS):
            # the step model's own inputs time a model's steps: with the FLOPs alone there is nothing they could
            # set, as memory's are refused without the model (review 2026-11-27: these were taken and ignored)
            raise InputError("the step model's inputs need the model and the run's tokens: give a catalog model, the "
                             "parameters or the architecture, and the tokens", field=tuple(step_only))
        refuse_untimed_layout_inputs("the step model needs the run's tokens", vp, etp)
        return StepSetup(notes=("the step model needs the run's tokens (and the model): with the FLOPs alone, the "
                                "time is from the fitted utilisation; the layout sets the memory only",))
    if precision not in STEP_PRECISIONS:
        refuse_untimed_layout_inputs(f"the step model covers {', '.join(STEP_PRECISIONS)}, not {precision}", vp, etp)
        return StepSetup(notes=(f"the step model covers {', '.join(STEP_PRECISIONS)}, not {precision}: the time is "
                                "from the fitted utilisation",))
    if (older := predates_the_step_fit(profile)) is not None:
        step_only = [k for k, x in (("vp", vp), ("etp", etp), ("global_batch_tokens", global_batch_tokens),
                                    ("expert_overlap", overlap)) if x is not None]
        if step_only:  # they time a step only, which is not timed here (review 2026-11-27: taken and ignored)
            raise InputError(f"{older}: the step model's inputs do not apply to it", field=tuple(step_only))
        return StepSetup(notes=(f"{older}: the time is from the utilisation above, not the step model; the layout "
                                "and shape set the memory only",))
    try:
        hardware = step_hardware(profile, devices=scenario.devices)
    except InputError as exc:
        refuse_untimed_layout_inputs(str(exc), vp, etp)
        return StepSetup(notes=(f"{exc}: the time is from the fitted utilisation",))
    shape_keys = {k: o[k] for k in mem.SHAPE_INPUTS if k in o}
    params = scenario.params
    if params is None and preset is not None and not shape_keys.get("model") and arch_tokens is None:
        params = preset.model_params
    n, shape, mshape, how, name = resolve_model(params=params if "model" not in shape_keys else None,
                                                active_params=active_params, **shape_keys)
    check_overlap_has_experts(overlap, shape, name)
    if (active_params is not None and shape.experts == 1 and float(active_params) < n
            and (not layout_given or zero_alone) and not any(k in shape_keys for k in ("model", "layers"))):
        # a mixture of experts by its counts alone, no layout given (a micro-batch, ZeRO or recomputation alone is none:
        # the planner would choose the rest; final review 2026-11-30): no catalog shape says its experts, so the planner
        # would lay out the nearest dense model's layers holding every parameter, with no expert parallelism to
        # choose (researcher review 2026-11-30: 671B with 37B active on 2,048 H800s read MFU 7.1%, 3.2x DeepSeek-V3's
        # published GPU-hours); a layout given is timed on that shape as the user set it (docs: estimate-training)
        if global_batch_tokens is not None:  # a step's own input, with no step timed: refused, as elsewhere
            raise InputError("the step model's inputs do not apply: " + MOE_BY_COUNTS_WHY, field="global_batch_tokens")
        timed = "the utilisation given" if scenario.utilization is not None else "the fitted utilisation"
        memory_only = "; the layout's parts given set the memory only" if parts_given else ""
        return StepSetup(notes=(f"{MOE_BY_COUNTS_WHY}: the time is from {timed} over the active parameters' FLOPs"
                                f"{memory_only}; give a catalog model (e.g. deepseek-v3, qwen3-30b-a3b) or the "
                                "architecture with its experts for the planner, or a layout to time on the dense shape",))
    devices = int(scenario.devices)
    if not layout_given and shape.experts > 1:  # a layout given is refused in the memory's words (check_run)
        core_plan.check_ep_devices(o.get("ep"), devices)
    step_params, step_range, _ = step_model()
    attention = o.get("attention_kernel", mem.DEFAULT_ATTENTION)
    seq_note = (default_seq_note(seq_len) if "seq_len" not in o and seq_len == mem.DEFAULT_SEQ_LEN else
                beyond_context_note(shape_keys.get("model"), seq_len) or "")
    recompute_default = "full" if scenario.recompute else "none"
    if layout_given:  # the stages an interleaving needs, before the batch's checks
        check_interleaving_stages(vp or 1, int(o.get("pp", 1)))
    gbt, batch_note = run_batch_tokens(global_batch_tokens, tokens, seq_len, default)
    check_model_batch_holds_a_sequence(default, gbt, seq_len)
    if layout_given:
        if gbt < seq_len:  # the default batch: refused as without a layout (API audit 2026-11-27: taken with --tp)
            raise InputError(core_plan.less_than_a_sequence(gbt, seq_len), field=("global_batch_tokens", "seq_len"))
        tp, pp, cp, ep = (int(o.get(k, 1)) for k in ("tp", "pp", "cp", "ep"))
        if overlap is not None and ep == 1:  # nothing to hide: refused, not ignored (final read 2026-11-27)
            raise InputError("the share of the experts' all-to-all hidden applies to expert parallelism, and the layout "
                             "given has an expert-parallel degree of 1: give one above 1, or no share",
                             field=("expert_overlap", "ep"))
        # what the memory model refuses, in its words first (the same on a device without memory), then what the
        # step adds: a layout whose product does not divide the devices
        mem.check_run(mshape, mem.Strategy(int(o.get("zero", 0)), o.get("activation_recompute", recompute_default), tp, pp,
                                           cp, ep, attention), devices, seq_len, o.get("micro_batch"))
        dp = core_plan.check_layout(shape, devices, tp=tp, pp=pp, cp=cp, ep=ep, seq_len=seq_len)
        mb = int(o.get("micro_batch", mem.DEFAULT_MICRO_BATCH))
        batch = core_plan.global_batch_for(gbt, seq_len, dp, mb)
        least = dp * mb * seq_len  # one round of micro-batches: the smallest step the layout runs
        if least > float(tokens):  # (code review 2026-11-27: a rounded-up step had been timed as 0.6 of one)
            raise InputError(f"the layout's smallest step, {count_text(least, 3)} tokens ({dp:,} data-parallel replicas × "
                             f"micro-batch {mb} × {seq_len:,}), is more than the run's {count_text(float(tokens), 3)} tokens: "
                             f"give fewer replicas{', a smaller micro-batch' if mb > 1 else ''} or more tokens",
                             field=("devices", "micro_batch", "tokens") if mb > 1 else ("devices", "tokens"))
        if batch is None:  # the planner's cap, given batch or default alike (researcher review 2026-11-29: with
            # the default, 10⁷ devices at TP 2 had run 2,440 × its tokens a step, which `plan` refuses)
            # the degrees a layout leaves out are 1, said where they made the replicas (planner review 2026-12-03:
            # `--zero 3` alone on 1,024 devices read 1,024 replicas, the layout's TP and PP taken as 1 unsaid)
            unset = [k for k in ("tp", "pp") if k not in o]
            ones = ("" if not unset else f"; the layout given sets no {' or '.join(n.upper() for n in unset)}, "
                    f"taken as 1 here: give {' and '.join('--' + n for n in unset)}, or no layout for the planner's "
                    "best")
            grow, change = core_plan.unfed_batch_words(mb, "replicas", given=global_batch_tokens is not None)
            raise InputError(f"{'a global batch' if global_batch_tokens is not None else default.named} of "
                             f"{count_text(gbt, 3)} tokens is less than one micro-batch of {mb} × {seq_len:,} tokens on "
                             f"each of the {dp:,} data-parallel replicas ({grow}{ones}): {change}",
                             field=(("global_batch_tokens", "seq_len", "devices") if mb == 1 else
                                    ("global_batch_tokens", "micro_batch", "seq_len", "devices")) + tuple(unset))
        batch = core_plan.within_run(batch, float(tokens), seq_len, dp * mb)
        if global_batch_tokens is not None and not core_plan.batch_held(batch, seq_len, gbt):
            # a batch given is held as `plan` holds it (diff review 2026-12-02: the same pinned layout ran +33% here,
            # where `plan` refused it)
            per_round = dp * mb
            raise InputError(f"the layout given runs {count_text(batch * seq_len, 3)} tokens a step ({batch:,} "
                             f"sequences: whole micro-batches of {mb} on each of its {dp:,} data-parallel replicas), "
                             f"more than {core_plan.BATCH_HELD_WITHIN:.0%} from the global batch given, "
                             f"{gbt:,.0f} tokens: give a batch of a multiple of {per_round:,} sequences of {seq_len:,} "
                             f"({count_text(per_round * seq_len, 3)} tokens), another layout, or no batch",
                             field=("global_batch_tokens", "devices", "micro_batch") if mb > 1 else
                             ("global_batch_tokens", "devices"))
        check_interleaving(vp or 1, pp, batch / (dp * mb))
        layout = Layout(seq_len=seq_len, global_batch=batch, micro_batch=mb, tp=tp, pp=pp, cp=cp, ep=ep, dp=dp,
                        vp=vp or 1, zero_stage=int(o.get("zero", 0)),
                        recompute=o.get("activation_recompute", recompute_default), precision=precision,
                        flash_attention=attention == "flash", expert_overlap_share=overlap or 0.0 if ep > 1 else 0.0)
        layout = replace(layout, etp=expert_tp_of(layout, hardware.scale_up_devices,
                                                  lambda x: core_plan.memory_of(mshape, x, attention).total_gb,
                                                  profile.memory_gb or math.inf,
                                                  lambda x: step_time(shape, x, hardware, step_params).seconds)
                         if etp is None else layout_etp(etp, shape, tp, ep, dp * cp))
        st = step_time(shape, layout, hardware, step_params)
        raised = tuple(n for n in (batch_note, batch_rounded_note(gbt, batch_whose(global_batch_tokens, batch_note,
                                                                                   default), layout))
                       if n)
        gb = core_plan.memory_of(mshape, layout, attention).total_gb
        run, fitted_note = fitted_layout(StepRun(st, float(tokens), step_range, "given", memory_gb=gb,
                                                 hardware_sources=hardware.sources, model_name=name,
                                                 kept=given_parts_words(o, vp, etp)), shape, profile.id)
        capacity = profile.memory_gb or math.inf
        said = (cross_node_note(hardware, st), pcie_card_links_note(profile, layout.devices),
                kv_heads_split_note(shape, st), uneven_stages_note(shape, st),
                bubble_note(shape, hardware, step_params, st,
                            lambda x: core_plan.memory_of(mshape, x, attention).total_gb, capacity),
                expert_overlap_note(st), zero3_gathers_note(st),
                sharded_pipeline_note(st.layout, lambda x: core_plan.memory_of(mshape, x, attention).total_gb, capacity),
                seq_note, default.note if batch_note is None else None, fitted_note, device_matmul_note(profile, step_range),
                outside_fit_note(shape, profile, step_range, run.in_sample is not None),
                no_faster_peak_note(profile, precision),
                beyond_published_devices_words(devices) if scenario.utilization is None else None)
        notes = raised + tuple(n for n in said if n)
        if gb > capacity:
            # a time for a layout that cannot run is said to be one, with the planner's best beside it (review
            # 2026-11-26: TP 1 × ZeRO-0 of a 70B model, 1,494 GB a device, read 132 days, faster than any that fits)
            found = core_plan.search(shape, mshape, hardware, step_params, devices=devices, tokens=float(tokens),
                                     seq_len=seq_len, global_batch_tokens=gbt, precision=precision,
                                     capacity_gb=capacity,
                                     # with ZeRO given alone, the best that keeps it (researcher review 2026-11-28: the
                                     # best named had been ZeRO-3 for `--zero 1`)
                                     space=SearchSpace(expert_overlap=overlap or 0.0,
                                                       zero=int(o["zero"]) if zero_alone else None,
                                                       batch_held=global_batch_tokens is not None),
                                     attention=attention, top=1)
            best = found.best
            tight = (f" (tight: {best.memory.total_gb / capacity:.0%} of the device's memory)"
                     if best is not None and mem.is_tight(best.memory.total_gb, capacity) else "")
            instead = (f"the planner's best that fits: {best.run_seconds / S_PER_DAY:,.1f} days, "
                       f"{core_plan.layout_words(best.layout)}{tight}" if best is not None else found.why_none)
            timed = "" if scenario.utilization is not None else "its time is of a run that cannot be made as given; "
            if run.in_sample is not None:
                # a published run was made so on this device (planner review 2026-11-28: Llama 3 405B's layout on
                # 16,384 H100s, interleaved, read "112 GB … cannot be made" beside its own fitted row): the count is
                # above what that stack held, not the layout impossible; where it ran a ZeRO stage or an interleaving
                # this run does not set, those are named (researcher review 2026-11-29)
                ran = f"yet the published run{'s' if len(run.in_sample.rows) > 1 else ''} {', '.join(run.in_sample.rows)}"
                rows = fitted_rows(shape, layout, profile.id)
                settings = memory_settings_words(layout, rows)
                as_ran = replace(layout, zero_stage=rows[0].layout.zero_stage, vp=rows[0].layout.vp) if rows else layout
                # an interleaving the run's own batch cannot take (MoE review 2026-11-30: DeepSeek-V3's DualPipe, counted
                # as 2 chunks, named beside 120 micro-batches a step that the interleaved schedule refuses on 16 stages)
                rounds = layout.global_batch // (layout.dp * layout.micro_batch)
                refused = (f", an interleaving the tool's schedule does not run at this batch ({rounds:,} micro-batches "
                           f"a step, not a multiple of the {layout.pp} stages)"
                           if as_ran.vp > 1 and layout.pp > 1 and rounds % layout.pp else "")
                timed = (f"{ran} ran these parallel degrees, sequence and batch on this device with {settings}, which "
                         f"this run does not set{refused} (with {'them' if len(rows) == 1 else 'the first'}, "
                         f"{mem.gb(core_plan.memory_of(mshape, as_ran, attention).total_gb)} GB a device); "
                         "its time stands; "
                         if settings else
                         f"{ran} ran these parallel degrees, sequence and batch on this device, so the memory counted "
                         "here is above what that stack held (its savings unknown to this count), and its time stands; ")
            # ZeRO given alone reads as data parallelism alone, as a DeepSpeed or FSDP run shards; said where that is
            # what does not fit (researcher review 2026-11-28: `--zero 1` alone read "TP 1 × PP 1 … as given")
            alone = ("ZeRO given alone is data parallelism alone (TP 1 × PP 1, as DeepSpeed and FSDP shard; give tensor "
                     "and pipeline parallelism to split the model), and it " if zero_alone else "the layout given ")
            notes += (f"{alone}{DOES_NOT_FIT_WORDS}{mem.gb(gb)} GB a device of {mem.capacity_gb_text(capacity)}): "
                      f"{timed}{instead}",)
        return StepSetup(run=run, notes=notes, batch=own_batch(default, batch_note))
    if etp is not None and ((shape.experts or 0) <= 1 or ("ep" in o and int(o["ep"]) <= 1)):
        layout_etp(etp, shape, 1, int(o.get("ep", 1)), 1)   # refused in its words: no experts, or none in parallel
    space = SearchSpace(**{k: int(o[k]) if k in o else None for k in ("cp", "ep", "micro_batch")},
                        recompute=o.get("activation_recompute", "full" if scenario.recompute else None),
                        expert_overlap=overlap or 0.0, etp=etp,
                        batch_held=global_batch_tokens is not None and not batch_note,
                        # experts split over tensor parallelism fix the run's at that degree, as `plan --etp` does (diff
                        # review 2026-11-30: `--etp 3` alone had been refused for a batch, not for its degree)
                        tp=etp if etp is not None and etp > 1 else None)
    with tp_from_etp(etp, "tp" in o):
        core_plan.check_parts(shape, seq_len=seq_len, tp=space.tp, cp=space.cp, ep=space.ep)
        check_split_divides(devices, space.tp, None, space.cp)  # as `plan` refuses it (code review 2026-11-27)
    capacity = profile.memory_gb or math.inf
    found = core_plan.search(shape, mshape, hardware, step_params, devices=devices, tokens=float(tokens),
                             seq_len=seq_len, global_batch_tokens=gbt, precision=precision, capacity_gb=capacity,
                             space=space, attention=attention, top=1)
    kept = ", ".join([_PART_WORDS[k](o[k]) for k in parts_given] + ([f"ETP {etp}"] if etp is not None else []))
    if found.best is None:
        if not found.batch_fed:
            # the batch, given or the default, cannot feed the replicas: refused, as for a layout given (review
            # 2026-11-26) and as `plan` refuses it (CLI review 2026-11-27: 10 million devices had read 27 seconds from
            # the fitted utilisation, a time no layout of them could run); the larger batch named where it would
            fed = ""
            if larger_batch_tried(global_batch_tokens, tokens, default) and core_plan.search(
                    shape, mshape, hardware, step_params, devices=devices, tokens=float(tokens), seq_len=seq_len,
                    global_batch_tokens=float(core_plan.LARGE_GLOBAL_BATCH_TOKENS), precision=precision,
                    capacity_gb=capacity, space=replace(space, batch_held=True), attention=attention,
                    top=1).best is not None:
                fed = (f" (a global batch of {gfmt(core_plan.LARGE_GLOBAL_BATCH_TOKENS, 3)} tokens, about Llama 3 "
                       "405B's, would)")
            raise InputError(found.why_none + fed, field=tuple(dict.fromkeys((*found.why_fields, *parts_given))))
        given = f"with {kept} given" if kept else "no layout given"

        def search_on(n: int):
            return core_plan.search(shape, mshape, hardware, step_params, devices=n, tokens=float(tokens),
                                    seq_len=seq_len, global_batch_tokens=gbt, precision=precision,
                                    capacity_gb=capacity, space=space, attention=attention, top=1).best
        def memory_fewest() -> int | None:
            """The fewest devices the memory's note names (``memory.fewest``, at the run's micro-batch)."""
            least = mem.fewest(mshape, capacity, seq_len, o.get("micro_batch", mem.DEFAULT_MICRO_BATCH), precision,
                               attention)
            return None if least is None else least[1]
        return StepSetup(notes=tuple(n for n in (f"{given}, and {found.why_none}: the time is from the fitted utilisation",
                                                 fewest_fitting_note(devices, search_on, memory_fewest())
                                                 if fewest_fitting else None,
                                                 attention_left_out_note(shape, seq_len,
                                                                         scenario.active_params or scenario.params),
                                                 seq_note) if n))
    best = found.best
    larger = None
    if larger_batch_tried(global_batch_tokens, tokens, default):  # the default: a larger one beside it, said where much faster
        larger = core_plan.search(shape, mshape, hardware, step_params, devices=devices, tokens=float(tokens),
                                  seq_len=seq_len, global_batch_tokens=float(core_plan.LARGE_GLOBAL_BATCH_TOKENS),
                                  # held as given, so that giving it runs what the note says (diff review 2026-12-02)
                                  precision=precision, capacity_gb=capacity, space=replace(space, batch_held=True),
                                  attention=attention, top=1).best
    run, fitted_note = fitted_layout(StepRun(best.step, float(tokens), step_range, "planner",
                                             memory_gb=best.memory.total_gb, hardware_sources=hardware.sources,
                                             model_name=name, kept=kept), shape, profile.id)
    lay = best.layout
    planned = {"tp": lay.tp, "pp": lay.pp, "cp": lay.cp, "ep": lay.ep, "zero": lay.zero_stage,
               "micro_batch": lay.micro_batch, "activation_recompute": lay.recompute, "seq_len": seq_len}
    overlap = expert_overlap_note(best.step)
    crossing = cross_node_note(hardware, best.step, planned=True, ep_given="ep" in o)
    pipelined = sharded_pipeline_note(lay, lambda x: core_plan.memory_of(mshape, x, attention).total_gb, capacity)
    gathers = zero3_gathers_note(best.step)
    said = tuple(n for n in (batch_note, crossing and f"the planner's best layout: {crossing}",
                             pcie_card_links_note(profile, lay.devices), overlap,
                             pipelined and f"the planner's best layout: {pipelined}",
                             gathers and f"the planner's best layout: {gathers}",
                             uneven_stages_note(shape, best.step),
                             larger_batch_note(best, larger, default), seq_note,
                             default.note if batch_note is None else None,
                             batch_rounded_note(gbt, batch_whose(global_batch_tokens, batch_note, default), lay),
                             fitted_note, device_matmul_note(profile, step_range),
                             outside_fit_note(shape, profile, step_range),
                             no_faster_peak_note(profile, precision),
                             beyond_published_devices_words(devices) if scenario.utilization is None else None) if n)
    return StepSetup(run=run, memory={**memory, **planned}, notes=said, batch=own_batch(default, batch_note))


def whole_run_fit(est, step_flops: float | None = None, precision: str = "") -> WholeRunFit | None:
    """The FLOPs-only estimate ``est`` as the step model's companion: its time at the utilisation fitted to
    published whole runs, with its range (``plan.WholeRunFit``), and the step's model FLOPs over the run
    (``step_flops``) as a ratio of the FLOPs that time is of; None where the fit did not set its time (a
    utilisation given, a preset's) or it has no range. ``precision``: the peak ``est`` was timed at where it is not the
    run's (``WholeRunFit.precision``)."""
    u = est.utilization
    low, high = est.range.get("wall_clock_s", (None, None))
    if u is None or not u.origin.startswith("fit:") or low is None or high is None:
        return None
    time_flops = est.time_flops if est.time_flops is not None else est.flops
    ratio = step_flops / time_flops if step_flops and time_flops else 1.0
    def ends(name: str) -> tuple[float, float] | None:
        rng = est.range.get(name)
        return None if rng is None or None in rng else (float(rng[0]), float(rng[1]))

    return WholeRunFit(wall_clock_s=est.wall_clock_s, low_s=low, high_s=high, utilization=u.value,
                       n_runs=u.n_runs, fit=fit_words(u.family, u.borrowed, u.same_chip), fitted=not u.borrowed,
                       step_flops_ratio=ratio, precision=precision,
                       lowered=None if u.lowered is None else (u.lowered.precision, u.lowered.base, u.lowered.factor),
                       energy_kwh=est.energy_kwh,
                       energy_range_kwh=ends("energy_kwh"), co2e_kg=est.co2e_kg, co2e_range_kg=ends("co2e_kg"),
                       energy_basis=est.basis("energy_kwh") or PREDICTION)


def whole_run_at_fit(est, scenario: Scenario, profile: HardwareProfile,
                     step_flops: float | None = None) -> WholeRunFit | None:
    """``whole_run_fit`` of the FLOPs-only estimate ``est`` of ``scenario``, timed at the peak the fit's runs were
    measured at (bf16) where the run's precision is another that takes no share of its own (fp32, tf32; fp8, fp4 and
    the integer formats take the step fit's since 2026-12-01, ``utilization_choice.low_precision``) (researcher
    review 2026-11-28: Llama 3.1 70B at fp8 read
    40.7 days at the fit beside the step model's 42.9, half the 81.5 of the same layout at bf16): `estimate` and
    `plan` both say it."""
    other = next((c for c in est.fit_caveats if isinstance(c, OtherPeak) and not c.preset), None)
    # fp8 and fp4 take the share of their peak the step fit gives a whole step (review 2026-12-01): the estimate's own
    if other is None or other.lowered is not None:
        return whole_run_fit(est, step_flops)
    return whole_run_fit(estimate(replace(scenario, precision=other.fit_precision), profile), step_flops,
                         other.fit_precision)


# how the notes the Estimate page raises under its headline begin: a device the step model does not time, and a
# default batch a larger one beats (browser review 2026-11-27: at the foot of a tab, after the sources, they were
# missed)
OLDER_DEVICE_START = "the step model was fitted on layouts measured on devices released from"
LARGER_BATCH_END = ": give the global batch the run will use"
# what the note on a layout given that does not fit in memory says, whichever way it opens (the layout given, or
# ZeRO given alone): the Estimate page raises it under the headline (`layout_does_not_fit`)
DOES_NOT_FIT_WORDS = "does not fit in memory ("


def layout_does_not_fit(note: str) -> bool:
    """Whether ``note`` is ``step_setup``'s note that the layout given does not fit in memory."""
    return DOES_NOT_FIT_WORDS in note


__all__ = ["DOES_NOT_FIT_WORDS", "LARGER_BATCH_END", "TOOL_BATCH", "BatchDefault", "model_batch", "LAYOUT_KEYS", "OLDER_DEVICE_START", "StepSetup", "larger_batch_note", "layout_does_not_fit", "plan_precision", "predates_the_step_fit", "resolve_model", "shapes", "step_fit_devices", "step_setup"]
