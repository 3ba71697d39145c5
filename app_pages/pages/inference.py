"""Inference & compression: time and energy per output token with their ranges, what
quantisation, pruning and distillation save, and when serving outgrows training.

Every number comes from ``estimator.services.serving.inference.inference_report`` (the CLI's ``inference`` command
calls it too): the serving model of ``estimator.core.serving.step`` (weights and the batch's KV cache read
each decode step, prefill, tensor parallelism, the engine's fitted costs, power by load), fitted
to and judged on measured serving (``validate --inference``; the Accuracy page). Every input is
bound to the URL. The savings and the break-even sections are in ``inference_sections``.
"""

from __future__ import annotations

import streamlit as st

from app_pages.inputs import declared as d
from app_pages.inputs import links
from app_pages.inputs import sidebar as inputs
from app_pages.inputs.site import grid_place
from app_pages.pages.inference_charts import step_chart, step_frame
from app_pages.pages.inference_sections import break_even_section, technique_section
from app_pages.ui import charts, style
from app_pages.ui import common as c
from estimator.core.base import bounds as B
from estimator.core.base.errors import EstimatorError
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.plausibility import POWER_UNIT_CHECK
from estimator.core.serving import estimate as inference_core
from estimator.core.serving.engines import DEFAULT_ENGINE, ENGINE_ALIASES, ENGINES
from estimator.core.serving.layout import LIMIT_WORDS
from estimator.core.serving.result import BOUND_CHOSE_WORDS
from estimator.core.serving.step import DEFAULT_ACCEPTANCE
from estimator.core.serving.step_notes import FOOTPRINT_RANGE, own_prompt_noun
from estimator.core.training.estimate import DEFAULT_CARBON_INTENSITY_G_PER_KWH
from estimator.io import serving_data
from estimator.laws.scaling import CHINCHILLA_TOKENS_PER_PARAM
from estimator.report import export
from estimator.report import humanize as hz
from estimator.services.inputs import SERVING as S
from estimator.services.inputs import labels, url_keys
from estimator.services.limits import reports as limits
from estimator.services.serving import accuracy as serving_accuracy
from estimator.services.serving import inference as serving
from estimator.services.serving.words import (
    DEVICES_ONLY,
    DEVICES_ONLY_MEANING,
    PER_MILLION_LABEL,
    WALL_TOKEN_ENERGY_OF,
    bars_short,
    bound_words,
    first_token_words,
    footprint_rows,
    one_replica,
    per_million,
    site_used,
)

# Defaults, each with its source:
DEFAULT_HARDWARE = serving.INFERENCE_DEFAULT_HARDWARE  # the CLI's default too (declared in estimator/services/inputs.py)
CUSTOM = "custom"                   # the model picker's "give the parameters (and shape) yourself"
DEFAULT_MODEL = CUSTOM              # so that links with only `inf_params` (before the picker) keep working
DEFAULT_PARAMS = inputs.DEFAULT_PARAMS  # a 7B model (Llama 2 7B, as the Estimate page's; Mistral 7B): the shape
#                                         is the catalog's nearest, stated under the numbers
DEFAULT_TOKENS = serving.DEFAULT_TOKENS  # illustrative, as the CLI's (estimator/core/serving/scenario.py)
# the inputs' labels, URL keys and bounds: their declarations (estimator/services/inputs.py, SERVING)
BITS = tuple(str(b) for b in S["bits"].choices)
KV_BITS = tuple(str(b) for b in S["kv_bits"].choices)


def _hardware_options() -> list[str]:
    """Profiles that can serve: they have memory capacity and bandwidth."""
    ps = c.profiles().profiles
    return [i for i in c.hardware_ids() if ps[i].memory_gb and ps[i].memory_bandwidth_gb_per_s]


@st.cache_resource(show_spinner=False)
def catalog():
    """Catalog id → ``serving_data.CatalogModel`` (estimator/data/open_models.toml)."""
    return serving_data.load_catalog()


# The URL parameters of a custom model (ignored, with a warning, when a catalog model is chosen)
CUSTOM_KEYS = url_keys(S, ("params", "layers", "d_model", "heads", "kv_heads", "head_dim"))


