// Times vLLM 0.4.2's paged_attention_v1 kernel (vLLM's own decode attention; ML.ENERGY's 2024 v2 runs used vLLM 0.5.4,
// which decodes through FlashAttention-2: prepare.sh) at the shapes of that leaderboard's configurations, and a
// device-to-device copy as the bandwidth it could have had.
//
//   bash benchmarks/attention_kernels/prepare.sh        # once, where PyPI can be reached: vLLM's kernel headers
//   bash benchmarks/attention_kernels/run.sh            # on the GPU: builds this file, writes a CSV
//
// The kernel templates come from vLLM's source (prepare.sh, build/attention/kernels.cuh); this driver is ours and
// replaces vLLM's torch launcher (csrc/attention/attention_kernels.cu, paged_attention_v1_launcher) with the same
// grid (heads x sequences), 128 threads, and dynamic shared memory of max(padded context x 4 B, 2 x head x 4 B).
// Each configuration cycles through as many layers' caches as hold 8x the L2 or the model's layers, whichever is fewer
// (as a model's layers do; the smallest, 70B over 4 GPUs at batch 1, fits in the L2 all the same), blocks of 16 tokens laid out in a random order (as a paged cache after a while), context lengths
// spread uniformly over 0.5-1.5x the mean. Prints one CSV row per configuration.
#include <cassert>
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "attention/kernels.cuh"

#define CHECK(call)                                                                          \
  do {                                                                                       \
    cudaError_t err_ = (call);                                                               \
    if (err_ != cudaSuccess) {                                                               \
      std::fprintf(stderr, "CUDA error %s at %s:%d\n", cudaGetErrorString(err_), __FILE__, __LINE__); \
      std::exit(1);                                                                          \
    }                                                                                        \
  } while (0)

constexpr int HEAD_SIZE = 128;   // every model of the leaderboard's batched rows (Llama family)
constexpr int BLOCK_SIZE = 16;   // vLLM 0.4.2's default --block-size
constexpr int NUM_THREADS = 128; // vLLM 0.4.2's launcher default
constexpr int ELEMS_PER_16B = 8; // x in vLLM's key layout, 16 bytes of 2-byte elements

template <typename T>
__global__ void fill_random(T* data, size_t n, uint32_t seed) {
  size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
  size_t stride = (size_t)gridDim.x * blockDim.x;
  for (; i < n; i += stride) {
    uint32_t h = (uint32_t)(i * 2654435761u) ^ seed;
    h ^= h >> 16; h *= 0x7feb352d; h ^= h >> 15; h *= 0x846ca68b; h ^= h >> 16;
    float v = (h & 0xffffff) / float(0xffffff) * 2.0f - 1.0f;
    if constexpr (std::is_same<T, uint16_t>::value) {
      __half hv = __float2half(v);
      data[i] = *reinterpret_cast<uint16_t*>(&hv);
    } else {
      data[i] = __float2bfloat16(v);
    }
  }
}

template <typename T>
float to_float_host(T v) {
  if constexpr (std::is_same<T, uint16_t>::value) {
    __half h; std::memcpy(&h, &v, 2); return __half2float(h);
  } else {
    return __bfloat162float(v);
  }
}

struct Config { int heads, kv_heads, batch, ctx; };

struct Layout {
  std::vector<int> seq_lens, block_table;
  int max_blocks, num_blocks, max_len;
  size_t kv_bytes_read;  // K and V of every token of every sequence, each KV head once
};

Layout make_layout(const Config& c, std::mt19937& rng) {
  Layout l;
  std::uniform_real_distribution<double> spread(0.5, 1.5);
  l.max_len = 0;
  size_t tokens = 0;
  for (int s = 0; s < c.batch; ++s) {
    int len = c.batch == 1 ? c.ctx : std::max(1, (int)std::lround(c.ctx * spread(rng)));
    l.seq_lens.push_back(len);
    l.max_len = std::max(l.max_len, len);
    tokens += len;
  }
  l.max_blocks = (l.max_len + BLOCK_SIZE - 1) / BLOCK_SIZE;
  l.num_blocks = 0;
  for (int len : l.seq_lens) l.num_blocks += (len + BLOCK_SIZE - 1) / BLOCK_SIZE;
  std::vector<int> ids(l.num_blocks);
  std::iota(ids.begin(), ids.end(), 0);
  std::shuffle(ids.begin(), ids.end(), rng);
  l.block_table.assign((size_t)c.batch * l.max_blocks, 0);
  int next = 0;
  for (int s = 0; s < c.batch; ++s) {
    int nb = (l.seq_lens[s] + BLOCK_SIZE - 1) / BLOCK_SIZE;
    for (int b = 0; b < nb; ++b) l.block_table[(size_t)s * l.max_blocks + b] = ids[next++];
  }
  l.kv_bytes_read = tokens * (size_t)c.kv_heads * HEAD_SIZE * 2 /*K,V*/ * 2 /*bytes*/;
  return l;
}

