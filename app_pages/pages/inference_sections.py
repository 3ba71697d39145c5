"""The Inference page's second half: what each compression technique saves against the 16-bit
dense baseline (a table, its CSV and a chart), and when serving outgrows training (the break-even)."""

from __future__ import annotations

import streamlit as st

from app_pages.pages.inference_charts import break_even_chart, savings_chart, technique_table
from app_pages.ui import charts, style
from app_pages.ui import common as c
from estimator.core.base.number_text import gfmt
from estimator.core.serving import compression
from estimator.report import humanize as hz


# The technique table's cells: significant figures, never e-notation (7.17 × 10⁴, not 7.17e+04)
def _g3(x: float) -> str:
    return gfmt(x, 3)


def _g4(x: float) -> str:
    return gfmt(x, 4)


_whole = "{:.0f}".format


def range_words(r) -> str:
    """What the techniques' energy ranges are: the engine's 80% range, or a stated one where nobody measured its energy
    (review 2026-11-29: "the 80% range" under the default engine's stated energy ranges)."""
    if "energy_kwh" in r.stated_ranges:
        return f"stated range (the time's {r.level:.0%} range; the energy's, no measured coverage)"
    return f"{r.level:.0%} range"


def technique_section(report, r, lecture: bool = False) -> None:
    """Each technique's figures: the table and its CSV, the chart of energy per query; in lecture mode the chart
    alone (review 2026-11-27: the lecture view kept the table and its download)."""
    df = technique_table(report.techniques)
    if lecture:
        charts.render_chart(savings_chart(df, lecture=True), grows=True)
        # the bars are the estimates, the lines over them the ranges (lecturer review 2026-11-30: "bars: the range")
        st.caption(f"Energy per query on the baseline's devices ({report.techniques[0].label}); bars: the estimates; "
                   f"lines: the {range_words(r)}; * an illustrative setting.")
        return
    # (key, label, format, help): the numbers written by number_table, so a device without a price
    # shows "n/a" for the cost columns, not "None"
    columns = (
        ("tpot_ms", "TPOT (ms)", _g3, "time per output token: one decode step"),
        ("tpot_ms_low", "TPOT low", _g3, None), ("tpot_ms_high", "TPOT high", _g3, None),
        ("devices", "Devices", _whole, "the devices that serve: those given, less any left idle (a subset that "
                                        "serves more), or as many as the weights and KV cache need"),
        ("device_ms_per_token", "Device-ms / token", _g3, "TPOT ÷ batch × devices: what energy and cost scale with"),
        ("j_per_token", "J / output token", _g3, None),
        ("j_per_token_low", "J low", _g3, None), ("j_per_token_high", "J high", _g3, None),
        ("weights_gb", "Weights (GB)", _g3, None), ("kv_cache_gb", "KV cache (GB)", _g3, None),
        ("wh_per_query", "Wh / query", _g3, None),
        ("wh_per_query_low", "Wh low", _g3, None), ("wh_per_query_high", "Wh high", _g3, None),
        ("g_co2e_per_query", "g CO₂e / query", _g3, None),
        ("usd_per_query", "USD / query", _g3, None),
        ("saved_pct", "Energy saved vs baseline (%)", _whole, "per output token, against the baseline row"),
        ("saved_same_devices_pct", "Energy saved, same devices (%)", _whole,
         "per output token, the technique on the baseline row's devices (a row on fewer devices differs)"),
        ("cost_total_usd", "Total cost (USD)", _g4, None))
    num = st.column_config.NumberColumn  # the cells keep their numbers (sorting); number_table writes them
    # the chart's axis labels and figures, not the table's (its same-devices saving is a column of its own)
    table = df.drop(columns=["short", "wh_same_devices", "wh_same_devices_low", "wh_same_devices_high"])
    # the savings the section is named for first, after the technique (browser review 2026-11-26: at 1,400 px they
    # were off the grid, behind TPOT, devices and energy with their ranges); the CSV keeps the table's order
    # the setting's words after the figures (browser review 2026-11-26, second: at 1,024 px the Setting column pushed
    # every saving off the grid)
    # the saving on the baseline's devices before the one on the row's own (lecturer review 2026-11-29: the table led
    # with 4-bit's -63% on one GPU where the chart and the slide draw the same devices' -47%)
    first = ("technique", "saved_same_devices_pct", "saved_pct", "j_per_token", "tpot_ms", "devices", "setting")
    order = first + tuple(k for k in table.columns if k not in first)
    c.dataframe(c.number_table(table, {key: fmt for key, _, fmt, _ in columns}),
                 width="stretch", column_order=order,
                 column_config={"technique": "Technique", "setting": "Setting", "bound": "Bound",
                                **{key: num(label, help=help_) for key, label, _, help_ in columns}})
    st.download_button("CSV", c.table_csv(table), file_name="compression.csv", mime="text/csv", on_click="ignore",
                       icon=":material/download:", key="techniques_csv",
                       help="The table's numbers unformatted, each with the low and high ends of its range.")
    charts.render_chart(savings_chart(df), grows=True)
    st.caption(f"Savings are against the baseline row ({report.techniques[0].label}), not the model served. "
               f"Low and high: the {range_words(r)}. The chart holds every technique to the baseline's devices (the "
               "same-devices column); * marks an illustrative setting. "
               f"{compression.ILLUSTRATIVE_NOTE}")


