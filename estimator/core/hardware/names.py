"""Hardware named as people and tools write it ("NVIDIA A100 SXM4 80 GB", "Google TPU v4",
"Tesla V100-SXM2-32GB"), matched to a profile. Pure: strings in, profile ids out.

A name is taken as a profile only when it says what the profile's name says (all its words before
any remark in brackets, and perhaps some of the remark's) or what one of its sourced aliases says,
vendor and brand words left out; a bundled profile's id is taken as typed, in any case. Words split
at separators and where letters meet digits, so "A100-SXM4" and "A100 SXM4" are the same, and a
size is one word ("80GB", "80 GB"); the SXM socket's generation ("SXM2", "SXM4", "SXM5", not the
DGX-2's V100 "SXM3", a 350 W module) and NVIDIA's DGX/HGX boards (SXM parts) read as "sxm". A
name that says less than a profile does ("A100 40GB" leaves out the form factor; the A100 PCIe
40GB draws 250 W, not the SXM's 400 W) names no profile: the refusal says which profiles it could
be, since their power, memory or price differ (reviews of 2026-11-25: a looser match took
"GTX 1080" as the 1080 Ti and "MI300" as the MI300X).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from estimator.core.base.errors import UnknownHardwareError, quoted

# Words that say who makes or sells a part, or what kind of thing it is, not which part it is
# (datasheets' and Epoch AI's names carry them: "NVIDIA Tesla V100", "AMD Instinct MI250X",
# "Google TPU v3", "NVIDIA A100 Tensor Core GPU", "Intel Gaudi 3 AI Accelerator"); "edition" beside the word that
# says which ("RTX PRO 6000 Blackwell Server Edition", NVIDIA's name; "RTX PRO 6000 Blackwell Server", MLPerf and
# clouds': serving review 2026-12-03, refused as saying less than the profile's name).
VENDOR_WORDS = frozenset({"nvidia", "google", "cloud", "amd", "intel", "habana", "tesla", "geforce", "instinct",
                          "gpu", "tensor", "core", "ai", "accelerator", "graphics", "edition"})
# Trademark marks, as product names print them ("Intel® Arc™ Pro B60 Graphics", Intel's name of the card; drivers
# write "Intel(R) Arc(TM)"): no part's words.
_MARKS = re.compile(r"\((?:r|tm)\)|[®™]", re.IGNORECASE)
# AMD's whole-part modes, how an Instinct part is configured, not which part it is: memory NPS1/NPS4 and compute
# SPX, one GPU of the whole chip (AMD Instinct MI300X documentation, "GPU partitioning"; MLPerf's
# "MI300X-NPS1-SPX-192GB-750W"). DPX, QPX and CPX split the chip into 2, 4 or 8 GPUs, each a fraction of the
# profile's: such a name names no profile (review 2026-11-26; NVIDIA's Rubin CPX is a product of its own).
_PARTITION = re.compile(r"(?<![a-z0-9])(?:nps\d|spx)(?![a-z0-9])")
# NVIDIA's DGX and HGX boards carry SXM modules (NVIDIA DGX-1/DGX A100/HGX H100 datasheets), so a
# "DGXS"/"HGX" part is an SXM part; "SXM2"/"SXM4"/"SXM5" name the socket's generation, which the
# part's own name (V100, A100, H100) fixes, except the V100's "SXM3" (DGX-2: a 350 W module, not
# the 300 W SXM2, NVIDIA DGX-2 datasheet), kept apart.
_SXM = re.compile(r"(?<![a-z])(?:sxm[245]?|dgxs?|hgx)(?![a-z0-9])")
# "TPUv4" is "TPU v4": Google writes both.
_TPU = re.compile(r"(?<![a-z])tpu(?=v\d)")
# The memory's technology and the host's instruction set, as system descriptions and clouds append them ("GH200-144GB
# _aarch64", "... (96GB GDDR7)"): a name that names no profile with them is read once more without them (review
# 2026-11-27: such names were unknown hardware). Not stripped first: "NVIDIA H100 80GB HBM3", nvidia-smi's name of the
# SXM part, is told from the PCIe card (80 GB HBM2e) by its memory's technology.
# The memory's technology is dropped only beside a size, which then names the part's memory (review 2026-11-27:
# "MI300X HBM3e", without a size, would have read as the MI300X, whose memory is HBM3; the MI325X's is HBM3e).
_HOST_WORDS = re.compile(r"(?<![a-z0-9])(?:aarch64|x86_64|x86|arm64)(?![a-z0-9])", re.IGNORECASE)
_MEMORY_WORDS = re.compile(r"(?<![a-z0-9])(?:hbm\d?e?|gddr\d+x?|lpddr\d+x?)(?![a-z0-9])", re.IGNORECASE)
_SIZE = re.compile(r"\d\s*gb(?![a-z0-9])", re.IGNORECASE)
_ATOM = re.compile(r"[a-z]+|\d+")
# A size or a power stays one word ("80GB", "80 GB": "80gb"; "1000 W": "1000w"), so that a memory's
# digits are never a part's ("NVIDIA A40" is no A100 40GB, review 12).
_QUANTITY = re.compile(r"(?<![a-z0-9])(\d+)\s*(gb|w)(?![a-z0-9])")
_QUANTITY_WORD = re.compile(r"\d+(?:gb|w)")

# Names tools print that say what a profile is in other words: (profile id, name, where it is printed).
# NVIDIA's driver lists each device's name as nvidia-smi prints it (NVIDIA/open-gpu-kernel-modules
# README.md, the supported-GPU table: device 2330 "NVIDIA H100 80GB HBM3", 2331 "NVIDIA H100 PCIe",
# 2324 "NVIDIA H800" beside 2322 "NVIDIA H800 PCIe" and 233A "NVIDIA H800 NVL").
DRIVER_TABLE = "NVIDIA/open-gpu-kernel-modules README.md, supported-GPU table"
ALIASES = (
    ("h100-sxm", "NVIDIA H100 80GB HBM3", f"{DRIVER_TABLE}: device 2330 (an 8× H100 SXM HGX server's nvidia-smi "
                                          "shows it at a 700 W cap: NVIDIA/nccl issue #1264)"),
    ("h100-sxm", "NVIDIA H100 SXM", "NVIDIA H100 datasheet: the SXM form factor has 80 GB (HGX and DGX H100: 8× H100 "
                                    "SXM 80GB)"),
    ("h100-pcie", "NVIDIA H100 PCIe", f"{DRIVER_TABLE}: device 2331, made with 80 GB (NVIDIA H100 datasheet)"),
    ("h800", "NVIDIA H800", f"{DRIVER_TABLE}: device 2324, beside 2322 'NVIDIA H800 PCIe' and 233A 'NVIDIA H800 NVL'"),
    ("h200-sxm", "NVIDIA H200 SXM", "NVIDIA H200 datasheet: the SXM form factor has 141 GB (HGX H200: 8× H200 SXM)"),
    ("h200-sxm", "NVIDIA H200", f"{DRIVER_TABLE}: device 2335, the SXM part (NVIDIA H200 datasheet: SXM and NVL form "
                                "factors; the NVL, a PCIe card, is 'NVIDIA H200 NVL', profiles/h200-nvl.toml)"),
    # Names as system descriptions and clouds write the Blackwell, AMD and AWS parts: NVIDIA's MLPerf system
    # descriptions name the accelerator "<part>-<form>-<memory>" ("NVIDIA H200-SXM-141GB", MLPerf Inference v4.1
    # closed/NVIDIA/systems/H200-SXM-141GBx8_TRT_MaxQ.json); issue 54 lists "NVIDIA B200-SXM-180GB" and "AMD Instinct
    # MI325X 256GB HBM3e" as such names.
    ("b200", "NVIDIA B200-SXM-180GB", "the HGX/DGX B200's GPU as NVIDIA's system descriptions name it: SXM, 180 GB exposed "
                                      "of the package's 192 GB (profiles/b200.toml's memory source)"),
    # the same with its form factor left out, as clouds and model cards write it (serving review 2026-11-30: "NVIDIA B200
    # 180GB" and "B300 288GB" were refused where "B200 192GB" resolved): the B200 and B300 are made as SXM modules only
    ("b200", "NVIDIA B200 180GB", "the B200-SXM-180GB without its form factor: the B200 is made as the HGX/DGX B200's "
                                  "SXM module only (NVIDIA Blackwell datasheet: 'HGX B200' column)"),
    ("b300", "NVIDIA B300 288GB", "the B300-SXM-288GB without its form factor: the B300 is made as the HGX B300's SXM "
                                  "module only (NVIDIA HGX B300 specifications)"),
    ("b200", "NVIDIA B200", "NVIDIA's name of the HGX B200's GPU (NVIDIA Blackwell datasheet: 'HGX B200' column); the "
                            "GB200's GPU is named GB200"),
    ("gb200", "NVIDIA GB200", "NVIDIA's name of the Grace Blackwell superchip's GPU in a GB200 NVL72 rack (NVIDIA GB200 "
                              "NVL72 specifications)"),
    ("gb200", "NVIDIA GB200 NVL72", "NVIDIA's name of the rack; the profile is one of its 72 GPUs"),
    ("gb300", "NVIDIA GB300", "NVIDIA's name of the Grace Blackwell Ultra superchip's GPU in a GB300 NVL72 rack"),
    ("gb300", "NVIDIA GB300 NVL72", "NVIDIA's name of the rack; the profile is one of its 72 GPUs"),
    ("b300", "NVIDIA B300-SXM-288GB", "the HGX B300's GPU in NVIDIA's system-description form (part, SXM, marketed "
                                      "288 GB)"),
    # nvidia-smi names a GH200 by its Grace CPU's LPDDR5X ("NVIDIA GH200 480GB" on a 96 GB GPU), so its
    # name's size is no GPU memory (review 2026-12-01: both were unknown hardware, and `calibrate` found no base)
    ("gh200-96gb", "NVIDIA GH200 480GB", f"{DRIVER_TABLE}: device 2342 (subsystem 1809), the GH200 whose GPU has 96 GB "
                                         "HBM3 (the 144 GB HBM3e GH200 is another device, 2348), 480 GB the superchip's "
                                         "LPDDR5X (NVIDIA GH200 datasheet: up to 480 GB LPDDR5X)"),
    ("gh200-96gb", "NVIDIA GH200 120GB", f"{DRIVER_TABLE}: device 2342 (subsystems 16EB and 1805), the same GPU as "
                                         "'NVIDIA GH200 480GB' with less LPDDR5X"),
    ("gh200-144gb", "NVIDIA GH200 144G HBM3e", "nvidia-smi's name of the 144 GB HBM3e GH200 (device 2348), as public "
                                               "repositories' cluster notes print it ('NVIDIA GH200 144G HBM3e | SM90 "
                                               "(9.0) | 144 GB HBM3e'; secondary: the driver table's copies read here "
                                               "predate the device)"),
    ("h200-nvl", "NVIDIA H200-NVL-141GB", "the H200 NVL in NVIDIA's system-description form"),
    ("h100-nvl", "NVIDIA H100-NVL-94GB", "the H100 NVL in NVIDIA's system-description form"),
    ("h100-nvl", "NVIDIA H100 NVL", f"{DRIVER_TABLE}: the H100 NVL's name as nvidia-smi prints it (NVIDIA H100 datasheet: "
                                    "the NVL, a 94 GB PCIe card)"),
    ("mi325x", "AMD Instinct MI325X 256GB HBM3e", "issue 54's example of the name as system descriptions write it"),
    ("mi325x", "AMD Instinct MI325X", "AMD's product name (one memory size: 256 GB)"),
    ("mi355x", "AMD Instinct MI355X 288GB HBM3e", "the MI325X's system-description form (issue 54) for the MI355X"),
    ("mi355x", "AMD Instinct MI355X", "AMD's product name (one memory size: 288 GB; the 1,000 W part is the MI350X)"),
    ("rtx-pro-6000-server", "NVIDIA RTX PRO 6000 Blackwell Server Edition", "NVIDIA's product name"),
    ("rtx-4000-ada", "NVIDIA RTX 4000 Ada Generation", f"{DRIVER_TABLE}: device 27B2, beside 27B0 'NVIDIA RTX 4000 SFF "
                                                       "Ada Generation' (the 70 W card, no profile); RunPod's GPU id"),
    ("rtx-4000-ada", "NVIDIA RTX 4000 Ada-PCIE-20GB", "MLPerf Inference v5.1's system-description form, as a news "
                                                       "report of that round lists the new accelerators ('RTX 4000 "
                                                       "ADA-PCIE-20GB': bmcpros.com, 2025; secondary)"),
    ("arc-pro-b60-dual", "Intel Arc Pro B60 48GB Turbo", "MLPerf Inference v5.1's accelerator name, as news reports "
                                                         "of that round list the new accelerators ('Intel Arc Pro B60 "
                                                         "48GB Turbo': bmcpros.com and webdevwizardyt.com, 2025; "
                                                         "secondary): 48 GB an accelerator is the dual card, Maxsun's "
                                                         "'Arc Pro B60 Dual 48G Turbo'"),
    ("arc-pro-b60-dual", "Intel Arc Pro B60 48GB", "the same without its cooler's word: a B60 of 48 GB is a dual card "
                                                   "(one GPU has 24 GB: profiles/arc-pro-b60.toml; 'Arc Pro B60: 24 GB "
                                                   "VRAM (single GPU), 48 GB VRAM (dual GPU)', https://havefunesports.com/"
                                                   "?p=25622; secondary), taken as Maxsun's 400 W card (Sparkle's is "
                                                   "300 W: https://feedman.me/posts/z0bnL)"),
    ("rtx-4000-ada", "NVIDIA RTX 4000 Ada", "the short name clouds list it by (DigitalOcean's 'RTX 4000 Ada' GPU Droplet, "
                                            "gpu-4000adax1-20gb: profiles/rtx-4000-ada.toml's price source)"),
    # The workstation cards people serve and fine-tune on. The RTX 5090's names ("NVIDIA GeForce RTX 5090", nvidia-smi's;
    # "RTX 5090", "rtx5090") are its profile's name's words and need no alias; "RTX 6000" alone is no alias: it is also
    # the Turing Quadro RTX 6000 (24 GB, Lambda's 'gpu_1x_rtx6000', '1x RTX 6000 (24 GB)'), so it is refused.
    ("rtx-a6000", "NVIDIA RTX A6000", f"{DRIVER_TABLE}: device 2230; RunPod's GPU id"),
    ("rtx-a6000", "A6000", "the short name clouds list it by (Lambda's instance type gpu_1x_a6000, '1x A6000 (48 GB)', "
                           "as public repositories' copies of Lambda's instance list name it; secondary): no other "
                           "part is an A6000"),
    ("rtx-6000-ada", "NVIDIA RTX 6000 Ada Generation", f"{DRIVER_TABLE}: device 26B1 (nvidia-smi's table cuts it to "
                                                       "'NVIDIA RTX 6000 Ada Gene...'); RunPod's GPU id"),
    ("rtx-6000-ada", "NVIDIA RTX 6000 Ada", "the short name clouds list it by (RunPod's catalogue: 'RTX 6000 Ada 48 GB', as "
                                            "a public repository's hardware note quotes it; secondary)"),
    ("rtx-6000-ada", "RTX 6000 Ada 48 GB", "the same with its memory, as that catalogue writes it (48 GB: the card's one "
                                           "size, NVIDIA's datasheet)"),
    # The GB10 superchip by its own name (nvidia-smi's 'NVIDIA GB10'; NVML's product name 'NVIDIA-GB10') and by the
    # desktop it is sold in. "DGX" reads as "sxm" (_SXM, for the DGX boards' SXM GPUs): the alias is read the same way,
    # so "DGX Spark" still names only this profile.
    ("gb10", "NVIDIA GB10", "nvidia-smi's name of the GPU on a DGX Spark ('NVIDIA GB10', driver 580.95.05, in public "
                            "repositories' logs; secondary)"),
    ("gb10", "NVIDIA DGX Spark", "NVIDIA's name of the desktop built on one GB10 (NVIDIA DGX Spark product page)"),
    ("gb10", "DGX Spark", "the same without the vendor's word"),
    # The accelerators as MLPerf Inference v4.0/v4.1 system descriptions write them (the accelerator column of
    # estimator/data/mlperf_inference.csv, each row citing its result file).
    ("gh200-144gb", "NVIDIA GH200 Grace Hopper Superchip 144GB", "MLPerf Inference v4.1 system descriptions (HPE, NVIDIA)"),
    ("gh200-144gb", "NVIDIA GH200-GraceHopper-Superchip (144 GB HBM3e)", "MLPerf Inference v4.0 (NVIDIA's GH200 result)"),
    ("gh200-144gb", "NVIDIA GH200-GraceHopper-Superchip-144GB", "the v4.0 name in the system-description form "
                                                                "<part>-<memory> (serving review 2026-11-30)"),
    ("gh200-96gb", "NVIDIA GH200 Grace Hopper Superchip 96GB", "MLPerf Inference v4.1 system descriptions (Oracle, Quanta, "
                                                             "Supermicro)"),
    ("mi300x", "AMD Instinct MI300X-NPS1-SPX-192GB-750W", "MLPerf Inference v4.1 (AMD's system description; "
                                                          "profiles/mi300x.toml's power source)"),
    ("mi300x", "AMD MI300X-NPS1-SPX-192GB-750W", "MLPerf Inference v4.1 (a partner's system description)"),
    ("mi300x", "AMD Instinct MI300X 192GB HBM3", "AMD's product name with its memory (AMD Instinct MI300X data sheet: "
                                                 "192 GB HBM3), the form issue 54 gives for the MI325X"),
    # The same forms for the parts that came after them, by analogy (partition modes NPS1/SPX, memory, power)
    ("mi325x", "AMD Instinct MI325X-NPS1-SPX-256GB-1000W", "the MI300X's MLPerf Inference v4.1 form (AMD's system "
                                                           "description) for the MI325X: 256 GB, 1,000 W (profiles/mi325x.toml)"),
    ("mi325x", "AMD MI325X-NPS1-SPX-256GB-1000W", "the MI300X's MLPerf Inference v4.1 form (a partner's system "
                                                  "description) for the MI325X"),
    ("mi355x", "AMD Instinct MI355X-NPS1-SPX-288GB-1400W", "the MI300X's MLPerf Inference v4.1 form (AMD's system "
                                                           "description) for the MI355X: 288 GB, 1,400 W (profiles/mi355x.toml)"),
    ("mi355x", "AMD MI355X-NPS1-SPX-288GB-1400W", "the MI300X's MLPerf Inference v4.1 form (a partner's system "
                                                  "description) for the MI355X"),
    ("h200-sxm-cts", "NVIDIA H200-SXM-141GB-CTS", "MLPerf Inference v4.1 (NVIDIA's system description: 'H200 TGP "
                                                  "1000W', profiles/h200-sxm-cts.toml)"),
    ("tpu-v5e", "TPU v5e (16 GB HBM2)", "MLPerf Inference v4.0 (Google's system description)"),
    ("tpu-v6e", "TPU v6e", "Google Cloud's name of the chip (Cloud TPU documentation: 'TPU v6e', marketed as Trillium)"),
    ("tpu-v6e", "TPU Trillium", "Google's marketing name of TPU v6e (Cloud TPU documentation)"),
    # the marketing name alone, as Ironwood's is taken below (serving review 2026-11-27: "Trillium" had been refused)
    ("tpu-v6e", "Trillium", "Google's marketing name of its sixth-generation TPU (blog.google, 'Introducing Trillium, "
                            "sixth-generation TPUs', May 2024); TPU v6e is its only release on Cloud TPU"),
    ("tpu-v6e", "Google TPU Trillium", "the marketing name with the vendor's and the kind's words"),
    # Ironwood's names: Google Cloud's is "TPU7x" (Cloud TPU documentation, 'TPU7x (Ironwood)', and GKE's 'Ironwood
    # (TPU7x)'; the first release of the Ironwood family), the profile's name's words with its marketing name.
    ("tpu-v7", "TPU7x", "Google Cloud's name of the chip (Cloud TPU documentation: 'TPU7x (Ironwood)'; GKE's tpu7x)"),
    ("tpu-v7", "TPU7x (Ironwood)", "the Cloud TPU documentation's title of its page"),
    ("tpu-v7", "TPU v7", "the seventh generation as the earlier TPUs are written ('TPU v6e'); press and aiwiki.ai: "
                         "'officially TPU v7 or TPU7x' (secondary)"),
    ("tpu-v7", "TPU v7x", "vLLM's TPU documentation: 'TPU v7x (Ironwood)' (secondary)"),
    ("tpu-v7", "Ironwood", "Google's marketing name of its seventh-generation TPU (blog.google, April 2025); TPU7x is "
                           "the family's only release"),
    ("tpu-v7", "Google TPU Ironwood", "the marketing name with the vendor's and the kind's words"),
    ("gaudi2", "Intel Gaudi 2 AI Accelerator (96 GB HBM2E)", "MLPerf Inference v4.0 (Intel's system description)"),
    ("gaudi3", "Intel Gaudi 3 AI Accelerator (128 GB HBM2E)", "the Gaudi 2's MLPerf Inference v4.0 form for the Gaudi 3 "
                                                              "(128 GB HBM2e: profiles/gaudi3.toml)"),
    ("gaudi3", "Intel Gaudi 3 AI Accelerator HL-325L OAM", "Intel's product brief, 'Intel Gaudi 3 AI Accelerator HL-325L "
                                                          "OAM Mezzanine Card' (cdrdv2-public.intel.com/817487, as public "
                                                          "repositories cite it; secondary): the air-cooled 900 W OAM this "
                                                          "profile is"),
    ("gaudi3", "Intel Gaudi 3 HL-325L", "the product brief's name without its card words (above)"),
    ("gaudi3", "HL-325L", "the device name hl-smi prints for it (hl-smi's CSV query in public repositories' tests; "
                          "secondary)"),
    ("gaudi2", "HL-225", "the device name hl-smi prints for the Gaudi 2 (its profile's name; hl-smi output in public "
                         "repositories' tests; secondary)"),
    ("trainium2", "Trainium2", "AWS Neuron documentation's name of the chip ('Trainium2 Architecture')"),
    ("trainium2", "AWS Trainium2", "AWS's product name"),
    # the instance family's name, as AWS and people write the chip by it (contract audit 2026-12-01: "trn2" and "AWS
    # Trn2" were refused): a Trn2 instance holds 16 Trainium2 chips and nothing else accelerates it (profiles/
    # trainium2.toml's scale-out source, AWS EC2 Trn2 instances)
    ("trainium2", "Trn2", "AWS EC2's instance family of Trainium2 chips (trn2.48xlarge: 16 Trainium2; AWS Trn2 product "
                          "page): the profile is one chip, as the estimate's device line says ('per chip')"),
    ("trainium2", "AWS Trn2", "the same with the vendor's name"),
)


# A memory size in a system description may be what the device exposes, a little under what its package holds
# (NVIDIA's MLPerf Inference v4.1 system description names the B200 "B200-SXM-180GB" for a 192 GB package,
# profiles/b200.toml; nvidia-smi shows an "80GB" H100 as 81,559 MiB = 85.5 GB, profiles/h100-sxm.toml: 0.94 of
# the profile's capacity both). A name that names one profile once its size is left out is taken as that
# profile when the size is within these shares of the profile's capacity; a size outside them is another
# variant of the part ("A100 40GB" is no A100 80GB; the H100 NVL's 94 GB is 1.1 of the H100 PCIe's 85.5). The
# bounds are a design choice around those two examples (0.94 both).
EXPOSED_MEMORY_SHARE = (0.85, 1.05)


@lru_cache(maxsize=4096)  # a pure function of the text; the profiles' names are split again on every lookup
def name_words(name: str) -> frozenset[str]:
    """The words of a hardware name or id: lower case, split at separators and where letters meet
    digits, a size one word, vendor words left out ("NVIDIA A100-SXM4-80GB": a, 100, sxm, 80gb)."""
    text = unicodedata.normalize("NFKC", _MARKS.sub(" ", name)).lower()
    text = _PARTITION.sub(" ", " ".join(re.findall(r"[a-z0-9]+", text)))
    text = _QUANTITY.sub(r" \1\2 ", _TPU.sub("tpu ", _SXM.sub(" sxm ", text)))
    words = []
    for token in text.split():
        words.extend([token] if token in VENDOR_WORDS or _QUANTITY_WORD.fullmatch(token) else _ATOM.findall(token))
    return frozenset(words) - VENDOR_WORDS


def _telling(words) -> bool:
    """Whether words say which part they mean: a word of two or more letters, or a letter and a number
    (a part's "a" and "100"). "X", "100" or "80GB" alone say too little to be offered profiles for."""
    return any(w.isalpha() and len(w) > 1 for w in words) or (
        any(w.isalpha() for w in words) and any(w.isdigit() for w in words))


def _own_words(pid: str, name: str) -> tuple[frozenset[str], ...]:
    """The word sets that name a profile: its whole name's and its name's before any bracketed remark,
    its aliases'. Not its id's, which may say less than the part (h800: the SXM5, beside a 350 W PCIe
    card; review 12): an id is taken as typed (``ProfileSet.get``)."""
    keys = [name_words(name), name_words(name.split("(")[0])]
    keys += [name_words(alias) for alias_id, alias, _ in ALIASES if alias_id == pid]
    return tuple(k for k in keys if k)


def _names(wanted: frozenset[str], pid: str, name: str) -> bool:
    """Whether words name a profile: an alias's words, or its name's: all the words before any bracketed
    remark, and any of the remark's ("NVIDIA L4 24GB": the L4, whose name says "(24GB, 72 W)"). An alias
    is taken whole: its remark may be what sets it apart ("NVIDIA GH200-GraceHopper-Superchip (144 GB
    HBM3e)": without the remark, either GH200)."""
    if any(wanted == name_words(alias) for alias_id, alias, _ in ALIASES if alias_id == pid):
        return True
    return name_words(name.split("(")[0]) <= wanted <= name_words(name)


def matching_hardware(given: str, names: Mapping[str, str]) -> tuple[str, ...]:
    """The ids (sorted) of the profiles ``given`` names (``_names``). ``names`` maps each profile id
    to its name. A ``given`` of vendor words only names none."""
    wanted = name_words(given)
    if not wanted:
        return ()
    return tuple(sorted(pid for pid, name in names.items() if _names(wanted, pid, name)))


def partly_matching_hardware(given: str, names: Mapping[str, str]) -> tuple[str, ...]:
    """The ids (sorted) of the profiles whose id, name or alias says all that ``given`` says and
    more ("NVIDIA A100": the three A100s; "A100 40GB": the A100 SXM 40GB, whose form factor it
    leaves out): what a name that names no profile could be."""
    wanted = name_words(given)
    if not _telling(wanted):
        return ()
    return tuple(sorted(pid for pid, name in names.items() if not _names(wanted, pid, name)
                        and any(wanted < k for k in (*_own_words(pid, name), name_words(pid)))))


def nearest_hardware(given: str, names: Mapping[str, str]) -> tuple[str, ...]:
    """For a name no profile's words hold: the ids (sorted) sharing the most of its words, at least
    half of them, and words that say which part (``_telling``; a size alone, "24GB", names none); a
    tie goes to the words with letters ("A100 PCIe 40GB": the A100 PCIe 80GB, whose "pcie" outweighs
    the A100 SXM 40GB's "40gb")."""
    wanted = name_words(given)
    shared = {}
    for pid, name in names.items():
        common = wanted & frozenset().union(name_words(pid), *_own_words(pid, name))
        if _telling(common):
            # the words in common, then those with letters ("Tesla V100-SXM2-16GB": the V100's "v" beside
            # "100" and "sxm" puts it before the P100, which shares "100", "sxm" and "16gb"; newcomer's try)
            shared[pid] = (len(common), sum(not w.isdigit() and not _QUANTITY_WORD.fullmatch(w) for w in common))
    best = max(shared.values(), default=(0, 0))
    if not best[0] or 2 * best[0] < len(wanted):
        return ()
    return tuple(sorted(pid for pid, n in shared.items() if n == best))


def by_exposed_memory(given: str, names: Mapping[str, str], memory_gb: Mapping[str, float]) -> str | None:
    """The one profile ``given`` names once its memory size is left out, where that size is within
    ``EXPOSED_MEMORY_SHARE`` of the profile's capacity (``memory_gb`` by id): "NVIDIA B300-SXM-270GB",
    the 288 GB B300 as a system description may give what it exposes. None otherwise."""
    wanted = name_words(given)
    sizes = [w for w in wanted if w.endswith("gb") and _QUANTITY_WORD.fullmatch(w)]
    if len(sizes) != 1:
        return None
    rest = wanted - {sizes[0]}
    fits = [pid for pid, name in names.items() if rest and _names(rest, pid, name)]
    if len(fits) != 1 or not memory_gb.get(fits[0]):
        return None
    share = float(sizes[0][:-2]) / memory_gb[fits[0]]
    low, high = EXPOSED_MEMORY_SHARE
    return fits[0] if low <= share <= high else None


def resolve_name(given: str, names: Mapping[str, str], memory_gb: Mapping[str, float] | None = None,
                 _shown: str | None = None) -> str | None:
    """The id of the one profile ``given`` names: an id in any case, or a name (``matching_hardware``;
    with ``memory_gb``, the profiles' capacities by id, a name whose size is what the device exposes:
    ``by_exposed_memory``); None where it names none and could be none; else the refusal, saying what
    the name could be: several parts ("MI250X/MI250", rocm-smi's name of either), several profiles
    ("NVIDIA A100"), or one profile whose name says more ("A100 40GB": the form factor it leaves out). A name that
    names none is read once more without its host's instruction set and, beside a size, its memory's technology,
    ``_shown`` then the name as given, for the refusal's words."""
    if given.strip().lower() in names:
        return given.strip().lower()
    _refuse_an_instance(given, names)
    pieces = [x for x in given.split("/") if name_words(x)]
    each = [matching_hardware(x, names) + partly_matching_hardware(x, names) for x in pieces]
    near = sorted({i for found in each for i in found})
    if len(pieces) > 1 and all(each):  # every piece a part ("my/h100" is a path mistyped, not two parts)
        raise UnknownHardwareError(f"hardware {quoted(_shown or given)} names {len(pieces)} parts: give one profile id "
                                   f"({' or '.join(near)})")
    fits = matching_hardware(given, names)
    if len(fits) == 1:
        return fits[0]
    could = fits or partly_matching_hardware(given, names)
    # a size that is what the device exposes, only where the name with its size could be no profile (review
    # 2026-11-26: "NVIDIA H200 141GB", either H200, and "NVIDIA H800 80GB", the SXM5 or the PCIe card, are refused)
    exposed = by_exposed_memory(given, names, memory_gb) if not could and memory_gb else None
    if exposed is not None:
        return exposed
    if len(could) > 1:
        raise UnknownHardwareError(f"hardware {quoted(_shown or given)} could be {' or '.join(could)}: their power, memory or "
                                   "price differ, so give one of these ids")
    if could:  # one profile says all the name says and more: the name leaves out what sets it apart
        raise UnknownHardwareError(f"hardware {quoted(_shown or given)} says less than a profile's name: did you mean "
                                   f"{could[0]} ({names[could[0]]})? Give its id if that is the part: a name that "
                                   "leaves out a variant (form factor, memory, a suffix such as Ti) may be another "
                                   "part, with another power, memory or price")
    bare = _HOST_WORDS.sub(" ", given)
    if _SIZE.search(bare):
        bare = _MEMORY_WORDS.sub(" ", bare)
    bare = " ".join(bare.split())
    if bare != " ".join(given.split()) and name_words(bare):
        return resolve_name(bare, names, memory_gb, _shown=given)
    _refuse_a_system(given, names, memory_gb, _shown)
    return None


# A system's name with its count, as MLPerf's system descriptions and people write it ("8x H200-SXM-141GB", MLPerf
# Inference v4.1's "NVIDIA H200 (8x H200-SXM-141GB, TensorRT)"; its results folders' "H200-SXM-141GBx8"): the count of
# devices is an input of its own, so such a name is refused with the two it holds (contract audit 2026-12-01: it read
# "unknown hardware", a near id offered)
# and a Cloud TPU slice's, its chips after a hyphen (Cloud TPU documentation: "v5p-128", "v6e-8"; MLPerf Inference
# v4.0's Google system "tpu-v5e-4")
_COUNTED = (re.compile(r"^\s*(\d{1,6})\s*[x×]\s*(\S.*)$", re.IGNORECASE),
            # glued to a digit or a size ("H200-SXM-141GBx8", "H100x8"), never a name's own letters ("RTX 4070")
            re.compile(r"^(.*(?:\d|gb))[x×](\d{1,6})\s*$", re.IGNORECASE),
            re.compile(r"^((?:.*tpu[\s_-]*)?v\d+[a-z]*)-(\d{1,6})\s*$", re.IGNORECASE))


def _refuse_a_system(given: str, names: Mapping[str, str], memory_gb: Mapping[str, float] | None,
                     shown: str | None) -> None:
    """Where ``given`` is a count of devices and a name that names one profile, the refusal that says both."""
    for i, pattern in enumerate(_COUNTED):
        m = pattern.match(given)
        if m is None:
            continue
        count, part = (m.group(1), m.group(2)) if i == 0 else (m.group(2), m.group(1))
        if int(count) < 1 or not name_words(part):
            continue
        row = cloud_instance(part)  # a count of instances: their devices in all (review 2026-12-01)
        if row is not None and row[2] in names:
            raise UnknownHardwareError(f"hardware {quoted(shown or given)} {_instance_words(row, int(count))}")
        systems = tuple(r for r in named_systems(part) if r[2] in names)  # and of systems
        if systems:
            raise UnknownHardwareError(f"hardware {quoted(shown or given)} {_system_words(systems, int(count))}")
        try:
            pid = resolve_name(part, names, memory_gb)
        except UnknownHardwareError as exc:  # the part's own refusal (several profiles it could be), with the count
            raise UnknownHardwareError(f"hardware {quoted(shown or given)} names a system of {int(count)} devices, "
                                       f"the count an input of its own (the devices); of its part: {exc}") from None
        if pid is not None:
            raise UnknownHardwareError(f"hardware {quoted(shown or given)} names a system of {int(count)} × {pid}: give "
                                       f"the part as the hardware ({pid}) and the count as the devices ({int(count)})")


# Cloud instances by the name their cloud gives them: a machine of several devices, so, as a system's name with its count,
# such a name is refused with its part and its devices, each an input of its own (review 2026-12-01: "p5.48xlarge"
# read as unknown hardware, "did you mean cpu-server-2s-epyc or tpu-v5p?"). (cloud, instance, profile id, devices,
# source); Azure's names with or without their "Standard_", any name with or without its cloud's name before it ("AWS
# p5.48xlarge") or SageMaker's "ml." ("ml.p5.48xlarge").
_AWS = "AWS EC2 accelerated computing instance types (docs.aws.amazon.com/ec2/latest/instancetypes/ac.html)"
_GCP = "Google Cloud Compute Engine GPU machine types (cloud.google.com/compute/docs/gpus)"
_AZURE = "Microsoft Azure ND- and NC-series virtual machine sizes (learn.microsoft.com/azure/virtual-machines/sizes)"
_G7E = ("AWS G7e sizes as Kubernetes' cluster-autoscaler lists them (kubernetes/autoscaler#9854; secondary), one RTX PRO "
        "6000 Blackwell Server Edition a GPU (profiles/rtx-pro-6000-server.toml's price)")
_SIZES = (("xlarge", 1), ("2xlarge", 1), ("4xlarge", 1), ("8xlarge", 1), ("16xlarge", 1), ("12xlarge", 4),
          ("24xlarge", 4), ("48xlarge", 8))
CLOUD_INSTANCES = (
    ("AWS", "p4d.24xlarge", "a100-sxm-40gb", 8, f"{_AWS}: P4d, 8 A100 40 GB"),
    ("AWS", "p4de.24xlarge", "a100-sxm-80gb", 8, f"{_AWS}: P4de, 8 A100 80 GB"),
    ("AWS", "p5.48xlarge", "h100-sxm", 8, f"{_AWS}: P5, 8 H100 80 GB"),
    ("AWS", "p5.4xlarge", "h100-sxm", 1, f"{_AWS}: P5, the single-GPU size, one H100 80 GB"),
    ("AWS", "p5e.48xlarge", "h200-sxm", 8, f"{_AWS}: P5e, 8 H200"),
    ("AWS", "p5en.48xlarge", "h200-sxm", 8, f"{_AWS}: P5en, 8 H200 (profiles/h200-sxm.toml's price: 8 GPUs)"),
    ("AWS", "p6-b200.48xlarge", "b200", 8, f"{_AWS}: P6-B200, 8 B200"),
    ("AWS", "p6-b300.48xlarge", "b300", 8, f"{_AWS}: P6-B300, 8 B300"),
    ("AWS", "p3dn.24xlarge", "v100-sxm2", 8, f"{_AWS}: P3dn, 8 V100 32 GB"),
    ("AWS", "trn2.48xlarge", "trainium2", 16, f"{_AWS}: Trn2, 16 Trainium2"),
    ("AWS", "trn2.3xlarge", "trainium2", 1, "one Trainium2 (profiles/trainium2.toml's price source)"),
    *(("AWS", f"g5.{size}", "a10g", n, f"{_AWS}: G5, {n} A10G") for size, n in _SIZES),
    *(("AWS", f"g6.{size}", "l4", n, f"{_AWS}: G6, {n} L4") for size, n in _SIZES),
    *(("AWS", f"g6e.{size}", "l40s", n, f"{_AWS}: G6e, {n} L40S") for size, n in _SIZES),
    *(("AWS", f"g4dn.{size}", "t4", n, f"{_AWS}: G4dn, {n} T4") for size, n in (*_SIZES[:6], ("metal", 8))),
    *(("AWS", f"g7e.{size}", "rtx-pro-6000-server", n, f"{_G7E}: {n}") for size, n in
      (("2xlarge", 1), ("4xlarge", 1), ("8xlarge", 1), ("12xlarge", 2), ("24xlarge", 4), ("48xlarge", 8))),
    *(("Google Cloud", f"a2-highgpu-{n}g", "a100-sxm-40gb", n, f"{_GCP}: A2 Standard, {n} A100 40 GB") for n in (1, 2, 4, 8)),
    ("Google Cloud", "a2-megagpu-16g", "a100-sxm-40gb", 16, f"{_GCP}: A2 Standard, 16 A100 40 GB"),
    *(("Google Cloud", f"a2-ultragpu-{n}g", "a100-sxm-80gb", n, f"{_GCP}: A2 Ultra, {n} A100 80 GB") for n in (1, 2, 4, 8)),
    *(("Google Cloud", f"a3-highgpu-{n}g", "h100-sxm", n, f"{_GCP}: A3 High, {n} H100 80 GB") for n in (1, 2, 4, 8)),
    ("Google Cloud", "a3-edgegpu-8g", "h100-sxm", 8, f"{_GCP}: A3 Edge, 8 H100 80 GB"),
    ("Google Cloud", "a3-megagpu-8g", "h100-sxm", 8, f"{_GCP}: A3 Mega, 8 H100 80 GB"),
    ("Google Cloud", "a3-ultragpu-8g", "h200-sxm", 8, f"{_GCP}: A3 Ultra, 8 H200"),
    ("Google Cloud", "a4-highgpu-8g", "b200", 8, f"{_GCP}: A4, 8 B200"),
    ("Azure", "Standard_ND96isr_H100_v5", "h100-sxm", 8, f"{_AZURE}: ND H100 v5, 8 H100 80 GB"),
    ("Azure", "Standard_ND96isr_H200_v5", "h200-sxm", 8, f"{_AZURE}: ND H200 v5, 8 H200"),
    ("Azure", "Standard_ND96asr_v4", "a100-sxm-40gb", 8, f"{_AZURE}: ND A100 v4, 8 A100 40 GB"),
    ("Azure", "Standard_ND96amsr_A100_v4", "a100-sxm-80gb", 8, f"{_AZURE}: NDm A100 v4, 8 A100 80 GB"),
    ("Azure", "Standard_ND96isr_MI300X_v5", "mi300x", 8, f"{_AZURE}: ND MI300X v5, 8 MI300X"),
    ("Azure", "Standard_NC40ads_H100_v5", "h100-nvl", 1, f"{_AZURE}: NC H100 v5, one H100 NVL (profiles/h100-nvl.toml's price)"),
    ("Azure", "Standard_NC80adis_H100_v5", "h100-nvl", 2, f"{_AZURE}: NC H100 v5, two H100 NVL"),
    *(("Azure", f"Standard_NC{vcpu}ads_A100_v4", "a100-pcie-80gb", n, f"{_AZURE}: NC A100 v4, {n} A100 PCIe 80 GB")
      for vcpu, n in ((24, 1), (48, 2), (96, 4))),
)
# the cloud's name, or SageMaker's prefix, written before an instance's
_CLOUD_PREFIX = re.compile(r"^(?:aws|amazon(?:\s+ec2)?|ec2|gcp|google(?:\s+cloud)?|gce|azure|microsoft\s+azure)[\s:/_-]+"
                           r"|^ml\.", re.IGNORECASE)


# NVIDIA's systems by name: a server of several GPUs, refused with its part and devices as a cloud instance is (serving
# engineer's review 2026-12-01: "NVIDIA DGX H100" read as one h100-sxm, its "DGX" as the SXM form factor, where
# "p5.48xlarge" was refused with its 8 devices). (maker, name, profile id, devices, source); a name two systems share
# (a DGX A100 of 40 or 80 GB GPUs) is refused with both. An HGX board is a system where its name counts its GPUs ("HGX
# H100 8-GPU"); bare ("HGX H100", "HGX B200") it stays the name NVIDIA's datasheets give the board's GPU (``ALIASES``),
# as a rack's (GB200 NVL72) stays its GPU's.
_DGX = "NVIDIA DGX {} datasheet"
SYSTEMS = (
    ("NVIDIA", "DGX H100", "h100-sxm", 8, f"{_DGX.format('H100')}: 8 × H100 SXM 80GB, 640 GB in all"),
    ("NVIDIA", "DGX H200", "h200-sxm", 8, f"{_DGX.format('H200')}: 8 × H200, 1,128 GB in all"),
    ("NVIDIA", "DGX B200", "b200", 8, f"{_DGX.format('B200')}: 8 × B200, 1,440 GB in all"),
    ("NVIDIA", "DGX B300", "b300", 8, f"{_DGX.format('B300')}: 8 × B300"),
    ("NVIDIA", "DGX A100 320GB", "a100-sxm-40gb", 8, f"{_DGX.format('A100')}: the 320 GB system, 8 × A100 40GB"),
    ("NVIDIA", "DGX A100 640GB", "a100-sxm-80gb", 8, f"{_DGX.format('A100')}: the 640 GB system, 8 × A100 80GB"),
    ("NVIDIA", "HGX H100 8-GPU", "h100-sxm", 8, "NVIDIA HGX platform: HGX H100 in 4- and 8-GPU boards"),
    ("NVIDIA", "HGX H100 4-GPU", "h100-sxm", 4, "NVIDIA HGX platform: HGX H100 in 4- and 8-GPU boards"),
    ("NVIDIA", "HGX H200 8-GPU", "h200-sxm", 8, "NVIDIA HGX platform: HGX H200 in 4- and 8-GPU boards"),
    ("NVIDIA", "HGX H200 4-GPU", "h200-sxm", 4, "NVIDIA HGX platform: HGX H200 in 4- and 8-GPU boards"),
)


# A system by its total or its GPUs' memory ("DGX A100 80GB", "NVIDIA DGX A100 (80GB)", "DGX H100 640GB": diff review
# 2026-12-01, each had read as one device or as unknown hardware): the system's name in ``SYSTEMS``, by key
SYSTEM_OTHER_NAMES = {"dgxa10080gb": "DGX A100 640GB", "dgxa10040gb": "DGX A100 320GB", "dgxh100640gb": "DGX H100",
                      "dgxh10080gb": "DGX H100", "dgxh2001128gb": "DGX H200", "dgxh200141gb": "DGX H200",
                      "dgxb2001440gb": "DGX B200", "dgxb200180gb": "DGX B200"}


def _system_key(text: str) -> str:
    """A system's name without its maker, case, spaces, hyphens and brackets: "NVIDIA DGX-H100", "dgx h100" and "DGX
    A100 (80GB)" as "dgxa10080gb"."""
    bare = re.sub(r"^\s*nvidia\b", "", text.strip(), flags=re.IGNORECASE)
    return re.sub(r"[\s_()-]+", "", bare).lower()


def named_systems(given: str) -> tuple[tuple[str, str, str, int, str], ...]:
    """The systems ``given`` names (``SYSTEMS``, or ``SYSTEM_OTHER_NAMES``): one, several where its name leaves out
    what tells them apart ("DGX A100": 320 or 640 GB), or none."""
    key = _system_key(given)
    if not key:
        return ()
    key = _system_key(SYSTEM_OTHER_NAMES.get(key, key))
    exact = tuple(row for row in SYSTEMS if _system_key(row[1]) == key)
    return exact or tuple(row for row in SYSTEMS if _system_key(row[1]).startswith(key)
                          and re.fullmatch(r"\d+gb", _system_key(row[1])[len(key):]))


def _system_words(rows, count: int = 1) -> str:
    if len(rows) > 1:
        each = " or ".join(f"{r[3] * count} × {r[2]} ({r[1]})" for r in rows)
        return (f"names one of NVIDIA's systems, {each}: give the part as the hardware and the devices in all as the "
                "devices")
    return _machine_words(rows[0], "system", count)


def cloud_instance(given: str) -> tuple[str, str, str, int, str] | None:
    """The cloud instance ``given`` names (``CLOUD_INSTANCES``: its cloud, name, profile id, devices and source), else
    None."""
    bare = given.strip()
    while (m := _CLOUD_PREFIX.match(bare)) is not None:
        bare = bare[m.end():]
    key = "_".join(bare.lower().split())
    for row in CLOUD_INSTANCES:
        name = row[1].lower()
        if key in (name, name.removeprefix("standard_")):
            return row
    return None


def _instance_words(row: tuple[str, str, str, int, str], count: int = 1) -> str:
    return _machine_words(row, "instance", count)


def _machine_words(row: tuple[str, str, str, int, str], what: str, count: int = 1) -> str:
    """A machine of several devices (a cloud's instance, NVIDIA's system: (whose, name, part, devices, source)), counted
    ``count`` times, as a refusal says it: its part and its devices in all, each an input of its own."""
    whose, name, pid, devices, _ = row
    whole = f"{whose}'s {name} {what}" if count == 1 else f"{count} × {whose}'s {name} {what}"
    return (f"names {whole}, {count * devices} × {pid}: give the part as the hardware ({pid}) and the devices in all "
            f"as the devices ({count * devices}; {devices} in one {what})")


def _refuse_an_instance(given: str, names: Mapping[str, str]) -> None:
    """Where ``given`` names a cloud instance or a system (``SYSTEMS``) of a bundled profile, the refusal that says its
    part and its devices."""
    row = cloud_instance(given)
    if row is not None and row[2] in names:
        raise UnknownHardwareError(f"hardware {quoted(given.strip())} {_instance_words(row)}")
    systems = tuple(r for r in named_systems(given) if r[2] in names)
    if systems:
        raise UnknownHardwareError(f"hardware {quoted(given.strip())} {_system_words(systems)}")
