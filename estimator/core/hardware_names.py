"""Hardware named as people write it ("NVIDIA A100 SXM4 80 GB", "Google TPU v4", "Tesla V100"),
matched to the profiles that fit it. Pure: strings in, profile ids out.

A name fits a profile when every word of it, vendor and brand words left out, is a word of the
profile's id or name. Words split where letters meet digits, so "80GB" and "80 GB", "TPUv4" and
"TPU v4" are the same; the SXM generation ("SXM4", "SXM5") and the DGX/HGX boards (SXM parts)
read as "sxm". A name that fits several profiles ("A100": PCIe and SXM, 40 and 80 GB) names none
of them: the caller says which ones it could be, since their power and memory differ.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Words that say who makes or sells a part, not which part it is (datasheets' and Epoch AI's
# hardware names carry them: "NVIDIA Tesla V100", "AMD Instinct MI250X", "Google TPU v3").
VENDOR_WORDS = frozenset({"nvidia", "google", "cloud", "amd", "intel", "habana", "tesla", "geforce", "instinct",
                          "gpu", "per", "chip"})
# NVIDIA's DGX and HGX boards carry SXM modules (NVIDIA DGX-1/DGX A100/HGX H100 datasheets), so a
# "DGXS"/"HGX" part is an SXM part; "SXM2"/"SXM4"/"SXM5" name the socket's generation, which
# the part's own name (V100, A100, H100) already fixes.
SXM_WORDS = re.compile(r"\b(?:sxm\d*|dgxs?|hgx)\b")
# "TPUv4" is "TPU v4": Google writes both.
_TPU = re.compile(r"\btpu(v\d+[a-z]?)\b")
# A part's own name: one letter and its number, perhaps a suffix letter ("a100", "v5e", "l40s").
_PART = re.compile(r"[a-z]\d+[a-z]?")
# Elsewhere a word splits where letters meet digits ("80gb": "80", "gb").
_WORD = re.compile(r"[a-z]+|\d+")


def name_words(name: str) -> frozenset[str]:
    """The words of a hardware name or id, lower case, vendor words left out."""
    text = _TPU.sub(r"tpu \1", SXM_WORDS.sub("sxm", name.lower()))
    words: set[str] = set()
    for token in re.findall(r"[a-z0-9]+", text):
        if _PART.fullmatch(token):
            words.add(token)
        else:
            words.update(_WORD.findall(token))
    return frozenset(words - VENDOR_WORDS)


def matching_hardware(given: str, names: Mapping[str, str]) -> tuple[str, ...]:
    """The ids (sorted) of the profiles that ``given`` fits: every word of ``given`` is a word of
    the profile's id or its name. ``names`` maps each profile id to its name. A ``given`` with no
    words of its own (only vendor words) fits none."""
    wanted = name_words(given)
    if not wanted:
        return ()
    return tuple(sorted(pid for pid, name in names.items() if wanted <= name_words(pid) | name_words(name)))


def nearest_hardware(given: str, names: Mapping[str, str]) -> tuple[str, ...]:
    """For a name that fits no profile: the ids (sorted) sharing the most of its words, at least
    half of them, and its part's own name where it gives one ("A100 PCIe 40GB": the A100 PCIe
    80GB and the A100 SXM 40GB, three words each)."""
    wanted = name_words(given)
    parts = {w for w in wanted if _PART.fullmatch(w)}
    shared = {}
    for pid, name in names.items():
        have = name_words(pid) | name_words(name)
        if parts <= have:
            shared[pid] = len(wanted & have)
    best = max(shared.values(), default=0)
    if not best or 2 * best < len(wanted):
        return ()
    return tuple(sorted(pid for pid, n in shared.items() if n == best))
