"""Profile texts the profile tests share (tests/core/, tests/io/, tests/fit/): the shipped H100's and EPYC
server's files, a field swapped in one, and the kinds of source a profile's text cites."""

from __future__ import annotations

import re
from pathlib import Path

from estimator.io.datafiles import PROFILES_DIR

H100 = (PROFILES_DIR / "h100-sxm.toml").read_text()
CPU = (PROFILES_DIR / "cpu-server-2s-epyc.toml").read_text()


def swap(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must be there) replaced by ``new``."""
    assert old in text, old
    return text.replace(old, new)


# the H100 takes its group's fit (no measured device of its own): a [power] table that can trade fit for an
# explicit average
H100_GROUP_FIT = H100

SOURCE_PATTERNS = {
    "url": r"https?://\S+",
    "doi": r"\b10\.\d{4,9}/\S+",
    "arxiv": r"\barXiv:\s?\d{4}\.\d{4,5}",
    "year": r"\b(19[5-9]\d|20[0-4]\d)\b",
    "table": r"\b(Table|Tab\.|Fig\.|Figure|App\.|Appendix|§)\s?[A-Z]?\d",
    "named document": r"\b(datasheet|data sheet|product brief|product page|page|specifications|spec table|"
                      r"documentation|docs|pricing|price data|white ?paper|technical overview|user guide|"
                      r"system description)\b|\b[\w-]+\.py\b",
}


def source_kinds(text: str) -> list[str]:
    """The kinds of source the text cites ([] when it cites none)."""
    kinds = [k for k, pat in SOURCE_PATTERNS.items() if re.search(pat, text, re.IGNORECASE)]
    kinds += ["project file" for f in re.findall(r"\b(?:estimator|profiles)/[\w./-]+\.(?:json|csv|toml|md)\b", text)
              if (PROFILES_DIR.parent / f).is_file()]
    return kinds


def no_scale_out_profile(folder) -> Path:
    """A user's copy of the TPU v6e's profile (its scale-up domain stated) without its scale-out bandwidth, under an id
    of its own: a profile that lays a run out inside one domain and states nothing beyond it."""
    text = (PROFILES_DIR / "tpu-v6e.toml").read_text()
    text = swap(text, 'id = "tpu-v6e"', 'id = "tpu-v6e-no-scale-out"')
    text = "\n".join(line for line in text.splitlines() if not line.startswith("scale_out_"))
    path = Path(folder) / "tpu-v6e-no-scale-out.toml"
    path.write_text(text + "\n")
    return path
