"""Subcommands: estimate, compare, presets, models, profiles, validate."""

from __future__ import annotations

import sys
from pathlib import Path

from estimator.cli.compare_output import compare_output
from estimator.cli.input_args import add_input_args, count  # noqa: F401 (count re-exported)
from estimator.cli.profile_text import show_profile
from estimator.core.base.errors import EstimatorError, InputError, ProfileError, ResultOutOfBounds
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.profile import DISPLAY_FLOPS, peak_unit
from estimator.core.training.utilization_choice import reference_run
from estimator.core.workload.scenario import INPUT_FIELDS
from estimator.io.datafiles import (
    default_profiles,
    id_clash,
    is_bundled,
    load_presets,
    load_profile_file,
    load_sources,
)
from estimator.io.paths import path_exists
from estimator.io.serving_data import load_catalog
from estimator.report import humanize as hz
from estimator.report.export import FORMATS, dump_json
from estimator.services import api
from estimator.services.companions import companion_sentence
from estimator.services.inputs import COMPARE, MEMORY_NAMES, STEP_NAMES, TRAINING
from estimator.services.result_export import render_result
from estimator.services.rows import compared_ids
from estimator.services.training.plan import unlinked_words
from estimator.services.workload_inputs import (
    ARCH_DETAIL_KEYS,
    ARCH_KEYS,
    COMPARE_LAYOUT,
    ESTIMATE_KEYWORDS,
    GENERIC_KEYS,
    WorkloadInputs,
    compare_kwargs,
    run_estimate,
    workload_inputs,
)

SCENARIO_ARGS = INPUT_FIELDS  # each is an argument of the same dest


def add_workload_args(p, inputs=TRAINING):
    w = p.add_argument_group("workload (one of)")
    add_input_args(w, inputs, ("flops", "params", "tokens", "recompute", "preset"))
    a = p.add_argument_group("workload from an architecture (with --tokens, else an illustrative count) or a generic network")
    add_input_args(a, inputs, ("layers", "d_model", "n_ctx", "vocab", "forward_flops_per_example", "examples", "epochs"))
    s = p.add_argument_group("scenario (defaults come from the hardware profile)")
    add_input_args(s, inputs, ("devices", "utilization", "precision", "year"))
    add_input_args(s.add_mutually_exclusive_group(), inputs, ("hours", "device_hours"))
    add_site_args(s, inputs)
    f = p.add_argument_group("embodied carbon and water")
    add_input_args(f, inputs, ("embodied", "lifetime_years", "cooling", "wue_l_per_kwh", "ewif_l_per_kwh"))


def add_memory_args(p) -> None:
    m = p.add_argument_group("training memory (with --params, --preset, --model or an architecture)")
    add_input_args(m, TRAINING, ("model", "heads", "kv_heads", "head_dim", "ffn", "mlp", "experts", "experts_per_token")
                   + MEMORY_NAMES)
    st = p.add_argument_group("the step model's time (with a layout above or --model: the time from the run's plan)")
    add_input_args(st, TRAINING, STEP_NAMES)


def add_site_args(s, inputs=TRAINING) -> None:
    """Power, PUE, grid intensity and price: the arguments every priced command shares."""
    add_input_args(s, inputs, ("power_w", "pue"))
    # a country with --region (a state or province of it), and a site's own intensity with either (services.grid); a
    # cloud region is a grid's intensity of its own: refused with the others there, in one message
    add_input_args(s, inputs, ("country", "carbon_intensity_g_per_kwh"))
    add_input_args(s.add_mutually_exclusive_group(), inputs, ("region", "cloud"))
    add_input_args(s.add_mutually_exclusive_group(), inputs, ("price_usd_per_device_hour", "electricity_usd_per_kwh"))


