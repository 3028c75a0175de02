// Packed SGEMM (GotoBLAS / BLIS structure) with run-time micro-kernel choice and OpenMP.
//
// One thread's block, C (+)= alpha * op(A) * op(B), runs the five classic loops:
//   jc over N by nc      B block kc x nc packed once per (jc, pc)        -> L2
//    pc over K by kc     A block mc x kc packed once per (jc, pc, ic)    -> L2
//     ic over M by mc
//      jr over nc by NR  one B micro-panel, reused by every ir           -> L1
//       ir over mc by MR micro-kernel: MR x NR tile of C in registers
// kc is chosen so a B micro-panel (kc x NR) stays in L1, mc and nc so the A and B blocks share L2
// (choose_blocking). While a B block is multiplied, the source of the next one is prefetched a few
// lines per micro-tile, so DRAM streaming overlaps the FMAs. Edge tiles go through a small scratch
// tile, so packing pads with zeros and the micro-kernel never branches.
//
// Parallelism: the threads split C (and, for small M*N with large K, the K dimension) into a
// tm x tn x tk grid chosen by a small cost model (choose_split) that counts FMAs, packing and the
// K-split reduction. Each thread packs its own panels: no barriers inside the loops, and a thread
// split over N only re-packs A, which is cheap when N per thread is large. The seed network's
// shapes on 2 threads: y = x w^T (64 x 1024 x 80000) splits K; dx = dy w (64 x 80000 x 1024) and
// dw = dy^T x (1024 x 80000 x 64) split N.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/cpu/ops.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/scratch_buffer.h"
#include "kernels/cpu/sgemm_internal.h"
#include "kernels/cpu/sgemm_kernels.h"
#include "kernels/cpu/sgemm_pack.h"

namespace cnn::kernels::cpu {

namespace {

// Cache budgets (bytes) the blocking targets: Zen 4/5 have 32-48 KB L1d and 1 MB L2 per core.
// The L2 holds the A block, the packed B block, and the source of the next B block arriving by
// software prefetch (RegionPrefetcher), so the B block is kept small. Measured on the 2-core Zen 5
// (one thread, CPU time, backward-data shape 64 x 80000 x 1024 whose weight streams from DRAM):
// 256 KB blocks with prefetch reached 53-55% of peak, 2 MB blocks without prefetch 35-45%.
constexpr int64_t kL1Budget = 48 << 10;           // one B micro-panel (kc = 256 for NR = 48)
constexpr int64_t kL2Budget = 384 << 10;          // the A block
constexpr int64_t kBBlockBudget = 256 << 10;      // the packed B block
constexpr int64_t kPackedAWholeBudget = 1 << 20;  // all of A, packed once (see gemm_block)
constexpr int kMaxKc = 512;

int round_up(int x, int multiple) {
  return (x + multiple - 1) / multiple * multiple;
}
int ceil_div(int64_t x, int64_t y) {
  return int((x + y - 1) / y);
}

struct Blocking {
  int kc, mc, nc;
};

Blocking choose_blocking(const SgemmMicroKernel& uk, int M, int N, int K) {
  Blocking b;
  // kc: as deep as L1 allows for a B micro-panel, then evened out over the K blocks so the last
  // block is not a sliver.
  const int kc_max = int(std::clamp<int64_t>(kL1Budget / (int64_t(uk.nr) * 4), 16, kMaxKc));
  const int k_blocks = ceil_div(K, kc_max);
  b.kc = round_up(ceil_div(K, k_blocks), 4);
  const int mc_max = std::max(uk.mr, int(kL2Budget / (int64_t(b.kc) * 4)) / uk.mr * uk.mr);
  b.mc = std::min(mc_max, round_up(M, uk.mr));
  const int nc_max = std::max(uk.nr, int(kBBlockBudget / (int64_t(b.kc) * 4)) / uk.nr * uk.nr);
  b.nc = std::min(nc_max, round_up(N, uk.nr));
  return b;
}

// Walks a 2-D byte region (rows of row_bytes, stride apart) issuing software prefetches into L2, a
// few lines at a time. Used to pull the next B block's source towards the cache while the current
// block is being multiplied: the GEMMs of the seed network's linear layers stream 328 MB of weights
// per call, and without this the packing waits on DRAM with the FMA units idle.
class RegionPrefetcher {
 public:
  RegionPrefetcher() = default;
  RegionPrefetcher(const void* base, int64_t rows, int64_t row_bytes, int64_t stride)
      : base_(static_cast<const char*>(base)),
        rows_(rows),
        row_bytes_(row_bytes),
        stride_(stride) {}
  int64_t total_lines() const { return rows_ * ((row_bytes_ + 63) / 64); }
  void issue(int64_t lines) {
    for (; lines > 0 && row_ < rows_; --lines) {
      __builtin_prefetch(base_ + row_ * stride_ + offset_, 0, 2);
      offset_ += 64;
      if (offset_ >= row_bytes_) offset_ = 0, ++row_;
    }
  }

