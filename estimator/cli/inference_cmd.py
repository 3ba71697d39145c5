"""Subcommands: inference (serving cost per output token and in total, with ranges; what
compression saves; the break-even with training) and fit-serving (re-fit the serving model).

``inference`` calls ``estimator.services.serving.inference.inference_report`` (as the app does) and prints a table
or JSON.
"""

from __future__ import annotations

import math
import sys

from estimator.cli.input_args import add_input_args
from estimator.cli.scaling_cmds import _dump, _table, add_setting_args
from estimator.core.base import bounds as B
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import MS_PER_S
from estimator.core.serving import compression
from estimator.core.serving.engines import ENGINES
from estimator.core.workload.scenario import SITE_INPUTS
from estimator.io import serving_data
from estimator.report import humanize as hz
from estimator.report import serving_export
from estimator.report.provenance import tool_version
from estimator.services.accuracy.fit_check import check_fit
from estimator.services.inputs import INFERENCE_DEFAULT_HARDWARE, SERVING
from estimator.services.model_shape import attention_dims, latent_attention
from estimator.services.serving import accuracy as serving_accuracy
from estimator.services.serving import inference as serving
from estimator.services.serving.words import (
    DEVICES_ONLY,
    DEVICES_ONLY_MEANING,
    PER_MILLION_LABEL,
    WALL_TOKEN_ENERGY_OF,
    first_token_words,
    footprint_rows,
    one_replica,
    per_million,
    site_used,
)

INPUT_KEYS = ("utilization",) + SITE_INPUTS + ("sparsity", "student_params", "tokens_per_query", "prompt_tokens", "tp", "ep",
                                              "ttft_ms", "tpot_ms", "beams", "draft_tokens", "acceptance", "power_limit_w")


def _rng(fmt, pair, centre: float | None = None, stated: bool = False) -> str:
    """" (low – high)" beside a figure; a time's in the figure's unit where ``centre`` is given (serving review
    2026-11-29: "351 days (0.669 years – 1.49 years)"); ``stated``: a range with no measured coverage, marked so as the
    footprint's are (an engine's energy nobody measured, a cost per kWh with it: ``InferenceResult.stated_ranges``)."""
    if pair is None or None in pair:
        return ""
    return f" ({' – '.join(hz.range_ends(fmt, *pair, centre))}{', stated' if stated else ''})"


def _share(saved: float | None, what: str) -> str:
    """"34% of time" saved, or "14% more time" where a technique on fewer devices takes longer per
    token (its cost, which follows device time, can still fall): never a negative saving."""
    if saved is None:
        return f"n/a of {what}"
    # a share as one reads it: "0.09% of time", never "0%" for a saving that is not zero (issue 55)
    if saved < 0:
        return f"{hz.share(-saved, 0)} more {what}"
    return f"{hz.share(saved, 0)} of {what}"


BASELINE = "baseline"            # the row every saving is measured from (compression.techniques' first)
# What a saving of time is of: the time per token with every replica's batch served (1 ÷ throughput), not the time
# per output token a user waits (review 2026-11-26: "47% of time" beside a baseline's 46.1 ms TPOT read as TPOT)
SERVED_TIME = "time per token served (1 ÷ tokens/s, not the time per output token)"
SAVES = f"saves vs {BASELINE}:"  # each technique's row


def total_rows(r) -> list[tuple[str, str]]:
    """The whole amount served: the time is one replica's (the tensor-parallel group) generating every
    token alone, not a fleet's (audit: 550 million years read as a deadline); the energy and CO₂e the
    devices' alone."""
    rg, tokens = r.range, hz.noun(hz.count(r.tokens), "token")
    e = r.estimate
    return [
        (f"total time, one replica ({tokens})",
         f"{hz.duration(e.wall_clock_s)}{_rng(hz.duration, rg['wall_clock_s'], e.wall_clock_s)}: {one_replica(r)}"),
        (f"total, {DEVICES_ONLY} ({tokens})",
         f"{hz.energy(r.energy_kwh)}{_rng(hz.energy, rg['energy_kwh'], stated='energy_kwh' in r.stated_ranges)}, "
         f"{hz.co2e(r.co2e_kg)}{_rng(hz.co2e, rg['co2e_kg'], stated='co2e_kg' in r.stated_ranges)}: "
         f"{DEVICES_ONLY_MEANING}"),
        # priced by the kWh, the cost is the devices' energy's too (review)
        (f"total cost{', ' + DEVICES_ONLY if e.assumption('electricity_usd_per_kwh') else ''} ({tokens})",
         f"{hz.money(r.cost_usd)}{_rng(hz.money, rg['cost_usd'], stated='cost_usd' in r.stated_ranges)}"),
    ]


