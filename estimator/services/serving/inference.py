"""The serving service: ``inference_report``, what ``python -m estimator inference`` and the app's Inference page
(and ``estimator.inference``) call. Edge, like ``estimator.services.api``: loads the profile, the engine's fit and the
catalog, resolves the grid, and calls the pure core (``core.serving``: the step, the throughput, the layout; and
``compression`` for the techniques and the break-even with training); the training it is compared with comes from
``api.run`` (``limits.estimate_flops``) so it matches every other estimate."""

from __future__ import annotations

from dataclasses import dataclass, replace

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError, ResultOutOfBounds, past_words
from estimator.core.base.number_text import count_text, gfmt
from estimator.core.base.units import MS_PER_S
from estimator.core.serving import compression
from estimator.core.serving.device import PRECISIONS_FOR_BITS
from estimator.core.serving.engines import DEFAULT_ENGINE, ENGINES
from estimator.core.serving.estimate import DEFAULT_BITS, MAX_BATCH_WORD, InferenceResult, InferenceScenario, inference
from estimator.core.serving.memory_fit import WEIGHTS_REFUSAL_START
from estimator.core.serving.result import BOUND_CHOSE_WORDS
from estimator.core.serving.scenario import (
    BITS,
    DEFAULT_PROMPT_TOKENS,
    DEFAULT_TOKENS,
    DEFAULT_TOKENS_PER_QUERY,
    SERVING_BOUNDS,
    check_scenario,
)
from estimator.core.serving.throughput import p99_share
from estimator.core.training.estimate import Estimate
from estimator.core.workload.flops import dense_training_flops
from estimator.core.workload.scenario import SITE_INPUTS
from estimator.io import serving_data
from estimator.io.datafiles import default_profiles
from estimator.laws import scaling
from estimator.report import humanize as hz
from estimator.report.provenance import tool_info
from estimator.services import grid
from estimator.services.grid import another_clouds_price_note, hardware_text, text_or_none
from estimator.services.inputs import (  # noqa: F401 (INFERENCE_DEFAULT_HARDWARE re-exported: its source is there)
    INFERENCE_DEFAULT_HARDWARE,
    SERVING,
    check_keywords,
)
from estimator.services.limits.reports import estimate_flops
from estimator.services.model_shape import resolve_architecture
from estimator.services.serving import accuracy as serving_accuracy
from estimator.services.serving.words import MILLION_TOKENS

# Keys of the serving result's dict that repeat another's number (issue 55: one TPOT under three names), left out
# of the report's JSON; each one's meaning stays in the JSON contract (docs/reference/contract.md).
SAME_NUMBER = {
    "latency_s_per_token": "seconds_per_output_token",  # TPOT: one decode step, what one user waits between tokens
    "compute_s_per_step": "step_s.compute",
    "memory_s_per_step": "step_s.memory",
}
# Assumptions whose value the JSON gives at a key of its own (serving-engineer review 2026-11-29: the power per device
# under `power_w_per_device` and `assumptions.power_w.value`): the assumption keeps its unit, origin and source and
# says where its value is (`value_at`), where the two are the same number.
ASSUMPTION_VALUE_AT = {
    "power_w": "power_w_per_device", "device_hours": "device_hours", "utilization": "utilization",
    "prompt_tokens": "prompt_tokens", "tokens_per_query": "tokens_per_query", "architecture": "architecture.name",
    # a replica's devices are its tensor-parallel group, or its expert-parallel one (contract audit 2026-12-01: the
    # count was repeated from `tp`)
    "devices_per_replica": ("tp", "ep"),
}
# Figures that are another's by construction, given once in the JSON (contract audit 2026-12-01): at one carbon
# intensity a break-even and a saving in CO₂e are the energy's, and with the same tokens a query a saving in energy per
# output token is the energy per query's. Each is left out where it equals the energy's (relative 1e-9), and the dict
# says so under SAME_AS_KEY; where it differs it stays.
SAME_AS_ENERGY = ("co2e_kg", "joules_per_output_token")
SAME_AS_KEY = "same_as_energy_kwh"
SAME_REL = 1e-9


def _same(a, b) -> bool:
    """Whether two figures (numbers, or [low, high] ranges) are one number: equal within ``SAME_REL``."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= SAME_REL * max(abs(a), abs(b))
    return False


def fold_same_as_energy(d: dict) -> dict:
    """``d`` with the figures of ``SAME_AS_ENERGY`` that equal its ``energy_kwh`` left out, their keys listed under
    ``SAME_AS_KEY`` (comma-separated; absent where none was left out)."""
    same = [k for k in SAME_AS_ENERGY if k in d and "energy_kwh" in d and _same(d[k], d["energy_kwh"])]
    out = {k: v for k, v in d.items() if k not in same}
    if same:
        out[SAME_AS_KEY] = ", ".join(same)
    return out


def _at(d: dict, dotted: str):
    for part in dotted.split("."):
        d = d.get(part) if isinstance(d, dict) else None
    return d


def assumptions_once(served: dict) -> dict:
    """``served``'s assumptions with each value given once: an assumption of ``ASSUMPTION_VALUE_AT`` whose value is
    the number (or name) at its key says ``value_at`` that key instead of repeating it."""
    out = {}
    for name, a in served["assumptions"].items():
        keys = ASSUMPTION_VALUE_AT.get(name, ())
        for key in (keys,) if isinstance(keys, str) else keys:
            if a.get("value") is not None and a["value"] == _at(served, key):
                a = {"value_at": key, **{k: v for k, v in a.items() if k != "value"}}
                break
        out[name] = a
    return out


@dataclass(frozen=True)
class InferenceReport:
    result: InferenceResult
    techniques: list
    training: Estimate
    training_source: str
    break_even: compression.BreakEven
    architecture_source: str = ""
    techniques_left_out: tuple[str, ...] = ()  # a row this hardware cannot serve, why (also in the result's notes)

    def to_dict(self) -> dict:
        """`inference --format json` (and the app's download): the tool (``tool``, as every JSON the CLI prints),
        the serving estimate with each number under one name (``SAME_NUMBER``: no alias of another key), then
        the techniques, training and the break-even."""
        t = self.training
        served = {k: v for k, v in self.result.to_dict().items() if k not in SAME_NUMBER}
        served["range"] = {k: v for k, v in served["range"].items() if k not in SAME_NUMBER}
        served["range_basis"] = {k: v for k, v in served["range_basis"].items() if k not in SAME_NUMBER}
        served["assumptions"] = assumptions_once(served)
        return {"tool": tool_info(), **served, "architecture_source": self.architecture_source,
                "techniques": [_technique_dict(x) for x in self.techniques],
                "training": {"flops": t.flops, "source": self.training_source, "energy_kwh": t.energy_kwh,
                             "co2e_kg": t.co2e_kg, "cost_usd": t.cost_usd,
                             "range": {k: list(t.range[k]) for k in ("energy_kwh", "co2e_kg", "cost_usd")}},
                "break_even": self._break_even_dict()}

    def _break_even_dict(self) -> dict:
        """The break-even without what the JSON holds under another name (serving-engineer review 2026-11-27): its
        training FLOPs are ``training``'s, its serving per query ``per_query``; its training energy and CO₂e (the
        devices' share, ``train_device_share``) are its own, and so is its cost where electricity prices it (the
        devices' share too; consistency review 2026-12-01: the JSON gave only training's whole $66k, the break-even
        had been taken at its $38k); a cost per device-hour is training's, given once."""
        d = {k: v for k, v in self.break_even.to_dict().items() if k not in ("train_flops", "per_query")}
        if d["train"].get("cost_usd") == self.training.cost_usd:
            d["train"] = {k: v for k, v in d["train"].items() if k != "cost_usd"}
        # the break-even in CO₂e is the energy's at one carbon intensity: given once (``fold_same_as_energy``)
        for part in ("queries", "tokens", "queries_range"):
            d[part] = fold_same_as_energy(d[part])
        return d


