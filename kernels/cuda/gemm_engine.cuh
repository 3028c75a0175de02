// The tiled GEMM engine behind every matrix product in kernels/cuda: plain SGEMM (linear layers)
// and the three implicit-GEMM convolutions. C[M,N] = sum_k A(m,k) * B(k,n), where *how* an
// operand element is fetched from global memory is a policy ("operand"), and *where* a result goes
// is another ("epilogue"). Plain matrices, input patches gathered straight from NCHW tensors, and
// conv outputs written back as NCHW are all just policies; the tile loop below is shared.
//
// Kernel design (per block of kThreads threads, BM x BN output tile):
//   - shared memory holds the A tile as [BK][BM] and the B tile as [BK][BN], both k-major so the
//     inner loop reads contiguous float4s of each; rows are padded by 4 floats to spread the
//     transposing stores of k-contiguous operands over the banks;
//   - double buffering: two smem stages; while the FMAs run on one stage, the next k-tile is
//     already being fetched into registers and is written to the other stage afterwards, so one
//     barrier per k-tile suffices;
//   - each thread owns a TM x TN register tile made of 4x4 quads spread BM/(TM/4) rows apart
//     (the "interleaved" layout), so a quarter-warp's float4 smem reads hit distinct banks;
//   - split-K: gridDim.z slices the k range; each slice writes raw partial sums to a workspace and
//     a second kernel adds the slices in a fixed order and applies the epilogue. Deterministic
//     (no float atomics), at the price of splits*M*N floats of scratch (workspace.h). It is used
//     only when the output tiles alone cannot fill the GPU (linear 80000->1024, conv weight grads).
//
// Operand policy (host-copyable struct, also a kernel argument) provides
//   template <int ROWS, int BK, int THREADS> struct Fetcher {
//     Fetcher(const Operand&, int row0, int tid);  // per-thread precomputation for this block
//     void load(int k0, int k_end);                 // global -> registers (zeros out of range)
//     void store(float* smem, int ld) const;        // registers -> smem tile [BK][ld]
//   };
// for an operand seen as ROWS x K ("rows" are m for A, n for B).
// Epilogue policy provides
//   static constexpr bool kThreadsAlongM;  // true: consecutive threads own consecutive m
//   void store_quad(int m, int n, const Quad& q, int rows, int cols) const;
// writing C(m+i, n+j) = q.row[i].v[j] for i < rows, j < cols (rows, cols <= 4; m and n multiples
// of 4 except from the split-K reduce, which stores single elements). Whether consecutive threads
// step along m or along n is the epilogue's choice because it decides which stores coalesce:
// row-major C wants lanes along n, NCHW outputs (pixels = m are contiguous) want lanes along m.
// Loops over rows/cols are unrolled to 4 with guards: a runtime-indexed register array would go
// to local memory.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/workspace.h"

namespace cnn::kernels::cuda::gemm {

template <int BM_, int BN_, int BK_, int TM_, int TN_>
struct Tile {
  static constexpr int BM = BM_, BN = BN_, BK = BK_, TM = TM_, TN = TN_;
  static constexpr int kThreadsM = BM / TM, kThreadsN = BN / TN;
  static constexpr int kThreads = kThreadsM * kThreadsN;
  static constexpr int kLdA = BM + 4, kLdB = BN + 4;  // padded smem rows (floats)
  static_assert(TM % 4 == 0 && TN % 4 == 0, "register tiles are made of 4x4 quads");
  static_assert(BM % TM == 0 && BN % TN == 0, "thread grid must cover the tile");
};

// The tile shapes the dispatcher chooses from (all 256 threads except Skinny's 128).
using TileLarge = Tile<128, 128, 8, 8, 8>;  // big M and N: 64 FMAs per 2 smem float4 pairs
using TileMedium = Tile<128, 64, 8, 8, 4>;  // N <= 64 (conv with 64 filters)
using TileNarrow = Tile<128, 32, 8, 4, 4>;  // N <= 32 (first conv layers, conv dx with C <= 32)
using TileSmall = Tile<64, 64, 8, 4, 4>;    // M <= 64 (batch-64 linear layers)
using TileSkinny = Tile<16, 128, 8, 4, 4>;  // M <= 16 (tiny batches): little wasted work

// ---- operand policies for plain row-major matrices ----

// Operand element (row, k) at ptr[row * ld + k]: k is contiguous (A not transposed, B transposed).
struct KContiguous {
  const float* ptr;
  int ld, rows;
  bool vec_ok;  // ptr 16-byte aligned and ld % 4 == 0: whole packs may be loaded at once