def _model_changed() -> None:
    """Another model picked: its bits start at its own default again (``default_bits``), as the CLI's would, set as the
    widget's value so that the radio shows it (browser review 2026-11-27: the state dropped, the radio still showed 16
    while the page served 8, and bits from a link stayed)."""
    model = st.session_state.get(S["model"].url_key)
    model = None if model == CUSTOM else model
    st.session_state[S["bits"].url_key] = default_bits(model)
    # the query's lengths too: a catalog id that is MLPerf's benchmark name takes its dataset's, as the CLI does
    # (code review 2026-11-27: DeepSeek-R1's page served 161 + 338 where the CLI served MLPerf's 161 + 3,890); a length
    # the user typed is kept, as `--prompt-tokens` is beside another `--model` (serving-engineer review 2026-11-29: a
    # prompt of 2,000 went back to 161 without a word when the model changed)
    before = st.session_state.get(QUERY_MODEL_KEY, DEFAULT_MODEL)
    before = None if before == CUSTOM else before
    for name, old, value in zip(QUERY_KEYS, default_query(before), default_query(model), strict=True):
        key = S[name].url_key
        if st.session_state.get(key) in (None, old):
            st.session_state[key] = value


QUERY_KEYS = ("prompt_tokens", "tokens_per_query")
# the model the query's lengths were last drawn for (``_model_changed`` keeps lengths that are not its defaults)
QUERY_MODEL_KEY = "_inf_query_model"


def default_query(model: str | None) -> tuple[float, float]:
    """The query's prompt and output tokens where none are given, as the CLI's (``serving.default_query``)."""
    return serving.default_query(model)


def default_bits(model: str | None) -> str:
    """The bits a model is served at where none are chosen, as the CLI's (``serving.default_bits``), as the radio
    writes them."""
    return str(serving.default_bits(model))


def model_inputs(side, kw: dict) -> None:
    """A catalog model, or the parameters with an optional shape (else the catalog's nearest)."""
    cat = catalog()
    model = d.select(S["model"], [CUSTOM, *cat], default=DEFAULT_MODEL, where=side, on_change=_model_changed)
    st.session_state[QUERY_MODEL_KEY] = model
    if model != CUSTOM:
        # said and dropped from the address (audit: ?inf_params=13e9 stayed in a copied link, and came back
        # when Model was switched to custom), as the Estimate page does with the inputs it ignores
        c.ignored_url_params(CUSTOM_KEYS, f"the model is {model}; choose Model = {CUSTOM} to give the parameters "
                                          "and the shape", drop=True)
        m = cat[model]
        side.caption(c.md_escape(f"{m.name}: {hz.count(m.params)} parameters, {m.arch.layers} layers, d_model "
                                 f"{m.arch.d_model}, {m.arch.heads} heads, {m.arch.kv_heads} KV heads", 300))
        kw["model"] = model
        return
    # empty by default: with a shape, N is worked out from it as the CLI does (audit: the page had served
    # 7e9 parameters with ?inf_layers=16&inf_dmodel=2048, the CLI 805 million); alone, DEFAULT_PARAMS
    kw["params"] = d.number(S["params"], fmt=c.LARGE_NUMBER_FORMAT, where=side,
                            placeholder=f"{hz.count(DEFAULT_PARAMS)} (or shape)",  # whole in the field (issue 55)
                            help="Empty: 12·layers·d_model² when the architecture's layers and d_model are given "
                                 f"(as `python -m estimator inference` does), else {hz.count(DEFAULT_PARAMS)}")
    shape = side.expander("Architecture (optional)")
    kw["layers"] = d.number(S["layers"], placeholder="catalog's nearest", where=shape)
    kw["d_model"] = d.number(S["d_model"], placeholder="catalog's nearest", where=shape)
    kw["heads"] = d.number(S["heads"], placeholder=f"d_model ÷ {limits.DEFAULT_HEAD_DIM}", where=shape)
    kw["kv_heads"] = d.number(S["kv_heads"], placeholder="= heads", where=shape)
    kw["head_dim"] = d.number(S["head_dim"], placeholder="d_model ÷ heads", where=shape)
    if kw["params"] is None and all(kw[k] is None for k in SHAPE_KWARGS):
        kw["params"] = DEFAULT_PARAMS  # no shape either: the default model's size, with the catalog's nearest shape


SHAPE_KWARGS = ("layers", "d_model", "heads", "kv_heads", "head_dim")  # given any of them, an empty N comes from the shape


# This page's widgets for the inputs an error may name (``common.error_text``): their declarations' labels
FIELD_LABELS = labels(S)