def _technique_dict(t) -> dict:
    """A technique's row, its saving in CO₂e and in energy per output token given once where they are the energy's
    (``fold_same_as_energy``), on its devices and on the baseline's."""
    d = t.to_dict()
    d["saving_fraction"] = fold_same_as_energy(d["saving_fraction"])
    if d.get("same_devices"):
        d["same_devices"] = {**d["same_devices"],
                             "saving_fraction": fold_same_as_energy(d["same_devices"]["saving_fraction"])}
    return d




# The most devices a latency bound's search takes where none are given: powers of two up to a scale-up domain, or up to
# this many past it, eight 8-GPU servers (a design choice: a replica of Llama 3.1 405B at 16 bits needs 16 H100s, and
# 32 meet a 35 ms TPOT; app review 2026-12-01: the search had stopped at one server and refused it)
BOUND_SEARCH_DEVICES = 64


def _on_devices_that_meet_it(exc: InputError, s: InferenceScenario, profile, fit,
                             inputs: dict) -> tuple[InferenceScenario, InferenceResult]:
    """A latency bound that the fewest devices holding the weights (the count where none is given) cannot meet: the
    scenario and the answer on the fewest devices, a power of two up to a scale-up domain or ``BOUND_SEARCH_DEVICES``
    (tensor parallelism chosen as on any count), that meet it, said in the layout's words, as a batch given takes the
    fewest that hold it (serving engineer's review 2026-12-01: `--tpot-ms 30` for Llama 3.1 70B on H100s was refused,
    "4 × h100-sxm meet it: give 4 devices", where `--batch-size 2000` took its 2 devices); where none does, the
    refusal on the count that comes nearest, one sequence split over all of it against each bound given (app review
    2026-12-01: "2 × h100-sxm … at least 34 ms", where 16 reach 15.5). A count or a degree given stays the user's, and
    a bound out of its own range is refused as it is (diff review 2026-12-01: `--tpot-ms 0.01` had been searched)."""
    fields = exc.field if isinstance(exc.field, tuple) else (exc.field,)
    if inputs.get("devices") is not None or inputs.get("tp") is not None or not {"tpot_ms", "ttft_ms"} & set(fields):
        raise exc
    try:
        check_scenario(s, profile)   # the inputs themselves: a refusal of them is no bound to search devices for
    except InputError:
        raise exc from None
    if fit.batch_one_only:   # an engine that takes no bound on any count: its own refusal, not a search's (serving
        raise exc            # review 2026-12-03: eager-2023's had read "none of the powers of two … tried meets it")
    upper = max(profile.server_devices or 1, BOUND_SEARCH_DEVICES)
    bounds_s = {k: float(inputs[k]) / MS_PER_S for k in ("tpot_ms", "ttft_ms") if inputs.get(k) is not None}
    nearest: tuple[float, int] | None = None
    refusals: dict[int, InputError] = {}
    n = 1
    while n <= upper:
        try:
            inference(replace(s, devices=n), profile, fit)
        except InputError as refused:
            refusals[n] = refused
            try:  # how near one sequence alone comes split over all n (its fastest), against each bound given
                alone = inference(replace(s, devices=n, tp=n, batch_size=1, tpot_ms=None, ttft_ms=None), profile, fit)
            except InputError:
                alone = None
            if alone is not None:
                reach = {"tpot_ms": alone.seconds_per_output_token, "ttft_ms": alone.ttft_s}
                worst = max(reach[k] / bound for k, bound in bounds_s.items())
                if nearest is None or worst < nearest[0]:
                    nearest = (worst, n)
            n *= 2
            continue
        if n == 1:  # the one device met it after all (the first refusal was another count's): nothing chosen
            raise exc
        bounds = " and ".join(f"{gfmt(float(x), 3)} ms {what}" for x, what in (
            (inputs.get("ttft_ms"), "to the first token"), (inputs.get("tpot_ms"), "per output token")) if x is not None)
        whose = f"the fewest, a power of two up to {upper:,}, that {BOUND_CHOSE_WORDS}, {bounds}; fewer do not"
        chosen = replace(s, devices=n, devices_whose=whose)
        return chosen, inference(chosen, profile, fit)
    if nearest is None:
        raise exc
    n = nearest[1]
    # the count said first as the search's, not the user's (serving engineer's review 2026-12-01: "no tensor-parallel
    # split of 8 × h100-sxm …" opened a refusal where no devices had been given)
    raise InputError(f"no devices given, and none of the powers of two up to {upper:,} × {profile.id} tried meets it; "
                     f"the nearest, {n}: {refusals[n]}", field=refusals[n].fields) from None


def _or_fewer_bits(exc: InputError, s: InferenceScenario, profile, fit, model: str | None = None) -> InputError:
    """A refusal for weights the devices given cannot hold, with the fewer bits a weight that they would hold, where
    some do (serving engineer's review 2026-12-01: Llama 3.1 70B on one H100 was told only to use more devices, where
    8-bit weights fit it); the refusal as it is otherwise."""
    # the weights' refusal, alone or inside a split's or a bound's (code review 2026-12-02: `--tpot-ms 100` for Llama
    # 3.1 70B on one H100 read "no tensor-parallel split … (the weights need 141 GB …)", without the bits that fit)
    words = str(exc)
    if s.devices is None or not (words.startswith(WEIGHTS_REFUSAL_START) or f"({WEIGHTS_REFUSAL_START} " in words):
        return exc
    if (bits := _fewer_bits_that_serve(s, profile, fit)) is None:
        return exc
    # the weights fit, not the batch asked for (it may be smaller); weight-only where the device has no peak at those
    # bits, as the estimate at them says
    return InputError(f"{exc}, or fewer bits a weight: at {bits} bits the weights fit"
                      f"{_weight_only_words(s, profile, bits, model)}", field=(*exc.fields, "bits"))