  template <int ROWS, int BK, int THREADS>
  struct Fetcher {
    static constexpr int kElems = ROWS * BK / THREADS;
    static constexpr int V = kElems >= 4 ? 4 : kElems;  // floats per global access
    static constexpr int kPasses = kElems / V;
    static constexpr int kThreadsPerRow = BK / V;
    static constexpr int kRowsPerPass = THREADS / kThreadsPerRow;
    static_assert(ROWS * BK % THREADS == 0 && BK % V == 0 && THREADS % kThreadsPerRow == 0 &&
                      kRowsPerPass * kPasses == ROWS,
                  "tile does not split evenly over the threads");

    const float* ptr;
    int ld, rows, row0, row, k_ofs;
    bool vec_ok;
    float r[kElems];

    __device__ Fetcher(const KContiguous& op, int row0_, int tid)
        : ptr(op.ptr),
          ld(op.ld),
          rows(op.rows),
          row0(row0_),
          row(tid / kThreadsPerRow),
          k_ofs((tid % kThreadsPerRow) * V),
          vec_ok(op.vec_ok) {}

    __device__ void load(int k0, int k_end) {
      const int k = k0 + k_ofs;
      CNN_UNROLL
      for (int pass = 0; pass < kPasses; ++pass) {
        const int grow = row0 + row + pass * kRowsPerPass;
        const float* p = ptr + int64_t(grow) * ld + k;
        if (vec_ok && grow < rows && k + V <= k_end) {
          const Pack<V> pk = load_pack<V>(p);
          CNN_UNROLL
          for (int v = 0; v < V; ++v) r[pass * V + v] = pk.v[v];
        } else {
          CNN_UNROLL
          for (int v = 0; v < V; ++v) r[pass * V + v] = grow < rows && k + v < k_end ? p[v] : 0.f;
        }
      }
    }

    __device__ void store(float* smem, int lds) const {
      CNN_UNROLL
      for (int pass = 0; pass < kPasses; ++pass) CNN_UNROLL
      for (int v = 0; v < V; ++v)
        smem[(k_ofs + v) * lds + row + pass * kRowsPerPass] = r[pass * V + v];
    }
  };
};

// Operand element (row, k) at ptr[k * ld + row]: rows are contiguous (A transposed, B not).
struct RowsContiguous {
  const float* ptr;
  int ld, rows;
  bool vec_ok;  // ptr 16-byte aligned and ld % 4 == 0

  template <int ROWS, int BK, int THREADS>
  struct Fetcher {
    static constexpr int kElems = ROWS * BK / THREADS;
    static constexpr int V = kElems >= 4 ? 4 : kElems;
    static constexpr int kThreadsPerK = ROWS / V;
    static constexpr int kKPerPass = THREADS / kThreadsPerK;
    static constexpr int kPasses = BK / kKPerPass;
    static_assert(ROWS * BK % THREADS == 0 && ROWS % V == 0 && THREADS % kThreadsPerK == 0 &&
                      kKPerPass * kPasses == BK,
                  "tile does not split evenly over the threads");

    const float* ptr;
    int ld, rows, grow, row, kk;
    bool vec_ok;
    float r[kElems];