def workload(args) -> WorkloadInputs:
    """The workload from the arguments, by the rules the services hold (``services.workload_inputs``)."""
    given = {k: getattr(args, k, None) for k in SCENARIO_ARGS + ARCH_KEYS + GENERIC_KEYS + ARCH_DETAIL_KEYS}
    return workload_inputs(given, model=getattr(args, "model", None), preset=getattr(args, "preset", None),
                           seq_len=getattr(args, "seq_len", None))


def workload_named(exc: Exception, args) -> Exception:
    """A refusal that names the FLOPs, for FLOPs this command derived from an architecture or a generic network,
    names the inputs they came from instead (session 9 weak item: ``--layers … --tokens 1e15`` was told
    ``--flops``, which it never gave)."""
    if not isinstance(exc, ResultOutOfBounds):
        return exc
    given = tuple(k for k in ARCH_KEYS + GENERIC_KEYS if getattr(args, k, None) is not None)
    if "flops" in exc.fields and given and args.flops is None:
        exc.field = given + (("tokens",) if set(given) & set(ARCH_KEYS) else ()) + \
            tuple(f for f in exc.fields if f != "flops")
    if "params" in exc.fields and args.params is None:
        # the parameters came from --model or from a preset's model (review: both were told --params)
        source = ("model",) if getattr(args, "model", None) else ("preset",) if getattr(args, "preset", None) else ()
        exc.field = tuple(g for f in exc.fields for g in (source if f == "params" else (f,)))
    return exc


def cmd_estimate(args):
    given = {k: getattr(args, k, None) for k in ESTIMATE_KEYWORDS if k not in ("hardware", "preset_id")}
    try:
        # the Python API's estimate(model=…, tp=…) runs the same (services.workload_inputs.run_estimate)
        result = api.estimated(run_estimate(hardware=args.hardware, preset_id=args.preset, **given))
    except ResultOutOfBounds as exc:
        raise workload_named(exc, args) from None
    sys.stdout.write(render_result(args.format, result, scenario={
        k: v for k, v in vars(args).items() if k not in ("func", "format", "command") and v is not None}))
    if args.format == "table":
        for r2 in api.companions(result):
            sys.stdout.write(f"\n{companion_sentence(result, r2)}\n")


def cmd_compare(args):
    # by default every hardware profile; reference points (the brain, AlphaGo) only when named
    ps = default_profiles()
    ids = args.hardware or compared_ids(ps.profiles)
    for h in ids:
        ps.get(h)  # an unknown id or a broken file is named first, before what the comparison refuses
    try:
        # the Python API's compare(…, model=…) runs the same (services.workload_inputs.compare_kwargs)
        given = {k: getattr(args, k, None)
                 for k in SCENARIO_ARGS + ARCH_KEYS + GENERIC_KEYS + ARCH_DETAIL_KEYS + COMPARE_LAYOUT
                 + api.COMPARE_STEP}
        rep = api.compare(ids, **compare_kwargs(preset_id=args.preset, country=args.country, region=args.region,
                                                cloud=args.cloud, model=args.model, seq_len=args.seq_len,
                                                **{k: v for k, v in given.items() if v is not None}))
    except EstimatorError as exc:
        # no workload, or an input every profile refuses: its error, as raised, is the one line (exit 2)
        raise workload_named(exc, args) from None
    compare_output(args, rep.results, rep.failures)
    for hw, msg in rep.failures:
        print(f"note: {hw}: {msg}", file=sys.stderr)
    if not args.hardware:  # every profile was asked for: say which files could not be (audit: left out silently)
        for err in ps.errors:
            print(f"note: left out, the profile file does not load: {err}", file=sys.stderr)