def inputs(main=None) -> dict:
    """The page's inputs, in the sidebar; ``main`` (lecture mode, whose sidebar is closed): the hardware, the model and
    the bits there instead, the few controls a lecture needs (review 2026-11-27: none was in view)."""
    side = st.sidebar
    side.header("Serving")
    kw = {}
    c.check_profile_link(S["hardware"].url_key, _hardware_options())  # a name as `--hardware` takes it, mended
    kw["hardware"] = d.select(S["hardware"], _hardware_options(), default=DEFAULT_HARDWARE, where=main or side,
                              any_case=True)
    model_inputs(main or side, kw)
    kw["tokens"] = d.number(S["tokens"], default=DEFAULT_TOKENS, fmt=c.LARGE_NUMBER_FORMAT, where=side)
    query = default_query(kw.get("model"))
    for name, default in zip(QUERY_KEYS, query, strict=True):
        value = d.number(S[name], default=default, fmt="%.4g", where=side)
        # at the model's default: passed as not given, as the CLI's, so that its note says where it comes from
        kw[name] = None if value == default else value
    # a number or max, empty the CLI's default (1, or with a time bound the largest batch that meets it)
    kw["batch_size"] = d.batch(S["batch_size"], inference_core.MAX_BATCH_WORD, where=side,
                               placeholder=f"{inference_core.DEFAULT_BATCH_SIZE}, or {inference_core.MAX_BATCH_WORD}")
    kw["devices"] = d.number(S["devices"], placeholder="as memory needs", where=side)
    kw["tp"] = d.number(S["tp"], placeholder="chosen", where=side)
    kw["ep"] = d.number(S["ep"], placeholder="none", where=side)
    kw["ttft_ms"] = d.number(S["ttft_ms"], fmt="%.4g", placeholder="none", where=side)
    kw["tpot_ms"] = d.number(S["tpot_ms"], fmt="%.4g", placeholder="none", where=side)
    kw["beams"] = d.number(S["beams"], placeholder=f"{inference_core.DEFAULT_BEAMS} (greedy)", where=side)
    kw["draft_tokens"] = d.number(S["draft_tokens"], placeholder="0 (none)", where=side)
    kw["acceptance"] = d.number(S["acceptance"], fmt="%.3g", step=0.05, placeholder=f"{DEFAULT_ACCEPTANCE:g}",
                                where=side)
    # an alias is no choice of its own (browser review 2026-11-29: "online" offered beside vllm-2024, its former name);
    # a link that names it opens the engine it stands for
    kw["engine"] = d.radio(S["engine"], [e for e in ENGINES if e not in ENGINE_ALIASES], default=DEFAULT_ENGINE,
                           renamed=ENGINE_ALIASES, where=side)
    side.subheader("Compression")
    chosen = d.radio(S["bits"], BITS, default=default_bits(kw.get("model")), where=main or side)
    # the model's default passed as no choice, as the CLI without --bits: its note says why (code review 2026-11-27:
    # the page always passed the bits, so "served at its released 8 bits" was never said there)
    kw["bits"] = None if chosen == default_bits(kw.get("model")) else int(chosen)
    kw["kv_bits"] = int(d.radio(S["kv_bits"], KV_BITS, default=str(S["kv_bits"].default), where=side))
    kw["sparsity"] = d.number(S["sparsity"], default=S["sparsity"].default, step=0.05, fmt="%.2f", where=side)
    kw["sparse_kernels"] = not d.toggle(S["sparse_kernels"], where=side)
    kw["student_params"] = d.number(S["student_params"], fmt=c.LARGE_NUMBER_FORMAT, placeholder="none", where=side)
    side.subheader("Power, grid, price, training")
    # whole watts: the field steps by 1 W (browser review 2026-11-27: "+" at 350 gave 350.01, the field still "350")
    kw["power_w"] = d.number(S["power_w"], fmt="%.4g", step=1.0, placeholder="by load (fitted)", where=side)
    kw["power_limit_w"] = d.number(S["power_limit_w"], fmt="%.4g", step=1.0, placeholder="none", where=side)
    kw["pue"] = d.number(S["pue"], fmt="%.3g", placeholder="profile's", where=side)
    kw["carbon_intensity_g_per_kwh"] = d.number(S["carbon_intensity_g_per_kwh"], fmt="%.4g", where=side,
                                                placeholder=f"{gfmt(DEFAULT_CARBON_INTENSITY_G_PER_KWH)} (world average)")
    kw["country"], kw["cloud"] = grid_place(side, S["country"], S["cloud"],
                                            "none")  # the intensity field above says what applies
    kw["price_usd_per_device_hour"] = d.number(S["price_usd_per_device_hour"], fmt="%.4g", placeholder="profile's",
                                               where=side)
    published = catalog()[kw["model"]].train_tokens if "model" in kw else None
    kw["train_tokens"] = d.number(S["train_tokens"], fmt=c.LARGE_NUMBER_FORMAT, where=side,
                                  placeholder=(f"{gfmt(CHINCHILLA_TOKENS_PER_PARAM)} × N (Chinchilla)" if published is None
                                               else f"published: {hz.count(published)}"))
    return {k: v for k, v in kw.items() if v is not None}


