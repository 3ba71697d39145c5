"""Lecture: each claim of the seed lecture on its own link (``/lecture?claim=…``), in the lecture's
order: big numbers, one chart and a one-line source, for a projector. Without ``?claim=`` the
page lists the claims, so a lecturer can step through them.

The numbers come from the same calls as the other pages and the CLI (``estimator.services.api``,
``estimator.services.limits``); a claim only arranges them for a slide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app_pages.pages import lecture_slide as slide
from app_pages.pages.limits_charts import multiplier_chart
from app_pages.ui import charts, palette, style
from app_pages.ui import common as c
from estimator.core.base.errors import EstimatorError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import S_PER_YEAR, W_PER_TW
from estimator.core.footprint.equivalents import BRAIN_POWER_W
from estimator.core.serving import compression
from estimator.laws import contrasts, trends
from estimator.laws import diminishing as dm
from estimator.report import humanize as hz
from estimator.services import api, companions, limits

BRAIN_YEARS_LABEL = "Brain-years, one V100"  # the single V100's energy, not the real run's (the caption has that)
LECTURE_HW = ("v100-sxm2", "a100-sxm-80gb", "h100-sxm", "b200")  # the GPU generations since GPT-3
# The compression slide's model: 70B parameters, the size of Llama 2 70B and Llama 3 70B (Touvron et al. 2023,
# arXiv:2307.09288; Meta 2024, Llama 3 model card), the largest open models of their generations; on the
# H100 SXM, one of the two GPUs the serving fit is measured on (ML.ENERGY, estimator/data/mlenergy_inference.csv);
# 1B tokens: a round amount to total the savings over, a design choice. Batch 16, a design choice: a server
# batches its requests (at the default batch 1 the slide's 19.4 MWh served one request at a time for 3.7 years,
# unsaid, where the serving fit's online engine reads a median 3.5× slow: user-journey review); 16 fits the
# two H100s (the largest that does is 24), and the savings barely move with it (batch 1: −72%, −29%, −41%).
COMPRESSION_MODEL = dict(hardware="h100-sxm", params=70e9, tokens=1e9, batch_size=16)
# The chart's x title, short: "Energy to serve 1B tokens (kWh)" was cut at "(kWh" on a 390 px phone at lecture
# size (31 characters ≈ 280 px over a plot ≈ 210 px wide beside 120 px of bar labels); two lines of it ran the
# slide past 720 px at 1280.
COMPRESSION_AXIS_TITLE = "kWh for 1B tokens"
# In a frame too short for the captions (each "(illustrative)") and the source line, the caveats go where a
# line already is: the axis title and the cost's label (the sixth session's weak item: at 640×360 and 800×450
# the numbers stood without them; a line of their own left the bars too little height at 640×360).
FRAME_COMPRESSION_AXIS_TITLE = f"{COMPRESSION_AXIS_TITLE}, illustrative settings"
FRAME_COST_LABEL = "Cost of that compute (illustrative, low)"


@dataclass(frozen=True)
class Claim:
    id: str
    title: str
    render: Callable[[], None]


# ------------------------------------------------------------------------------------------ claims


def gpt3_published_kwh() -> float:
    """GPT-3's published training energy, Patterson et al. 2021 Table 4 (the gpt3-175b preset's)."""
    return limits.contrast_inputs().gpt3_published_energy_kwh


def price_caption(e) -> str:
    """What the cost is priced at, read from the estimate (audit: "$1.48 per GPU-hour" was typed)."""
    price = e.assumption("price_usd_per_device_hour")
    if price is not None and price.value is not None:
        return f"at ${hz.sig(price.value)} per GPU-hour"
    kwh = e.assumption("electricity_usd_per_kwh")
    return f"at ${hz.sig(kwh.value)} per kWh" if kwh is not None and kwh.value is not None else "no price"


def time_range_caption(e) -> str:
    """The time's range with its level read from the estimate (audit: "80% range" was typed)."""
    lo, hi = e.range["wall_clock_s"]
    return f"{e.level:.0%} range {hz.duration(lo)} – {hz.duration(hi)}"