def _fewer_bits_that_serve(s: InferenceScenario, profile, fit) -> int | None:
    """The most bits a weight, fewer than ``s``'s, at which ``s`` is answered on its devices; None where none is."""
    for bits in sorted((b for b in BITS if b < int(s.bits)), reverse=True):
        try:
            inference(replace(s, bits=bits), profile, fit)
        except InputError:
            continue
        return bits
    return None


def _weight_only_words(s: InferenceScenario, profile, bits: int, model: str | None) -> str:
    """" (weight-only: …)" where ``bits`` would run weight-only on ``profile``: no peak at those bits, or an FP8 release
    on a device without an FP8 peak (an A100: ``fp8_weight_only``); "" else (code review 2026-12-02)."""
    if s.weight_only:
        return ""
    if not any(p in profile.peak_flops_per_s for p in PRECISIONS_FOR_BITS[bits]):
        return f" (weight-only: the {profile.id} states no {'/'.join(p.upper() for p in PRECISIONS_FOR_BITS[bits])} peak)"
    if fp8_weight_only(model, bits, profile):
        return f" (weight-only: the {profile.id} states no FP8 peak, and FP8 weights are served W8A16 there)"
    return ""


# the multiples of the devices given that a bound refused on them tries (``_or_what_meets_the_bound``): 2×, 4×, 8× (a
# design choice: a few searches)
BOUND_DEVICE_MULTIPLES = (2, 4, 8)


def _or_what_meets_the_bound(exc: InputError, s: InferenceScenario, profile, fit, model: str | None = None) -> InputError:
    """A latency bound that no split of the devices given meets, with what would: fewer bits a weight on those devices,
    and the fewest of 2×, 4× and 8× as many that meet it at the bits given (serving engineer's review 2026-12-02: 70B on
    2 H100s within 20 ms a token was refused naming neither, where 8 meet it); the refusal as it is otherwise."""
    if s.devices is None or not any(f in exc.fields for f in ("ttft_ms", "tpot_ms")) \
            or "serves the model within" not in str(exc):
        return exc
    ways, fields = [], list(exc.fields)
    for k in (int(s.devices) * m for m in BOUND_DEVICE_MULTIPLES):
        if k > B.DEVICES.high:
            break
        try:
            inference(replace(s, devices=k), profile, fit)
        except InputError:
            continue
        ways.append(f"{k:,} devices meet it")
        break
    if (bits := _fewer_bits_that_serve(s, profile, fit)) is not None:
        ways.append(f"at {bits} bits a weight the {int(s.devices):,} given do{_weight_only_words(s, profile, bits, model)}")
        fields.append("bits")
    if not ways:
        return exc
    return InputError(f"{exc}; {', or '.join(ways)}", field=tuple(dict.fromkeys(fields)))


def released_bits(model: str | None, profile=None) -> tuple[int, tuple[str]] | None:
    """Where no bits are given and ``model`` is a catalog model released with fewer than 16-bit weights (DeepSeek-V3
    and R1 at FP8, gpt-oss at MXFP4): those bits and the note that says so; None else (the default, 16). Serving
    engineer review 2026-11-27: DeepSeek-R1 on 8 H200s, as it is served, was refused at 16 bits by default, and
    gpt-oss-120b took 4 H100s where its card says one."""
    published = serving_data.catalog_model(model) if model is not None else None
    if published is None or not published.released_bits or published.released_bits >= DEFAULT_BITS:
        return None
    bits = published.released_bits
    # FP8 weights on a device without an FP8 peak (an A100): weight-only there (``fp8_weight_only``), as engines run
    # them (code review 2026-11-27; serving review 2026-11-30: they had been taken at its int8 peak)
    caveat = (f"; the {profile.name} has no FP8 peak: {FP8_WEIGHT_ONLY_WORDS}" if fp8_weight_only(model, bits, profile)
              else "")
    return bits, (f"weights: {bits} bits, as {published.name.split(' (')[0]} is released "
                  f"({published.released_bits_source}), {RELEASED_BITS_HERE}{caveat}; give 16 bits "
                  "to serve it at bf16",)


# FP8 weights on a GPU without FP8 tensor cores run weight-only, dequantised to 16 bits for the products: vLLM's
# FP8 Marlin kernels (vLLM docs, "FP8 W8A8": "FP8 models will run on compute capability >= 7.5 (Turing) as weight-only
# W8A16, utilizing FP8 Marlin"; vllm-project/vllm PR #5975)
FP8_WEIGHT_ONLY_WORDS = ("its FP8 weights are taken as served weight-only, dequantised to 16 bits for the matrix "
                         "products (W8A16, as vLLM runs FP8 checkpoints on NVIDIA GPUs without FP8 tensor cores, with "
                         "its FP8 Marlin kernels), so compute runs at its 16-bit peak")


def fp8_weight_only(model: str | None, bits, profile) -> bool:
    """Whether ``model``'s FP8 weights, a Hub checkpoint whose name says FP8 or a catalog model released in FP8
    (DeepSeek-V3, R1) with no other format named, served at 8 bits on ``profile``, a device without an FP8 peak (an
    A100), run weight-only (``FP8_WEIGHT_ONLY_WORDS``; diff review 2026-11-30: an INT8 or W8A8 checkpoint of DeepSeek-R1
    had been caught too, a Hub FP8 checkpoint missed)."""
    if model is None or profile is None or "fp8" in profile.peak_flops_per_s or not _is_eight(bits):
        return False
    named = serving_data.hub_bits(model)
    if named is not None:
        return "FP8" in named[1].split("-")
    return serving_data.catalog_model(model).released_bits == 8


def _is_eight(bits) -> bool:
    """Whether ``bits`` reads as 8 (anything else, a wrong type too, is left to the scenario's own refusal)."""
    return not isinstance(bits, bool) and isinstance(bits, (int, float)) and bits == 8


# What the released bits cover here: the blocks' matrices, attention's too, where a release may keep some at 16 bits
# (gpt-oss keeps attention at bf16); the embedding table and the LM head stay at 16, as every serving estimate holds
# them (serving review 2026-11-29: "every weight matrix at those bits" beside "the embedding table and the LM head …
# stay at 16 bits")
RELEASED_BITS_HERE = ("the blocks' weight matrices at those bits here, attention's too (a release may keep some at 16 "
                      "bits), the embedding table and the LM head at 16")