 private:
  const char* base_ = nullptr;
  int64_t rows_ = 0, row_bytes_ = 0, stride_ = 0, row_ = 0, offset_ = 0;
};

// The source bytes pack_b_panels reads for the kc x nc block of op(B) at (k0, j0).
RegionPrefetcher b_block_source(MatrixView b, int k0, int kc, int j0, int nc) {
  const int64_t stride = b.ld * int64_t(sizeof(float));
  if (b.trans) return {b.data + int64_t(j0) * b.ld + k0, nc, kc * int64_t(sizeof(float)), stride};
  return {b.data + int64_t(k0) * b.ld + j0, kc, nc * int64_t(sizeof(float)), stride};
}

struct Operands {
  MatrixView a, b;
  float* c;
  int64_t ldc;
};

// C[0:M, 0:N] = beta * C + alpha * op(A) * op(B) on the calling thread, for a sub-problem whose
// operand views already point at its first row / column. beta is applied before the products;
// beta == 0 never reads C.
void gemm_block(const SgemmMicroKernel& uk, int M, int N, int K, float alpha, Operands op,
                float beta) {
  if (M <= 0 || N <= 0) return;
  if (beta != 0.f && beta != 1.f)
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) op.c[i * op.ldc + j] *= beta;
  if (K <= 0 || alpha == 0.f) {
    if (beta == 0.f)
      for (int i = 0; i < M; ++i) std::memset(op.c + i * op.ldc, 0, sizeof(float) * size_t(N));
    return;
  }
  const Blocking bl = choose_blocking(uk, M, N, K);
  static thread_local ScratchBuffer a_buffer, b_buffer;
  // With several nc blocks, A would be re-packed for each. Two ways out:
  //  - all of A packs into kPackedAWholeBudget: pack it once, up front, into per-(pc, ic) blocks;
  //  - else, when A is a single mc block (small M: y = x w^T with x 64 x 80000), run pc outside jc
  //    so each A block is packed once and serves every nc block; C (M x N, small) is then
  //    revisited once per pc, from L2.
  const int64_t m_padded = round_up(M, uk.mr);
  const bool pack_a_once = N > bl.nc && m_padded * K * 4 <= kPackedAWholeBudget;
  const bool k_outer = !pack_a_once && N > bl.nc && M <= bl.mc;
  float* a_packed = a_buffer.get(pack_a_once ? size_t(m_padded) * K : size_t(bl.mc) * bl.kc);
  float* b_packed = b_buffer.get(size_t(bl.nc) * bl.kc);
  alignas(64) float edge_tile[kMaxMicroTileFloats];
  auto pack_a = [&](int ic, int mc, int pc, int kc, float* dst) {
    if (uk.pack_a)
      uk.pack_a(op.a, ic, mc, pc, kc, alpha, uk.mr, dst);
    else
      pack_a_panels(op.a, ic, mc, pc, kc, alpha, uk.mr, dst);
  };
  // Block (pc, ic) of the packed-once A: the blocks of one pc hold m_padded x kc floats.
  auto a_block = [&](int ic, int pc, int kc) {
    return a_packed + m_padded * pc + int64_t(ic) * kc;
  };
  if (pack_a_once)
    for (int pc = 0; pc < K; pc += bl.kc)
      for (int ic = 0; ic < M; ic += bl.mc)
        pack_a(ic, std::min(bl.mc, M - ic), pc, std::min(bl.kc, K - pc),
               a_block(ic, pc, std::min(bl.kc, K - pc)));