def brain_years_caption() -> str:
    """The real run's brain-years beside the slide's single V100's (audit: unlabelled, the slide's 6,150 and
    Contrasts' estimated 7,970 read as one figure): from the published energy, the one the Energy card beside it
    names (review: "1.29 GWh" there and "estimated 1.30 GWh" here), as Contrasts' published row has it."""
    inputs = limits.contrast_inputs()
    real = next(x for x in contrasts.contrasts(inputs) if x.key == "gpt3_published_brain_years")
    # two figures, not three (browser audit: a third, Contrasts' estimated headline, crowded the card;
    # that tab's headline says "(estimated)" itself)
    return (f"a {gfmt(BRAIN_POWER_W)} W brain's energy for that long; the real run's published "
            f"{hz.energy(gpt3_published_kwh())}: {hz.count(real.value)} years")


def gpt3_v100() -> None:
    r = api.run(preset_id="lambda-gpt3-v100")
    e = r.estimate
    eq = {x.key: x for x in e.equivalents}
    slide.metrics([("Training time", hz.duration(e.wall_clock_s), time_range_caption(e)),
              ("Cost", hz.money(e.cost_usd), price_caption(e)),
              # the thought experiment's energy (one V100 at its fitted draw); the real run is the
              # World electricity slide's and the Limits page's (Patterson et al. 2021, 10,000 V100s)
              ("Energy", hz.energy(e.energy_kwh), f"one V100 at {hz.power(e.assumption('power_w').value)}; the real "
                                                  f"run: {hz.energy(gpt3_published_kwh())} (Patterson et al. 2021)"),
              # the slide's story is the one V100, so its energy; the real run's figure beside it, named
              (BRAIN_YEARS_LABEL, f"{hz.count(eq['brain_years'].value)} years", brain_years_caption())])
    rows = []
    for hw in LECTURE_HW:  # the devices' names, not their ids (browser audit: "v100-sxm2" on a slide)
        est = api.run(preset_id="lambda-gpt3-v100", hardware=hw).estimate
        rows.append({"hardware": est.hardware_name.removeprefix("NVIDIA "), "years": est.wall_clock_s / S_PER_YEAR})
    df = pd.DataFrame(rows)
    slide.chart(charts.log_bar_chart(df, "years", "hardware", "Years on one device (log scale)", suffix=" y",
                                sort=list(df["hardware"])))
    style.source_line("Lambda Labs 2020, \"OpenAI's GPT-3 Language Model: A Technical Overview\": 3.14 × 10²³ FLOPs "
                      "at a theoretical 28 TFLOPS; newer GPUs use their fitted utilisation, and hardware without published "
                      "runs (the B200) the centre chosen for such devices (profiles/README.md).")


def ratio_caption(ratio_range: tuple[float, float] | None) -> str:
    """The AlphaGo ÷ brain card's caption: the ratio over AlphaGo's stated range of power, where it has one."""
    if ratio_range is None:
        return "in energy for the game"
    return f"in energy for the game; stated range {hz.times(ratio_range[0])} – {hz.times(ratio_range[1])}"


def brain_vs_alphago() -> None:
    r = api.run(preset_id="alphago-vs-brain")
    brain = api.companions(r)[0]
    a, b = r.estimate, brain.estimate
    # one row, like every slide (two columns of stacked metrics ran the chart 390 px past 720)
    slide.metrics([(f"{r.profile.name}: power", hz.power(r.profile.power.average_w),
               f"{hz.energy(a.energy_kwh)} for one 4-hour game"),
              ("Lee Sedol's brain: power", hz.power(brain.profile.power.average_w),
               f"{hz.energy(b.energy_kwh)} for the same game"),
              ("AlphaGo ÷ brain", hz.times(companions.energy_ratio(r, brain)),
               # the ≈1 MW is the top of the stated range (a bottom-up 66 kW below it): the ratio says so
               ratio_caption(companions.energy_ratio_range(r, brain)))])
    # short bar labels: the profile's whole name was cut ("AlphaGo distributed (2016 …") at every width
    df = pd.DataFrame({"player": ["AlphaGo (2016)", "Human brain"],
                       "watts": [r.profile.power.average_w, brain.profile.power.average_w]})
    slide.chart(charts.log_bar_chart(df, "watts", "player", "Power (log scale)", labels=charts.POWER_LABELS, step=64))
    style.source_line("Silver et al. 2016 (1,202 CPUs and 176 GPUs; ≈1 MW is a quoted estimate); "
                      f"a human brain ≈{gfmt(BRAIN_POWER_W)} W (Raichle & Gusnard 2002, PNAS 99(16)).")


