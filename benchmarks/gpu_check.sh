#!/usr/bin/env bash
# The checks that need a real NVIDIA GPU, in one run (about 5 minutes on an H200 before decode_fp8, decode_large,
# decode_fp8_large, speculative, decode_moe and the two FP8 training steps, which add up to 23 minutes of limits; on an
# H200 in run 14 the five decode steps took 3.9 minutes), each step's output saved in a folder:
#
#     bash benchmarks/gpu_check.sh [OUT_DIR]        # default OUT_DIR: $OUT, else ./gpu-check
#
# Needs the project's requirements, PyTorch with CUDA and a GPU with its driver (requirements installed apart,
# `pip install --target DIR`, are reached with PYTHONPATH=DIR: the tests' child processes keep it). Steps (NAME.log
# holds each one's output):
#   env.txt          the GPU, driver, PyTorch and NVML versions
#   backends         `calibrate --backends`: which meters this machine has
#   pytest           the measurement, tracking and calibration tests, the real-GPU ones included
#                    (tests/device/test_measure_nvml.py: they skip without a GPU)
#   calibrate        `calibrate --backend nvml`: the built-in torch matmuls at 4 sizes × fp32, tf32,
#                    bf16 and fp16, power through NVML; the profile it writes: gpu-cal.toml
#   estimate         `estimate` of 1e21 FLOPs on that calibrated profile
#   train_step       benchmarks/gpu_train_step.py: training steps of GPT-3-shaped models (125M-2.7B; bf16 autocast,
#                    FlashAttention, fused AdamW), time and NVML energy (train_step.json)
#   track.log/.json  examples/train_torch.py tracked: the whole run predicted at step 2,000 of 20,000
#   own              `calibrate --flops F -- examples/train_torch.py`: a profile from one's own run
#   decode           benchmarks/gpu_decode.py: a Llama-3-8B-shaped decode step, time and NVML energy,
#                    at batch 1, 8 and 32 as CUDA graphs (decode.json); decode_eager: batch 1 launched eagerly
#   train_step_compiled  the same with torch.compile, four of the shapes (train_step_compiled.json)
#   decode_fp8       the decode step with the blocks' linear layers in FP8 (W8A8, torch._scaled_mm), as decode
#                    (decode_fp8.json)
#   decode_large, decode_fp8_large  the decode step at batches 64, 128 and 256, 16 and 8 bits
#   speculative      benchmarks/gpu_speculative.py: the decode step, the verification of 1 and 3 draft tokens and a
#                    one-layer draft pass, at batch 1, 8 and 32 (speculative.json)
#   decode_moe       the decode step of a mixture of experts (Qwen3-30B-A3B's shape: 128 experts, top-8, grouped GEMMs)
#                    at batch 1-128 as CUDA graphs (decode_moe.json; needs about 66 GB of GPU memory)
#   train_step_fp8   the training steps of GPT-3 XL and 2.7B with FP8 linear layers under torch.compile, and bf16's
#                    beside them (train_step_fp8.json, train_step_fp8_bf16.json)
# Each step has its own time limit; a step that fails is recorded and the next one runs.
# GPU_CHECK_STEPS="train_step decode ..." runs only the steps named (in this file's order), to fit a short lease.
set -u
cd "$(dirname "$0")/.."
OUT_DIR=${1:-${OUT:-gpu-check}}
mkdir -p "$OUT_DIR"
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 ESTIMATOR_CALIBRATED_DIR="$OUT_DIR"
status=0
step() {  # step NAME LIMIT_S CMD...: run CMD with a limit, stdout+stderr to OUT_DIR/NAME.log
  local name=$1 limit=$2; shift 2
  if [ -n "${GPU_CHECK_STEPS:-}" ] && [[ " $GPU_CHECK_STEPS " != *" $name "* ]]; then return 0; fi
  local t0=$SECONDS
  timeout "$limit" "$@" >"$OUT_DIR/$name.log" 2>&1
  local rc=$?
  echo "$name: exit $rc in $((SECONDS - t0)) s" | tee -a "$OUT_DIR/steps.txt"
  [ $rc -eq 0 ] || status=1
}

{ nvidia-smi --query-gpu=name,uuid,driver_version,power.default_limit,power.limit,memory.total,clocks.max.sm \
    --format=csv; "$PY" -c "import sys, torch, pynvml; print(sys.version.split()[0], 'torch', torch.__version__,
torch.version.cuda, torch.cuda.get_device_name(0)); pynvml.nvmlInit(); print('NVML driver',
pynvml.nvmlSystemGetDriverVersion(), 'NVML', pynvml.nvmlSystemGetNVMLVersion())"; } >"$OUT_DIR/env.txt" 2>&1