DEVICES_ONLY_HELP = f"The devices' energy: {DEVICES_ONLY_MEANING}"


def site_line(r) -> str:
    """The PUE, grid intensity and price used, each "value (origin; source)", as the CLI's rows (audit: only in
    the JSON)."""
    return "Used: " + "; ".join(f"{label} {text}" for label, text in site_used(r)) + "."


def _rate(x: float) -> str:
    return f"{hz.sig(x)} tokens/s"


def _metric_with_range(col, label: str, value: float, rng, fmt, meaning: str, help: str | None = None,
                       stated: bool = False) -> None:
    """A figure and its range bar; ``stated``: a range with no measured coverage, marked as the CLI marks it (an
    engine's energy nobody measured, a cost per kWh with it: ``InferenceResult.stated_ranges``)."""
    col.metric(label, fmt(value), border=True, help=help)
    if rng is not None and rng[0] is not None and rng[0] != rng[1]:
        # a time's ends in its figure's unit, as the CLI writes them (diff review 2026-11-29: "244 days – 1.49 years")
        low, high = hz.range_ends(fmt, rng[0], rng[1], value) if fmt is hz.duration else (fmt(rng[0]), fmt(rng[1]))
        high = f"{high}, stated" if stated else high
        style.range_bar(col, low, high, meaning, style.log_position(value, rng[0], rng[1]))


def _own_prefill(r) -> str:
    """What is prefilled before a request's first token, apart from its steps, in words (``own_prompt_noun``)."""
    noun = own_prompt_noun(r.static_batch, r.batch_size)
    return f"{noun}' prefill" if noun.endswith("s") else f"{noun}'s prefill"