def illustrative_base_caption() -> str:
    """The caveat at the cost: its base is ResNet-50's run, not a model at the claim's starting error
    (the Limits page says so; the slide had dropped it)."""
    return (f"Illustrative: ResNet-50 is at ≈{gfmt(dm.RESNET50_TOP1_ERROR_PCT)}% error, not "
            f"{gfmt(dm.CLAIM_CURRENT_ERROR_PCT)}%, so this is low")


def imagenet_cost_caption(rep) -> str:
    """What the cost is, in words a student can check: the base's cost × the cost ratio, and, when the
    ratio is not the compute multiplier, why (a run that size reaches more of the peak; browser audit:
    "$62 at 1.06 × 10⁵× the compute" beside $2.3M did not add up as written)."""
    r, b, t = rep.result, rep.base, rep.target
    if not rep.cost_note:
        return f"ResNet-50's ImageNet training ({hz.money(b.cost_usd)}) × {hz.times(r.compute_multiplier)}"
    ub, ut = b.assumption("utilization").value, t.assumption("utilization").value
    # (larger runs reach more of the peak: the Limits page says why; the time is under the first card)
    return (f"{hz.times(t.cost_usd / b.cost_usd)} ResNet-50's {hz.money(b.cost_usd)}: {hz.times(r.compute_multiplier)} "
            f"the compute at {ut:.2f} of peak, not {ub:.2f}")


def legend_in_plot(chart: alt.LayerChart) -> alt.LayerChart:
    """The multiplier chart with its one-curve legend in the plot's empty top-right corner (the curve
    falls from the top left): a legend row below it had no room once the cost said its base is
    illustrative, on a 1280×720 slide."""
    chart = chart.copy(deep=True)
    legend = alt.Legend(title=None, orient="top-right", labelLimit=0, **palette.STROKE_LEGEND)
    chart.layer[0].encoding.color.legend = legend
    chart.layer[0].encoding.strokeDash.legend = legend  # the same legend: apart, the dash's stayed below the plot
    return chart


def imagenet_compute() -> None:
    k = dm.DEFAULT_EXPONENT  # the claim's k as the Limits page and the CLI use and print it
    rep = limits.diminishing_report(dm.CLAIM_CURRENT_ERROR_PCT, dm.CLAIM_TARGET_ERROR_PCT, k)
    r, t = rep.result, rep.target
    slide.metrics([("Compute for 5% ImageNet error", f"≈{hz.magnitude(r.compute_multiplier)}×",
               f"{hz.times(r.compute_multiplier)} from {gfmt(dm.CLAIM_CURRENT_ERROR_PCT)}%: "
               f"{hz.duration(t.wall_clock_s)} on one {t.hardware_name}"),
              ("To halve any error", hz.times(r.halving_multiplier), f"2^(1/k) with k = {gfmt(k)}"),
              (FRAME_COST_LABEL if c.is_embedded() else "Cost of that compute", hz.money(t.cost_usd),
               (imagenet_cost_caption(rep), illustrative_base_caption()))])
    slide.chart(legend_in_plot(multiplier_chart(dm.CLAIM_CURRENT_ERROR_PCT, k, dm.CLAIM_TARGET_ERROR_PCT)),
           short_y_title="Compute (×)")  # at 640×360 "Compute (×, log)" ran past its plot (browser audit)
    style.source_line("Thompson et al. 2020, \"The Computational Limits of Deep Learning\", arXiv:2007.05558: "
                      f"error ∝ compute^(−k); {dm.CLAIM_TEXT}.")