  // C[:, jc:jc+nc] (+)= A[:, pc:pc+kc] * B[pc:pc+kc, jc:jc+nc], prefetching `next_b` (the source of
  // the B block that comes next in loop order) a few lines per micro-tile.
  auto multiply_block = [&](int jc, int nc, int pc, int kc, RegionPrefetcher next_b) {
    const bool accumulate = pc > 0 || beta != 0.f;
    if (op.b.trans && uk.pack_b_trans)
      uk.pack_b_trans(op.b, pc, kc, jc, nc, uk.nr, b_packed);
    else
      pack_b_panels(op.b, pc, kc, jc, nc, uk.nr, b_packed);
    const int64_t tiles = int64_t(ceil_div(M, uk.mr)) * ceil_div(nc, uk.nr);
    const int64_t lines_per_tile = next_b.total_lines() / tiles + 1;
    for (int ic = 0; ic < M; ic += bl.mc) {
      const int mc = std::min(bl.mc, M - ic);
      const float* a_block_packed = a_packed;
      if (pack_a_once)
        a_block_packed = a_block(ic, pc, kc);
      else if (!k_outer)  // k_outer: the caller packed the only A block of this pc
        pack_a(ic, mc, pc, kc, a_packed);
      for (int jr = 0; jr < nc; jr += uk.nr) {
        const int cols = std::min(uk.nr, nc - jr);
        const float* b_panel = b_packed + int64_t(jr) * kc;
        for (int ir = 0; ir < mc; ir += uk.mr) {
          const int rows = std::min(uk.mr, mc - ir);
          const float* a_panel = a_block_packed + int64_t(ir) * kc;
          float* c = op.c + int64_t(ic + ir) * op.ldc + (jc + jr);
          next_b.issue(lines_per_tile);
          if (rows == uk.mr && cols == uk.nr) {
            uk.run(kc, a_panel, b_panel, c, op.ldc, accumulate);
            continue;
          }
          uk.run(kc, a_panel, b_panel, edge_tile, uk.nr, false);
          for (int i = 0; i < rows; ++i)
            for (int j = 0; j < cols; ++j)
              c[i * op.ldc + j] = accumulate ? c[i * op.ldc + j] + edge_tile[i * uk.nr + j]
                                             : edge_tile[i * uk.nr + j];
        }
      }
    }
  };
  auto b_source = [&](int jc, int pc) {
    return b_block_source(op.b, pc, std::min(bl.kc, K - pc), jc, std::min(bl.nc, N - jc));
  };

  if (k_outer) {
    for (int pc = 0; pc < K; pc += bl.kc) {
      const int kc = std::min(bl.kc, K - pc);
      pack_a(0, M, pc, kc, a_packed);
      for (int jc = 0; jc < N; jc += bl.nc) {
        const int nc = std::min(bl.nc, N - jc);
        // Next block in loop order: (jc + nc, pc), else (0, pc + kc).
        multiply_block(jc, nc, pc, kc,
                       jc + nc < N   ? b_source(jc + nc, pc)
                       : pc + kc < K ? b_source(0, pc + kc)
                                     : RegionPrefetcher());
      }
    }
    return;
  }
  for (int jc = 0; jc < N; jc += bl.nc) {
    const int nc = std::min(bl.nc, N - jc);
    for (int pc = 0; pc < K; pc += bl.kc) {
      const int kc = std::min(bl.kc, K - pc);
      // Next block in loop order: (jc, pc + kc), else (jc + nc, 0).
      multiply_block(jc, nc, pc, kc,
                     pc + kc < K   ? b_source(jc, pc + kc)
                     : jc + nc < N ? b_source(jc + nc, 0)
                                   : RegionPrefetcher());
    }
  }
}

// View of the sub-matrix of op(X) starting at (row, col).
MatrixView offset(MatrixView x, int row, int col) {
  const int64_t r = x.trans ? col : row, c = x.trans ? row : col;
  return {x.data + r * x.ld + c, x.ld, x.trans};
}

struct Split {
  int tm = 1, tn = 1, tk = 1;
};

// Chooses the thread grid tm x tn x tk (product = threads) with the lowest estimated per-thread
// cost, in units of one scalar FMA: the (tile-padded) FMAs at ~16 per cycle, the packing of A
// and B at ~1 element per cycle, and for tk > 1 the reduction of the partial products. Ties
// prefer splitting C over splitting K.
Split choose_split(const SgemmMicroKernel& uk, int M, int N, int K, int threads) {
  Split best;
  double best_cost = std::numeric_limits<double>::max();
  for (int tk = 1; tk <= threads; ++tk) {
    if (threads % tk) continue;
    if (tk > 1 && double(M) * N * threads * 4 > double(256 << 20)) continue;  // partials too big
    for (int tm = 1; tm <= threads / tk; ++tm) {
      if ((threads / tk) % tm) continue;
      const int tn = threads / tk / tm;
      const double m = round_up(ceil_div(M, tm), uk.mr), n = round_up(ceil_div(N, tn), uk.nr);
      const double k = ceil_div(K, tk);
      const Blocking bl = choose_blocking(uk, int(m), int(n), int(k));
      const double fma = m * n * k / 16.0;
      // A is packed once when it is small or a single mc block (gemm_block), else per nc block.
      const bool a_packed_once = m * k * 4 <= kPackedAWholeBudget || m <= bl.mc;
      const double pack = m * k * (a_packed_once ? 1.0 : std::ceil(n / bl.nc)) + n * k;
      const double reduce = tk > 1 ? 2.0 * M * N * tk / threads : 0.0;
      const double cost = fma + pack + reduce;
      if (cost < best_cost * 0.999) {
        best_cost = cost;
        best = {tm, tn, tk};
      }
    }
  }
  return best;
}

// [begin, end) of part `index` when `extent` is split into `parts` pieces aligned to `align`.
struct Range {
  int begin, end;
};
Range part(int extent, int parts, int index, int align) {
  const int chunk = round_up(ceil_div(extent, parts), align);
  return {std::min(extent, index * chunk), std::min(extent, (index + 1) * chunk)};
}

// Below this many FMAs a GEMM runs on one thread: a team costs a few microseconds.
constexpr double kParallelMinFmas = 1 << 18;

}  // namespace