step backends 60 "$PY" -m estimator calibrate --backends --format json
step pytest 240 "$PY" -m pytest -q -p no:cacheprovider tests/device/test_measure_nvml.py tests/device/test_measure_devices.py \
  tests/monitor/test_track_and_calibration_findings.py tests/device/test_measure_mean_power.py tests/device/test_measure_codecarbon.py \
  tests/monitor/test_track.py tests/monitor/test_track_files.py tests/monitor/test_track_review.py tests/monitor/test_calibrate_cli.py \
  tests/core/test_calibrate_core.py tests/io/test_calibrate_io.py tests/monitor/test_calibration_busy.py \
  tests/cli/test_calibrate_engineer_path.py \
  --deselect tests/monitor/test_track_and_calibration_findings.py::test_the_save_button_names_the_real_folder_and_a_command_that_works
step calibrate 120 "$PY" -m estimator calibrate --backend nvml --seconds 32 --out "$OUT_DIR/gpu-cal.toml" --force \
  --format json
step estimate 60 "$PY" -m estimator estimate --hardware "$OUT_DIR/gpu-cal.toml" --flops 1e21 --format json
step train_step 240 "$PY" -m benchmarks.gpu_train_step --out "$OUT_DIR/train_step.json"
step track 120 "$PY" examples/train_torch.py --steps 20000 --report-at 2000 --width 4096 --report "$OUT_DIR/track.json"
# the example's FLOPs: 4 per first-layer weight and 6 per second-layer weight per example (examples/train_torch.py) × the mean batch × steps
own_flops=$("$PY" -c "import examples.train_torch as t; print(t.flops_per_step(4096) * 5000)")
step own 180 "$PY" -m estimator calibrate --backend nvml --flops "$own_flops" --id gpu-own-run --out "$OUT_DIR/own.toml" \
  --force --format json -- "$PY" examples/train_torch.py --steps 5000 --width 4096
step decode 180 "$PY" -m benchmarks.gpu_decode --out "$OUT_DIR/decode.json"
step train_step_compiled 240 "$PY" -m benchmarks.gpu_train_step --compile \
  --only gpt3-medium,gpt3-medium-s512-mb1,gpt3-xl,gpt3-2.7b --out "$OUT_DIR/train_step_compiled.json"
step decode_eager 90 "$PY" -m benchmarks.gpu_decode --batches 1 --repeats 1 --no-graphs --out "$OUT_DIR/decode_eager.json"
# long contexts (run 7 and 8 of the data files, 2026-11-27): decode after 8k tokens, one prompt's prefill, training
# steps of one 16k- or 32k-token sequence
step decode_long 120 "$PY" -m benchmarks.gpu_decode --batches 1,8,32 --prompt 8192 --new 64 --repeats 2 \
  --out "$OUT_DIR/decode_long.json"
step prefill 120 "$PY" -m benchmarks.gpu_prefill --repeats 8 --out "$OUT_DIR/prefill.json"
step train_step_long 180 "$PY" -m benchmarks.gpu_train_step --configs long --out "$OUT_DIR/train_step_long.json"
# run 9 of the data files (2026-11-27): 8-bit weights, and speculative decoding's parts
step decode_fp8 150 "$PY" -m benchmarks.gpu_decode --bits 8 --out "$OUT_DIR/decode_fp8.json"
# the same at batches 64-256 (run 10 on an H100; run 14 on an H200)
step decode_large 120 "$PY" -m benchmarks.gpu_decode --batches 64,128,256 --out "$OUT_DIR/decode_large.json"
step decode_fp8_large 120 "$PY" -m benchmarks.gpu_decode --bits 8 --batches 64,128,256 --out "$OUT_DIR/decode_fp8_large.json"
step speculative 180 "$PY" -m benchmarks.gpu_speculative --out "$OUT_DIR/speculative.json"
# run 13 of the data files (2026-11-27): a mixture of experts' decode step (Qwen3-30B-A3B's shape, 61 GB in bf16)
step decode_moe 150 "$PY" -m benchmarks.gpu_decode --model qwen3-30b-a3b --batches 1,4,8,16,32,128 --repeats 2 \
  --out "$OUT_DIR/decode_moe.json"
# FP8 training as tuned stacks run it (casts fused by torch.compile); eager FP8 ran slower than bf16 (docs: accuracy)
# (run 13, an H100: XL's FP8 compile and steps took most of 230 s; 2.7B's compile did not finish in 190 s alone)
step train_step_fp8 420 "$PY" -m benchmarks.gpu_train_step --precision fp8 --compile --only gpt3-xl,gpt3-2.7b \
  --out "$OUT_DIR/train_step_fp8.json"
step train_step_fp8_bf16 240 "$PY" -m benchmarks.gpu_train_step --compile --only gpt3-xl,gpt3-2.7b \
  --out "$OUT_DIR/train_step_fp8_bf16.json"
exit $status
