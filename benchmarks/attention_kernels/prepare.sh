#!/usr/bin/env bash
# Lay out vLLM 0.4.2's paged-attention kernels for bench.cu (run where PyPI can be reached).
#
#   bash benchmarks/attention_kernels/prepare.sh [BUILD_DIR]     (default: benchmarks/attention_kernels/build)
#
# vLLM's own paged decode kernel, as vLLM 0.4.2 ran it: the version of the image ML.ENERGY's leaderboard repository
# names for its chat runs (mlenergy/vllm:v0.4.2-openai, github.com/ml-energy/leaderboard,
# benchmark/llm_text_generation/chat/README.md); its 2024 v2 runs, the configurations this project fits, used 0.5.4,
# which decodes through FlashAttention-2's flash_attn_with_kvcache instead (sdpa.py times FlashAttention-2). In 0.4.2
# vllm/attention/backends/flash_attn.py decodes with PagedAttention.forward_decode: paged_attention_v1 where the
# longest sequence is at most 8,192 tokens and either one 512-token partition holds it or sequences × heads exceed
# 512 (every configuration run.sh times), else v2. This script downloads
# vLLM 0.4.2's source distribution from PyPI and keeps its csrc/attention headers and the kernel templates of
# csrc/attention/attention_kernels.cu (Apache-2.0), everything before the torch launchers, which bench.cu replaces.
# Nothing of vLLM is committed: the build folder is ignored.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/build}"
version=0.4.2
mkdir -p "$build"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
url="$(curl -fsS https://pypi.org/simple/vllm/ | grep -o "https://[^\"#]*vllm-$version.tar.gz" | head -1)"
curl -fsS -o "$tmp/vllm.tar.gz" "$url"
tar xzf "$tmp/vllm.tar.gz" -C "$tmp"
src="$tmp/vllm-$version/csrc"
mkdir -p "$build/attention"
cp "$src"/attention/*.h "$src"/attention/*.cuh "$build/attention/"
cp "$src/cuda_compat.h" "$build/"
# the templates: from the first line after the includes to the end of namespace vllm
python3 - "$src/attention/attention_kernels.cu" "$build/attention/kernels.cuh" "$version" <<'PY'
import sys
version = sys.argv[3]
text = open(sys.argv[1]).read()
start = text.index('#include "attention_dtypes.h"')
end = text.index("} // namespace vllm") + len("} // namespace vllm")
body = text[start:end].replace('#include <torch/extension.h>', '')
assert "torch::" not in body, "the kernel templates use torch: the cut is wrong for this version"
open(sys.argv[2], "w").write(f"// cut from vLLM {version}: csrc/attention/attention_kernels.cu, by prepare.sh; Apache-2.0, (c) the vLLM team\n#pragma once\n#include <algorithm>\n" + body + "\n")
PY
echo "$url" > "$build/SOURCE"
echo "vLLM $version kernels in $build"