def compute_vs_price_chart(rep) -> alt.Chart:
    """The slide's two headline trends on one log chart: frontier training compute and hardware FLOP/s
    per dollar, each as growth since the table's first year (browser audit: the slide headlined FLOP/s
    per $ and drew peak FLOP/s, a different trend). Named as the headline numbers above it, short
    enough for one legend line each, and without a "Year" title, so that the slide's source line fits
    a 1280×720 projector."""
    rows, s = rep.table.rows(), rep.summary
    compute = f"frontier training compute (×{hz.sig(s.training_compute_per_year)} a year)"
    price = f"hardware FLOP/s per $ (×{hz.sig(s.price_perf_per_year)} a year)"
    df = pd.DataFrame([{"year": r["year"], "series": label, "growth": growth}
                       for r in rows for label, growth in (
                           (compute, r["training_compute_growth"]),
                           (price, r["price_perf_growth"]))])
    # the colours the same trends have on the Limits page (palette.trend_colours)
    colours = palette.trend_colours([trends.TRAINING_COMPUTE_LABEL, trends.PRICE_PERF_LABEL]).to_dict()["range"]
    dashes = palette.trend_dashes([trends.TRAINING_COMPUTE_LABEL, trends.PRICE_PERF_LABEL]).to_dict()["range"]
    return alt.Chart(df).mark_line().encode(
        x=alt.X("year:Q", axis=alt.Axis(format="d"), title=None),
        y=charts.log_encoding(alt.Y, "growth:Q", df["growth"], "Growth since the first year (×, log)",
                              labelExpr=charts.pow10_labels()),
        color=alt.Color("series:N", scale=alt.Scale(domain=[compute, price], range=colours),
                        legend=charts.series_legend([compute, price])),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=[compute, price], range=dashes),
                                  legend=charts.series_legend([compute, price])),  # the same legend: one, both cues
        tooltip=["year", "series", alt.Tooltip("growth:Q", format=".3~e")])


def compute_growth() -> None:
    rep = limits.trend_report()
    s = rep.summary
    slide.metrics([("Frontier training compute", f"×{hz.sig(s.training_compute_per_year)} a year",
               f"doubling every {gfmt(trends.TRAINING_COMPUTE_DOUBLING_MONTHS)} months (2012–18)"),
              ("Hardware FLOP/s per $", f"×{hz.sig(s.price_perf_per_year)} a year",
               f"10× cheaper every {hz.sig(s.years_to_10x_cheaper)} years"),
              ("Frontier spend, if both held", f"×{hz.sig(s.frontier_spend_per_year)} a year", None)])
    slide.chart(compute_vs_price_chart(rep), short_y_title="Growth (×, log)")
    style.source_line(f"{trends.TRAINING_COMPUTE_SOURCE}; {trends.PRICE_PERF_SOURCE}. The compute trend was "
                      "measured for 2012–18 and is carried forward as a what-if.")


def memory_wall() -> None:
    rep = limits.trend_report()
    s = rep.summary
    # the big number short (a wrapped "×3 every 2 / years" left the three columns uneven), its period below
    slide.metrics([("Peak FLOP/s", f"×{gfmt(trends.PEAK_FLOPS_GROWTH_PER_2Y)}", "every 2 years"),
              ("DRAM bandwidth", f"×{gfmt(trends.DRAM_BANDWIDTH_GROWTH_PER_2Y)}", "every 2 years"),
              (f"The gap in {trends.MEMORY_WALL_YEARS} years", hz.times(s.memory_wall_gap_20y), "compute outruns memory")])
    slide.chart(memory_wall_chart())
    style.source_line(f"{trends.MEMORY_WALL_SOURCE}: over {trends.MEMORY_WALL_YEARS} years peak FLOPS grew {gfmt(trends.PEAK_FLOPS_GROWTH_PER_2Y)}× "
                      f"every 2 years, DRAM bandwidth {gfmt(trends.DRAM_BANDWIDTH_GROWTH_PER_2Y)}×, interconnect "
                      f"{gfmt(trends.INTERCONNECT_GROWTH_PER_2Y)}×.")


MEMORY_WALL_SERIES = ((trends.PEAK_FLOPS_LABEL, trends.PEAK_FLOPS_GROWTH_PER_2Y),
                      (trends.DRAM_BANDWIDTH_LABEL, trends.DRAM_BANDWIDTH_GROWTH_PER_2Y),
                      (trends.INTERCONNECT_LABEL, trends.INTERCONNECT_GROWTH_PER_2Y))