def headline(r) -> None:
    """The speed, memory, per-query and total rows; in lecture mode the speed and per-query rows only, large."""
    # the engine's intervals' meaning for its figures; the embodied CO₂e's and water's ranges, as their sources state
    # them, are said with them (footprint_caption)
    meaning = r.range_meaning.removesuffix(FOOTPRINT_RANGE)
    lecture = c.is_lecture()
    cols = style.metric_cells(4, "inf_speed", lecture)
    _metric_with_range(cols[0], "Time per output token", r.seconds_per_output_token, r.range["seconds_per_output_token"],
                       hz.token_time, meaning, help=f"TPOT: one decode step, what each user waits between tokens (batch "
                       f"{hz.count(r.batch_size)}); {_own_prefill(r)} is in its time to the first token"
                       + (f"; with speculative decoding, the step ÷ the {hz.sig(r.tokens_per_step)} tokens a sequence "
                          "emits in it" if r.draft_tokens else ""))
    # the time to the first token, as the CLI's row (browser review 2026-11-27: only the collapsed notes had it,
    # though the sidebar takes a bound on it)
    cols[0].caption(f"time to first token {first_token_words(r)}")
    _metric_with_range(cols[1], "Throughput", r.tokens_per_s, r.range["tokens_per_s"], _rate, meaning,
                       help=f"batch {hz.count(r.batch_size)} ÷ a token served (the TPOT and {_own_prefill(r)}"
                       + (")" if r.static_batch else ", which at batch 1 runs apart from its steps)")
                       + (f", the {r.devices} that serve of the {r.devices + r.idle_devices} given together"
                          if r.idle_devices else "" if r.devices == 1 else f", all {r.devices} devices together"))
    _metric_with_range(cols[2], "Energy per output token", r.joules_per_output_token, r.range["joules_per_output_token"],
                       hz.joules, meaning, help="power × devices × a token served ÷ batch: the devices' energy, prefill included, "
                                              "before PUE (what ML.ENERGY measures)",
                       stated="joules_per_output_token" in r.stated_ranges)
    cols[3].metric("Power per device", hz.power(r.power_w_per_device), border=True,
                   help=c.md_escape(r.estimate.assumption("power_w").source, 600))
    # the node at the wall, as the CLI's row (browser review: its note explained a figure the page never showed)
    lo, hi = r.range["node_power_w"]
    cols[3].caption(c.units_whole(f"at the wall, devices and hosts: {hz.power(r.node_power_w)} ({hz.power(lo)}–"
                                  f"{hz.power(hi)}), before PUE" + (f"; {hz.joules(r.joules_per_output_token_at_wall)} per "
                                  f"output token {WALL_TOKEN_ENERGY_OF}" if r.joules_per_output_token_at_wall else "")))
    if not lecture:
        memory_row(r)
    cols = style.metric_cells(3, "inf_query", lecture)
    per_q = r.range["per_query"]
    # serving's energy is the devices' alone, training's (the Estimate page) has the host's share: said in the
    # labels, not only in a note (audit)
    _metric_with_range(cols[0], f"Energy per query, {DEVICES_ONLY} ({hz.noun(hz.query_tokens(r.tokens_per_query), 'token')})",
                       r.per_query("energy_kwh"), per_q["energy_kwh"], hz.energy, meaning, help=DEVICES_ONLY_HELP,
                       stated="energy_kwh" in r.stated_ranges)
    _metric_with_range(cols[1], f"CO₂e per query, {DEVICES_ONLY}", r.per_query("co2e_kg"), per_q["co2e_kg"], hz.co2e,
                       meaning, help=DEVICES_ONLY_HELP, stated="co2e_kg" in r.stated_ranges)
    cost_usd, range_usd = r.per_query("cost_usd"), per_q["cost_usd"]
    if cost_usd and hz.per_million_money(cost_usd) and range_usd is not None and None not in range_usd:
        # under a hundredth of a cent, per million queries, as the CLI's money_per writes it (lecturer review
        # 2026-11-27: "$6.8 × 10⁻⁵" beside "$0.00011" on another setting)
        _metric_with_range(cols[2], "Cost per million queries", cost_usd * hz.MILLION,
                           tuple(x * hz.MILLION for x in range_usd), hz.money, meaning,
                           stated="cost_usd" in r.stated_ranges)
    else:
        _metric_with_range(cols[2], "Cost per query", cost_usd, range_usd, hz.money, meaning,
                           stated="cost_usd" in r.stated_ranges)
    if line := per_million(r):  # as price lists quote serving, the CLI's row word for word
        st.caption(c.md_escape(f"{PER_MILLION_LABEL[0].upper()}{PER_MILLION_LABEL[1:]}: {line}", 400))
    if not lecture and (rows := footprint_rows(r)):
        # the devices' manufacture and the water, as the CLI's rows word for word (serving review 2026-11-28: only the
        # JSON download had them): stated ranges, as their sources give them
        said = "; ".join(f"{what}: {text}" for what, text in rows)
        st.caption(c.md_escape(f"{said[0].upper()}{said[1:]} ({FOOTPRINT_RANGE.removeprefix('; ')})", 900))
    if not lecture:
        total_row(r, meaning)
    style.bars_caption(f"{meaning}.", bars_short(r), lecture)
    if not lecture:
        st.caption(c.md_escape(site_line(r), 900))


def memory_row(r) -> None:
    """Memory, devices, the largest batch and what bounds the step."""
    cols = style.metric_cells(4, "inf_memory")
    cols[0].metric("Memory", f"{hz.sig(r.memory_gb)} GB", border=True,
                   help=f"weights {hz.sig(r.weights_gb)} GB + KV cache {hz.sig(r.kv_cache_gb)} GB "
                        f"(batch {hz.count(r.batch_size)}, {r.bits}-bit weights, {r.kv_bits}-bit KV cache)")
    # one replica's (browser review: 154 GB beside "Devices 8" read as the eight's)
    each = f" on each replica's {hz.noun(str(r.devices_per_replica), 'device')}" if r.replicas > 1 else ""
    cols[0].caption(f"weights {hz.sig(r.weights_gb)} GB + KV cache {hz.sig(r.kv_cache_gb)} GB{each}")
    # devices given that serve nothing, said where the count is (a subset serves more than all of them can)
    cols[1].metric("Devices", f"{r.devices}", border=True, help=f"{r.devices} × {r.hardware_id}"
                   + (f"; {r.idle_devices} more given, idle: a subset serves more than all of them can, or alone "
                      "serves (the layout note says which)" if r.idle_devices else ""))
    if r.idle_devices:
        cols[1].caption(f"{r.devices} of the {r.devices + r.idle_devices} given serve; {r.idle_devices} idle")
    # the batch's bound where the memory holds more, as the CLI says it (serving engineer's review 2026-12-03)
    over = "over " if r.max_batch_size >= B.BATCH.high else ""
    cols[2].metric("Largest batch that fits", f"{over}{hz.count(r.max_batch_size)}", border=True,
                   help="the KV cache of this many sequences fits beside the weights"
                        + (f", on each replica of {r.devices_per_replica} devices" if r.replicas > 1 else ""))
    # what bounds the step: memory bandwidth, not capacity (browser review: "memory" beside the memory tile); one
    # word, as a lecture number is one line
    cols[3].metric("Bound by", "bandwidth" if r.bound == "memory" else r.bound, border=True,
                   help=f"{r.chip} part of the step: memory (bandwidth) {hz.token_time(r.memory_s_per_step)} vs compute "
                        f"{hz.token_time(r.compute_s_per_step)} ({r.precision} peak)"
                        + (f" + the prompts' prefill {hz.token_time(r.prefill_s_per_step)} in the same step"
                           if r.mixed_prefill else ""))