template <typename T>
void launch(const Config& c, const Layout& l, T* out, const T* q, const T* k, const T* v, const int* table,
            const int* lens, cudaStream_t stream) {
  constexpr int NUM_WARPS = NUM_THREADS / WARP_SIZE;
  int padded = (l.max_len + BLOCK_SIZE - 1) / BLOCK_SIZE * BLOCK_SIZE;
  int shared = std::max<int>(padded * (int)sizeof(float), (NUM_WARPS / 2) * HEAD_SIZE * (int)sizeof(float));
  auto kernel = vllm::paged_attention_v1_kernel<T, T, HEAD_SIZE, BLOCK_SIZE, NUM_THREADS, false>;
  // at most 64 KB here (contexts under 16k tokens); set before any capture, as vLLM's launcher does per call
  static int shared_set = 0;
  if (shared > shared_set) {
    CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, shared));
    shared_set = shared;
  }
  dim3 grid(c.heads, c.batch, 1);
  int kv_head_stride = HEAD_SIZE * BLOCK_SIZE;
  int kv_block_stride = c.kv_heads * kv_head_stride;
  float scale = 1.0f / std::sqrt((float)HEAD_SIZE);
  kernel<<<grid, NUM_THREADS, shared, stream>>>(out, q, k, v, c.kv_heads, scale, table, lens, l.max_blocks, nullptr,
                                                c.heads * HEAD_SIZE, kv_block_stride, kv_head_stride, 1.0f);
  CHECK(cudaGetLastError());
}