def technique_rows(techniques) -> list[tuple[str, str]]:
    """The baseline's own figures, then what each technique saves against it (audit: with --bits 4 the
    rows read as savings on the 4-bit model served, which the table never said they were not)."""
    if not techniques:
        return []
    base = techniques[0]
    b, rg = base.result, base.result.range
    cost = b.per_query("cost_usd")
    priced = bool(cost)  # a price of 0 saves $0 on every row: the energy per query instead, as the break-even does
    # a sum below a hundredth of a cent per query as per million queries ("$3.8 less per million queries", issue 55)
    per_query = hz.money_per(cost) if priced else f"{hz.energy(b.per_query('energy_kwh'))} per query"
    rows = [(f"{BASELINE}: {base.label}",
             f"{hz.joules(b.joules_per_output_token)}"
             f"{_rng(hz.joules, rg['joules_per_output_token'], stated='joules_per_output_token' in b.stated_ranges)} and "
             f"{hz.token_time(b.seconds_per_output_token)}{_rng(hz.token_time, rg['seconds_per_output_token'])} per "
             f"output token (batch {hz.count(b.batch_size)}"
             + (f" per replica × {hz.whole(b.replicas)} replicas" if b.replicas > 1 else "")
             + f"; {hz.sig(b.tokens_per_s)} tokens/s served) on {hz.noun(hz.whole(b.devices), 'device')}; {per_query}")]
    for t in techniques[1:]:
        saved = t.to_dict()["saved_per_query"]
        e, c = t.saving("energy_kwh"), saved["cost_usd"]
        # without a price, the energy saved per query (PUE included), not "n/a per query"
        # "less per query": the amount saved, which had read like a cost (audit)
        # a negative saving is a cost, said as one (contract review 2026-11-29: "$-1.2 less per million queries")
        if priced and c is not None:
            per_query = hz.money_per(abs(c), more="less" if c >= 0 else "more")
        else:
            energy_saved = saved["energy_kwh"]
            per_query = f"{hz.energy(abs(energy_saved))} {'less' if energy_saved >= 0 else 'more'} per query"
        label = t.label + ("" if t.chosen else " (illustrative)")
        # a technique that needs fewer devices (smaller weights) says so: its time is on those
        fewer = (f" on {hz.noun(hz.count(t.result.devices), 'device')} (not {hz.count(t.baseline.devices)})"
                 if t.result.devices != t.baseline.devices else "")
        # and what it saves with the devices held fixed (issue 54): the like-for-like saving
        if (same := t.same_devices) is not None:
            sr = same.result
            fewer += (f"; on the same {hz.noun(hz.count(sr.devices), 'device')} ({sr.split_words} × "
                      f"{hz.noun(hz.whole(sr.replicas), 'replica')}), "
                      f"{_share(same.saving('energy_kwh'), 'energy per token')}, "
                      f"{_share(same.saving('seconds_per_token'), SERVED_TIME)}")
        rows.append((f"{SAVES} {label}", f"{_share(e, 'energy per token')}, "
                                         f"{_share(t.saving('seconds_per_token'), SERVED_TIME)}{fewer}; {per_query}"))
    return rows


def layout_text(r) -> str:
    """The tensor (or expert) parallelism, replicas and batch the devices serve with."""
    nodes = f", each across {r.nodes_per_replica} {r.domains_word}" if r.nodes_per_replica > 1 else ""
    # a batch given that a bound lowered, said where the batch is (serving review 2026-11-29: only a note had it)
    lowered = f" ({r.batch_words})" if r.batch_lowered else ""
    # devices given that serve nothing, said on the row (a subset serves more than all of them can)
    idle = (f"; {hz.noun(hz.whole(r.idle_devices), 'device')} of the {hz.whole(r.devices + r.idle_devices)} given idle"
            if r.idle_devices else "")
    return (f"{r.split_words} × {hz.noun(hz.whole(r.replicas), 'replica')}{nodes}, batch {hz.count(r.batch_size)} "
            f"per replica{lowered}{idle}")