def default_bits(model: str | None) -> int:
    """The bits a model is served at where none are given: its released bits where fewer than 16 (``released_bits``:
    DeepSeek-V3/R1's 8, gpt-oss's 4), else the default 16 (the Inference page starts its choice there)."""
    if (named := serving_data.hub_bits(model)) is not None:  # a checkpoint whose name gives its format ("-FP8")
        return named[0]
    released = released_bits(model)
    return DEFAULT_BITS if released is None else released[0]


def default_query(model: str | None) -> tuple[float, float]:
    """The prompt and output tokens a query has where none are given: an MLPerf benchmark's dataset's where ``model``
    is named as one (``serving_data.benchmark_lengths``; a length it does not document, the default's), else
    ShareGPT's means (``inference_report`` fills them so; the Inference page starts its fields there)."""
    lengths = serving_data.benchmark_lengths(model) if model else None
    prompt, output = (None, None) if lengths is None else lengths[:2]
    return (float(DEFAULT_PROMPT_TOKENS if prompt is None else prompt),
            float(DEFAULT_TOKENS_PER_QUERY if output is None else output))


def _tighter_batch_words(tighter: InferenceScenario, profile, fit, how: str) -> str:
    """The batch that meets a bound held tighter (``tighter``: the scenario with it), with its layout (a tighter bound
    may take another split than the centre's, a wider one, faster a step), in words: "batch 5 per replica (tensor
    parallel 8 × 1 replica) meets it ``how`` (344 tokens/s)"; or that none does."""
    try:
        safe = inference(tighter, profile, fit)
    except InputError:
        return f"no batch meets it {how}"
    # on a subset, the rest idle, said (idle-devices review 2026-11-30: 4 of 5 named as if all served)
    idle = f", {hz.noun(f'{safe.idle_devices:,}', 'device')} idle" if safe.idle_devices else ""
    return (f"batch {safe.batch_size:,} per replica ({safe.split_words} × {safe.replicas} "
            f"replica{'s' if safe.replicas != 1 else ''}{idle}) meets it {how} ({hz.sig(safe.tokens_per_s)} tokens/s)")


def _ttft_bound_note(s, profile, fit, result, bound) -> tuple[str, ...]:
    """Where a TTFT bound (a p99) set the batch: the modelled p99 it was held to came out short of the measured on
    MLPerf's Server runs held out by model (``ServingFit.ttft_p99_held_out_ratio``), so the bound may be missed; the
    batch that meets it with the modelled p99 taken that much short (serving review 2026-11-29: a 150 ms bound met at
    exactly 150 ms, with no word of the 0.68 that validate reports). Nothing without a bound, where the batch was set
    otherwise, or where the engine's TTFT was not checked."""
    ratio = fit.ttft_p99_held_out_ratio
    if bound is None or ratio is None or ratio >= 1.0 or result.ttft_p99_s is None:
        return ()
    if result.ttft_p99_s * MS_PER_S < float(bound) * ratio:  # met with the measured shortfall to spare
        return ()
    there = _tighter_batch_words(replace(s, ttft_ms=float(bound) * ratio), profile, fit, "with that allowance")
    return (f"latency: the {gfmt(float(bound), 3)} ms TTFT bound (a p99) is met by the modelled p99 "
            f"({gfmt(result.ttft_p99_s * MS_PER_S, 3)} ms), which on MLPerf's Server runs, each model held out, came out "
            f"{ratio:.2f} of the measured p99 (geometric mean: too short), so the run may miss it; {there}",)


def _idle_devices_note(profile, result) -> tuple[str, ...]:
    """Where devices given serve nothing (``InferenceResult.idle_devices``): what they draw left on, idle (0.2 of the
    TDP, or of the chip's draw where the profile states no TDP) with their hosts' part, and what counting them would
    make of the energy at the wall and, priced per device-hour, of the cost, beside the figures, which count the
    serving devices (serving review 2026-11-30: 4 of 12 GPUs idle were said to be left out, with no figure of what
    they take). Nothing where none is idle."""
    n = result.idle_devices
    if not n or not result.devices or not result.tokens_per_s:
        return ()
    from estimator.core.hardware.power_base import power_base
    from estimator.core.serving.step import IDLE_POWER_FRACTION
    base = profile.power.tdp_w or (power_base(profile) or (None,))[0]
    if not base:
        return ()
    host_w = result.node_power_w / result.devices - result.power_w_per_device   # node_power_w: devices × (draw + host)
    idle_w = n * (IDLE_POWER_FRACTION * float(base) + host_w)
    wall = result.joules_per_output_token_at_wall
    if wall is None:
        return ()
    counted = (result.node_power_w + idle_w) / result.tokens_per_s
    one = n == 1
    words = (f"idle devices: the {hz.noun(f'{n:,}', 'device')} left idle, powered on, {'draws' if one else 'draw'} about "
             f"{hz.power(idle_w)} with {'its host' if one else 'their hosts'} ({IDLE_POWER_FRACTION:g} of {'the TDP' if profile.power.tdp_w else 'the chip draw'} "
             f"each, POLCA, and the host's part), which the figures above leave out: counted, the energy per output "
             f"token at the wall is {hz.joules(counted)}, not {hz.joules(wall)}")
    price = result.estimate.assumption("price_usd_per_device_hour")
    cost = result.per_token("cost_usd")
    if price is not None and price.value and cost is not None and result.estimate.assumption(
            "electricity_usd_per_kwh") is None:
        share = (result.devices + n) / result.devices   # the idle billed as the others are
        words += (f", and a million output tokens cost {hz.money(cost * share * MILLION_TOKENS)}, not "
                  f"{hz.money(cost * MILLION_TOKENS)} ({hz.money(n * float(price.value))} an hour more)")
    return (words,)