def total_row(r, meaning: str) -> None:
    """The whole amount served, each with its range, as the CLI's total row (user-journey review: only the cost
    was shown, its energy, CO₂e and time in a tooltip without ranges)."""
    cols = style.metric_cells(4, "inf_total")
    # the time is one replica's (the tensor-parallel group) generating every token by itself (audit: 550 million
    # years read as a deadline); the device-hours are the same however many replicas share them
    helps = {"wall_clock_s": one_replica(r),
             "energy_kwh": DEVICES_ONLY_HELP, "co2e_kg": DEVICES_ONLY_HELP,
             # the page prices per device-hour only (review: it said "PUE included" on the cost too)
             "cost_usd": "device-hours × the price per device-hour"}
    tokens = hz.noun(hz.count(r.tokens), "token")
    for col, (label, key, fmt) in zip(cols, (("time, one replica", "wall_clock_s", hz.duration),
                                             (f"energy, {DEVICES_ONLY}", "energy_kwh", hz.energy),
                                             (f"CO₂e, {DEVICES_ONLY}", "co2e_kg", hz.co2e), ("cost", "cost_usd", hz.money))):
        value = r.estimate.wall_clock_s if key == "wall_clock_s" else getattr(r, key)
        _metric_with_range(col, f"Total {label} ({tokens})", value, r.range[key], fmt, meaning, help=helps[key],
                           stated=key in r.stated_ranges)


# The longest scenario line the page shows whole (model, hardware, bits, batch and what set it, layout, beams, draft
# tokens, a power limit, the engine: ~400 characters at most); md_escape cuts longer text
SCENARIO_LINE_MAX_CHARS = 800


def _bound_part(words: str) -> str:
    """"the largest that meets the TPOT bound" of a batch's words, without what follows it (``_after_bound``)."""
    return words.split(", ", 1)[0]


def _after_bound(words: str) -> str:
    """What a batch's words say after the bound that set it (", where max asked for …"), or ""."""
    _, sep, rest = words.partition(", ")
    return sep + rest


def scenario_line(r) -> str:
    """What the headline numbers are for, in one line: the model served, the hardware, the weights'
    bits and the batch (browser audit: in lecture and embed modes only the closed sidebar said so)."""
    # the split in view, and where a bound chose the devices, that it did (app review 2026-12-01: the degree and the
    # reason were only in the collapsed notes)
    chosen = f", the fewest that {BOUND_CHOSE_WORDS}" if BOUND_CHOSE_WORDS in r.devices_words else ""
    split = f" ({r.split_words} × {hz.noun(f'{r.replicas:,}', 'replica')}{chosen})" if r.devices > 1 else ""
    return (f"{hz.count(r.params_served)} parameters served on {r.devices} × {c.profiles().get(r.hardware_id).name}"
            f"{split}, "
            f"{r.bits}-bit weights, batch {hz.count(r.batch_size)}" + (" per replica" if r.replicas > 1 else "")
            # what set the batch where a bound lowered it (browser review: only the notes said "of the 2,000 given")
            # and a batch a bound set (browser review 2026-11-26, second: "batch 106" where 356 fit, said in the notes)
            + (f", {r.batch_words}" if "given" in r.batch_words and r.batch_words != "as given" else
               # the bound's reading beside the bound, what max asked for after it
               f", {_bound_part(r.batch_words)} at its centre ({bound_words(r)}){_after_bound(r.batch_words)}"
               if "bound" in r.batch_words else
               # below the largest that fits for the engine's cap: said beside the memory's figure (app review
               # 2026-12-02: "batch 2,048" beside "Largest batch that fits 4,079", the reason in the notes only)
               f", {r.batch_words}" if r.batch_words == LIMIT_WORDS["engine"] else "")
            + (f", {r.beams} beams a request" if r.beams > 1 else "")
            + (f", {hz.noun(str(r.draft_tokens), 'draft token')} a step (acceptance {r.acceptance:g}: "
               f"{hz.sig(r.tokens_per_step)} emitted)" if r.draft_tokens else "")
            # a power limit changes every headline number: said where lecture and embed modes show it (browser
            # review 2026-11-27: only the closed sidebar and the collapsed notes said so)
            + (f", {limit_words(r)}" if r.power_limit_w is not None else "")
            + f"; engine {r.engine}.")