// out of one small configuration against attention in double on the host
template <typename T>
double check_against_reference(std::mt19937& rng) {
  Config c{8, 2, 5, 70};
  Layout l = make_layout(c, rng);
  size_t kv_elems = (size_t)l.num_blocks * c.kv_heads * HEAD_SIZE * BLOCK_SIZE;
  size_t q_elems = (size_t)c.batch * c.heads * HEAD_SIZE;
  T *q, *k, *v, *out; int *table, *lens;
  CHECK(cudaMalloc(&q, q_elems * sizeof(T))); CHECK(cudaMalloc(&out, q_elems * sizeof(T)));
  CHECK(cudaMalloc(&k, kv_elems * sizeof(T))); CHECK(cudaMalloc(&v, kv_elems * sizeof(T)));
  CHECK(cudaMalloc(&table, l.block_table.size() * sizeof(int))); CHECK(cudaMalloc(&lens, l.seq_lens.size() * sizeof(int)));
  fill_random<T><<<64, 256>>>(q, q_elems, 1u); fill_random<T><<<64, 256>>>(k, kv_elems, 2u);
  fill_random<T><<<64, 256>>>(v, kv_elems, 3u);
  CHECK(cudaMemset(out, 0xff, q_elems * sizeof(T)));  // poison: NaN in both 16-bit formats
  CHECK(cudaMemcpy(table, l.block_table.data(), l.block_table.size() * sizeof(int), cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(lens, l.seq_lens.data(), l.seq_lens.size() * sizeof(int), cudaMemcpyHostToDevice));
  launch<T>(c, l, out, q, k, v, table, lens, 0);
  CHECK(cudaDeviceSynchronize());
  std::vector<T> hq(q_elems), hk(kv_elems), hv(kv_elems), ho(q_elems);
  CHECK(cudaMemcpy(hq.data(), q, q_elems * sizeof(T), cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(hk.data(), k, kv_elems * sizeof(T), cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(hv.data(), v, kv_elems * sizeof(T), cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(ho.data(), out, q_elems * sizeof(T), cudaMemcpyDeviceToHost));
  double err2 = 0, ref2 = 0;
  int group = c.heads / c.kv_heads;
  for (int s = 0; s < c.batch; ++s)
    for (int h = 0; h < c.heads; ++h) {
      int kvh = h / group;
      std::vector<double> logits(l.seq_lens[s]);
      double mx = -1e300;
      for (int t = 0; t < l.seq_lens[s]; ++t) {
        int blk = l.block_table[(size_t)s * l.max_blocks + t / BLOCK_SIZE], off = t % BLOCK_SIZE;
        double dot = 0;
        for (int d = 0; d < HEAD_SIZE; ++d) {
          // key: [block, kv_head, head/x, block_size, x]
          size_t ki = (((size_t)blk * c.kv_heads + kvh) * (HEAD_SIZE / ELEMS_PER_16B) + d / ELEMS_PER_16B) * BLOCK_SIZE * ELEMS_PER_16B
                      + (size_t)off * ELEMS_PER_16B + d % ELEMS_PER_16B;
          dot += to_float_host(hq[((size_t)s * c.heads + h) * HEAD_SIZE + d]) * to_float_host(hk[ki]);
        }
        logits[t] = dot / std::sqrt((double)HEAD_SIZE);
        mx = std::max(mx, logits[t]);
      }
      double sum = 0;
      for (double& x : logits) { x = std::exp(x - mx); sum += x; }
      for (int d = 0; d < HEAD_SIZE; ++d) {
        double acc = 0;
        for (int t = 0; t < l.seq_lens[s]; ++t) {
          int blk = l.block_table[(size_t)s * l.max_blocks + t / BLOCK_SIZE], off = t % BLOCK_SIZE;
          // value: [block, kv_head, head, block_size]
          size_t vi = (((size_t)blk * c.kv_heads + kvh) * HEAD_SIZE + d) * BLOCK_SIZE + off;
          acc += logits[t] / sum * to_float_host(hv[vi]);
        }
        double got = to_float_host(ho[((size_t)s * c.heads + h) * HEAD_SIZE + d]);
        if (!std::isfinite(got)) return INFINITY;
        err2 += (got - acc) * (got - acc); ref2 += acc * acc;
      }
    }
  cudaFree(q); cudaFree(k); cudaFree(v); cudaFree(out); cudaFree(table); cudaFree(lens);
  return std::sqrt(err2 / ref2);
}

template <typename T>
void time_config(const char* dtype, const Config& c, std::mt19937& rng, size_t min_cycle_bytes, int max_layers) {
  Layout l = make_layout(c, rng);
  size_t kv_elems = (size_t)l.num_blocks * c.kv_heads * HEAD_SIZE * BLOCK_SIZE;
  size_t layer_bytes = 2 * kv_elems * sizeof(T);
  int layers = (int)std::min<size_t>(max_layers, std::max<size_t>(2, (min_cycle_bytes + layer_bytes - 1) / layer_bytes));
  size_t q_elems = (size_t)c.batch * c.heads * HEAD_SIZE;
  T *q, *out, *kv; int *table, *lens;
  CHECK(cudaMalloc(&q, q_elems * sizeof(T))); CHECK(cudaMalloc(&out, q_elems * sizeof(T)));
  CHECK(cudaMalloc(&kv, layer_bytes * layers));
  CHECK(cudaMalloc(&table, l.block_table.size() * sizeof(int))); CHECK(cudaMalloc(&lens, l.seq_lens.size() * sizeof(int)));
  fill_random<T><<<1024, 256>>>(q, q_elems, 7u);
  fill_random<T><<<4096, 256>>>(kv, layer_bytes * layers / sizeof(T), 11u);
  CHECK(cudaMemcpy(table, l.block_table.data(), l.block_table.size() * sizeof(int), cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(lens, l.seq_lens.data(), l.seq_lens.size() * sizeof(int), cudaMemcpyHostToDevice));
  cudaStream_t stream; CHECK(cudaStreamCreate(&stream));
  launch<T>(c, l, out, q, kv, kv + kv_elems, table, lens, stream);  // sets the shared-memory limit outside capture
  CHECK(cudaStreamSynchronize(stream));
  auto one_cycle = [&]() {
    for (int layer = 0; layer < layers; ++layer) {
      T* k = kv + (size_t)layer * 2 * kv_elems;
      launch<T>(c, l, out, q, k, k + kv_elems, table, lens, stream);
    }
  };
  // as vLLM runs decode steps of up to 256 sequences: replayed from a CUDA graph
  cudaGraph_t graph; cudaGraphExec_t exec;
  CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeRelaxed));
  one_cycle();
  CHECK(cudaStreamEndCapture(stream, &graph));
  CHECK(cudaGraphInstantiate(&exec, graph, nullptr, nullptr, 0));
  for (int w = 0; w < 3; ++w) CHECK(cudaGraphLaunch(exec, stream));
  CHECK(cudaStreamSynchronize(stream));
  cudaEvent_t a, b; CHECK(cudaEventCreate(&a)); CHECK(cudaEventCreate(&b));
  int reps = std::max(1, 400 / layers);
  std::vector<float> per_launch_us;
  for (int trial = 0; trial < 7; ++trial) {
    CHECK(cudaEventRecord(a, stream));
    for (int r = 0; r < reps; ++r) CHECK(cudaGraphLaunch(exec, stream));
    CHECK(cudaEventRecord(b, stream));
    CHECK(cudaEventSynchronize(b));
    float ms; CHECK(cudaEventElapsedTime(&ms, a, b));
    per_launch_us.push_back(ms * 1000.0f / (reps * layers));
  }
  std::sort(per_launch_us.begin(), per_launch_us.end());
  float med = per_launch_us[per_launch_us.size() / 2];
  double gbps = l.kv_bytes_read / (med * 1e-6) / 1e9;
  std::printf("kernel,%s,%d,%d,%d,%d,%d,%.1f,%d,%.3f,%.3f,%.3f,%zu,%.1f\n", dtype, c.heads, c.kv_heads, HEAD_SIZE,
              BLOCK_SIZE, c.batch, std::accumulate(l.seq_lens.begin(), l.seq_lens.end(), 0.0) / c.batch, layers,
              med, per_launch_us.front(), per_launch_us.back(), l.kv_bytes_read, gbps);
  std::fflush(stdout);
  cudaGraphExecDestroy(exec); cudaGraphDestroy(graph); cudaEventDestroy(a); cudaEventDestroy(b);
  cudaStreamDestroy(stream);
  cudaFree(q); cudaFree(out); cudaFree(kv); cudaFree(table); cudaFree(lens);
}

void time_copy(size_t bytes) {
  void *src, *dst;
  CHECK(cudaMalloc(&src, bytes)); CHECK(cudaMalloc(&dst, bytes));
  CHECK(cudaMemset(src, 1, bytes));
  cudaEvent_t a, b; CHECK(cudaEventCreate(&a)); CHECK(cudaEventCreate(&b));
  for (int w = 0; w < 3; ++w) CHECK(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToDevice));
  std::vector<float> ms_each;
  for (int t = 0; t < 7; ++t) {
    CHECK(cudaEventRecord(a));
    for (int r = 0; r < 10; ++r) CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice));
    CHECK(cudaEventRecord(b)); CHECK(cudaEventSynchronize(b));
    float ms; CHECK(cudaEventElapsedTime(&ms, a, b)); ms_each.push_back(ms / 10);
  }
  std::sort(ms_each.begin(), ms_each.end());
  // bytes read and written
  std::printf("copy,%zu,%.1f\n", bytes, 2.0 * bytes / (ms_each[3] * 1e-3) / 1e9);
  cudaFree(src); cudaFree(dst);
}