MEMORY_WALL_YEARS = trends.MEMORY_WALL_YEARS  # the span Gholami et al. measured the rates over


def memory_wall_chart() -> alt.Chart:
    """Growth of peak FLOP/s, DRAM and interconnect bandwidth over 20 years, log y with a tick at
    each power of ten; every series named in the legend below."""
    years = np.arange(0, MEMORY_WALL_YEARS + 1, 2)
    df = pd.concat([pd.DataFrame({"years": years, "growth": trends.per_2y_growth(years, g), "series": name})
                    for name, g in MEMORY_WALL_SERIES])
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("years:Q", title="Years", scale=alt.Scale(domain=[0, MEMORY_WALL_YEARS]),
                axis=alt.Axis(values=[int(y) for y in years], format="d")),  # whole years, not "2.0"
        y=charts.log_encoding(alt.Y, "growth:Q", df["growth"], "Growth (×, log)",
                              labelExpr=charts.pow10_labels()),  # 10⁵: narrow, so the legend fits
        color=alt.Color("series:N", scale=palette.trend_colours(name for name, _ in MEMORY_WALL_SERIES),
                        legend=charts.series_legend([name for name, _ in MEMORY_WALL_SERIES])),
        strokeDash=alt.StrokeDash("series:N", scale=palette.trend_dashes(name for name, _ in MEMORY_WALL_SERIES),
                                  legend=charts.series_legend([name for name, _ in MEMORY_WALL_SERIES])))


def technique_caption(t) -> str:
    """A technique's row as the CLI's ``inference`` names it: its setting, "(illustrative)" when the
    setting is a paper's and not the user's (the slide had shown −72%, −29%, −41% without it)."""
    return t.label + ("" if t.chosen else " (illustrative)")


def compression_source() -> str:
    """The slide's source line: where each illustrative setting comes from, that quality is not modelled
    (as the CLI's note, ``compression.ILLUSTRATIVE_NOTE``), and why this model."""
    return (f"Illustrative settings, each alone on the same model: 4-bit weights (GPTQ, Frantar et al. 2022), "
            f"{compression.ILLUSTRATIVE_SPARSITY:.0%} pruned (SparseGPT, Frantar & Alistarh 2023), a "
            f"{gfmt(compression.ILLUSTRATIVE_STUDENT_FRACTION)} × N student (DistilBERT, Sanh et al. 2019); quality is not "
            "modelled. 70B: Llama 2 and 3 70B's size (Touvron et al. 2023; Meta 2024).")


def compression_savings() -> None:
    rep = limits.inference_report(**COMPRESSION_MODEL)
    rows = [t for t in rep.techniques if t.name != "baseline"]
    base = rep.result
    device = c.profiles().get(COMPRESSION_MODEL["hardware"]).name  # its name, not its id (browser audit)
    # (the batch in the label, short: with "16 requests at a time" in the caption the 1280×720 slide ran 742 px)
    items = [(f"70B, 1B tokens, batch {COMPRESSION_MODEL['batch_size']}", hz.energy(base.energy_kwh),
              f"on {base.devices} × {device}")]
    for name, label in (("quantization-4bit", "Quantisation (4-bit)"),
                        ("pruning", f"Pruning ({compression.ILLUSTRATIVE_SPARSITY:.0%} of weights)"),
                        ("distillation", "Distillation")):
        t = next((t for t in rows if t.name == name), None)
        if t is not None and t.saving("energy_kwh") is not None:
            items.append((label, f"{hz.signed_percent(-t.saving('energy_kwh'))} energy", technique_caption(t)))
    slide.metrics(items)
    df = pd.DataFrame([{"technique": "no compression", "kwh": base.energy_kwh}] +
                      [{"technique": t.short_label, "full": technique_caption(t), "kwh": t.result.energy_kwh}
                       for t in rows])
    df["full"] = df["full"].fillna(df["technique"])
    slide.chart(alt.Chart(df).mark_bar().encode(
        x=alt.X("kwh:Q", title=COMPRESSION_AXIS_TITLE, axis=alt.Axis(labelExpr=charts.human_labels(linear=True))),
        y=alt.Y("technique:N", sort="-x", title=None),  # a label cut on a phone is whole in the tooltip
        tooltip=["technique", "full", alt.Tooltip("kwh:Q", format=",.3~r")]).properties(height=alt.Step(40)),
        frame_x_title=FRAME_COMPRESSION_AXIS_TITLE)
    style.source_line(compression_source())