def _one_wider_replica_note(s: InferenceScenario, profile, fit, result) -> tuple[str, ...]:
    """Where the split chosen for the most tokens per second runs one sequence a replica, and one replica of a wider
    degree (the doublings of the chosen one up to all the devices, and all of them) takes a token at least 5% sooner:
    the fastest such replica's time per token, said beside the choice (serving-engineer
    review 2026-11-28, second: Llama 3.1 70B on 4 A100s with the latency engine took tensor parallelism 2 × 2
    replicas, 49.0 ms a token, where 4 takes 30.0, as LMDeploy's published 29 ms). Only for a batch of one sequence
    given (or the default one) and no latency bound, so that the degree said gives the time said (code review
    2026-11-28: a batch that memory or a bound held at one grows under a wider degree); none where the degree was
    given."""
    if (s.tp is not None or s.ep is not None or s.batch_size != 1 or s.tpot_ms is not None or s.ttft_ms is not None
            or result.batch_size != 1 or result.replicas < 2 or result.ep > 1):
        return ()
    wider = result.tp * result.replicas
    # all the devices as one replica, else the widest degrees that split the heads (serving review 2026-11-30: Llama 3.1
    # 405B on 72 GB200s took TP 2 × 36 at 31.5 ms, unsaid, where TP 72 splits no heads and TP 64 takes 17.7): the
    # fastest of the doublings of the chosen degree up to the devices, and all of them
    fastest = None
    for degree in sorted({result.tp * 2 ** k for k in range(1, wider.bit_length() + 1)} | {wider}):
        if not result.tp < degree <= wider:
            continue
        try:
            alone = inference(replace(s, tp=degree), profile, fit)
        except InputError:  # no such degree (the heads, a power of two): not weighed
            continue
        if fastest is None or alone.seconds_per_output_token < fastest[1].seconds_per_output_token:
            fastest = (degree, alone)
    if fastest is None or fastest[1].seconds_per_output_token >= LATENCY_GAIN_SAID * result.seconds_per_output_token:
        return ()
    degree, alone = fastest
    ms = lambda r: gfmt(r.seconds_per_output_token * MS_PER_S, 3)  # noqa: E731
    # the tokens/s that layout serves, its prompts' prefill counted as the throughput row counts it (serving review
    # 2026-12-03: 1 ÷ the time per token, 58.4 tokens/s, had stood beside a layout that serves 41.2)
    # and its time to the first token, where it is sooner too (serving engineer's review 2026-12-03: a 32,000-token
    # prompt's 1.10 s at TP 8 went unsaid beside the 3.22 s of the TP 2 replicas chosen)
    first = (f", and its first token after {hz.duration(alone.ttft_s)} against {hz.duration(result.ttft_s)}"
             if alone.ttft_s < result.ttft_s else "")
    return (f"latency: one replica of tensor parallelism {degree:,} at batch 1 takes {ms(alone)} ms a token, against "
            f"{ms(result)} ms for the {result.tp:,} × {result.replicas:,} replicas chosen for the most tokens per second "
            f"({hz.sig(alone.tokens_per_s)} tokens/s on {alone.devices:,} devices, against {hz.sig(result.tokens_per_s)} on "
            f"{result.devices:,}){first}; give that tensor parallelism for the least time per token",)


# How much sooner one wider replica must take a token for the note to say it: 5%, a design choice (below it the two
# layouts' times are inside each other's ranges many times over)
LATENCY_GAIN_SAID = 0.95


def _default_batch_note(s: InferenceScenario, profile, fit, result) -> tuple[str, ...]:
    """Where the batch is the default one (one request at a time) and the memory holds more, what a served stream's
    batch costs beside it (serving-engineer review 2026-11-29: Llama 3.1 8B on an H100 read $15 a million output tokens
    at batch 1, $0.18 at the largest batch, with no word but "batch 1" in the layout)."""
    if (s.batch_given or s.ttft_ms is not None or s.tpot_ms is not None  # a bound set the batch (diff review 2026-11-29)
            or result.batch_size != 1 or result.max_batch_size <= 1 or result.per_token("cost_usd") is None):
        return ()
    try:
        full = inference(replace(s, batch_size=MAX_BATCH_WORD, batch_given=True), profile, fit)
    except InputError:  # the largest batch refused where one sequence is served: nothing to set beside it
        return ()
    cost = full.per_token("cost_usd")
    if cost is None:
        return ()
    # which batch and layout those are, where they are not the memory's largest and this one's (serving review
    # 2026-11-29: "the largest batch the memory holds (751 per replica)" beside a layout whose memory row held 39 —
    # the 751 another layout's — and "(2,048 per replica)", the engine's cap, where the memory held 2,175)
    largest = (f"the largest batch the memory holds ({count_text(full.batch_size)} per replica" if
               full.batch_size >= full.max_batch_size else
               f"the engine's largest batch ({count_text(full.batch_size)} per replica, its scheduler's cap; the memory "
               f"holds {count_text(full.max_batch_size)}")
    # the split in the layout row's words: expert parallelism where it is one (serving review 2026-11-29: DeepSeek-V3
    # read "at tensor parallelism 1 × 1 replicas" for expert parallel 8)
    other = ("" if (full.tp, full.ep, full.replicas) == (result.tp, result.ep, result.replicas) else
             f", at {full.split_words} × {hz.noun(f'{full.replicas:,}', 'replica')}"
             + (f" ({hz.noun(f'{full.idle_devices:,}', 'device')} idle)" if full.idle_devices else "")
             + ", the split with the most tokens per second there")
    # one request at a time on each replica: a single user's latency only where there is one replica (serving-engineer
    # review 2026-11-29: 8 replicas at batch 1 were "a single user's latency", 8 requests in flight)
    alone = ("one request at a time, a single user's latency" if result.replicas == 1 else
             f"one request at a time on each replica, {result.replicas:,} in flight")
    # at a price of zero the costs are both $0: the tokens/s alone (serving review 2026-11-30: "$0, not $0")
    what = (f"{hz.sig(full.tokens_per_s)} tokens/s, not {hz.sig(result.tokens_per_s)}; give the batch or a latency "
            "bound to serve so" if not cost else
            f"a million output tokens cost {hz.money(cost * MILLION_TOKENS)}, not "
            f"{hz.money(result.per_token('cost_usd') * MILLION_TOKENS)} ({hz.sig(full.tokens_per_s)} tokens/s; give "
            "the batch or a latency bound to serve so)")
    return (f"batch: the default, 1 ({alone}); a stream of requests batches them: at {largest}{other}) {what}",)


# How much less a million output tokens must cost on more devices for the note to say so: 1.2×, a design choice (below
# it the two figures are inside each other's 80% ranges)
MORE_DEVICES_CHEAPER = 1.2