void sgemm_serial(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A,
                  int lda, const float* B, int ldb, float beta, float* C, int ldc) {
  gemm_block(selected_sgemm_kernel(), M, N, K, alpha,
             {{A, lda, trans_a}, {B, ldb, trans_b}, C, ldc}, beta);
}

void sgemm(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
           const float* B, int ldb, float beta, float* C, int ldc) {
  const SgemmMicroKernel& uk = selected_sgemm_kernel();
  const int threads = available_threads();
  if (M <= 0 || N <= 0) return;
  if (threads == 1 || double(M) * N * K < kParallelMinFmas) {
    sgemm_serial(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  const Split sp = choose_split(uk, M, N, K, threads);
  const MatrixView a{A, lda, trans_a}, b{B, ldb, trans_b};
  if (sp.tk == 1) {
#pragma omp parallel num_threads(sp.tm* sp.tn)
    {
      const int t = omp_get_thread_num();
      const Range rm = part(M, sp.tm, t / sp.tn, uk.mr), rn = part(N, sp.tn, t % sp.tn, uk.nr);
      gemm_block(uk, rm.end - rm.begin, rn.end - rn.begin, K, alpha,
                 {offset(a, rm.begin, 0), offset(b, 0, rn.begin),
                  C + int64_t(rm.begin) * ldc + rn.begin, ldc},
                 beta);
    }
    return;
  }
  // K split: thread (im, in, ik) writes alpha * op(A)[rows, ks] * op(B)[ks, cols] into its own
  // partial buffer laid out like C (ld = N); then the partials are summed into C with beta.
  const int64_t c_size = int64_t(M) * N;
  static thread_local ScratchBuffer partial_buffer;  // reused: no page faults per call
  float* partials = partial_buffer.get(size_t(c_size) * sp.tk);
#pragma omp parallel num_threads(sp.tm* sp.tn* sp.tk)
  {
    const int t = omp_get_thread_num();
    const int ik = t % sp.tk, in = (t / sp.tk) % sp.tn, im = t / sp.tk / sp.tn;
    const Range rm = part(M, sp.tm, im, uk.mr), rn = part(N, sp.tn, in, uk.nr);
    const Range rk = part(K, sp.tk, ik, 1);
    float* partial = partials + ik * c_size;
    gemm_block(uk, rm.end - rm.begin, rn.end - rn.begin, rk.end - rk.begin, alpha,
               {offset(a, rm.begin, rk.begin), offset(b, rk.begin, rn.begin),
                partial + int64_t(rm.begin) * N + rn.begin, N},
               0.f);
#pragma omp barrier
#pragma omp for schedule(static)
    for (int i = 0; i < M; ++i) {
      float* ci = C + int64_t(i) * ldc;
      for (int j = 0; j < N; ++j) {
        float sum = 0.f;
        for (int k = 0; k < sp.tk; ++k) sum += partials[size_t(k * c_size + int64_t(i) * N + j)];
        ci[j] = beta == 0.f ? sum : beta * ci[j] + sum;
      }
    }
  }
}

}  // namespace cnn::kernels::cpu
