"""What serving a model comes to: the result of ``estimator.core.serving.estimate.inference``.

Pure: a frozen dataclass of the step's parts, the per-token and total figures, their ranges and
notes, with the derived figures (throughput, per query) and the plain-number form ``to_dict``.
How each figure is computed, and what it means, is in ``estimator/core/serving/estimate.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from estimator.core.base.interval import EXACT, LEVEL, PREDICTION, STATED
from estimator.core.footprint.total import FOOTPRINT_ASSUMPTIONS, Footprint
from estimator.core.serving.engines import EAGER_ENGINE, LATENCY_ENGINE, VLLM_ENGINE
from estimator.core.serving.step import Architecture
from estimator.core.training.estimate import Estimate

# What each range rests on, as training's ``range_basis`` says it (estimator.core.base.interval): the footprint's are
# as its sources state (embodied carbon per device-hour, water per kWh: no level, no measured coverage; CLI review
# 2026-11-27: they were printed and exported as if they were the engine's 80% intervals), memory's is arithmetic,
# the rest are the engine's fitted intervals.
STATED_RANGES = ("embodied_co2e_kg", "water_l")
EXACT_RANGES = ("memory_gb",)
# The engines whose device energy was measured, its J/token coverage in `validate --inference`: vllm-2024 and
# eager-2023 (ML.ENERGY's Zeus readings), latency (this project's NVML decode steps, estimator/data/measured_decode.csv);
# the optimised engine's energy range is borrowed (the wider of its time's and vllm-2024's), so it is stated, not an
# interval whose coverage was measured (evidence audit 2026-11-29), unless the power is given (the energy is then the
# time's range × it)
ENERGY_MEASURED_ENGINES = (VLLM_ENGINE, EAGER_ENGINE, LATENCY_ENGINE)
ENERGY_RANGES = ("joules_per_output_token", "energy_kwh", "co2e_kg")


def range_basis(key: str, stated: tuple[str, ...] = ()) -> str:
    """The basis of the range of the quantity named ``key`` (its last name in the JSON: ``per_query.water_l``'s is
    ``water_l``'s); ``stated``: the keys whose ranges are stated besides the footprint's
    (``InferenceResult.stated_ranges``)."""
    if key in stated:
        return STATED
    return STATED if key in STATED_RANGES else EXACT if key in EXACT_RANGES else PREDICTION


# What the time to the first token adds up where a request waits for its own prompt only (``throughput.ttft_words``)
ONE_PROMPT_TTFT = "the prompt's prefill and one step"


# The words a layout's reason for its devices holds where a latency bound chose them (``InferenceResult.devices_words``;
# the Inference page reads them by these words)
BOUND_CHOSE_WORDS = "meet the bound"


@dataclass(frozen=True)
class InferenceResult:
    hardware_id: str
    params_served: float          # after distillation and pruning
    architecture: Architecture    # served (a student has fewer layers)
    bits: int
    kv_bits: int
    precision: str                # whose peak bounds the compute-bound phases
    peak_flops_per_s: float
    utilization: float            # fraction of that peak achieved in compute-bound phases
    flops_per_token: float        # decode, at the average context, a token emitted (with a draft: its passes and the
    #                               verified positions, rejected ones too, over the tokens a step emits)
    weights_gb: float
    kv_cache_gb: float            # the batch's KV cache at full length (prompt + answer)
    devices: int                  # all of them: tp × ep × replicas
    batch_size: int               # per replica
    max_batch_size: int           # the largest batch whose KV cache fits beside the weights
    compute_s_per_step: float
    memory_s_per_step: float
    prefill_s_per_step: float
    tensor_parallel_s_per_step: float
    engine_s_per_step: float
    bound: str                    # of the GPU part: "memory" or "compute" (a mixed step's with its prompts' prefill)
    seconds_per_output_token: float   # TPOT: what one user waits between tokens: a step (with a draft, the step ÷
    #                                   the tokens it emits) but the request's own prompt's prefill, which the TTFT holds
    power_w_per_device: float
    joules_per_output_token: float    # devices only, before PUE
    tokens: float
    tokens_per_query: float
    prompt_tokens: float
    estimate: Estimate            # totals for all tokens
    range: dict                   # key → (low, high); "per_query" and "per_token" → key → (low, high)
    level: float = LEVEL
    range_meaning: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    chip: str = "GPU"             # what the roofline part runs on, in words: GPU, TPU, CPU or device
    engine: str = VLLM_ENGINE     # whose fitted engine costs (estimator.core.serving.step.ENGINES)
    sparsity: float = 0.0         # the fraction of weights pruned
    pruned_skipped: bool = False  # the kernels skip them (2:4 on sparse tensor cores: estimator.core.serving.pruning)
    teacher_params: float | None = None  # distilled: the model the student is distilled from
    tp: int = 1                   # tensor-parallel degree: the devices of one replica
    replicas: int = 1             # replicas side by side (devices ÷ tp), each its own batch
    idle_devices: int = 0         # devices given that serve nothing (a subset of them serves more), not in ``devices``
    nodes_per_replica: int = 1    # scale-up domains one replica spans
    domains_word: str = "nodes"   # what they are called (``HardwareProfile.domains_word``)
    ttft_s: float = 0.0           # time to the first token: a prompt's prefill (a static batch's: all its prompts') and a step
    ttft_how: str = ONE_PROMPT_TTFT  # what the TTFT adds up, in words (throughput.ttft_words)
    # under a TTFT bound (`ttft_ms`, a p99): the p99 the batch was held to, under its own stream of requests
    # (core.serving.throughput.ttft_p99_s); None without one
    ttft_p99_s: float | None = None
    # the p99 bounds given (`ttft_ms`, `tpot_ms`; None: not given) and the steady TPOT the batch was held under, the
    # share of the TPOT bound engines' means hold (``throughput.p99_share``) (serving engineer's review 2026-11-30: they
    # were in the notes alone)
    ttft_bound_ms: float | None = None
    tpot_bound_ms: float | None = None
    tpot_steady_bound_ms: float | None = None
    node_power_w: float = 0.0     # the devices and their hosts at the wall, before PUE
    batch_words: str = ""         # what set the batch, where a layout was chosen ("the largest the memory holds")
    batch_lowered: bool = False   # a batch given that a TTFT or TPOT bound lowered (``batch_words`` says from what)
    devices_words: str = ""       # why the devices are as many, where a layout was chosen ("given", "the fewest, a power
    #                               of two up to 64, that meet the bound, …"): the layout note's words, for a page's line
    footprint: Footprint | None = None   # embodied CO₂e and water of the tokens, with ranges
    beams: int = 1                # beam search's width: sequences each request decodes (one token counted a step)
    ep: int = 1                   # expert-parallel degree: the devices of one replica (tp 1 then), each its own sequences
    expert_parallel_s_per_step: float = 0.0   # the all-to-alls of expert parallelism
    mixed_prefill: bool = False   # the engine's prompts ride in the decode step: max(memory, compute + prefill)
    static_batch: bool = False    # a static batch: every prompt of the batch prefilled before its first token
    draft_tokens: int = 0         # speculative decoding: tokens a draft head proposes a step (0: none)
    acceptance: float | None = None  # the chance each draft token is accepted, given the ones before it were (None:
    #                                  no draft)
    tokens_per_step: float = 1.0  # tokens a sequence emits a step (1 without a draft)
    draft_s_per_step: float = 0.0  # the draft head's passes, a step
    # each device's power limit (None: none), and where it binds, the draw it holds down and how much longer the
    # devices' part of a step runs under it (1: not binding)
    power_limit_w: float | None = None
    unlimited_power_w_per_device: float | None = None
    power_limit_stretch: float = 1.0
    prefill_limit_stretch: float = 1.0   # a prompt's prefill alone under the limit (the time to the first token)
    # of ``prefill_s_per_step``, a request's own prompt's: prefilled before its first token, it is in no step the
    # request waits on (not in the TPOT), but in the time a token is served (``step.own_prompt_share``)
    own_prefill_s_per_step: float = 0.0
    # that prompt's tensor-parallel all-reduces, a step's share (``Step.own_tp_s``): in a token served, not in the TPOT
    own_tensor_parallel_s_per_step: float = 0.0
    # that prompt's prefill step's engine cost, a step's share, in an engine that prefills new prompts as steps of
    # their own (``Step.own_engine_s``): in a token served, not in the TPOT
    own_engine_s_per_step: float = 0.0

    @property
    def prefill_phase_held(self) -> bool:
        """An engine that prefills as its own phase holds that phase to the power limit by its own stretch, longer
        than the rest of the step's (the step's ``prefill_held_stretch``; the CLI's time and power notes say it)."""
        return not self.mixed_prefill and self.prefill_limit_stretch > max(self.power_limit_stretch, 1.0)

    @property
    def devices_per_replica(self) -> int:
        """The devices of one replica: its tensor-parallel degree, or its expert-parallel group."""
        return self.tp * self.ep

    @property
    def split_words(self) -> str:
        """How one replica splits the model: "tensor parallel 8", or "expert parallel 8" (attention data-parallel)."""
        return f"expert parallel {self.ep}" if self.ep > 1 else f"tensor parallel {self.tp}"

    @property
    def memory_gb(self) -> float:
        """Weights plus the batch's KV cache."""
        return self.weights_gb + self.kv_cache_gb

    @property
    def latency_s_per_token(self) -> float:
        return self.seconds_per_output_token

    @property
    def others_prefill_s_per_step(self) -> float:
        """Of the step's prefill, the other requests' prompts: those a request's own steps carry (in its TPOT)."""
        return self.prefill_s_per_step - self.own_prefill_s_per_step

    @property
    def served_seconds_per_output_token(self) -> float:
        """A sequence's time per output token served: the TPOT and its own prompt's prefill, over the tokens it emits
        a step. The same at a large batch, where nearly every prompt rides in other sequences' steps; at a batch of 1
        the prompt's prefill and the decode add up. Throughput, time per token, energy and the totals follow it."""
        return (self.seconds_per_output_token
                + (self.own_prefill_s_per_step + self.own_tensor_parallel_s_per_step + self.own_engine_s_per_step)
                / self.tokens_per_step)

    @property
    def seconds_per_token(self) -> float:
        """Wall time per token with every replica's batch served: the time per output token served ÷ (batch ×
        replicas)."""
        return self.served_seconds_per_output_token / (self.batch_size * self.replicas)

    @property
    def device_seconds_per_token(self) -> float:
        """Device-seconds per token, a token served ÷ batch × devices: what the energy and the cost scale with."""
        return self.seconds_per_token * self.devices

    @property
    def tokens_per_s(self) -> float:
        """Over all the devices: replicas × batch ÷ the time per output token served."""
        return self.replicas * self.batch_size / self.served_seconds_per_output_token

    @property
    def joules_per_output_token_at_wall(self) -> float | None:
        """The devices and their hosts at the wall (``node_power_w``, before PUE) ÷ the tokens a second over all the
        devices: the energy of a token as MLPerf's power results measure it (serving engineer's review 2026-11-30:
        derivable only by hand); None without a node power."""
        if not self.node_power_w or not self.tokens_per_s:
            return None
        return self.node_power_w / self.tokens_per_s

    @property
    def replicas_wall_clock_s(self) -> float:
        """The deployment's wall clock: every replica serving its share of the tokens at once (the tokens ÷ the tokens a
        second over all the devices), and at least one query's own steps (fewer queries than the replicas' batches hold:
        some places stand idle). ``wall_clock_s`` (the estimate's) is one replica generating every token by itself, what
        the device-hours count (serving review 2026-11-29: the JSON had only that one, 4× the 4 replicas' time)."""
        return max(self.tokens / self.tokens_per_s, self.tokens_per_query * self.served_seconds_per_output_token)

    @property
    def replicas_wall_clock_range_s(self) -> tuple[float, float] | None:
        """``replicas_wall_clock_s``'s range: one replica's time's, scaled (both are the time a token is served ×
        tokens, so they move together across the range)."""
        rng = self.range.get("wall_clock_s")
        if rng is None or None in rng or not self.estimate.wall_clock_s > 0:
            return None
        scale = self.replicas_wall_clock_s / self.estimate.wall_clock_s
        return rng[0] * scale, rng[1] * scale

    @property
    def embodied_co2e_kg(self) -> float | None:
        return None if self.footprint is None else self.footprint.embodied_co2e_kg

    @property
    def water_l(self) -> float | None:
        return None if self.footprint is None else self.footprint.water_l

    @property
    def energy_kwh(self) -> float:
        return self.estimate.energy_kwh

    @property
    def co2e_kg(self) -> float:
        return self.estimate.co2e_kg

    @property
    def cost_usd(self) -> float | None:
        return self.estimate.cost_usd

    def per_token(self, key: str) -> float | None:
        total = getattr(self, key)
        return None if total is None else total / self.tokens

    def per_query(self, key: str) -> float | None:
        x = self.per_token(key)
        return None if x is None else x * self.tokens_per_query

    @property
    def energy_range_stated(self) -> bool:
        """Whether the energy's ranges (J/token, energy, CO₂e) are stated: an engine whose device energy nobody
        measured (``ENERGY_MEASURED_ENGINES``), its power not given."""
        power = self.estimate.assumption("power_w")
        return self.engine not in ENERGY_MEASURED_ENGINES and not (power is not None and power.origin == "user")

    @property
    def stated_ranges(self) -> tuple[str, ...]:
        """The quantities whose ranges are stated besides the footprint's: the energy's where nobody measured the
        engine's (``energy_range_stated``), and the cost's too where it is priced per kWh (it follows the energy)."""
        if not self.energy_range_stated:
            return ()
        by_kwh = self.estimate.assumption("electricity_usd_per_kwh") is not None
        return ENERGY_RANGES + (("cost_usd",) if by_kwh else ())

    def to_dict(self) -> dict:
        keys = ("energy_kwh", "co2e_kg", "cost_usd", "embodied_co2e_kg", "water_l")
        rng = {k: (None if v is None else list(v)) if not isinstance(v, dict) else
               {kk: None if vv is None else list(vv) for kk, vv in v.items()} for k, v in self.range.items()}
        if (together := self.replicas_wall_clock_range_s) is not None:
            rng["replicas_wall_clock_s"] = list(together)
        return {
            "hardware": self.hardware_id, "params_served": self.params_served,
            "architecture": self.architecture.to_dict(), "bits": self.bits, "kv_bits": self.kv_bits,
            "precision": self.precision, "peak_flops_per_s": self.peak_flops_per_s, "utilization": self.utilization,
            "flops_per_token": self.flops_per_token, "devices": self.devices, "tp": self.tp, "ep": self.ep,
            "replicas": self.replicas, "idle_devices": self.idle_devices,
            # the scale-up domains one replica spans, and what they are (diff review 2026-11-30: "2" read as 2 nodes
            # where it was 2 NVLink pairs in one server)
            "nodes_per_replica": self.nodes_per_replica, "scale_up_domain": self.domains_word,
            "batch": self.batch_size, "beams": self.beams,
            "speculative": {"draft_tokens": self.draft_tokens, "acceptance": self.acceptance,
                            "tokens_per_step": self.tokens_per_step},
            "max_batch_size": self.max_batch_size, "prompt_tokens": self.prompt_tokens,
            "memory_gb": {"weights": self.weights_gb, "kv_cache": self.kv_cache_gb, "total": self.memory_gb},
            "bound": self.bound, "engine": self.engine,
            "step_s": {"memory": self.memory_s_per_step, "compute": self.compute_s_per_step,
                       "prefill": self.prefill_s_per_step, "prefill_own_prompt": self.own_prefill_s_per_step,
                       "tensor_parallel": self.tensor_parallel_s_per_step,
                       "tensor_parallel_own_prompt": self.own_tensor_parallel_s_per_step,
                       "expert_parallel": self.expert_parallel_s_per_step, "engine": self.engine_s_per_step,
                       "engine_own_prompt": self.own_engine_s_per_step,
                       "draft": self.draft_s_per_step},
            "compute_s_per_step": self.compute_s_per_step, "memory_s_per_step": self.memory_s_per_step,
            "seconds_per_output_token": self.seconds_per_output_token, "latency_s_per_token": self.latency_s_per_token,
            "seconds_per_token": self.seconds_per_token,
            "device_seconds_per_token": self.device_seconds_per_token, "tokens_per_s": self.tokens_per_s,
            "seconds_to_first_token": self.ttft_s, "first_token_after": self.ttft_how,
            "seconds_to_first_token_p99_under_load": self.ttft_p99_s,
            # the bounds given and the steady TPOT held under the TPOT's (null: none given)
            "latency_bounds": None if self.ttft_bound_ms is None and self.tpot_bound_ms is None else {
                "ttft_ms_p99": self.ttft_bound_ms, "tpot_ms_p99": self.tpot_bound_ms,
                "tpot_ms_steady_held_under": self.tpot_steady_bound_ms},
            "power_w_per_device": self.power_w_per_device, "node_power_w": self.node_power_w,
            "power_limit": {"w_per_device": self.power_limit_w, "unlimited_w_per_device": self.unlimited_power_w_per_device,
                            "stretch": self.power_limit_stretch, "prefill_stretch": self.prefill_limit_stretch},
            "joules_per_output_token": self.joules_per_output_token,
            "joules_per_output_token_at_wall": self.joules_per_output_token_at_wall,
            "tokens": self.tokens, "wall_clock_s": self.estimate.wall_clock_s,
            "replicas_wall_clock_s": self.replicas_wall_clock_s, "device_hours": self.estimate.device_hours,
            **{k: getattr(self, k) for k in keys},
            "per_token": {k: self.per_token(k) for k in keys},
            "tokens_per_query": self.tokens_per_query,
            "per_query": {k: self.per_query(k) for k in keys},
            "range": rng, "range_level": self.level, "range_meaning": self.range_meaning,
            "range_basis": {k: {kk: range_basis(kk, self.stated_ranges) for kk in v} if isinstance(v, dict)
                            else range_basis(k, self.stated_ranges) for k, v in rng.items()},
            # the embodied carbon's and the water's assumptions are the footprint's (the serving's own ranges)
            "assumptions": {**{a.name: a.to_dict() for a in self.estimate.assumptions if a.name not in FOOTPRINT_ASSUMPTIONS},
                            **({} if self.footprint is None else
                               {n: {"value": v, "unit": u, "origin": o, "source": src}
                                for n, v, u, o, src in self.footprint.assumptions})},
            "notes": list(self.notes),
        }