def query_from_words(r) -> str:
    """Where a query's lengths come from a benchmark the model's name names, said on its row: "gpt-oss-120b" is
    MLPerf's benchmark, 5,000 + 1,278 tokens, where "openai/gpt-oss-120b" takes ShareGPT's (serving engineer's review
    2026-11-30: a note far below said so, the row did not)."""
    taken = [a for a in r.estimate.assumptions if a.name in ("prompt_tokens", "tokens_per_query")
             and a.origin == "benchmark"]
    if not taken:
        return ""
    which = ("both" if len(taken) == 2 else "the prompt" if taken[0].name == "prompt_tokens" else "the output")
    # a length the benchmark does not document, the tool's assumption for it, said as one (serving review 2026-11-30:
    # "both MLPerf's llama3.1-8b benchmark's" above a note that its output of 69 tokens is assumed)
    assumed = [w for w, name in (("prompt", "prompt_tokens"), ("output", "tokens_per_query"))
               if any(a.name == name for a in taken) and f"{w} assumed" in taken[0].source]
    guess = f", the {' and the '.join(assumed)} assumed (see the note)" if assumed else ""
    return (f" ({which} {taken[0].source.split(' (')[0]}'s{guess}; --prompt-tokens and --tokens-per-query set your "
            "own)")


def cmd_inference(args):
    inputs = {k: getattr(args, k) for k in INPUT_KEYS}
    rep = serving.inference_report(
        hardware=args.hardware, params=args.params, tokens=args.tokens, model=args.model,
        layers=args.layers, d_model=args.d_model, heads=args.heads, kv_heads=args.kv_heads, head_dim=args.head_dim, vocab=args.vocab,
        country=args.country, region=args.region, cloud=args.cloud, train_flops=args.train_flops,
        train_tokens=args.train_tokens,
        bits=args.bits, kv_bits=args.kv_bits, batch_size=args.batch_size, engine=args.engine,
        devices=args.devices, sparse_kernels=not args.dense_kernels, **inputs)
    if args.format == "json":
        return _dump(rep.to_dict())
    if args.format == "csv":
        sys.stdout.write(serving_export.to_csv(rep.to_dict()))
        return None
    rows, notes = report_rows(rep)
    if args.format == "markdown":
        r = rep.result
        title = (f"Serving {hz.count(r.params_served)} parameters at {r.bits} bits on {hz.whole(r.devices)} × {r.hardware_id}, "
                 f"{hz.noun(hz.count(r.tokens), 'output token')}")
        sys.stdout.write(serving_export.to_markdown(title, rows, notes, tool_version()))
        return None
    _table(rows, notes)


