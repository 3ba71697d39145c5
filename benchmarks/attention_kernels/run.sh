#!/usr/bin/env bash
# Build bench.cu against the kernels prepare.sh laid out and time vLLM 0.4.2's paged decode kernel at the shapes of
# ML.ENERGY's 2024 vLLM configurations (per GPU: query heads, KV heads). Needs an NVIDIA GPU and nvcc.
#
#   bash benchmarks/attention_kernels/run.sh [OUT_DIR]       (about a minute on an H100; default OUT_DIR: .)
#
# Writes OUT_DIR/vllm_paged_attention.csv (lines: device, check, copy, columns, kernel rows). What it showed is
# kept in estimator/data/measured_attention_kernels.csv (estimator/data/README.md says how).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-${OUT:-.}}"
build="$here/build"
[ -f "$build/attention/kernels.cuh" ] || { echo "error: run prepare.sh first (no $build/attention/kernels.cuh)" >&2; exit 2; }
arch="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d .)"
nvcc -O3 -std=c++17 -gencode "arch=compute_$arch,code=sm_$arch" -I "$build" -I "$build/attention" \
  -o "$build/bench" "$here/bench.cu"
ctx=205   # the code task's mean prompt (155.5) plus half its mean output (~100), as the serving model counts it
configs=()
# CodeLlama-7B on one GPU (32 query and 32 KV heads) and on two (16 and 16)
for b in 1 8 32 64 128 192 256 320; do configs+=("32:32:$b:$ctx:32"); done
for b in 32 64 128 192 256 320; do configs+=("16:16:$b:$ctx:32"); done
# CodeLlama-70B over 4 GPUs (16 query heads and 2 KV heads each) and over 8 (8 and 1)
for b in 1 64 128 192 256 320 512; do configs+=("16:2:$b:$ctx:80"); done
for b in 32 64 128 192 256 320 512 768; do configs+=("8:1:$b:$ctx:80"); done
# the context's share: CodeLlama-7B at batch 128 from 64 to 2048 tokens
for c in 64 128 512 1024 2048; do configs+=("32:32:128:$c:32"); done
# grouped-query attention on one GPU (Llama-3-8B: 32 and 8)
for b in 64 256; do configs+=("32:8:$b:$ctx:32"); done
{
  echo "nvidia_smi,$(nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader)"
  echo "source,$(cat "$build/SOURCE")"
  "$build/bench" bf16 "${configs[@]}"
  "$build/bench" fp16 "32:32:128:$ctx:32" "16:2:256:$ctx:80" | grep '^kernel\|^check'
} | tee "$out/vllm_paged_attention.csv"