BASIS_HELP = {"cost_usd": "by cost: serving's cost per query × queries passes training's cost",
              "energy_kwh": "by energy (no cost to compare: a price missing or 0): serving's energy per query, the "
                            "devices' alone, × queries passes the devices' share of training's"}


def break_even_section(report) -> None:
    st.header("Training vs serving: the break-even", anchor=False)
    be, t = report.break_even, report.training
    key = be.basis
    cols = style.metric_cells(3, "inf_break_even", c.is_lecture())
    devices_only = (f" Compared on the devices' {hz.percent(be.train_device_share)} of its energy, as serving "
                    "counts it (without the host)." if be.train_device_share < 1 else "")
    cols[0].metric("Training", hz.money(be.train[key]) if key == "cost_usd" else hz.energy(be.train[key]), border=True,
                   help=f"{hz.flops(t.flops)}: {hz.energy(t.energy_kwh)}, {hz.co2e(t.co2e_kg)}; {report.training_source}."
                        + devices_only)
    q = be.queries[key]
    q_rng = (be.queries_range or {}).get(key)
    # the basis in view, as the CLI's ", by energy" (audit: "costs more" with no price, "by energy" in a tooltip)
    cols[1].metric(f"Serving outgrows training, by {be.basis_word}, after", "n/a" if not q else hz.queries_until(q),
                   border=True, help=BASIS_HELP[key])
    shown = bool(q and q >= 1 and q_rng)
    if shown:
        style.range_bar(cols[1], hz.count(q_rng[0]), hz.count(q_rng[1]),
                        f"training's range ÷ serving's per-query range, {compression.BREAK_EVEN_RANGE_MEANING}",
                        style.log_position(q, q_rng[0], q_rng[1]))
    tok = be.tokens[key]
    # under one query no token count, as the CLI (audit: "0.0384" tokens, a fraction of one token)
    cols[2].metric("… i.e. tokens", "n/a" if not tok else hz.count(tok) if q >= 1 else "within the first query",
                   border=True, help=None if not tok or q >= 1 else "training costs less than one query's "
                                                                     f"{hz.noun(hz.query_tokens(report.result.tokens_per_query), 'token')}")
    chart = break_even_chart(report)
    if chart is not None:
        charts.render_chart(chart, grows=True)  # lines and a band: its text grows on a projector (no bars)
        if q_rng:  # what the band and the bar are, in view: not one of the page's 80% ranges (audit)
            st.caption(c.md_escape(f"Grey band{' and the bar under the number' if shown else ''}: the break-even's "
                                   f"range, {compression.BREAK_EVEN_RANGE_MEANING}.", limit=300))