def limit_caption(r) -> str:
    """What a power limit does to the step's bars, as the CLI's time note says it: every part stretched alike, or an
    engine's own prefill phase by its own stretch (review 2026-11-27: the page said "every part" where the CLI said
    the prefill phase 2.91×, every other part 1.58×)."""
    if r.power_limit_w is None:
        return ""
    limit = hz.power(r.power_limit_w)
    if r.prefill_phase_held:
        others = f", every other part {r.power_limit_stretch:.2f}×" if r.power_limit_stretch > 1.0 else ""
        return (f" Under the {limit} power limit the prefill phase is {r.prefill_limit_stretch:.2f}× as long (at the "
                f"prefill's draw){others}.")
    return (f" Under the {limit} power limit every part is {r.power_limit_stretch:.2f}× as long."
            if r.power_limit_stretch > 1.0 else "")


def limit_words(r) -> str:
    """A power limit and what it does, in a few words: "power limit 350 W a device (steps 1.48× as long)"."""
    slower = [f"steps {r.power_limit_stretch:.2f}× as long"] if r.power_limit_stretch > 1.0 else []
    if r.prefill_limit_stretch > max(r.power_limit_stretch, 1.0):
        slower.append(f"prefill {r.prefill_limit_stretch:.2f}×")
    return (f"power limit {hz.power(r.power_limit_w)} a device"
            + (f" ({', '.join(slower)})" if slower else " (above the modelled draw: no slowdown)"))


def step_section(r) -> None:
    st.header("One decode step", anchor=False)
    parallel = f"{'expert' if r.ep > 1 else 'tensor'} parallel + engine"
    if r.mixed_prefill:  # the prompts ride in the decode step, as the CLI's note says it (time_note)
        how = (f"the slower of memory and compute with the other requests' prefill ({r.bound}-bound) + {parallel}. "
               "Pale: what the bound hides, and the request's own prompt, prefilled before its first token (in the "
               "throughput, not in the TPOT)")
    elif r.static_batch and r.batch_size > 1:  # every prompt before the first token: no other request's rides in a step
        how = f"the slower of memory and compute ({r.bound}-bound) + {parallel}. Pale: the {r.chip} part that is " \
              "not the bound, and the batch's prompts, prefilled before the first token (in the throughput, not in " \
              "the TPOT)"
    else:
        how = f"the slower of memory and compute ({r.bound}-bound) + the other requests' prefill + {parallel}. " \
              f"Pale: the {r.chip} part that is not the bound, and the request's own prompt, prefilled before its " \
              "first token (in the throughput, not in the TPOT)"
    formula, pale = how.split(". Pale: ")
    if r.draft_tokens:  # speculative decoding: the step over the tokens a sequence emits in it (time_note)
        formula = f"({formula} + draft head) ÷ {hz.sig(r.tokens_per_step)} tokens a sequence emits a step"
    held = limit_caption(r)
    st.caption(f"Time per output token {hz.token_time(r.seconds_per_output_token)} = {formula}. Pale: {pale}.{held}")
    charts.render_chart(step_chart(step_frame(r)), grows=True)


LINK_BOX_KEY = "inference_link_box"  # the "Link to this scenario" expander's state


def scenario_link(kw: dict) -> str:
    """The page's inputs (``inputs()``'s keywords) as a link, today's defaults included (browser review 2026-11-26,
    second: `inf_hw=h100-sxm` left the address bar, so a shared link would change with the default)."""
    params = {S[name].url_key: value for name, value in kw.items() if name in S and S[name].url_key}
    params[S["model"].url_key] = kw.get("model", CUSTOM)
    params[S["sparse_kernels"].url_key] = not kw["sparse_kernels"]  # the toggle reads "dense kernels"
    if kw.get("bits") is None:  # the model's default bits, passed as no choice (``inputs``): the link holds them
        params[S["bits"].url_key] = default_bits(kw.get("model"))
    for name, default in zip(QUERY_KEYS, default_query(kw.get("model")), strict=True):
        if kw.get(name) is None:  # the same for the query's lengths
            params[S[name].url_key] = default
    if "model" in kw:  # a catalog model: its shape is the catalog's, no parameter of a custom one
        for key in CUSTOM_KEYS:
            params.pop(key, None)
    return links.page_link(params)


