"""Text for LaTeX and BibTeX: a user's words escaped so that pdflatex and BibTeX read them, and
a citation reduced to one entry of a type every standard BibTeX style defines. Pure: text in,
text out.
"""

from __future__ import annotations

import re
import unicodedata

from estimator.core.base.errors import DataFileError

# BibTeX entry types every standard style (plain, unsrt, alpha, abbrv) defines: anything else
# (biblatex's @software, @online) makes BibTeX warn "entry type … isn't style-file defined".
STANDARD_TYPES = ("article", "book", "inproceedings", "incollection", "misc", "techreport", "phdthesis")
# Braces as \textbraceleft{}/\textbraceright{}, not \{ \}: BibTeX counts a backslashed brace too, so one
# unbalanced brace in a profile's name would end its entry early ("Illegal end of database file").
_LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\textbraceleft{}",
                  "}": r"\textbraceright{}",
                  "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
                  "₂": r"$_2$", "×": r"$\times$", "–": "--", "≈": r"$\approx$", "·": r"$\cdot$", "÷": r"$\div$",
                  "⁰": "", "¹": "", "²": "", "³": "", "⁴": "", "⁵": "", "⁶": "", "⁷": "", "⁸": "", "⁹": "", "⁻": "",
                  "≤": r"$\leq$", "≥": r"$\geq$", "→": r"$\rightarrow$", "←": r"$\leftarrow$", "±": r"$\pm$",
                  "µ": r"$\mu$", "μ": r"$\mu$", "—": "---", "…": r"\ldots{}", "‘": "`", "’": "'", "“": "``",
                  "”": "''", " ": "~", "€": "EUR", "°": r"$^\circ$",
                  # beyond Latin-1, without ASCII letters of their own (an export audit found the power
                  # source's "system − chip" and a name's "Łódź" written with "?"): LaTeX's own commands
                  "−": r"$-$", "Ł": r"\L{}", "ł": r"\l{}", "Œ": r"\OE{}", "œ": r"\oe{}", "ı": r"\i{}",
                  "≠": r"$\neq$", "∞": r"$\infty$"}
# Beyond these and Latin-1 (which pdflatex's default UTF-8 input reads), a character is written as
# its ASCII letters where it has them (ś → s) and as "?" where it has none, so a user's profile
# name never stops pdflatex ("Unicode character … not set up for use with LaTeX").
LATIN_1_TOP = 0xFF
_SUPER = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-"}


def _plain(ch: str) -> str:
    """A character pdflatex reads as is (ASCII, Latin-1), or its ASCII letters, or "?"."""
    if ord(ch) <= LATIN_1_TOP:
        return ch
    ascii_ = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
    return ascii_ if ascii_ and all(_LATEX_SPECIAL.get(c) is None for c in ascii_) else "?"


def latex_escape(text: str) -> str:
    """Plain text for LaTeX: special characters escaped, '× 10²³' as $\\times 10^{23}$ and a bare
    power of ten ('10²⁰ FLOPs', as humanize writes an exact power) as $10^{20}$."""
    text = re.sub(r"(× |(?<![\d.]))10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)",
                  lambda m: ("×" if m.group(1) else "") + "10^{" + "".join(_SUPER[c] for c in m.group(2)) + "}",
                  str(text))
    out = []
    for part in re.split(r"(×?10\^\{-?\d+\})", text):
        if part.startswith("×10^{"):
            out.append(r"$\times 10" + part[3:] + "$")
        elif part.startswith("10^{"):
            out.append(f"${part}$")
        else:
            out.append("".join(_LATEX_SPECIAL.get(ch) or _plain(ch) for ch in part))
    return "".join(out)


def bib_key(bibtex: str) -> str:
    return bibtex.split("{", 1)[1].split(",", 1)[0].strip()


def normalize_bibtex(bibtex: str) -> str:
    """One entry, with a standard type (an unknown type becomes misc) and its title protected."""
    m = re.match(r"\s*@(\w+)\s*\{", bibtex)
    if not m:
        raise DataFileError(f"not a BibTeX entry: {bibtex[:40]!r}")
    kind = m.group(1).lower()
    entry = bibtex if kind in STANDARD_TYPES else "@misc{" + bibtex[m.end():]
    # \url needs the url package, which the paper may not load: write addresses as plain text
    entry = re.sub(r"\\url\{([^{}]*)\}", lambda u: latex_escape(u.group(1)), entry)

    def protect(t):
        value = t.group(2)
        if value.startswith("{") and value.endswith("}"):
            return t.group(0)
        return f"{t.group(1)}{{{{{value}}}}}"
    # title={...}: wrap the value in one more pair of braces (nested braces allowed one level deep)
    entry = re.sub(r"(\btitle\s*=\s*)\{((?:[^{}]|\{[^{}]*\})*)\}", protect, entry, count=1)
    return entry.strip()