def _more_devices_note(s: InferenceScenario, profile, fit, result, inputs: dict) -> tuple[str, ...]:
    """Under a latency bound with no devices, degree or batch given, where 2× or 4× the devices taken (the fewest) meet
    it too at a million output tokens ``MORE_DEVICES_CHEAPER`` times cheaper or more (a larger batch on each), what they
    cost (app review 2026-12-01: Llama 3.1 70B within 40 ms took 2 H100s at batch 1, $130 a million output tokens, where
    4 served batch 70 at $3.0, unsaid)."""
    if (any(inputs.get(k) is not None for k in ("devices", "tp", "ep")) or s.batch_given
            or (s.ttft_ms is None and s.tpot_ms is None)):
        return ()
    cost = result.per_token("cost_usd")
    if not cost:
        return ()
    upper = max(profile.server_devices or 1, BOUND_SEARCH_DEVICES)
    best = None
    for more in (2 * result.devices, 4 * result.devices):
        if more > upper:
            break
        try:
            other = inference(replace(s, devices=more, devices_whose=None), profile, fit)
        except InputError:
            continue
        c = other.per_token("cost_usd")
        if c and (best is None or c < best[0]):
            best = (c, more, other)
    if best is None or cost / best[0] < MORE_DEVICES_CHEAPER:
        return ()
    c, more, other = best
    return (f"devices: {count_text(more)} × {profile.id} meet the bound too, at {hz.money(c * MILLION_TOKENS)} a million "
            f"output tokens, {gfmt(cost / c, 3)}× less than on the {count_text(result.devices)} taken (the fewest that "
            f"meet it; {hz.money(cost * MILLION_TOKENS)}): a batch of {count_text(other.batch_size)} a replica at "
            f"{other.split_words} × {hz.noun(f'{other.replicas:,}', 'replica')}, where the {count_text(result.devices)} "
            f"serve a batch of {count_text(result.batch_size)}; give {count_text(more)} devices to serve so",)


def _speculative_measured_note(result) -> tuple[str, ...]:
    """With draft tokens, how the step's cost compared with the speculative steps this project measured, beside the
    naive baseline of the same run (evidence audit 2026-11-29: the note had quoted two published speed-ups "within 3%",
    no baseline, where the measured steps say the speed-up is overstated)."""
    if not result.draft_tokens:
        return ()
    from estimator.services.serving.measured_speculative import measured_speculative_document
    d = measured_speculative_document()
    r, naive = d["ratio"], d["naive_ratio"]
    on = ", ".join(sorted({row["hardware"] for row in d["rows"]}))
    shapes = ", ".join(sorted({row["model"] for row in d["rows"]}))
    batches = sorted({row["batch"] for row in d["rows"]})
    # one decoder's measurement, said as such (review 2026-11-29: it read as this scenario's "here")
    return (f"speculative steps this project measured ({r['n']} on {on}, a decoder shaped as {shapes}, batches "
            f"{batches[0]:,}–{batches[-1]:,}, judged by the {d['engine']} engine, never fitted; {d['data']}): the step "
            f"model put a speculative step at {r['geometric_mean_ratio']:.2f}× the plain-step ratio measured (geometric "
            f"mean; {r['median_factor']:.2f}× off in the median, against {naive['median_factor']:.2f}× for drafts taken "
            f"as free), so on that decoder its speed-ups were about {r['median_factor'] - 1:.0%} too high "
            "(`python -m estimator validate --inference`)",)


def _one_beam(beams) -> bool:
    """No beam search asked for: beams not given, or one (a number of any type; a signalling NaN compares as no number,
    for the checks to refuse: parity review 2026-12-03, Decimal('sNaN') raised inside the comparison)."""
    return beams is None or (v.is_real_number(beams) and v.plain_number(beams) == 1)