def cmd_presets(args):
    presets = load_presets().values()
    if args.format == "json":  # the presets as data: inputs, their sources, ties and the published figures
        print(dump_json([{"id": p.id, "title": p.title, "description": p.description, "source": p.source,
                          "hardware": p.hardware, "inputs": dict(p.inputs), "why": dict(p.why),
                          "published": dict(p.published), "time_label": p.time_label,
                          "tied_to_power": list(p.tied_to_power), "compare_hardware": list(p.compare_hardware),
                          "model_params": p.model_params, "shape": None if p.shape is None else dict(p.shape),
                          "published_run": p.published_run}
                         for p in presets]))
        return
    sources = load_sources()
    for p in presets:
        print(f"{p.id:<20} {p.title}  [{p.source}, hardware {p.hardware}]")
        # what the run's source published and who (lecturer review 2026-12-02: the lecture guide promised them here)
        published = preset_published_words(p.published)
        cite = cite_head(str(sources.get(p.source, {}).get("cite", "")))
        for label, text in (("published", published), ("source", cite)):
            if text:
                print(f"{'':<20}   {label}: {text}")


def cmd_models(args):
    """The catalog's open models (estimator/data/open_models.toml), as `--model` takes them: each id with its parameters
    (active ones for a mixture of experts), layers and context (newcomer review 2026-12-03: `--help` pointed from one
    command to another's, and no command listed them)."""
    models = load_catalog().values()
    if args.format == "json":
        # the catalog's fields as open_models.toml names them (its header says what each is), the context in tokens
        print(dump_json([{"id": m.id, "name": m.name, "params": m.params, "active_params": m.arch.active_params,
                          "experts": m.arch.experts, "experts_per_token": m.arch.experts_per_token,
                          "moe_layers": m.arch.moe_layers, "layers": m.arch.layers, "d_model": m.arch.d_model,
                          "heads": m.arch.heads, "kv_heads": m.arch.kv_heads, "head_dim": m.arch.head_size,
                          "vocab": m.arch.vocab, "tied_embeddings": m.arch.tied_embeddings, "window": m.arch.window,
                          "windowed_layers": m.arch.windowed_layers, "context_tokens": m.context,
                          "train_tokens": m.train_tokens, "train_tokens_source": m.train_tokens_source or None,
                          "aliases": list(m.aliases), "source": m.source}
                         for m in models]))
        return
    width = max(len(m.id) for m in models)
    for m in models:
        size = f"{hz.count(m.params)} parameters"
        if m.arch.active_params:
            on = f" on {m.arch.moe_layers} of its layers" if m.arch.moe_layers else ""
            size += (f", {hz.count(m.arch.active_params)} active ({m.arch.experts} experts{on}, "
                     f"{m.arch.experts_per_token} a token)")
        context = f", context {m.context:,}" if m.context else ""
        print(f"{m.id:<{width}}  {m.name}: {size}, {m.arch.layers} layers{context}")


def cite_head(cite: str) -> str:
    """A source's citation up to the ": " that begins its figures, one inside a quoted title kept ('Touvron et al.
    2023, "LLaMA: Open and Efficient …", arXiv:2302.13971, §2.4')."""
    quoted = False
    for i, ch in enumerate(cite):
        if ch == '"':
            quoted = not quoted
        elif not quoted and cite.startswith(": ", i):
            return cite[:i]
    return cite


# A preset's published figures in the order the table says them
PUBLISHED_ORDER = ("wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd")


def preset_published_words(published) -> str:
    """A preset's published figures in words ("355 years, 3.11 million device-hours, $4.6M"); a cost published as a
    range said as one."""
    words = [hz.human(k, published[k]) for k in PUBLISHED_ORDER if k in published]
    if "cost_usd_low" in published and "cost_usd_high" in published:
        words.append(hz.human_range("cost_usd", published["cost_usd_low"], published["cost_usd_high"]))
    return ", ".join(words)


def profile_row(p) -> dict:
    """One line of `profiles list --format json`: what the table shows, as numbers."""
    return {"id": p.id, "kind": p.kind, "name": p.name, "default_precision": p.default_precision,
            "peak_flops_per_s": p.peak(), "power_w": p.power.average_w, "utilization": p.utilization.default,
            "reference_point": p.reference_point, "file": p.source_file}