def report_rows(rep) -> tuple[list[tuple[str, str]], list[str]]:
    """The table's rows (quantity, the figure in words) and its notes: the table's and the Markdown's."""
    r, rg = rep.result, rep.result.range
    a = r.architecture
    rows = [
        ("model served", f"{hz.noun(hz.count(r.params_served), 'parameter')} at {r.bits} bits (KV cache {r.kv_bits} bits) on "
                         f"{hz.whole(r.devices)} × {r.hardware_id}"),
        ("engine", f"{r.engine}: {ENGINES[r.engine]}"),
        ("layout", layout_text(r)),
        ("architecture", f"{hz.noun(str(a.layers), 'layer')}, d_model {a.d_model}, {hz.noun(str(a.heads), 'head')}"
                         # a head size other than d_model ÷ heads (Gemma's 256 on 3,072 ÷ 16), said; the attention's
                         # own (diff review 2026-11-29: DeepSeek's 288 sizes its latent KV cache, its heads are 192)
                         + (f" of size {q_size}" if (q_size := attention_dims(a)[2]) != a.d_model / a.heads else "")
                         + (f", latent attention (its cache {hz.noun(str(a.kv_heads), 'KV head')} of {gfmt(a.head_size)})"
                            if latent_attention(a) else f", {hz.noun(str(a.kv_heads), 'KV head')}")
                         + (f" ({a.name})" if a.name else "")),
        ("memory", f"{hz.sig(r.memory_gb)} GB = weights {hz.sig(r.weights_gb)} GB + KV cache {hz.sig(r.kv_cache_gb)} GB "
                   f"(batch {hz.count(r.batch_size)}; largest that fits: "
                   # the batch's bound where the memory holds more (serving engineer's review 2026-12-03: "1.00 million"
                   # read as the memory's count, about 1.26 million)
                   f"{'over ' if r.max_batch_size >= B.BATCH.high else ''}{hz.count(r.max_batch_size)})"
                   # one replica's (review 2026-11-26: 154 GB on 8 devices read as the 8's)
                   + (f", each replica's {hz.noun(str(r.devices_per_replica), 'device')}" if r.replicas > 1 else "")),
        ("query", f"{hz.query_tokens(r.prompt_tokens)} prompt + {hz.noun(hz.query_tokens(r.tokens_per_query), 'output token')}"
                  + query_from_words(r)),
        ("time per output token", f"{hz.token_time(r.seconds_per_output_token)}{_rng(hz.token_time, rg['seconds_per_output_token'])}: "
                                  f"one step of batch {hz.count(r.batch_size)}, {r.chip} part {r.bound}-bound"
                                  # an engine that prefills new prompts as steps of their own: theirs in it too
                                  + (", the other requests' prefill steps' share in it"
                                     if r.own_engine_s_per_step > 0 and r.batch_size > 1 else "")
                                  + (f", ÷ {hz.sig(r.tokens_per_step)} tokens a sequence emits a step "
                                     f"({hz.noun(str(r.draft_tokens), 'draft token')}, acceptance {r.acceptance:g})"
                                     if r.draft_tokens else "")),
        ("time to first token", first_token_words(r)),
        ("throughput", f"{hz.sig(r.tokens_per_s)} tokens/s{_rng(hz.sig, rg['tokens_per_s'])}"
                       + (f" on {hz.whole(r.devices)} of the {hz.whole(r.devices + r.idle_devices)} devices given, the "
                          "rest idle" if r.idle_devices else
                          "" if r.devices == 1 else (" on both devices" if r.devices == 2 else
                                                     f" on all {hz.whole(r.devices)} devices"))),
        ("energy per output token", f"{hz.joules(r.joules_per_output_token)}"
                                    f"{_rng(hz.joules, rg['joules_per_output_token'], stated='joules_per_output_token' in r.stated_ranges)} "
                                    "on the devices "
                                    f"({hz.power(r.power_w_per_device)} each), before PUE"),
        # serving's energy is the devices' alone (as measured), training's has the host's share: said in
        # the label, not only in a note (audit)
        ("at the wall (devices and hosts)", f"{hz.power(r.node_power_w)}{_rng(hz.power, rg['node_power_w'])}, before PUE"
                                            # the centres' ratio: no range of its own (final review 2026-11-30)
                                            # (serving review 2026-11-30: "at the centres" had read as the data
                                            # centres', PUE included)
                                            + (f"; {hz.joules(r.joules_per_output_token_at_wall)} per output token "
                                               f"{WALL_TOKEN_ENERGY_OF}" if r.joules_per_output_token_at_wall else "")),
        *footprint_rows(r),
        # the energy and CO₂e the devices', the cost the price's (per device-hour: the whole instance's; serving review
        # 2026-11-30: "devices only" had read as the dollars' too)
        (f"per query (energy: {DEVICES_ONLY}, PUE included)",
         f"{hz.energy(r.per_query('energy_kwh'))}"
         f"{_rng(hz.energy, rg['per_query']['energy_kwh'], stated='energy_kwh' in r.stated_ranges)}, "
         f"{hz.co2e(r.per_query('co2e_kg'))}{_rng(hz.co2e, rg['per_query']['co2e_kg'], stated='co2e_kg' in r.stated_ranges)}, "
         f"{hz.money(r.per_query('cost_usd'))}"
         f"{_rng(hz.money, rg['per_query']['cost_usd'], stated='cost_usd' in r.stated_ranges)}"),
        *([(PER_MILLION_LABEL, line)] if (line := per_million(r)) else []),
        *total_rows(r),
        *site_used(r),
    ]
    rows += technique_rows(rep.techniques)
    be = rep.break_even
    # training's energy as serving counts it: the devices' share, without the host (compression.break_even)
    devices_only = (f" (the devices' {hz.percent(be.train_device_share)} of {hz.energy(rep.training.energy_kwh)}, "
                    "as serving counts)" if be.train_device_share < 1 else "")
    cost = be.train["cost_usd"]
    cost_share = (f" (the devices' share of {hz.money(rep.training.cost_usd)}, priced by the kWh)"
                  if cost is not None and rep.training.cost_usd is not None and cost != rep.training.cost_usd else "")
    rows.append(("training (for break-even)", f"{hz.flops(rep.training.flops)}: {hz.energy(be.train['energy_kwh'])}"
                                              f"{devices_only}, {hz.money(cost)}{cost_share}"))
    key = be.basis
    q = be.queries[key]
    # the range said for what it is, in the row: not one of the 80% intervals of the "ranges" note (audit)
    ends = (be.queries_range or {}).get(key)
    q_rng = (f" ({' – '.join(hz.range_ends(hz.count, *ends))}, {compression.BREAK_EVEN_RANGE_MEANING})"
             if ends and None not in ends else "")
    rows.append(("serving outgrows training", "n/a" if not q else
                 f"after {hz.queries_until(q)}" + (f"{q_rng} ({hz.noun(hz.count(be.tokens[key]), 'token')})"
                                                   if q >= 1 else "")
                 + f", by {be.basis_word}"))
    notes = [f"ranges: {r.range_meaning}"] + list(r.notes)
    if any(not t.chosen for t in rep.techniques):
        notes.append(compression.ILLUSTRATIVE_NOTE)
    return rows, notes + [f"training: {rep.training_source}"]