    __device__ Fetcher(const RowsContiguous& op, int row0, int tid)
        : ptr(op.ptr),
          ld(op.ld),
          rows(op.rows),
          grow(row0 + (tid % kThreadsPerK) * V),
          row((tid % kThreadsPerK) * V),
          kk(tid / kThreadsPerK),
          vec_ok(op.vec_ok) {}

    __device__ void load(int k0, int k_end) {
      CNN_UNROLL
      for (int pass = 0; pass < kPasses; ++pass) {
        const int k = k0 + kk + pass * kKPerPass;
        const float* p = ptr + int64_t(k) * ld + grow;
        if (vec_ok && k < k_end && grow + V <= rows) {
          const Pack<V> pk = load_pack<V>(p);
          CNN_UNROLL
          for (int v = 0; v < V; ++v) r[pass * V + v] = pk.v[v];
        } else {
          CNN_UNROLL
          for (int v = 0; v < V; ++v) r[pass * V + v] = k < k_end && grow + v < rows ? p[v] : 0.f;
        }
      }
    }

    __device__ void store(float* smem, int lds) const {
      CNN_UNROLL
      for (int pass = 0; pass < kPasses; ++pass) CNN_UNROLL
      for (int v = 0; v < V; ++v) smem[(kk + pass * kKPerPass) * lds + row + v] = r[pass * V + v];
    }
  };
};

// A 4x4 block of results: row[i].v[j] = C(m + i, n + j).
struct Quad {
  Pack<4> row[4];
};

// ---- epilogue for a plain row-major C with an optional bias per column ----
struct RowMajorOutput {
  float* c;
  int ldc;
  const float* bias;  // [N] or null
  bool vec_ok;        // c 16-byte aligned and ldc % 4 == 0

  static constexpr bool kThreadsAlongM = false;  // rows are contiguous along n