def cmd_profiles(args):
    if args.action is None:
        raise InputError("profiles needs an action: list, show ID, or validate [FILE ...] (see `python -m estimator "
                         "profiles --help`)")
    ps = default_profiles()
    extra = ([args.id] if args.id is not None else []) + list(args.files)
    if args.action == "list":
        if extra:
            raise InputError(f"profiles list takes no arguments, got {' '.join(map(repr, extra))[:80]}")
        listed = sorted(ps.profiles.values(), key=lambda p: (p.kind, p.id))
        for err in ps.errors:
            print(f"warning: {err}", file=sys.stderr)
        if args.format == "json":
            print(dump_json([profile_row(p) for p in listed]))
            return 0
        # columns as wide as their longest entry (a calibrated profile's id and name are long)
        w_id, w_kind, w_name = (max([len(getattr(p, a)) for p in listed] + [len(a)]) for a in ("id", "kind", "name"))
        # a header, and what "util" is: the fit's centre for a reference run (audit: 0.171 beside GPT-3's 0.232)
        model = next((p.utilization.model for p in listed if p.utilization.fitted), None)
        print(f"{'id':<{w_id}}  {'kind':<{w_kind}}  {'name':<{w_name}}  {'peak':>11} {'':6} {'prec':<5} "
              f"{'power':>8}  util (at {reference_run(model, DISPLAY_FLOPS)})")
        for p in listed:
            peak = p.peak()
            # 3 significant digits: a calibrated CPU's 0.0047 is not "0.00"; 9.89 × 10¹⁴, not 9.89e+14
            print(f"{p.id:<{w_id}}  {p.kind:<{w_kind}}  {p.name:<{w_name}}  {gfmt(peak, 3):>11} {peak_unit(p.default_precision):<6} "
                  f"{p.default_precision:<5} "
                  f"{hz.power(p.power.average_w):>8}  util {hz.sig(p.utilization.default)}")
    elif args.action == "show":
        if len(extra) == 1 and not extra[0].strip():
            raise InputError("profiles show got an empty id; give a hardware id or profile file")
        if len(extra) != 1:
            raise InputError(f"profiles show takes exactly one hardware id or profile file, got {len(extra)}")
        if args.format == "json":  # the profile's data, every figure with its source, as its file holds it
            from estimator.core.calibration.calibrate import profile_to_dict
            print(dump_json(profile_to_dict(ps.get(args.id))))
        else:
            show_profile(ps.get(args.id))
    else:  # validate
        if args.format != "table":
            raise InputError("profiles validate prints one line a file: --format json is for list and show")
        if any(not x.strip() for x in extra):
            raise InputError("profiles validate got an empty path; give profile files, or none to check them all")
        lines: list[str] = []
        if extra:
            broken = 0
            seen: dict[str, str] = {}  # id → the first file that gave it: two files of one id cannot load together
            for path in extra:
                try:
                    profile = load_profile_file(path)
                except ProfileError as exc:
                    broken += 1
                    hint = ""
                    if not path_exists(path) and path in ps.profiles:  # an id, not a file (CLI audit)
                        hint = (f" ('{path}' is a bundled profile's id: validate takes files; "
                                f"`python -m estimator profiles show {path}` shows it)")
                    lines.append(f"broken: {exc}{hint}")
                    continue
                if profile.id in seen and Path(seen[profile.id]).resolve() != Path(path).resolve():
                    broken += 1
                    lines.append(f"broken: {path}: id '{profile.id}' is also the id of {seen[profile.id]}: give one of "
                                 "them another id (profiles load together, so an id names one file)")
                    continue
                clash = id_clash(ps, profile, path)
                if clash is not None:
                    broken += 1  # as loading sets it aside: an id names one file
                    lines.append(f"broken: {ProfileError(path, 'id', *clash)}")
                    continue
                seen.setdefault(profile.id, path)
                # what a valid file still cannot do, said where it is checked
                said = [w for w in (unlinked_words(profile), claimed_family_words(profile, ps.profiles)) if w]
                lines.append(f"ok: {path}" + (f" ({'; '.join(said)})" if said else ""))
            total = len(extra)
        else:
            lines = [f"ok: {p.source_file}" + (f" ({said})" if (said := claimed_family_words(p, ps.profiles)) else "")
                     for p in ps.profiles.values()] + [f"broken: {err}" for err in ps.errors]
            broken, total = ps.counts  # a duplicated id makes every file that holds it unusable
        try:
            print("\n".join(lines))
            sys.stdout.flush()
        except BrokenPipeError:  # the reader left early (`| head -1`): a broken file is still an error, exit 2 (CLI audit)
            if not broken:
                raise
            from estimator.cli.output import stdout_to_devnull
            stdout_to_devnull()
        if broken:
            raise InputError(f"{broken} of {total} profile file(s) are broken; the lines starting 'broken:' above "
                             "name each file, field and fix")