def render() -> None:
    warn_box = st.container()
    st.title("Inference & compression", anchor=False)
    lecture = c.is_lecture()
    if not lecture:
        # each engine's fit in words (serving review 2026-11-27: it said "fitted to measured vLLM serving" of a
        # default fitted to MLPerf, and "not at the TDP" where busy devices draw it)
        st.caption("Each decode step reads the weights and the batch's KV cache, does 2·N FLOPs per token plus "
                   "attention, and pays the serving engine's per-layer and per-sequence costs, fitted per engine (the "
                   "default to MLPerf Inference results and published decode times, vllm-2024 to measured vLLM "
                   "serving: the engine setting); power rises from idle with the load, fitted to measured draw, up to "
                   "the TDP on a busy device. "
                   "Same numbers as `python -m estimator inference …`; its accuracy is on the Accuracy page.")
    try:
        # reads the model catalog: a broken data file is an error box, not a traceback
        kw = inputs(style.controls_row("inference") if lecture else None)
        # the tokens at the default: passed as not given, as the CLI's, so that the note says the totals are
        # illustrative and the page's JSON is the CLI's (app review 2026-12-01: it lacked that note); the link keeps them
        report = serving.inference_report(**{**kw, "tokens": None if kw.get("tokens") == DEFAULT_TOKENS else kw["tokens"]})
    except EstimatorError as exc:
        c.show_error(exc, labels=FIELD_LABELS)
        c.show_url_warnings(warn_box)
        return
    r = report.result
    # in view: in lecture and embed modes the sidebar is closed; whole, its engine last (serving review 2026-11-27: cut
    # at 300 characters it lost the engine and the power limit of a scenario with draft tokens)
    st.caption(c.md_escape(scenario_line(r), SCENARIO_LINE_MAX_CHARS))
    # what the held-out benchmarks showed of this batch's range, in view beside the numbers it qualifies
    # (browser audit: a 0% coverage was only in the closed box below, under a headline range)
    in_view = [n for n in serving_accuracy.small_batch_note(r.batch_size, r.engine) if n in r.notes]
    # a power given out of the device's range, above the figures it sets (serving review 2026-11-28: 5 kW an H100 read
    # "Power per device 5.00 kW" with the note in the closed box alone)
    in_view += [n for n in r.notes if POWER_UNIT_CHECK in n]
    for note in in_view:
        st.warning(c.md_escape(note[:1].upper() + note[1:], 600), icon=":material/warning:")
    headline(r)
    if lecture:
        # the headline numbers large, few controls, and what compression saves (review 2026-11-27: lecture mode had
        # shown the whole page, notes and downloads included, at normal size, with no input in view)
        if report.techniques:
            st.header("What each technique saves", anchor=False)
            technique_section(report, r, lecture=True)
        c.show_url_warnings(warn_box)
        return
    step_section(r)
    with st.expander("Notes and assumptions"):
        for note in r.notes:
            if note not in in_view:
                st.caption(c.md_escape(note, 600))
    # the result as `inference --format json` writes it, byte for byte (user-journey review: nothing to export)
    st.download_button("JSON", export.dump_json(report.to_dict()) + "\n", file_name="inference.json",
                       mime="application/json", on_click="ignore", icon=":material/download:", key="inference_json",
                       help="The same file as `python -m estimator inference … --format json`")
    # drawn only when opened (as the lecture's share box): a code block loads Streamlit's syntax highlighter, 0.6 s
    # of the browser's CPU on each load of this page (Chromium's profiler, 2026-11-28)
    link_box = st.expander("Link to this scenario", key=LINK_BOX_KEY, on_change="rerun")
    if link_box.open is not False:
        with link_box:
            st.caption("It holds every input, where the address bar leaves out those at today's defaults.")
            st.code(link := scenario_link(kw), language=None, wrap_lines=True)
            if (local := links.local_only(link)) is not None:
                st.caption(local)

    st.header("What each technique saves", anchor=False)
    for note in report.techniques_left_out:
        st.caption(c.md_escape(note[:1].upper() + note[1:] + ".", 600))
    if report.techniques:
        technique_section(report, r)
    break_even_section(report)
    c.show_url_warnings(warn_box)