def world_electricity() -> None:
    inputs = limits.contrast_inputs()
    by = {x.key: x for x in contrasts.contrasts(inputs)}
    slide.metrics([("World electricity, average", hz.power(by["world_power_w"].value),
               f"≈{contrasts.WORLD_ELECTRICITY_TWH_PER_YEAR:,.0f} TWh a year"),
              # as the lecture says it, "≈25 TW" (hz.power's "25.0 TW" claimed a digit it never had)
              ("The lecture says", f"≈{gfmt(contrasts.LECTURE_WORLD_POWER_W / W_PER_TW)} TW",
               f"≈{by['lecture_world_power_ratio'].value:.0f}× too high"),
              ("GPT-3's training (10,000 V100s)", f"{hz.sig(by['gpt3_world_seconds'].value)} s",
               # the estimate, with the published figure slide 1 quotes beside it (review: 1.29 there, 1.30 here)
               f"of the world's electricity: {hz.energy(inputs.gpt3_energy_kwh)} estimated "
               f"({hz.energy(inputs.gpt3_published_energy_kwh)} published), {inputs.gpt3_energy_source}")])
    df = pd.DataFrame({"what": ["a human brain", "AlphaGo", "world electricity", "the lecture's figure"],
                       "watts": [inputs.brain_power_w, inputs.alphago_power_w, by["world_power_w"].value,
                                 contrasts.LECTURE_WORLD_POWER_W]})
    slide.chart(charts.log_bar_chart(df, "watts", "what", "Power (log scale)", labels=charts.POWER_LABELS, sort=list(df["what"])))
    style.source_line(by["world_power_w"].source)


# The seed lecture's order.
CLAIMS = (
    Claim("gpt3-v100", "GPT-3 on one V100", gpt3_v100),
    Claim("brain-alphago", "A 20 W brain against AlphaGo", brain_vs_alphago),
    Claim("imagenet-compute", f"{dm.CLAIM_MULTIPLIER_TEXT} the compute for {gfmt(dm.CLAIM_TARGET_ERROR_PCT)}% ImageNet error",
          imagenet_compute),
    Claim("compute-growth", "Training compute grows faster than hardware", compute_growth),
    Claim("memory-wall", "The memory wall", memory_wall),
    Claim("compression", "Quantisation, pruning and distillation", compression_savings),
    Claim("world-electricity", "World electricity", world_electricity),
)
BY_ID = {cl.id: cl for cl in CLAIMS}


def claim_link(claim_id: str) -> str:
    return c.mode_link("/lecture", claim=claim_id)


def index() -> None:
    st.title("Lecture: the limits of deep learning, claim by claim", anchor=False)
    st.caption("Each claim on its own link, large enough for a projector. Step through them in order.")
    style.link_list([(cl.title, claim_link(cl.id)) for cl in CLAIMS])


def render() -> None:
    c.check_option("claim", list(BY_ID))
    claim_id = st.query_params.get("claim")
    c.show_url_warnings()
    if not claim_id or claim_id not in BY_ID:
        index()
        return
    i = [cl.id for cl in CLAIMS].index(claim_id)
    cl = CLAIMS[i]
    st.title(c.md_escape(cl.title), anchor=False)
    try:
        cl.render()
    except EstimatorError as exc:
        c.show_error(exc)
    nav = []
    if i > 0:
        nav.append((f"← {CLAIMS[i - 1].title}", claim_link(CLAIMS[i - 1].id)))
    nav.append(("all claims", c.mode_link("/lecture")))
    if i + 1 < len(CLAIMS):
        nav.append((f"{CLAIMS[i + 1].title} →", claim_link(CLAIMS[i + 1].id)))
    # a claim in a frame on a slide: the frame's height, whatever its size (the links are the slide's last element)
    style.links(nav, css=style.EMBED_SLIDE_CSS if c.is_embedded() else style.SLIDE_CSS)
