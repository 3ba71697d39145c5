"""`compare`'s output: the rows as a table, Markdown, JSON or CSV; under the table and the Markdown, what the
ranges mean, what the rows do not share and each row's own notes (exports audit: the table and the Markdown
dropped every note and every range that the JSON, the CSV and `estimate` carry); and compare's own refusal
when no workload is given."""

from __future__ import annotations

import textwrap

from estimator.core.base.interval import EXACT, range_meaning
from estimator.io.datafiles import load_sources
from estimator.report import humanize as hz
from estimator.report.export import COMPARE_KEYS, LABELS, TEXT_WIDTH, compare_csv, dump_json, markdown_escape, range_tag
from estimator.report.provenance import one_figure, one_figure_words, tool_line
from estimator.services import api
from estimator.services.rows import EVERY_ROW, compare_caveats, grouped_notes, reference_words

# The figures the text table gives with their ranges: the headline ones (a range on every column ran the table
# past any terminal); the Markdown gives every figure's.
TABLE_RANGES = ("wall_clock_s", "device_hours", "energy_kwh")


def _shared_unit(ends: tuple[str, str], text: str) -> tuple[str, str]:
    """A range's ends without the unit words they share with the figure, said once after it: ("2.48", "6.95") of
    "2.48 million device-hours" and "6.95 million device-hours" beside "4.15 million device-hours"."""
    lo, hi, own = (x.split(" ") for x in (*ends, text))
    while min(len(lo), len(hi), len(own)) > 1 and lo[-1] == hi[-1] == own[-1]:
        lo, hi, own = lo[:-1], hi[:-1], own[:-1]
    if len(own) > 1 and not len(lo) == len(hi) == len(own):
        # the figure keeps a scale word an end lacks: that end would read in the figure's scale (consistency review
        # 2026-12-01: "1.66 thousand m³ (944 – 2.92 thousand)", the 944 m³ read as 944 thousand): each end whole
        return ends
    return " ".join(lo), " ".join(hi)


def with_range(est, key: str) -> str:
    """A figure and its range in one cell: "1.87 MWh (1.20–2.90)", "717,000 device-hours (299,000 – 1.72 million)"
    (the unit said once where the ends share it, else each end with its own: "900 kWh (600 kWh – 2.90 MWh)"),
    marked as `estimate` marks it ("(stated)"; a figure on one measurement says so); the figure alone when exact
    or missing."""
    value = getattr(est, key)
    text = hz.human(key, value)
    if value is None:
        return text
    if one_figure(est, key):
        return f"{text} ({one_figure_words(est, key)})"
    low, high = est.range.get(key, (None, None))
    if est.basis(key) in (None, EXACT) or low is None or high is None or low == high:
        return text
    lo, hi = _shared_unit(hz.range_ends(hz.FORMATTERS[key], low, high, value), text)
    ends = f"{lo} – {hi}" if " " in lo + hi else f"{lo}–{hi}"
    return f"{text} ({ends}){range_tag(est, key)}"


def _label(result) -> str:
    words = reference_words(result)
    return result.profile.id + (f" ({words})" if words else "")


def compare_output(args, results, failures=()) -> None:
    if args.format == "json":
        print(dump_json([api.compare_row(r) for r in results]))
        return
    if args.format == "csv":
        print(compare_csv(r.estimate for r in results), end="")
        return
    keys = COMPARE_KEYS[1:]  # FLOPs are the workload's, the same on every row
    markdown = args.format == "markdown"
    ranged = keys if markdown else TABLE_RANGES
    header = ["hardware", "precision"] + [LABELS[k] for k in keys] + ["utilisation", "price basis", "power incl. host"]
    table = [[_label(r), r.estimate.precision]
             + [with_range(r.estimate, k) if k in ranged else hz.human(k, getattr(r.estimate, k)) for k in keys]
             + [api.utilization_short(r), api.price_basis(r), api.host_words(r)]
             for r in results]
    meaning = range_meaning(results[0].estimate.level, any(r.estimate.stepped for r in results),
                            any(r.estimate.predicted for r in results))
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in table:
            print("| " + " | ".join(row) + " |")
        print(f"\nIn brackets: each figure's range. {meaning}")  # the project's own text, its command a code span
        for note in compare_caveats(results):
            print(f"\nNote: {note}.")
        for hw, notes in grouped_notes(results):
            print(f"\nNotes on {hw or EVERY_ROW}:\n")
            print("\n".join(f"- {markdown_escape(n)}" for n in notes))
        for hw, msg in failures:  # a saved page says which hardware asked for is missing (exports audit)
            print(f"\nLeft out: {hw}: {msg}")
        print(f"\n{tool_line(load_sources())}")  # the tool and its version, as estimate's Markdown ends
        return
    widths = [max(len(str(x)) for x in col) for col in zip(header, *table)]
    for row in [header] + table:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
    # what sets the rows apart beyond the hardware, right under the table, as the Markdown gives it (researcher review
    # 2026-11-30: a B200 at the flat 30% rule read 2.8× an H100 at its fitted 0.241, the caveat on stderr only)
    for note in compare_caveats(results):
        print("", *textwrap.wrap(f"Note: {note}.", TEXT_WIDTH, break_on_hyphens=False), sep="\n")
    # below the table, after a blank line, as `estimate` prints them: what the ranges mean, wrapped, and each
    # row's notes under its id
    *first, last = (LABELS[k].lower() for k in TABLE_RANGES)
    print("", *textwrap.wrap(f"In brackets: the ranges of {', '.join(first)} and {last}. {meaning}", TEXT_WIDTH,
                             break_on_hyphens=False), sep="\n")
    for hw, notes in grouped_notes(results):
        print(f"\nNotes on {hw or EVERY_ROW}:")
        for n in notes:
            print(*textwrap.wrap(n, TEXT_WIDTH, initial_indent="  - ", subsequent_indent="    ",
                                 break_on_hyphens=False), sep="\n")

