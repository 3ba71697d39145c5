"""What quantisation, pruning and distillation save, and when serving outgrows training.

Pure: each technique is the same ``InferenceScenario`` with one thing changed, run through
``inference`` (the serving model of ``estimator.core.serving.step``), so the savings come out of the same
physics: quantised weights shrink the bytes read and may use a faster peak, a quantised KV cache
shrinks the cache read each step, pruning and a distilled student shrink N (a student also its
layers); the engine's fitted costs per layer and per sequence stay, so no technique saves its
whole share. Savings are relative to the uncompressed model (16-bit weights and KV cache, dense,
no student).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError
from estimator.core.base.interval import LEVEL
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import PARAMS_PER_BILLION, PARAMS_PER_MILLION
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.estimate import (
    PRECISIONS_FOR_BITS,
    InferenceResult,
    InferenceScenario,
    inference,
    peak_for_bits,
)
from estimator.core.serving.pruning import SPARSE_TENSOR_CORE_WORDS, percent, why_dense
from estimator.core.serving.result import range_basis
from estimator.core.serving.step import ServingFit
from estimator.core.serving.weights import KV_BITS, WEIGHT_BITS
from estimator.core.training.estimate import Estimate

# Illustrative settings shown when the user chose none, each from a paper:
# - pruning: 50% unstructured sparsity, what SparseGPT reaches in one shot on OPT/BLOOM-scale
#   models with a small perplexity increase (Frantar & Alistarh 2023, arXiv:2301.00774).
ILLUSTRATIVE_SPARSITY = 0.5
# - distillation: DistilBERT keeps 97% of BERT-base's GLUE score with 40% fewer parameters
#   (66M vs 110M; Sanh et al. 2019, arXiv:1910.01108), i.e. a student of 0.6 × the teacher.
ILLUSTRATIVE_STUDENT_FRACTION = 0.6

KEYS = ("energy_kwh", "co2e_kg", "cost_usd")


@dataclass(frozen=True)
class Technique:
    name: str
    label: str
    chosen: bool                  # set by the user (False: an illustrative setting)
    result: InferenceResult
    baseline: InferenceResult
    short: str = ""               # a chart's label (the full label would be cut: "student of 42 billion param…")
    # a row on other devices than the baseline's (fewer: its smaller weights fit on them) has its like-for-like
    # twin, the same technique on the baseline's devices (issue 54: the saving with the devices held fixed); None
    # where the row is on the baseline's devices already (or cannot be served on them)
    same_devices: Technique | None = None

    @property
    def short_label(self) -> str:
        return self.short or self.label

    def saving(self, key: str) -> float | None:
        """Fraction saved per token vs the baseline (0.5 = half); for ``memory_gb``,
        ``seconds_per_token`` and ``joules_per_output_token`` too."""
        base, new = getattr(self.baseline, key), getattr(self.result, key)
        if base is None or new is None or base == 0:
            return None
        return 1.0 - new / base

    def to_dict(self) -> dict:
        r, b = self.result, self.baseline
        return {
            "technique": self.name, "label": self.label, "chosen": self.chosen,
            "seconds_per_token": r.seconds_per_token, "seconds_per_output_token": r.seconds_per_output_token,
            "joules_per_output_token": r.joules_per_output_token, "devices": r.devices,
            "tensor_parallel": r.tp, "expert_parallel": r.ep, "replicas": r.replicas, "batch_size": r.batch_size,
            "memory_gb": {"weights": r.weights_gb, "kv_cache": r.kv_cache_gb, "total": r.memory_gb}, "bound": r.bound,
            # each figure a range is given for has its centre beside it (serving review 2026-11-28: the embodied
            # carbon's and water's ranges had none)
            "per_query": {k: r.per_query(k) for k in (*KEYS, *(x for x in r.range["per_query"] if x not in KEYS))},
            "range": {"joules_per_output_token": list(r.range["joules_per_output_token"]),
                      "seconds_per_output_token": list(r.range["seconds_per_output_token"]),
                      "per_query": {k: None if v is None else list(v) for k, v in r.range["per_query"].items()}},
            # what each range rests on, as the result's (review 2026-11-29: a technique's stated energy range had none)
            "range_basis": {"joules_per_output_token": range_basis("joules_per_output_token", r.stated_ranges),
                            "seconds_per_output_token": range_basis("seconds_per_output_token", r.stated_ranges),
                            "per_query": {k: range_basis(k, r.stated_ranges) for k in r.range["per_query"]}},
            "saved_per_query": {k: _diff(b.per_query(k), r.per_query(k)) for k in KEYS},
            "saved_total": {k: _diff(getattr(b, k), getattr(r, k)) for k in KEYS},
            "saving_fraction": {k: self.saving(k) for k in KEYS + ("seconds_per_token", "joules_per_output_token",
                                                                   "memory_gb")},
            "same_devices": None if (t := self.same_devices) is None else {
                "devices": t.result.devices, "tensor_parallel": t.result.tp, "expert_parallel": t.result.ep,
                "replicas": t.result.replicas,
                "batch_size": t.result.batch_size, "seconds_per_output_token": t.result.seconds_per_output_token,
                "joules_per_output_token": t.result.joules_per_output_token,
                "saved_per_query": {k: _diff(b.per_query(k), t.result.per_query(k)) for k in KEYS},
                "saving_fraction": {k: t.saving(k) for k in KEYS + ("seconds_per_token", "joules_per_output_token",
                                                                    "memory_gb")}},
        }


def _diff(a, b):
    return None if a is None or b is None else a - b


# The uncompressed model the compression rows are measured against: the widest weights and KV cache modelled
# (``step.WEIGHT_BITS``, ``step.KV_BITS``: 16 bits), dense, the full model.
BASELINE_BITS, BASELINE_KV_BITS = max(WEIGHT_BITS), max(KV_BITS)


def baseline_of(s: InferenceScenario) -> InferenceScenario:
    """The uncompressed model: 16-bit weights and KV cache, dense, no student (nor a weight-only format: diff review
    2026-11-30, it had leaked into every low-bit row)."""
    return replace(s, bits=BASELINE_BITS, kv_bits=BASELINE_KV_BITS, sparsity=0.0, student_params=None, weight_only=False)


def techniques(s: InferenceScenario, profile: HardwareProfile, fit: ServingFit,
               illustrate: bool = True) -> tuple[list[Technique], tuple[str, ...]]:
    """The baseline, each technique alone (the user's setting, or an illustrative one when
    ``illustrate``), and all the chosen ones together; and a note for each row left out.

    Only the user's own scenario (the one ``inference`` already answers) is the user's to fail. A
    row that this hardware cannot serve, even on more devices (a 16-bit baseline past memory, an
    illustrative student below one layer), is left out with a note; without the baseline no saving
    can be stated, so then there are no rows, only the note."""
    base_s = baseline_of(s)

    def run(scn: InferenceScenario):
        # a row other than the user's own on the user's devices, or, when it does not fit there
        # (16 bits where the user's 4 bits fit), on the fewest devices that hold it: its row says so; an
        # expert-parallel group that does not hold it falls back to tensor parallelism on those fewest devices
        # (review 2026-11-26: the fallback kept the group of ep devices, and every row was left out)
        try:
            return inference(scn, profile, fit)
        except InputError as exc:
            # a latency bound no batch meets is the bound's, not the devices' (serving engineer's review 2026-11-29:
            # on 8 devices given, "no split of 2 × h100-sxm serves the model within 14 ms", from the fewest devices)
            if (scn.devices is None and scn.ep is None) or {"ttft_ms", "tpot_ms"} & set(exc.fields):
                raise
            return inference(replace(scn, devices=None, ep=None), profile, fit)

    try:
        base = run(base_s)
    except InputError as exc:
        return [], (f"savings left out: the model they are measured from (16-bit weights and KV cache, dense, full "
                    f"size) cannot be served here: {exc}",)
    drafted = f", {int(s.draft_tokens)} draft token{'s' if int(s.draft_tokens) != 1 else ''} a step" \
        if int(s.draft_tokens) else ""  # the draft stays in every row: the techniques' savings are beside it
    out = [Technique("baseline", f"{BASELINE_BITS}-bit, dense, full model{drafted}", True, base, base,
                     f"{BASELINE_BITS}-bit, dense, full")]
    chosen, chosen_short, notes = [], [], []

    def row(name: str, label: str, is_chosen: bool, result: InferenceResult, scn: InferenceScenario,
            short: str) -> Technique:
        # on other devices than the baseline's, the same technique on the baseline's too (the devices held fixed);
        # a layout it cannot serve there (a tensor-parallel degree given that the count does not split into)
        # leaves the row's twin out, said by its absence
        same = None
        # the baseline's layout, so its requests in flight too (lecturer review 2026-11-27: on the same 2 GPUs the
        # 4-bit model had been split into 2 replicas of 16 requests each, twice the baseline's 16, and pruning half
        # the weights read -55%: the load doubled, not the compression's doing)
        layout = dict(tp=None, ep=base.ep) if base.ep > 1 else dict(tp=base.tp, ep=None)
        if result.devices == base.devices and (result.tp, result.ep) != (base.tp, base.ep) and scn.tp is None:
            try:  # on the baseline's devices, in its layout (a tensor parallelism given is the user's, kept)
                result = inference(replace(scn, **layout), profile, fit)
            except InputError:
                pass  # a layout the variant cannot take: the row as chosen, its devices and replicas said
        if result.devices != base.devices:
            try:
                same = Technique(name, label, is_chosen,
                                 inference(replace(scn, devices=base.devices, **layout), profile, fit), base, short)
            except InputError:
                same = None
        return Technique(name, label, is_chosen, result, base, short, same)

    def add(name: str, label: str, is_chosen: bool, scn: InferenceScenario, short: str = "") -> None:
        if is_chosen:
            chosen.append(label)
            chosen_short.append(short or label)
        # under a latency bound, the baseline's requests in flight too: the batch its bound set is held, not solved
        # again for each row (serving engineer's review 2026-11-29: under a 17 ms TPOT bound the rows ran batches of
        # 1, 2, 5 and 31, and the student "saved 98%", mostly its batch); the answer's own is the "on its own best layout" row.
        # A batch given, or the largest that fits, stays each row's (a paged engine holds more of a smaller model)
        # and on the baseline's devices, so the batch that met the bound there meets it still (second diff review
        # 2026-11-29: a 4-bit row moved to one device kept the batch of 94 and ran 44.3 ms past a 41.5-ms steady bound)
        if scn.ttft_ms is not None or scn.tpot_ms is not None:
            scn = replace(scn, batch_size=base.batch_size, batch_given=True, ttft_ms=None, tpot_ms=None,
                          devices=base.devices)
        try:
            out.append(row(name, label, is_chosen, run(scn), scn, short))
        except InputError as exc:
            notes.append(f"{'' if is_chosen else 'illustrative '}{name} left out: {exc}")

    for bits in (8, 4):
        if s.bits == bits or illustrate:
            # the label says what the row computes in: a low-bit peak means activations quantised too (audit); the
            # user's own weight-only format (a GPTQ or AWQ checkpoint, an FP8 release on a GPU without FP8) is weight-only
            # in its row alone (diff review 2026-11-30)
            weight_only = s.weight_only and s.bits == bits
            precision, _, _ = peak_for_bits(profile, bits)
            quantised = precision in PRECISIONS_FOR_BITS[bits] and not weight_only
            how = f" and activations ({precision})" if quantised else " (weight-only)"
            # its short label says the activations too where they are quantised (lecturer review 2026-11-30: the
            # chart's "8-bit weights" was the CLI's "8-bit weights and activations (fp8)")
            add(f"quantization-{bits}bit", f"{bits}-bit weights{how}", s.bits == bits,
                replace(base_s, bits=bits, weight_only=weight_only),
                short=f"{bits}-bit ({precision})" if quantised else f"{bits}-bit weights")
    if s.kv_bits == 8 or illustrate:
        add("kv-cache-8bit", "8-bit KV cache", s.kv_bits == 8, replace(base_s, kv_bits=8))
    if s.sparsity > 0 or illustrate:
        sp = s.sparsity if s.sparsity > 0 else ILLUSTRATIVE_SPARSITY
        # inference audit: "skipped by the kernels" only where they are (2:4 on sparse tensor cores), else why not
        dense = why_dense(profile, sp, s.sparse_kernels)
        how = ", skipped by the kernels" if dense is None else f" (dense kernels{': ' + dense if dense else ''})"
        # the note's digits (review: 0.497 read "50% … not the 2:4 pattern" beside the note's 49.7%)
        add("pruning", f"{percent(sp)} of weights pruned{how}", s.sparsity > 0, replace(base_s, sparsity=sp),
            short=f"{percent(sp)} pruned" + ("" if dense is None else ", dense kernels"))
    if s.student_params is not None or illustrate:
        m = s.student_params if s.student_params is not None else ILLUSTRATIVE_STUDENT_FRACTION * s.params
        add("distillation", f"student of {_param_words(m)} parameters", s.student_params is not None,
            # a student is dense: served by tensor parallelism, whatever the teacher's expert parallelism
            replace(base_s, student_params=m, ep=None), short=f"student, {_param_words(m, short=True)} params")
    if len(chosen) > 1:
        out.append(row("combined", " + ".join(chosen), True, inference(s, profile, fit), s, " + ".join(chosen_short)))
    # the rows hold the baseline's layout; the answer itself takes its own best one: where they differ, the answer's
    # saving too (serving engineer's review 2026-11-27: the chosen row read 17,188 tokens/s at TP 4 × 2 beside the
    # answer's 25,378 at TP 2 × 4, and the table's 28% of time beside the answer's 51%)
    mine = [t for t in out[1:] if t.chosen and t.name != "baseline"]
    if mine:
        own = inference(s, profile, fit)
        last = mine[-1]
        if (own.tp, own.ep, own.replicas, own.devices, own.batch_size) != (
                last.result.tp, last.result.ep, last.result.replicas, last.result.devices, last.result.batch_size):
            # named for what it is (lecturer review 2026-11-30: "as answered" was jargon to a class)
            out.append(Technique("as-answered", f"on its own best layout ({own.split_words} × {own.replicas:,}, "
                                 f"batch {own.batch_size:,})", True, own, base, f"{last.short_label}, own layout"))
    return out, tuple(notes)


BASIS_WORDS = {"cost_usd": "cost", "energy_kwh": "energy"}

ILLUSTRATIVE_NOTE = (
    f"Rows marked illustrative use settings from papers: {ILLUSTRATIVE_SPARSITY:.0%} pruning (SparseGPT, Frantar & "
    f"Alistarh 2023) and a student of {gfmt(ILLUSTRATIVE_STUDENT_FRACTION)} × N (DistilBERT, Sanh et al. 2019). Unless "
    "dense kernels are chosen, the pruning row assumes kernels that skip the pruned weights where they can: "
    f"SparseGPT's 2:4 pattern (exactly 50%) on {SPARSE_TENSOR_CORE_WORDS}; any other fraction or device "
    "runs dense kernels, which still read and multiply the pruned weights, and the row saves nothing. The engine's "
    "fitted per-layer and per-sequence costs stay, so no technique saves its whole share. A technique's energy "
    "saving can exceed its time saving: the fitted power model draws less while the device reads fewer bytes "
    "(modelled, not measured for compressed models; with a power given, the two savings are equal). Quality is not modelled.")


# What the break-even's range is, for the CLI's row and the app's (one home): not a stated interval.
# Its ends are the corners of two 80% ranges (training's low ÷ serving's high, training's high ÷
# serving's low; ``break_even``), so it is no stated 80% range (it is wider) and no validation measures its coverage
# (audit: the CLI printed it under "ranges: 80% intervals").
BREAK_EVEN_RANGE_MEANING = (f"from the ends of the training and serving ranges: wider than an {LEVEL:.0%} range, "
                            "coverage not measured")


@dataclass(frozen=True)
class BreakEven:
    """After how many queries (and tokens) serving has used as much as training did."""

    train_flops: float | None
    train: dict            # key → training total (energy_kwh, co2e_kg, cost_usd)
    per_query: dict        # key → serving per query
    queries: dict          # key → queries to break even (None when a side has no value)
    tokens: dict
    queries_range: dict | None = None  # key → (low, high): training's range ÷ serving's per-query range (not 80%)
    train_device_share: float = 1.0    # the devices' share of training's IT energy that ``train`` counts

    @property
    def basis(self) -> str:
        """The key that the break-even is stated by: ``cost_usd`` when both training and serving
        are priced, else ``energy_kwh`` (always known). The CLI and the app both read this."""
        return "cost_usd" if self.queries.get("cost_usd") else "energy_kwh"

    @property
    def basis_word(self) -> str:
        """``basis`` in words: "cost" or "energy"."""
        return BASIS_WORDS[self.basis]

    def to_dict(self) -> dict:
        return {"train_flops": self.train_flops, "train": self.train, "per_query": self.per_query,
                "basis": self.basis, "queries": self.queries, "tokens": self.tokens,
                "train_device_share": self.train_device_share,
                "queries_range": {k: None if v is None else list(v) for k, v in (self.queries_range or {}).items()}}


def _param_words(n: float, short: bool = False) -> str:
    """A parameter count as a model card words it: "42.3 billion", "66 million", "5,000"; ``short``: as a chart's
    short label does, "42.3B", "66M" (lecturer review 2026-11-29: "student, 42 billion" had no unit, and a chart
    label holds at most 24 characters)."""
    if n >= PARAMS_PER_BILLION:
        return f"{gfmt(n / PARAMS_PER_BILLION, 3)}{'B' if short else ' billion'}"
    if n >= PARAMS_PER_MILLION:
        return f"{gfmt(n / PARAMS_PER_MILLION, 3)}{'M' if short else ' million'}"
    return f"{n:,.0f}"


def break_even(training: Estimate, serving: InferenceResult) -> BreakEven:
    """Queries after which serving's energy, CO₂e and cost exceed the training run's, with the
    range that the two ranges give: (training low ÷ serving high, training high ÷ serving low).
    The two are not independent (same hardware, power rules and grid), so this range is wider
    than an exact one would be; it is no stated interval, its coverage is not measured
    (``BREAK_EVEN_RANGE_MEANING``, the words the CLI and the app give it).

    Like is compared with like: serving's energy counts the devices only (as measured, without the
    host; PUE included, as in training's), so training's energy, CO₂e and an electricity-priced
    cost count only the devices' share of its IT energy too (``train_device_share``, which scales
    its PUE-included figures); a cost per device-hour is compared whole."""
    b = training.breakdown
    it_kwh = b.devices_kwh + b.host_kwh
    share = b.devices_kwh / it_kwh if it_kwh > 0 else 1.0
    by_energy = training.assumption("electricity_usd_per_kwh") is not None
    scale = {"energy_kwh": share, "co2e_kg": share, "cost_usd": share if by_energy else 1.0}
    train = {k: None if getattr(training, k) is None else getattr(training, k) * scale[k] for k in KEYS}
    per_query = {k: serving.per_query(k) for k in KEYS}
    serve_range = serving.range.get("per_query", {})
    queries, tokens, queries_range = {}, {}, {}
    for k in KEYS:
        t, q = train[k], per_query[k]
        if t is None or q is None or q <= 0:
            queries[k] = tokens[k] = queries_range[k] = None
            continue
        queries[k] = t / q
        tokens[k] = queries[k] * serving.tokens_per_query
        t_lo, t_hi = (None if x is None else x * scale[k] for x in training.range[k])
        s_lo, s_hi = serve_range.get(k) or (q, q)
        queries_range[k] = (t_lo / s_hi, t_hi / s_lo) if None not in (t_lo, t_hi) and s_lo > 0 else None
    return BreakEven(training.flops, train, per_query, queries, tokens, queries_range, share)


def training_tokens_default(params: float, tokens_per_param: float) -> float:
    """Training tokens when none are given: the compute-optimal D = 20·N (see ``scaling``)."""
    v.require_positive("parameters", params)
    v.require_positive("tokens per parameter", tokens_per_param)
    return params * tokens_per_param


def check_train_inputs(train_flops: float | None, train_tokens: float | None) -> None:
    if train_flops is not None and train_tokens is not None:
        raise InputError("give either the training FLOPs or the training tokens, not both",
                         field=("train_flops", "train_tokens"))
    if train_flops is not None:
        v.require_number_in("training FLOPs", train_flops, B.FLOPS, field="train_flops")
    if train_tokens is not None:
        v.require_number_in("training tokens", train_tokens, B.TOKENS, field="train_tokens")
