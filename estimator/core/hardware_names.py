"""Hardware named as people and tools write it ("NVIDIA A100 SXM4 80 GB", "Google TPU v4",
"Tesla V100-SXM2-32GB"), matched to a profile. Pure: strings in, profile ids out.

A name is taken as a profile only when it says what the profile's id, its name (before any
remark in brackets) or one of its known aliases says: the same words, vendor and brand words
left out. Words split at separators and where letters meet digits, so "80GB" and "80 GB",
"A100-SXM4" and "A100 SXM4" are the same; the SXM socket's generation ("SXM2", "SXM4") and
NVIDIA's DGX/HGX boards (SXM parts) read as "sxm". A name that says less than a profile does
("A100 40GB" leaves out the form factor; the A100 PCIe 40GB draws 250 W, not the SXM's 400 W)
names no profile: the refusal says which profiles it could be, since their power, memory or
price differ (review 2026-11-25: a looser match took "GTX 1080" as the 1080 Ti and "MI300" as
the MI300X).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

# Words that say who makes or sells a part, or what kind of thing it is, not which part it is
# (datasheets' and Epoch AI's names carry them: "NVIDIA Tesla V100", "AMD Instinct MI250X",
# "Google TPU v3", "NVIDIA A100 Tensor Core GPU").
VENDOR_WORDS = frozenset({"nvidia", "google", "cloud", "amd", "intel", "habana", "tesla", "geforce", "instinct",
                          "gpu", "tensor", "core", "accelerator"})
# NVIDIA's DGX and HGX boards carry SXM modules (NVIDIA DGX-1/DGX A100/HGX H100 datasheets), so a
# "DGXS"/"HGX" part is an SXM part; "SXM2"/"SXM4"/"SXM5" name the socket's generation, which
# the part's own name (V100, A100, H100) already fixes.
_SXM = re.compile(r"(?<![a-z])(?:sxm\d*|dgxs?|hgx)(?![a-z])")
# "TPUv4" is "TPU v4": Google writes both.
_TPU = re.compile(r"(?<![a-z])tpu(?=v\d)")
_ATOM = re.compile(r"[a-z]+|\d+")

# Names tools print that say what a profile is in other words: (profile id, name, where it is printed).
ALIASES = (
    ("h100-sxm", "NVIDIA H100 80GB HBM3",
     "nvidia-smi's name for the H100 SXM5 80GB (an 8× H100 SXM HGX server's nvidia-smi, 700 W cap: NVIDIA/nccl "
     "issue #1264); the H100 PCIe is 'NVIDIA H100 PCIe'"),
)


def name_words(name: str) -> frozenset[str]:
    """The words of a hardware name or id: lower case, split at separators and where letters meet
    digits, vendor words left out ("NVIDIA A100-SXM4-80GB" -> a, 100, sxm, 80, gb)."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = _TPU.sub("tpu ", _SXM.sub(" sxm ", text))
    words = []
    for token in re.findall(r"[a-z0-9]+", text):
        words.extend([token] if token in VENDOR_WORDS else _ATOM.findall(token))
    return frozenset(words) - VENDOR_WORDS


def _own_words(pid: str, name: str) -> tuple[frozenset[str], ...]:
    """The word sets that name a profile: its id's, its whole name's and its name's before any bracketed
    remark, its aliases'."""
    keys = [name_words(pid), name_words(name), name_words(name.split("(")[0])]
    keys += [name_words(alias) for alias_id, alias, _ in ALIASES if alias_id == pid]
    return tuple(k for k in keys if k)


def matching_hardware(given: str, names: Mapping[str, str]) -> tuple[str, ...]:
    """The ids (sorted) of the profiles ``given`` names: its words are those of the profile's id,
    its name or an alias. ``names`` maps each profile id to its name. A ``given`` of vendor words
    only names none."""
    wanted = name_words(given)
    if not wanted:
        return ()
    return tuple(sorted(pid for pid, name in names.items() if wanted in _own_words(pid, name)))


def partly_matching_hardware(given: str, names: Mapping[str, str]) -> tuple[str, ...]:
    """The ids (sorted) of the profiles whose id, name or alias says all that ``given`` says and
    more ("NVIDIA A100": the three A100s; "A100 40GB": the A100 SXM 40GB, whose form factor it
    leaves out): what a name that names no profile could be."""
    wanted = name_words(given)
    if not wanted:
        return ()
    return tuple(sorted(pid for pid, name in names.items() if any(wanted < k for k in _own_words(pid, name))))


def nearest_hardware(given: str, names: Mapping[str, str]) -> tuple[str, ...]:
    """For a name no profile's words hold: the ids (sorted) sharing the most of its words, at least
    half of them and at least one that is not a number or a unit ("A100 PCIe 40GB": the A100 PCIe
    80GB and the A100 SXM 40GB, four words each)."""
    wanted = name_words(given)
    shared = {}
    for pid, name in names.items():
        have = frozenset().union(*_own_words(pid, name))
        common = wanted & have
        if any(w.isalpha() and w not in ("gb", "w") for w in common):
            shared[pid] = len(common)
    best = max(shared.values(), default=0)
    if not best or 2 * best < len(wanted):
        return ()
    return tuple(sorted(pid for pid, n in shared.items() if n == best))