def claimed_family_words(profile, loaded) -> str | None:
    """What a file not among the bundled profiles claims by ``[utilization] family``: the fit of that family's published
    runs as its own (a copy of a bundled file keeps it; newcomer review 2026-12-03: a made-up device validated ok and
    its estimate said "fitted on 25 H100 runs"; diff review: a file in the calibrated folder, loaded, had been taken as
    known). None for a bundled profile, a borrowed fit or no family. ``loaded``: the loaded profiles by id."""
    ut = profile.utilization
    bundled = {pid: p for pid, p in loaded.items() if is_bundled(p)}
    if ut.family is None or ut.borrowed or (profile.id in bundled and is_bundled(profile)):
        return None
    members = sorted(p.id for p in bundled.values() if p.utilization.family == ut.family and not p.utilization.borrowed)
    return (f"[utilization] family = \"{ut.family}\" takes that family's fit on published runs as its own"
            + (f", as {', '.join(members)} do" if members else "")
            + f": a device without published runs of its own writes prior_from = \"{ut.family}\" and a basis instead, "
            "and is then estimated as a device without runs, its range calibrated on families held out whole; or, the "
            "family's own chip on another board, with same_chip = true too, which keeps the family's fit's centre, its range "
            "widened")


def register(sub):
    p = sub.add_parser("estimate", help="time, device-hours, energy, CO2e and cost of one scenario")
    add_workload_args(p)
    add_memory_args(p)
    add_input_args(p, TRAINING, ("hardware",))
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table (default), json, csv or markdown; latex and bibtex: the paper's statement and its "
                        "references")
    p.set_defaults(func=cmd_estimate)

    p = sub.add_parser("compare", help="one workload across several hardware profiles")
    add_workload_args(p, COMPARE)
    m = p.add_argument_group("a catalog model, timed on each profile by the step model (over the layout given below, "
                             "else the planner's best)")
    add_input_args(m, COMPARE, ("model", "seq_len"))
    lay = p.add_argument_group("the layout each profile's step is timed over, as estimate takes it (with a model's "
                               "shape: --model, an architecture, or --params with the catalog's nearest shape)")
    add_input_args(lay, COMPARE, COMPARE_LAYOUT + api.COMPARE_STEP)
    add_input_args(p, COMPARE, ("hardware",))
    p.add_argument("--format", choices=("table", "json", "csv", "markdown"), default="table")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("models", help="list the catalog's open models, the ids --model takes")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_models)

    p = sub.add_parser("presets", help="list the famous runs")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_presets)

    p = sub.add_parser("profiles", help="hardware profiles: list, show ID, validate [FILE ...]")
    # optional for argparse, so that with none the message names the action alone, not the optional files too
    p.add_argument("action", nargs="?", choices=("list", "show", "validate"))
    p.add_argument("id", nargs="?", help="with show: a profile id, name or file")
    p.add_argument("files", nargs="*", help="with validate: profile files (default: every profile, the bundled "
                                            "and the calibrated ones)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="with list or show")
    p.set_defaults(func=cmd_profiles)