int main(int argc, char** argv) {
  // argv: dtype (fp16|bf16), then configurations "heads:kv_heads:batch:ctx" ...
  if (argc < 3) { std::fprintf(stderr, "usage: bench fp16|bf16 HEADS:KV_HEADS:BATCH:CTX[:MAX_LAYERS] ...\n"); return 2; }
  std::string dtype = argv[1];
  std::mt19937 rng(20240505);
  cudaDeviceProp prop; CHECK(cudaGetDeviceProperties(&prop, 0));
  std::printf("device,%s,%d,%d\n", prop.name, prop.multiProcessorCount, prop.l2CacheSize);
  double err = dtype == "bf16" ? check_against_reference<__nv_bfloat16>(rng) : check_against_reference<uint16_t>(rng);
  std::printf("check,%s,%.2e\n", dtype.c_str(), err);
  if (!(err < 1e-2)) { std::fprintf(stderr, "kernel output differs from the reference: %g\n", err); return 1; }
  time_copy((size_t)1 << 30);
  std::printf("columns,kind,dtype,heads,kv_heads,head_size,block_size,batch,ctx_mean,layers_cycled,us_median,us_min,us_max,kv_bytes,kv_gb_per_s\n");
  size_t min_cycle_bytes = (size_t)prop.l2CacheSize * 8;
  for (int i = 2; i < argc; ++i) {
    Config c; int max_layers = 80;
    int n = std::sscanf(argv[i], "%d:%d:%d:%d:%d", &c.heads, &c.kv_heads, &c.batch, &c.ctx, &max_layers);
    if (n < 4) { std::fprintf(stderr, "bad configuration %s\n", argv[i]); return 2; }
    if (dtype == "bf16") time_config<__nv_bfloat16>("bf16", c, rng, min_cycle_bytes, max_layers);
    else time_config<uint16_t>("fp16", c, rng, min_cycle_bytes, max_layers);
  }
  return 0;
}