def cmd_fit_serving(args):
    doc = serving_accuracy.refit()
    path = serving_data.SERVING_FIT_PATH
    if args.check:
        check_fit(path, doc, serving_data.FIT_COMMAND)
        print(f"ok: {path.name} matches a fresh fit of every engine: vllm-2024 ({doc['data']['n_configs']} "
              f"configurations), latency ({doc['latency_engine']['fit']['n_configs']} published times), optimized-2024 "
              f"({doc['optimized_engine']['fit']['n_configs']} MLPerf results and published times), eager-2023 "
              f"({doc['eager_engine']['fit']['n_configs']} configurations), and the power-limit exponent")
        return
    serving_data.write_fit(doc)
    f = doc["fit"]
    print(f"wrote {path} from {doc['data']['n_configs']} configurations of {len(doc['data']['models'])} models")
    print(f"engine {gfmt(f['engine_s_per_layer'] * MS_PER_S, 3)} ms per layer and {gfmt(f['engine_s_per_sequence'] * MS_PER_S, 3)} ms per "
          f"sequence per step; {gfmt(f['tp_s_per_allreduce'] * MS_PER_S, 3)} ms per all-reduce; GPU busy "
          f"{gfmt(f['busy_per_roofline_s'], 3)} × the roofline time; {f['level']:.0%} interval ×/÷ "
          f"{gfmt(math.exp(f['tpot_log_half_width']), 3)} (TPOT), "
          f"×/÷ {gfmt(math.exp(f['energy_log_half_width']), 3)} (J per output token)")
    for k, m in doc["meaning"].items():
        print(f"  {k} = {gfmt(f[k], 3)}: {m['what']}; beside: {m['beside']}")
    lat = doc["latency_engine"]
    f, v = lat["fit"], lat["validation"]["overall"]["model"]
    print(f"latency engine ({f['n_configs']} published small-batch times of {f['n_models']} benchmarks): "
          f"{gfmt(f['engine_s_per_layer'] * MS_PER_S, 3)} ms per layer, {gfmt(f['engine_s_per_sequence'] * MS_PER_S, 3)} ms per "
          f"sequence, {gfmt(f['tp_s_per_allreduce'] * MS_PER_S, 3)} ms per all-reduce; leave-one-benchmark-out TPOT off by a "
          f"median {v['median_factor']:.2f}×, its {f['level']:.0%} interval (×/÷ {gfmt(math.exp(f['tpot_log_half_width']), 3)}) "
          f"held {v['interval_coverage']:.0%}")


def register(sub):
    p = sub.add_parser("inference", help="serving cost per output token and in total, with ranges; quantisation, "
                                         "pruning, distillation; break-even with training")
    m = p.add_argument_group("model (one of: --model, an architecture, --params alone)")
    add_input_args(m, SERVING, ("model", "params", "layers", "d_model", "heads", "kv_heads", "head_dim", "vocab"))
    w = p.add_argument_group("workload and serving")
    add_input_args(w, SERVING, ("tokens", "prompt_tokens", "tokens_per_query", "batch_size", "devices", "tp", "ep", "ttft_ms",
                                "tpot_ms", "beams", "draft_tokens", "acceptance", "engine", "power_limit_w"))
    c = p.add_argument_group("compression")
    add_input_args(c, SERVING, ("bits", "kv_bits", "sparsity", "sparse_kernels", "student_params"))
    add_input_args(p.add_mutually_exclusive_group(), SERVING, ("train_flops", "train_tokens"))
    add_setting_args(p, hardware_default=INFERENCE_DEFAULT_HARDWARE, training=False, inputs=SERVING,
                     formats=("table", "json", "csv", "markdown"))
    p.set_defaults(func=cmd_inference)

    p = sub.add_parser("fit-serving", help="re-fit the serving engines (optimized-2024: MLPerf Inference v4.0/v4.1 and "
                                           "the published small-batch times; vllm-2024: the ML.ENERGY measurements; "
                                           "latency: the small-batch times; eager-2023: ML.ENERGY's FastChat rows) and "
                                           "the power-limit exponent, and write estimator/data/serving_fit.json")
    p.add_argument("--check", action="store_true", help="only check that the shipped fit matches a fresh one (exit 2 if not)")
    p.set_defaults(func=cmd_fit_serving)