def inference_report(*, hardware: str | None = INFERENCE_DEFAULT_HARDWARE, tokens: float | None = None, params: float | None = None, model: str | None = None,
                     layers=None, d_model=None, heads=None, kv_heads=None, vocab=None, head_dim=None,
                     country: str | None = None, region: str | None = None, cloud: str | None = None,
                     train_flops: float | None = None,
                     train_tokens: float | None = None, engine: str | None = DEFAULT_ENGINE, **inputs) -> InferenceReport:
    """Serving ``tokens`` tokens of a model on ``hardware``: the serving model's figures with their
    ranges, each compression technique's saving (illustrative settings for those not chosen, as
    both the CLI and the app show them), and the queries after which serving outgrows
    training (on the same hardware, grid and price; training FLOPs = 6·N·D, with D the tokens given,
    else a catalog model's published ones, else 20·N). The model: a catalog id (``model``), an architecture, or ``params`` alone (the
    catalog's nearest shape, stated in the notes). ``engine``: whose fitted costs (``serving.ENGINES``). A
    keyword that is none of the declared serving inputs (``inputs.SERVING``) is refused by name."""
    check_keywords(inputs, SERVING)
    # None is "not given", as for the hardware and the batch; empty text refused in its own words, as the CLI refuses
    # it (serving-engineer review 2026-11-30: engine=None was "unknown engine None", model="" an unknown model)
    engine = DEFAULT_ENGINE if engine is None else engine
    text_or_none("model", model)
    hardware = hardware_text(hardware)
    if isinstance(engine, str) and not engine.strip():  # other kinds of value are no engine's name (its own refusal)
        text_or_none("engine", engine)
    # the tokens in all: only the totals scale with them, so a question of rates needs none (serving review
    # 2026-11-30: `inference --model … --batch-size max` was refused for want of --tokens)
    tokens_how = ()
    if tokens is None:
        tokens = DEFAULT_TOKENS
        tokens_how = (f"tokens in all: {gfmt(DEFAULT_TOKENS)} (none given, illustrative): the totals scale with them, "
                      "the rates, latencies and per-token figures do not",)
    benchmark_beams = serving_data.benchmark_beams(model) if inputs.get("beams") is None else None
    if benchmark_beams:  # MLPerf's benchmark name: its decoding (GPT-J's 4 beams), as its results were measured
        inputs["beams"] = benchmark_beams
    # the benchmark's draft, unless one is given or beam search asked for (the two do not go together)
    benchmark_draft = (serving_data.benchmark_draft_tokens(model)
                       if inputs.get("draft_tokens") is None and _one_beam(inputs.get("beams")) else None)
    if benchmark_draft:  # its speculative decoding, as the benchmark's rules require it (DeepSeek-R1 Interactive)
        inputs["draft_tokens"] = benchmark_draft
    # the "-interactive" variant's latency bounds, each where none is given (serving-engineer review 2026-11-28: the
    # name took the dataset's lengths and the draft but not the bounds that make the variant what it is)
    bounds_how = ()
    if (interactive := serving_data.benchmark_interactive_bounds(model)) is not None:
        taken = [(key, ms) for key, ms in zip(("ttft_ms", "tpot_ms"), interactive) if inputs.get(key) is None]
        inputs.update(taken)
        if taken:
            words = " and ".join(f"{'TTFT' if k == 'ttft_ms' else 'TPOT'} ≤ {ms:,g} ms" for k, ms in taken)
            bounds_how = (f"latency: {words} (p99), MLPerf's {model} benchmark's bounds ({serving_data.MLPERF_CONF_SOURCE});"
                          " a bound given replaces its own",)
    if inputs.get("acceptance") is not None and not inputs.get("draft_tokens"):
        # a draft's acceptance without a draft would be dropped in silence (review 2026-11-27); one outside its bound
        # is refused in the bound's words first, as every input is
        words, bound = SERVING_BOUNDS["acceptance"]
        v.require_number_in(words, inputs["acceptance"], bound, field="acceptance")
        raise InputError("the acceptance is the chance a draft token is accepted: give draft tokens with it, or no "
                         "acceptance", field=("acceptance", "draft_tokens"))
    # MLPerf's benchmark name: its dataset's prompt and output tokens a sample, where the query's are not given
    lengths = serving_data.benchmark_lengths(model)
    lengths_how, query_from = (), ()
    if lengths is not None:
        words = {"prompt_tokens": "prompt", "tokens_per_query": "output"}
        asked = [key for key in words if inputs.get(key) is None]
        taken = [(key, value) for key, value in zip(words, lengths[:2]) if key in asked and value is not None]
        inputs.update(taken)
        query_from = tuple((key, f"MLPerf's {model} benchmark ({lengths[2]})") for key, _ in taken)
        if taken:
            lengths_how = (f"query: {' and '.join(f'{v:,g} {words[k]}' for k, v in taken)} tokens, as MLPerf's "
                           f"{model} benchmark ({lengths[2]})",)
        untold = [key for key, value in zip(words, lengths[:2]) if key in asked and value is None]
        if untold:  # the default kept where MLPerf documents no mean (deepseek-r1's prompts)
            told = " or ".join(words[k] for k in untold)
            lengths_how += (f"query: MLPerf's {model} benchmark documents no mean {told} length: the default's taken "
                            f"(give the {told} tokens to set it)",)
    if isinstance(inputs.get("batch_size"), str) and inputs["batch_size"].strip().lower() == MAX_BATCH_WORD:
        inputs["batch_size"] = MAX_BATCH_WORD  # as the CLI reads the word, in any case (review 2026-11-27: "MAX")
    # else the default batch, said as the default; the largest a bound allows, where no batch was given, is not asked
    # for either (its words do not say max was asked: serving review 2026-11-29)
    batch_given = inputs.get("batch_size") is not None
    if inputs.get("batch_size") is None and (inputs.get("ttft_ms") is not None or inputs.get("tpot_ms") is not None):
        inputs["batch_size"] = MAX_BATCH_WORD  # a latency bound without a batch: the largest batch that meets it
    if not isinstance(engine, str):  # a list is no engine, and no TypeError either (audit)
        raise InputError(f"unknown engine {repr(engine)[:40]}: use one of {', '.join(ENGINES)}", field="engine")
    # in any case, as the CLI reads it (serving engineer's review 2026-12-01: "vLLM-2024" refused)
    engine = engine.strip().lower() if engine.strip().lower() in ENGINES else engine
    compression.check_train_inputs(train_flops, train_tokens)
    # checked numbers of any real type (a Fraction, a numpy scalar) as the floats the text takes
    train_flops, train_tokens = (None if x is None else float(x) for x in (train_flops, train_tokens))
    train_given = ("train_flops",) if train_flops is not None else ("train_tokens",) if train_tokens is not None else ()
    params, arch, arch_how = resolve_architecture(params=params, model=model, layers=layers, d_model=d_model,
                                                  heads=heads, kv_heads=kv_heads, vocab=vocab, head_dim=head_dim)
    # None: the default, as `estimate` and `plan` take it (API audit 2026-11-27: "got None"); empty text refused in
    # their words (API review 2026-11-28), above (``hardware_text``)
    profile = default_profiles().get(hardware if hardware is not None else INFERENCE_DEFAULT_HARDWARE)
    fit = serving_data.load_serving_fit(engine)
    released_how = ()
    # a weight-only format's activations stay at 16 bits, whatever bits are given or read from its name: its products
    # at the 16-bit peak (diff review 2026-11-30: GPTQ-Int8 had been computed at the FP8 peak); bits given (a caller's
    # or a link's) as well as read, so this is not in the branch below alone
    inputs["weight_only"] = serving_data.hub_weight_only(model) or None
    if inputs.get("bits") is None and (named := serving_data.hub_bits(model)) is not None:
        inputs["bits"] = named[0]
        released_how = (f"weights: {named[0]} bits, as the checkpoint's name says ({named[1]}"
                        + (", weight-only: activations at 16 bits" if inputs["weight_only"] else "")
                        + "); give the bits to serve it otherwise",)
    elif inputs.get("bits") is None and (bits := released_bits(model, profile)) is not None:
        inputs["bits"], released_how = bits
    # FP8 weights at 8 bits on a device without an FP8 peak: weight-only, the bits given or the release's
    if fp8_weight_only(model, inputs.get("bits"), profile):
        inputs["weight_only"] = True
    ci, ci_source = grid.resolve_grid(inputs.pop("carbon_intensity_g_per_kwh", None), region, cloud, country)
    s = InferenceScenario(params=params, tokens=tokens, architecture=arch, carbon_intensity_g_per_kwh=ci,
                          carbon_intensity_source=ci_source, batch_given=batch_given, query_from=query_from,
                          **{k: x for k, x in inputs.items() if x is not None})
    try:
        try:
            result = inference(s, profile, fit)
        except InputError as exc:
            s, result = _on_devices_that_meet_it(exc, s, profile, fit, inputs)
    except InputError as exc:
        refused = _or_what_meets_the_bound(_or_fewer_bits(exc, s, profile, fit, model), s, profile, fit, model)
        if bounds_how and any(f in (refused.fields or ()) for f in ("ttft_ms", "tpot_ms")):
            # bounds the user did not give are said to be the benchmark's (code review 2026-11-28: the refusal named
            # 500 ms and 30 ms, and not where they came from)
            refused = InputError(f"{refused}; the bounds are MLPerf's {model} benchmark's (give bounds to set others)",
                                 field=refused.fields)
        raise refused from None
    beams_how = ((f"beams: {benchmark_beams} a request, as MLPerf's {model} benchmark decodes; 1 beam given decodes "
                  "greedily, one sequence a request",) if benchmark_beams else ())
    if benchmark_draft:
        beams_how += (f"speculative decoding: {benchmark_draft} draft tokens a step, as MLPerf's {model} benchmark "
                      "requires (EAGLE-style decoding with the model's MTP head, speculative-num-steps 3: MLCommons, "
                      "mlcommons.org/2026/03/mlperf-inference-gpt-oss); 0 draft tokens given serve it without",)
    grid_note = grid.given_intensity_note(ci, ci_source)  # an intensity in kg/kWh by mistake (researcher review)
    place_note = grid.place_set_aside_note(ci, ci_source, region, country)   # a place's own set aside, as `estimate`
    # a cloud region's grid with the profile's price at another provider, said as `estimate` says it
    # (serving-engineer review 2026-11-28, second: `--cloud gcp:europe-west1` priced at AWS's p5 rate without a word)
    price_note = another_clouds_price_note(result.estimate, region, cloud, country)
    result = replace(result, notes=(f"architecture: {arch_how}",) + tokens_how + released_how + beams_how + lengths_how + bounds_how
                     + result.notes
                     + serving_accuracy.domain_notes(result) + tuple(n for n in (grid_note, place_note, price_note) if n))
    published = serving_data.catalog_model(model) if model is not None else None
    if published is not None and published.released_bits and result.bits > published.released_bits:
        # the checkpoint as released is smaller than what is served (review 2026-11-26: DeepSeek-V3 at 16 bits on
        # 32 H100s, gpt-oss-120b on 4, with no word that they ship at 8 and 4)
        # the bits served may be a default or given (a front end passes its default as a value): not said which
        result = replace(result, notes=(
            f"weights: {published.name.split(' (')[0]} is released with {published.released_bits}-bit weights "
            f"({published.released_bits_source}); served here at {result.bits} bits: {published.released_bits}-bit "
            f"weights serve it near its release ({RELEASED_BITS_HERE})",) + result.notes)
    result = replace(result, notes=result.notes + _idle_devices_note(profile, result)
                     + _one_wider_replica_note(s, profile, fit, result)
                     + _default_batch_note(s, profile, fit, result) + _more_devices_note(s, profile, fit, result, inputs)
                     + _speculative_measured_note(result))
    bound = inputs.get("tpot_ms")
    # the step's p99 at the centre and at the range's top: the steady TPOT ÷ the share of a p99 bound engines' means
    # hold (ServingFit.server_share, MLPerf Server runs; 1 for one sequence alone or a static batch: p99_share)
    share = p99_share(fit.server_share, result.batch_size, fit.static_batch)
    p99_s = result.seconds_per_output_token / share
    high = result.range["seconds_per_output_token"][1] / share
    if bound is not None and high * MS_PER_S > float(bound):
        # the bound met at the centre, not at the range's top, said with the batch that meets it there (serving
        # review 2026-11-26: 49.9 ms for a 50 ms bound, its range to 72.7 ms, without a word)
        there = _tighter_batch_words(replace(s, tpot_ms=float(bound) * p99_s / high), profile, fit,
                                     "at the range's top")
        result = replace(result, notes=(
            f"latency: the {gfmt(float(bound), 3)} ms TPOT bound (a p99) is met at the centre (a steady TPOT of "
            # each steady TPOT with the p99 it implies (serving review 2026-12-02: "0.69 of 19.9 ms" read as a
            # share of the bound)
            f"{gfmt(result.seconds_per_output_token * MS_PER_S, 3)} ms, a p99 of {gfmt(p99_s * MS_PER_S, 3)} ms at "
            f"{share:.2f} of it), not across the {result.level:.0%} range (its top "
            f"{gfmt(result.range['seconds_per_output_token'][1] * MS_PER_S, 3)} ms, a p99 of "
            f"{gfmt(high * MS_PER_S, 3)} ms); {there}",) + result.notes)
    result = replace(result, notes=_ttft_bound_note(s, profile, fit, result, inputs.get("ttft_ms")) + result.notes)
    if train_flops is None:
        if train_tokens is None and published is not None and published.train_tokens is not None:
            # the model's own pretraining tokens (Llama 3 8B: 15T, 1,870 per parameter, not Chinchilla's 20:
            # at batch 1 on an H100 the break-even moved from 5.15 million queries to 320 million; audit)
            train_tokens, tokens_how = published.train_tokens, f" (published: {published.train_tokens_source})"
        else:
            tokens_how = ""
        d = train_tokens if train_tokens is not None else compression.training_tokens_default(
            params, scaling.CHINCHILLA_TOKENS_PER_PARAM)
        # a mixture of experts trains its active parameters per token: 6·N_active·D (Kaplan et al.'s
        # 6·N counts the parameters a token passes through; Fedus et al. 2022, arXiv:2101.03961, §2)
        active = min(float(arch.active_params), params) if arch.active_params else params
        train_flops = float(dense_training_flops(active, d))
        n_label = "N" if active == params else f"N_active ({gfmt(active, 3)} of {gfmt(params, 3)} parameters)"
        how = (f"6·{n_label}·D with D = {gfmt(d, 3)} tokens" + (tokens_how if train_tokens is not None else
                                                  f" ({gfmt(scaling.CHINCHILLA_TOKENS_PER_PARAM)} tokens per parameter, Hoffmann et al. 2022)"))
    else:
        how = "given"
        # fewer than one token's training of the model served is no training run (serving-engineer review 2026-11-29:
        # 1 FLOP read "serving outgrows training after the first query")
        active = min(float(arch.active_params), params) if arch.active_params else params
        one_token = float(dense_training_flops(active, 1))
        if train_flops < one_token:
            raise InputError(f"the training FLOPs, {gfmt(train_flops, 3)}, are fewer than one token's training of the "
                             f"model served (6·N = {gfmt(one_token, 3)}): give the FLOPs of its whole training run",
                             field="train_flops")
    # the same site; training draws the profile's average training power, not the serving power given for serving
    setting = {k: getattr(s, k) for k in SITE_INPUTS} | {"power_w": None}
    def out_of_bounds(device_hours: float) -> ResultOutOfBounds:
        # the break-even's training run, not the serving asked for (CLI audit: it named --utilization)
        what = f"{gfmt(train_flops, 3)} FLOPs given" if how == "given" else how
        more = "more" if device_hours < B.DEVICE_HOURS.low else "fewer"
        return ResultOutOfBounds(f"the training run that serving is compared with ({what}) would take "
                                 f"{past_words(device_hours)}: give {more} training FLOPs or "
                                 "tokens", field=train_given or ("train_flops", "train_tokens"), device_hours=device_hours)
    try:
        training = estimate_flops(train_flops, hardware, setting)
    except ResultOutOfBounds as exc:
        raise out_of_bounds(exc.device_hours) from None
    if training.device_hours < B.DEVICE_HOURS.low:
        # under the one device-millisecond an estimate covers, as `estimate` refuses it (api.estimated; carried from the
        # 2026-12-03 note: `--train-tokens 1` had printed "training costs 0.000351 of one" query)
        raise out_of_bounds(training.device_hours)
    techniques, left_out = compression.techniques(s, profile, fit)
    if left_out:
        result = replace(result, notes=result.notes + left_out)
    return InferenceReport(result, techniques, training,
                           f"{how}, on {profile.id} (profile's utilisation and training power)",
                           compression.break_even(training, result), arch_how, left_out)


__all__ = ["INFERENCE_DEFAULT_HARDWARE", "LATENCY_GAIN_SAID", "SAME_NUMBER", "InferenceReport", "default_bits",
           "default_query", "inference_report", "released_bits"]
