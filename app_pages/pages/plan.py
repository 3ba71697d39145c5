"""Plan a training run: the parallel layouts of a model on a number of devices that fit memory, ranked by the
step model's time, each with its MFU, memory per device, time, cost and CO₂e (``python -m estimator plan``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.inputs import declared as d
from app_pages.inputs import links
from app_pages.inputs.site import grid_place
from app_pages.inputs.workload import model_tokens
from app_pages.ui import common as c
from app_pages.ui import style
from app_pages.ui.profile_cache import calibrated_dir_signature
from estimator.core.base import bounds as B
from estimator.core.base.errors import EstimatorError
from estimator.core.base.interval import WHOLE_RUN_LONGER
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import KG_PER_T, S_PER_DAY
from estimator.core.hardware.profile import PRECISION_ALIASES
from estimator.core.training import plan as core_plan
from estimator.core.training.estimate import DEFAULT_CARBON_INTENSITY_G_PER_KWH
from estimator.core.training.memory import DEFAULT_SEQ_LEN, TIGHT_MEMORY_SHARE
from estimator.core.training.plan import DEFAULT_GLOBAL_BATCH_TOKENS, ROOMY_WITHIN
from estimator.io.datafiles import default_profiles
from estimator.io.serving_data import load_catalog
from estimator.report import humanize as hz
from estimator.services import inputs as I
from estimator.services.inputs import DEFAULT_HARDWARE, PLAN
from estimator.services.training import plan as plan_service
from estimator.services.training import step_setup

# The page opens on the plan `plan` must answer (issue 53): Llama 3.1 70B on 15T tokens over 1,024 H100s.
RANK_PX = 40  # the plan table's rank column: up to "10" whole, with the cell's padding
DEFAULT_MODEL = "llama-3.1-70b"   # its tokens the field's start: its published 15T (``model_tokens``)
DEFAULT_DEVICES = 1024
# A deadline and a budget to start from when the page sizes the run by them, round numbers beside the plan above
# (180 days and $30M on 1,024 H100s at the model's 8,192-token sequence: `python -m estimator plan --model
# llama-3.1-70b --tokens 15e12 --devices 1024`): a deadline about half its time (2,048 H100s meet 90 days), a budget a
# little above its cost (the fewest devices it pays for and the fastest plan, 3,072 H100s in 60 days for $30M; at $30M
# itself the fastest was 256 devices for 1.9 years: diff review 2026-11-30). A design choice, not a source's figure.
DEFAULT_DEADLINE_DAYS = 90.0
DEFAULT_BUDGET_USD = 35e6


# The inputs this page has a field for, by their names in a refusal's fields (``EstimatorError.field``): their
# declared labels, the site's widgets among them (the layout's parts are the CLI's alone, so a refusal never names a
# field not here).
PAGE_LABELS = {**I.labels(PLAN), I.PLAN_PRICE.name: I.PLAN_PRICE.label}


# Whether the page opened on a link that gave the tokens (``workload.TOKENS_LINKED_KEY``'s rule)
TOKENS_LINKED_KEY = "_plan_tokens_linked"


def _model_changed() -> None:
    """on_change of the model picker: the tokens field takes the new model's (``model_tokens``), no link's, as on the
    Estimate page."""
    st.session_state[PLAN["tokens"].url_key] = model_tokens(st.session_state.get(PLAN["model"].url_key))
    st.session_state[TOKENS_LINKED_KEY] = False


@st.cache_resource(show_spinner=False, max_entries=32)
def _planned(profiles_signature: tuple, **inputs) -> plan_service.PlanReport:
    """``plan_service.plan(**inputs)``, kept for the server process: a plan takes seconds (a deadline's search up to
    ~10 s), and the page runs again on every click (a tab, a download) with the same inputs. A refusal is not kept
    (Streamlit caches no exception). ``profiles_signature`` (profiles/calibrated/'s files) keys a plan to the profiles
    it was made from: a profile calibrated while the server runs plans afresh. The report is frozen: read, never
    changed."""
    return plan_service.plan(**inputs)


def plan_table(report: plan_service.PlanReport) -> pd.DataFrame:
    rows = []
    for rank, row in enumerate(report.rows, 1):
        p, e, lay = row.planned, row.estimate, row.planned.layout
        # the figures first, the layout in one column after them (browser review 2026-11-26: at 1,400 px GB/device,
        # days, cost and CO₂e were off the grid, behind nine columns of the layout's parts)
        split, recompute = core_plan.layout_split_short(lay), core_plan.recompute_short(lay)
        # the split first, short and pinned (``c.dataframe``), its settings last (browser reviews 2026-11-26/27: at
        # 1,024 px the layout's words first hid tokens/s/device and HFU, and last they were cut off)
        # the rank first, as `plan` numbers its rows: it names a row where two share a split (their settings, last,
        # scrolled out of view; browser review 2026-11-27), pinned with the split
        rows.append({"#": rank, "layout": split, "days": e.wall_clock_s / S_PER_DAY, "cost": e.cost_usd,
                     "CO₂e (t)": e.co2e_kg / KG_PER_T, "MFU (model FLOPs)": p.step.mfu, "GB/device": p.memory.total_gb,
                     "tokens/s/device": p.step.tokens_per_s_per_device, "HFU": p.step.hfu,
                     "settings": f"ZeRO-{lay.zero_stage}, mb {lay.micro_batch}, {recompute}"})
    return pd.DataFrame(rows)


# the cells as `plan` prints them (one home: report.humanize; code audit 2026-11-29: a run of minutes read "0.0" days
# here where the CLI read "0.035")
FORMATS = {"tokens/s/device": hz.plan_tokens_cell, "MFU (model FLOPs)": lambda x: f"{x:.1%}",
           "HFU": lambda x: f"{x:.1%}", "GB/device": lambda x: f"{x:.1f}",
           "days": hz.plan_days_cell, "cost": hz.money, "CO₂e (t)": hz.sig}


def table_formats(report: plan_service.PlanReport) -> dict:
    """``FORMATS`` with the GB/device cell marked * above 90% of the device's memory, as `plan` marks it (researcher
    review 2026-11-29: the page showed 85.0 of 85.5 GB as any roomy row)."""
    return {**FORMATS, "GB/device": lambda x: hz.plan_memory_cell(x, report.capacity_gb),
            # a layout that meets a budget never reads above it (diff review 2026-11-30: "$28M" under a $27.8M budget)
            "cost": lambda x: hz.budget_cost(x, report.budget) if x is not None else hz.money(x)}


def site_inputs(profile) -> tuple[dict, dict]:
    """The site every layout's energy, CO₂e and cost are at, as `plan --carbon-intensity/--country/--cloud/--pue/
    --power-w` take it (researcher review 2026-11-29: the page held every plan to the world-average grid, a German
    run's CO₂e another than the CLI's), under the page's own keys (browser review 2026-11-29: the Estimate page's had
    carried a power typed for an H100 plan into its V100 scenario). (``plan``'s keywords, the link's parameters.)"""
    box = st.expander("Grid, PUE and power", icon=":material/bolt:")
    site = {"carbon_intensity_g_per_kwh": d.number(
        PLAN["carbon_intensity_g_per_kwh"], fmt="%.4g", where=box,
        placeholder=f"{gfmt(DEFAULT_CARBON_INTENSITY_G_PER_KWH)} (world average), or the country's")}
    site["country"], site["cloud"] = grid_place(box, PLAN["country"], PLAN["cloud"], "none")
    site["pue"] = d.number(PLAN["pue"], fmt="%.2f", step=0.01, placeholder=f"{profile.pue:.2f} (the profile's)",
                           where=box)
    # whole watts a click, as the Estimate page's field
    site["power_w"] = d.number(PLAN["power_w"], fmt="%.4g", step=1.0, where=box,
                               placeholder=(f"{gfmt(profile.power.average_w, 3)} (the profile's)"
                                            if profile.power.average_w else "the profile's"))
    site = {k: v for k, v in site.items() if v is not None}
    return site, {PLAN[k].url_key: v for k, v in site.items()}


def render() -> None:
    st.title("Plan a training run", anchor=False)
    st.markdown("The parallel layouts that fit each device's memory, ranked by the step model's time "
                "(tensor parallelism within the scale-up domain, pipeline, context and data parallelism, ZeRO, "
                f"micro-batch, recomputation; a layout above {TIGHT_MEMORY_SHARE:.0%} of the memory after the fastest "
                f"with room within {ROOMY_WITHIN - 1:.0%} of its time), the run's time ÷ a goodput for restarts and "
                "checkpoints.")
    models = list(load_catalog())
    # the devices `plan` takes: a peak and a bandwidth the step model times, none older than its fit (its refusal)
    profiles = sorted(p for p, prof in default_profiles().profiles.items() if plan_service.why_not_planned(prof) is None)
    left, mid, right = st.columns(3)
    model = d.select(PLAN["model"], models, default=DEFAULT_MODEL, where=left, on_change=_model_changed)
    # a name as `--hardware` takes it, mended to its id; a profile the page leaves out, said why
    c.check_profile_link(PLAN["hardware"].url_key, profiles, why_not=plan_service.why_not_planned)
    hardware = d.select(PLAN["hardware"], profiles,
                        default=DEFAULT_HARDWARE if DEFAULT_HARDWARE in profiles else profiles[0], where=mid)
    # the model's own tokens, as `plan --model` alone takes them (diff review 2026-11-30: 15T for every model)
    own_tokens = model_tokens(model)
    linked = st.session_state.setdefault(TOKENS_LINKED_KEY, PLAN["tokens"].url_key in st.query_params)
    tokens = d.number(PLAN["tokens"], default=own_tokens, fmt=c.LARGE_NUMBER_FORMAT, where=right)
    if load_catalog()[model].train_tokens is None and tokens == own_tokens:
        # the field's start is illustrative: said here, where a deadline or a budget takes it as the run's (`plan`
        # asks for the tokens there: second diff review 2026-11-30)
        right.caption(c.md_escape(f"{load_catalog()[model].name.split(' (')[0]} publishes no training tokens: "
                                  f"{gfmt(own_tokens, 3)} is illustrative (Llama 2's); give your run's", limit=300))
    by = d.radio(I.PLAN_BY, I.PLAN_BY.choices, default=I.PLAN_BY.default, any_case=True, where=st)
    left, mid, right = st.columns(3)
    devices = deadline = budget = price = None
    profile = default_profiles().get(hardware)
    # a field the choice hides is said to be set aside, not "read by nothing" (browser review 2026-11-26)
    hidden = {"Devices": (PLAN["devices"].url_key,), "Deadline": (PLAN["deadline_days"].url_key,),
              "Budget": (PLAN["budget_usd"].url_key,)}
    c.ignored_url_params([k for choice, keys in hidden.items() if choice != by for k in keys],
                         f"not used when the run is sized by {by.lower()}", drop=True)  # dropped from the address
    # too, so that choosing that field later does not take the ignored value unsaid (browser review 2026-11-29)
    if by == "Deadline":
        deadline = d.number(PLAN["deadline_days"], default=DEFAULT_DEADLINE_DAYS,
                            fmt="%.4g", where=left)
    elif by == "Budget":
        # dollars as a whole number, not 3.000e+7 (browser review 2026-11-26, second)
        budget = d.number(PLAN["budget_usd"], min_value=B.SMALLEST_NONZERO, default=DEFAULT_BUDGET_USD,
                          fmt=c.WHOLE_NUMBER_FORMAT, where=left)
    else:
        # one where the profile states no links, the only count `plan` lays out on it
        devices = d.number(PLAN["devices"], default=DEFAULT_DEVICES if plan_service.lays_out_many(profile) else 1, where=left)
    if not plan_service.lays_out_many(profile):
        st.caption(c.md_escape(f"{profile.name}'s profile states no links between devices: a run is laid out on one "
                               "device (a deadline or budget is met on one, or refused).", limit=300))
    # a price for the costs however the run is sized, as `plan --price-usd-per-hour` takes it (app-and-CLI review
    # 2026-11-27: it was a budget's only, so a device-sized plan on gaudi3 read "Cost n/a"), over the profile's where it
    # has one (app parity review 2026-12-03: a plan with a price of its own could not be a link)
    own_price = default_profiles().get(hardware).price.usd_per_device_hour
    price = d.number(I.PLAN_PRICE, fmt="%.4g", where=mid,
                     placeholder="none in the profile" if own_price is None else f"{gfmt(own_price)} (the profile's)")
    # the device's precisions the step model covers, the one `plan` takes without one given first
    precisions = plan_service.planned_precisions(profile)
    precision = d.select(PLAN["precision"], precisions, default=step_setup.plan_precision(profile), where=right,
                         any_case=True, renamed=PRECISION_ALIASES)  # a link's "MXFP8" as `plan --precision` takes it
    own_seq = load_catalog()[model].train_seq_len  # the model's pretraining sequence, the plan's default where published
    seq_len = d.number(PLAN["seq_len"], default=None, where=mid,
                       placeholder=f"{own_seq:,} (the model's)" if own_seq else f"{DEFAULT_SEQ_LEN:,}")
    own_batch = load_catalog()[model].train_batch_tokens  # the model's pretraining batch, the default where published
    batch = d.number(PLAN["global_batch_tokens"], default=None, fmt="%.3g",
                     placeholder=f"{own_batch:,} (the model's)" if own_batch else f"{DEFAULT_GLOBAL_BATCH_TOKENS:,}",
                     where=right)
    site, site_link = site_inputs(profile)
    c.show_url_warnings()  # after the URL-bound widgets (a bad value is found while its widget is drawn)
    if by == "Budget" and price is None and default_profiles().get(hardware).price.usd_per_device_hour is None:
        # asked for, not refused in red before anything was typed (browser review 2026-11-26)
        st.info(f"{default_profiles().get(hardware).name} has no price in its profile: give a price per device-hour "
                "for a budget.")
        return
    # the model's own tokens go as none given, the plan then says whose they are as `plan --model` alone does; the
    # illustrative count only where devices size the run (a deadline or a budget is met by the run's tokens: given)
    # (a link's own tokens are given, as `--tokens` is: second diff review 2026-11-30)
    published = load_catalog()[model].train_tokens is not None
    run_tokens = None if tokens == own_tokens and (published or by == "Devices") and not linked else tokens
    try:
        report = _planned(calibrated_dir_signature(), model=model, tokens=run_tokens, hardware=hardware, devices=devices, seq_len=seq_len,
                                   precision=precision,
                                   global_batch_tokens=batch, deadline_days=deadline, budget_usd=budget,
                                   price_usd_per_device_hour=price, **site)
    except EstimatorError as exc:
        # the page's own fields (browser review 2026-11-26: it named Tensor parallel and Pipeline stages, not here)
        c.show_error(exc, labels=PAGE_LABELS)
        if devices is not None and devices > 1 and plan_service.states_no_links(default_profiles().get(hardware)):
            # the way on this page: the profile file the refusal names cannot be picked here (app review 2026-12-02)
            st.caption(f"On this page: set {PLAN['devices'].label} to 1 (one device needs no link), or pick a "
                       "profile that states its links.")
        return
    best = report.best
    if best is None:  # devices found for the target, but none of their layouts meets it (a rounding edge)
        st.warning(f"No layout on {report.devices:,} devices meets the {report.target}.")
        return
    e = best.estimate
    fast = report.fastest_within
    if fast is not None and fast["devices"] != report.devices:
        # the budget's other end first (browser review 2026-11-26: the fewest devices' 30-year run led the page,
        # slower and dearer than the fastest plan the budget pays for)
        # the time as the figure, its devices and cost in the line under it (browser review 2026-11-29: the three in one
        # figure were cut at 390 px, "54.7 days on 3,072 devi…", the cost out of sight)
        st.metric("Fastest the budget pays for", hz.human('wall_clock_s', fast['wall_clock_s']),
                  help="Every device count of the ladder tried; below, the fewest devices that meet the budget")
        # its layouts one click away (browser review 2026-11-26, second: one line, no table, nothing to open)
        opened = links.page_link({PLAN["model"].url_key: model, PLAN["hardware"].url_key: hardware,
                                  PLAN["tokens"].url_key: tokens, I.PLAN_BY.url_key: "Devices",
                                  PLAN["devices"].url_key: fast["devices"], PLAN["seq_len"].url_key: seq_len or report.seq_len,
                                  PLAN["global_batch_tokens"].url_key: batch, I.PLAN_PRICE.url_key: price,
                                  # the site too, as the link to this plan carries it (app review 2026-12-02: the
                                  # opened plan's CO₂e was at the world average and the profile's PUE)
                                  PLAN["precision"].url_key: precision, **site_link})
        cheaper = " It is faster and cheaper than the fewest devices' plan below." if report.fastest_is_cheaper else ""
        st.markdown(f"On {fast['devices']:,} devices, {c.md_escape(hz.budget_cost(fast['cost_usd'], report.budget))}: "
                    f"[its layouts]({opened}).{cheaper}")
    if report.target:
        st.markdown(c.md_escape(f"On the fewest devices that meet the {report.target}: {report.devices:,}"))
    # cells that wrap rather than cut a number (browser review: "167 d…" at 1,024 px in five columns)
    cols = style.metric_cells(5 if report.target else 4, "plan_headline")
    cols[0].metric("Training time", hz.human("wall_clock_s", e.wall_clock_s))
    cols[1].metric("MFU (model FLOPs)", f"{best.planned.step.mfu:.1%}")
    cols[2].metric("Cost", "n/a" if e.cost_usd is None else hz.budget_cost(e.cost_usd, report.budget))
    cols[3].metric("CO₂e", hz.co2e_short(e.co2e_kg))  # as the Estimate page writes it (the label says CO₂e)
    if report.target:
        cols[4].metric(f"Fewest devices for the {report.target}", f"{report.devices:,}")
    # the ranges, as `plan` prints them (browser review 2026-11-26, second: a deadline met at the centre only read
    # as met, with no range on the page)
    level = f"{e.level:.0%}"
    spans = [f"time {hz.human('wall_clock_s', e.range['wall_clock_s'][0])} – {hz.human('wall_clock_s', e.range['wall_clock_s'][1])}"]
    if e.cost_usd is not None:
        spans.append(f"cost {hz.money(e.range['cost_usd'][0])} – {hz.money(e.range['cost_usd'][1])}")
    spans.append(f"CO₂e {hz.co2e_short(e.range['co2e_kg'][0])} – {hz.co2e_short(e.range['co2e_kg'][1])}")
    st.caption(c.md_escape(f"{level} ranges: " + "; ".join(spans)))
    for words in plan_service.footprint_words(e):  # as the CLI's Best line gives them (researcher review 2026-11-30)
        st.caption(c.md_escape(words[:1].upper() + words[1:] + ": ranges as their sources state them, no measured "
                               "coverage", limit=400))
    # what those ranges are not, beside them (browser review 2026-11-29: a tuned stack's range, which holds 1 of 10
    # published whole runs on the Accuracy page, read as the run's; the whole-run figure only a grey caption below)
    whole = plan_service.whole_run_note(report.whole_run_fit) if report.whole_run_fit is not None else None
    if whole is not None:
        st.info(c.md_escape(whole[:1].upper() + whole[1:] + f"; {WHOLE_RUN_LONGER}.", limit=c.NOTE_CHARS),
                icon=":material/schedule:")
    centre_only = [n for n in report.notes if plan_service.CENTRE_ONLY in n]
    for n in centre_only:  # a deadline or budget met at the centre only: said by the headline, once
        st.warning(c.md_escape(n[:1].upper() + n[1:] + ".", limit=400))
    st.caption(c.md_escape(f"Best: {best.estimate.step.layout_words() if best.estimate.step else ''}", limit=400))
    table = plan_table(report)
    c.dataframe(c.number_table(table, table_formats(report)), width="stretch",
                column_config={"#": st.column_config.NumberColumn("#", width=RANK_PX), "layout": {"pinned": True}})
    if report.capacity_gb:  # "80GB" in a name beside 81.8 GB a device read as a layout that does not fit
        st.caption(c.md_escape(f"GB/device: the layout's memory per device, held to the profile's "
                               f"{gfmt(report.capacity_gb, 3)} GB ({report.hardware_name}): the device's whole "
                               "memory, nothing kept back for the runtime's context, communication buffers or the "
                               "allocator's fragments, so a layout near it may not run as planned; marked *: "
                               f"above {TIGHT_MEMORY_SHARE:.0%} of it, tight.", limit=500))
    priced = default_profiles().get(hardware).price
    if price is not None or priced.usd_per_device_hour is not None:  # which price the costs are at (browser review)
        how = "as given" if price is not None else f"the profile's: {priced.basis}, {priced.date}"
        usd = price if price is not None else priced.usd_per_device_hour  # as stored, not to an estimate's 2 figures
        st.caption(c.md_escape(f"Costs at ${gfmt(usd, 4)} a device-hour ({how}).", limit=400))
    for n in report.notes:
        if n.startswith(plan_service.SITE_NOTE_START):
            # the settings, each with its source (~900 characters): whole; the price said above (code review
            # 2026-11-27: said twice)
            n = plan_service.site_note(best.estimate, skip=("price_usd_per_device_hour",))
            st.caption(c.md_escape(n, limit=1500))
        elif n not in centre_only and n != whole:  # said above (browser review 2026-11-26, second: said twice)
            # whole (browser review 2026-11-29: the shape's note was cut mid-word at 600 characters)
            st.caption(c.md_escape(n, limit=c.NOTE_CHARS))
    # every input, today's defaults included (the address bar leaves them out): a link keeps its plan when a
    # default moves (browser review 2026-11-26, second)
    sized = {"Devices": {PLAN["devices"].url_key: devices}, "Deadline": {PLAN["deadline_days"].url_key: deadline},
             "Budget": {PLAN["budget_usd"].url_key: budget}}[by]
    link = links.page_link({PLAN["model"].url_key: model, PLAN["hardware"].url_key: hardware,
                            PLAN["tokens"].url_key: tokens, I.PLAN_BY.url_key: by, **sized,
                            I.PLAN_PRICE.url_key: price,
                            # the sequence timed, the default's too (browser review 2026-11-27: left out, a link
                            # would follow the default); an empty global batch stays empty: it asks for the default
                            # and the 16M batch beside it, which a number given would not
                            PLAN["seq_len"].url_key: seq_len or report.seq_len,
                            PLAN["global_batch_tokens"].url_key: batch, PLAN["precision"].url_key: precision,
                            **site_link})
    st.markdown("**Link to this plan** (it holds every input, those at today's defaults too, which the address bar "
                "leaves out; a global batch you did not give stays unset, so that the plan also tries 16M tokens a step)")
    st.code(link, language=None, wrap_lines=True)
    if (local := links.local_only(link)) is not None:
        st.caption(local)