  __device__ void store_quad(int m, int n, const Quad& q, int rows, int cols) const {
    CNN_UNROLL
    for (int i = 0; i < 4; ++i) {
      if (i >= rows) break;
      Pack<4> v = q.row[i];
      float* p = c + int64_t(m + i) * ldc + n;
      if (bias) {
        CNN_UNROLL
        for (int j = 0; j < 4; ++j)
          if (j < cols) v.v[j] += bias[n + j];
      }
      if (cols == 4 && vec_ok) {
        store_pack<4>(p, v);
      } else {
        CNN_UNROLL
        for (int j = 0; j < 4; ++j)
          if (j < cols) p[j] = v.v[j];
      }
    }
  }
};

// ---- kernels ----

// One BM x BN output tile per block; blockIdx.z picks the k slice [z*k_chunk, (z+1)*k_chunk).
// With `partial` null the epilogue gets the result; otherwise the raw slice sum goes to
// partial[z][M][N] for splitk_reduce_kernel.
// The explicit minimum of 1 block per SM matters: without it ptxas for sm_75 aimed at full
// occupancy (64 registers) for some variants and spilled.
template <class Cfg, class OperandA, class OperandB, class Epilogue>
__global__ void __launch_bounds__(Cfg::kThreads, 1)
    gemm_kernel(int M, int N, int K, int k_chunk, OperandA a, OperandB b, Epilogue ep,
                float* partial) {
  constexpr int BM = Cfg::BM, BN = Cfg::BN, BK = Cfg::BK, TM = Cfg::TM, TN = Cfg::TN;
  constexpr int kLdA = Cfg::kLdA, kLdB = Cfg::kLdB;
  constexpr int kStageA = BK * kLdA, kStageB = BK * kLdB;
  // float4 arrays give the 16-byte alignment the vector smem reads need.
  __shared__ float4 smem_a4[2 * kStageA / 4];
  __shared__ float4 smem_b4[2 * kStageB / 4];
  float* smem_a = reinterpret_cast<float*>(smem_a4);
  float* smem_b = reinterpret_cast<float*>(smem_b4);

  const int tid = threadIdx.x;
  const int m0 = blockIdx.x * BM, n0 = blockIdx.y * BN;
  const int k_begin = blockIdx.z * k_chunk;
  const int k_end = min_of(K, k_begin + k_chunk);

  typename OperandA::template Fetcher<BM, BK, Cfg::kThreads> fetch_a(a, m0, tid);
  typename OperandB::template Fetcher<BN, BK, Cfg::kThreads> fetch_b(b, n0, tid);

  // (ty, tx) = this thread's row and column in the kThreadsM x kThreadsN thread grid.
  constexpr bool kAlongM = Epilogue::kThreadsAlongM;
  const int ty = kAlongM ? tid % Cfg::kThreadsM : tid / Cfg::kThreadsN;
  const int tx = kAlongM ? tid / Cfg::kThreadsM : tid % Cfg::kThreadsN;
  float acc[TM][TN];
  CNN_UNROLL
  for (int i = 0; i < TM; ++i) CNN_UNROLL
  for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;

  fetch_a.load(k_begin, k_end);
  fetch_b.load(k_begin, k_end);
  fetch_a.store(smem_a, kLdA);
  fetch_b.store(smem_b, kLdB);
  __syncthreads();

  int stage = 0;
  for (int k0 = k_begin; k0 < k_end; k0 += BK) {
    const bool has_next = k0 + BK < k_end;
    if (has_next) {  // issue the next tile's global loads before the FMAs that hide them
      fetch_a.load(k0 + BK, k_end);
      fetch_b.load(k0 + BK, k_end);
    }
    const float* sa = smem_a + stage * kStageA;
    const float* sb = smem_b + stage * kStageB;
    CNN_UNROLL
    for (int kk = 0; kk < BK; ++kk) {
      float fa[TM], fb[TN];
      CNN_UNROLL
      for (int g = 0; g < TM / 4; ++g) {
        const float4 v =
            *reinterpret_cast<const float4*>(sa + kk * kLdA + g * Cfg::kThreadsM * 4 + ty * 4);
        fa[g * 4 + 0] = v.x, fa[g * 4 + 1] = v.y, fa[g * 4 + 2] = v.z, fa[g * 4 + 3] = v.w;
      }
      CNN_UNROLL
      for (int g = 0; g < TN / 4; ++g) {
        const float4 v =
            *reinterpret_cast<const float4*>(sb + kk * kLdB + g * Cfg::kThreadsN * 4 + tx * 4);
        fb[g * 4 + 0] = v.x, fb[g * 4 + 1] = v.y, fb[g * 4 + 2] = v.z, fb[g * 4 + 3] = v.w;
      }
      CNN_UNROLL
      for (int i = 0; i < TM; ++i) CNN_UNROLL
      for (int j = 0; j < TN; ++j) acc[i][j] += fa[i] * fb[j];
    }
    if (has_next) {  // the other stage was last read before the previous barrier: free to fill
      fetch_a.store(smem_a + (stage ^ 1) * kStageA, kLdA);
      fetch_b.store(smem_b + (stage ^ 1) * kStageB, kLdB);
    }
    __syncthreads();
    stage ^= 1;
  }

  float* slice = partial ? partial + int64_t(blockIdx.z) * M * N : nullptr;
  CNN_UNROLL
  for (int gm = 0; gm < TM / 4; ++gm) {
    const int m = m0 + gm * Cfg::kThreadsM * 4 + ty * 4;
    if (m >= M) continue;
    const int rows = min_of(4, M - m);
    CNN_UNROLL
    for (int gn = 0; gn < TN / 4; ++gn) {
      const int n = n0 + gn * Cfg::kThreadsN * 4 + tx * 4;
      if (n >= N) continue;
      const int cols = min_of(4, N - n);
      Quad q;
      CNN_UNROLL
      for (int i = 0; i < 4; ++i) CNN_UNROLL
      for (int j = 0; j < 4; ++j) q.row[i].v[j] = acc[gm * 4 + i][gn * 4 + j];
      if (slice) {
        CNN_UNROLL
        for (int i = 0; i < 4; ++i) {
          if (i >= rows) break;
          float* p = slice + int64_t(m + i) * N + n;
          CNN_UNROLL
          for (int j = 0; j < 4; ++j)
            if (j < cols) p[j] = q.row[i].v[j];
        }
      } else {
        ep.store_quad(m, n, q, rows, cols);
      }
    }
  }
}

// C(m, n) = sum over the split slices in slice order (deterministic), handed to the epilogue.
template <class Epilogue>
__global__ void splitk_reduce_kernel(int M, int N, int splits, const float* partial, Epilogue ep) {
  const int64_t total = int64_t(M) * N;
  for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += int64_t(gridDim.x) * blockDim.x) {
    Quad q = {};
    for (int z = 0; z < splits; ++z) q.row[0].v[0] += partial[z * total + e];
    ep.store_quad(int(e / N), int(e % N), q, 1, 1);
  }
}

// ---- host dispatch ----

template <class Cfg, class OperandA, class OperandB, class Epilogue>
void run_tiled(int M, int N, int K, const OperandA& a, const OperandB& b, const Epilogue& ep,
               cudaStream_t stream) {
  // Split K only when the output tiles leave SMs idle, and keep every slice long enough (>= 256)
  // that the partial-sum traffic stays small next to the slice's FMAs.
  constexpr int kMinKPerSplit = 256, kMaxSplits = 64;
  const int64_t tiles = ceil_div(M, Cfg::BM) * ceil_div(N, Cfg::BN);
  const int64_t target_blocks = 2 * int64_t(device_sm_count());
  int splits = 1;
  if (tiles < target_blocks)
    splits = int(std::clamp<int64_t>(
        std::min<int64_t>(ceil_div(target_blocks, tiles), K / kMinKPerSplit), 1, kMaxSplits));
  int k_chunk = K;
  if (splits > 1) {
    k_chunk = int(ceil_div(ceil_div(K, splits), Cfg::BK) * Cfg::BK);
    splits = int(ceil_div(K, k_chunk));
  }
  float* partial = splits > 1 ? stream_workspace(stream, size_t(splits) * M * N) : nullptr;
  const dim3 grid(unsigned(ceil_div(M, Cfg::BM)), unsigned(ceil_div(N, Cfg::BN)), unsigned(splits));
  launch(gemm_kernel<Cfg, OperandA, OperandB, Epilogue>, grid, dim3(Cfg::kThreads), 0, stream, M, N,
         K, k_chunk, a, b, ep, partial);
  if (splits > 1)
    launch(splitk_reduce_kernel<Epilogue>, dim3(grid_stride_blocks(int64_t(M) * N, 256)), dim3(256),
           0, stream, M, N, splits, static_cast<const float*>(partial), ep);
}

// Picks the tile shape from the problem's M and N (see the Tile aliases) and launches.
// requires: M, N, K > 0; M and ceil(N / BN) within the grid limits (N/16 <= 65535).
template <class OperandA, class OperandB, class Epilogue>
void run(int M, int N, int K, const OperandA& a, const OperandB& b, const Epilogue& ep,
         cudaStream_t stream) {
  if (M <= 16)
    run_tiled<TileSkinny>(M, N, K, a, b, ep, stream);
  else if (M <= 64)
    run_tiled<TileSmall>(M, N, K, a, b, ep, stream);
  else if (N <= 32)
    run_tiled<TileNarrow>(M, N, K, a, b, ep, stream);
  else if (N <= 64)
    run_tiled<TileMedium>(M, N, K, a, b, ep, stream);
  else
    run_tiled<TileLarge>(M, N, K, a, b, ep, stream);
}

}  // namespace cnn::kernels::cuda::gemm
