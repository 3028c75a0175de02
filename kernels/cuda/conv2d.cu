// conv2d forward and backward as three implicit GEMMs on the shared tiled engine
// (gemm_engine.cuh), plus the bias gradient as a reduction. No im2col buffer exists: the operand
// policies below gather each GEMM tile straight from the NCHW tensors (zeros for padding), and the
// epilogues scatter results straight back to NCHW.
//
//   forward          y[n,k,p,q]   GEMM M = N*P*Q (output pixels), N = K (filters), K = C*R*S
//                    A = input patches, B = w as [K, CRS] rows; bias fused into the epilogue.
//   backward data    dx[n,c,h,w]  GEMM M = N*H*W (input pixels), N = C, K = K*R*S
//                    gather form: A(m=(n,h,w), (k,r,s)) = dy[n,k,(h+ph-r)/sh,(w+pw-s)/sw] when
//                    that division is exact and in range, else 0. Every dx element is written
//                    exactly once by one thread: no atomics, no zero-fill pass.
//   backward weight  dw[k,crs]    GEMM M = K, N = C*R*S, K = N*P*Q (the whole batch)
//                    The reduction dimension is huge (640000 for the seed net's first layers at
//                    batch 64) while the output has only a few tiles, so the engine's split-K runs
//                    it on every SM and sums the slices in a second, deterministic pass (chosen
//                    over float atomics so training runs are reproducible bit for bit).
//   backward bias    db[k] = sum over n,p,q: row sums over each (n,k) plane, then a column sum
//                    over n, both from reduce.h (deterministic).
// Index math uses int for per-image extents and int64 where a whole tensor offset can be large.
//
// Groups: depthwise shapes (groups == C) go to the direct kernels of conv2d_depthwise.cu. Other
// grouped shapes run the three GEMMs once per group, a loop of `groups` launches: for group g the
// operands are offset to its first channel / filter and keep the whole tensor's per-image stride
// (the C, K and channels fields that set the image stride are the full tensor's; the GEMM extents
// and the weight layout use the group's Cg = C/groups, Kg = K/groups). groups == 1 is one launch.
#include "kernels/cuda/conv2d_depthwise.h"
#include "kernels/cuda/gemm_engine.cuh"
#include "kernels/cuda/ops.h"
#include "kernels/cuda/reduce.h"
#include "kernels/cuda/workspace.h"

namespace cnn::kernels::cuda {
namespace {

// A(m = (n,p,q), k = (c,r,s)) = x[n, c, p*sh-ph+r, q*sw-pw+s], 0 in the padding. C is the
// tensor's channel count (the image stride); k only runs over the group's C/groups channels.
// Each thread owns one output pixel (its n,p,q decomposed once) and BK*ROWS/THREADS values of k
// per tile; consecutive threads take consecutive pixels, so loads coalesce along q.
struct InputPatches {
  const float* x;
  int C, H, W, P, Q, R, S, stride_h, stride_w, pad_h, pad_w, M;
  FastDivmod div_rs, div_s;  // by R*S and by S

  template <int ROWS, int BK, int THREADS>
  struct Fetcher {
    static_assert(THREADS % ROWS == 0, "each thread owns one row");
    static constexpr int kKStep = THREADS / ROWS;
    static constexpr int kElems = BK / kKStep;
    static_assert(BK % kKStep == 0, "tile does not split evenly over the threads");

    const float* base;
    FastDivmod div_rs, div_s;
    int H, W, h0, w0, row, k_local;
    bool valid;
    float r[kElems];

    __device__ Fetcher(const InputPatches& op, int row0, int tid)
        : div_rs(op.div_rs),
          div_s(op.div_s),
          H(op.H),
          W(op.W),
          row(tid % ROWS),
          k_local(tid / ROWS) {
      const int m = row0 + row;
      valid = m < op.M;
      const int pq_count = op.P * op.Q;
      const int n = valid ? m / pq_count : 0, pq = valid ? m % pq_count : 0;
      const int p = pq / op.Q, q = pq % op.Q;
      base = op.x + int64_t(n) * op.C * H * W;
      h0 = p * op.stride_h - op.pad_h;
      w0 = q * op.stride_w - op.pad_w;
    }

    __device__ void load(int k0, int k_end) {
      CNN_UNROLL
      for (int i = 0; i < kElems; ++i) {
        const int k = k0 + k_local + i * kKStep;
        int c, rs, rr, ss;
        div_rs.divmod(k, c, rs);
        div_s.divmod(rs, rr, ss);
        const int h = h0 + rr, w = w0 + ss;
        const bool in =
            valid && k < k_end && unsigned(h) < unsigned(H) && unsigned(w) < unsigned(W);
        r[i] = in ? base[(int64_t(c) * H + h) * W + w] : 0.f;
      }
    }

    __device__ void store(float* smem, int lds) const {
      CNN_UNROLL
      for (int i = 0; i < kElems; ++i) smem[(k_local + i * kKStep) * lds + row] = r[i];
    }
  };
};

// A(m = (n,h,w), k = (f,r,s)) = dy[n, f, p, q] with p = (h+ph-r)/sh, q = (w+pw-s)/sw when both
// divisions are exact and in range, else 0: the transposed convolution in gather form. K is the
// tensor's filter count (the image stride); k only runs over the group's filters.
struct OutputGradPatches {
  const float* dy;
  int K, H, W, P, Q, R, S, stride_h, stride_w, pad_h, pad_w, M;
  FastDivmod div_rs, div_s;  // by R*S and by S

  template <int ROWS, int BK, int THREADS>
  struct Fetcher {
    static_assert(THREADS % ROWS == 0, "each thread owns one row");
    static constexpr int kKStep = THREADS / ROWS;
    static constexpr int kElems = BK / kKStep;
    static_assert(BK % kKStep == 0, "tile does not split evenly over the threads");

    const float* base;
    FastDivmod div_rs, div_s;
    int P, Q, stride_h, stride_w, hp, wp, row, k_local;
    bool valid;
    float r[kElems];

    __device__ Fetcher(const OutputGradPatches& op, int row0, int tid)
        : div_rs(op.div_rs),
          div_s(op.div_s),
          P(op.P),
          Q(op.Q),
          stride_h(op.stride_h),
          stride_w(op.stride_w),
          row(tid % ROWS),
          k_local(tid / ROWS) {
      const int m = row0 + row;
      valid = m < op.M;
      const int hw_count = op.H * op.W;
      const int n = valid ? m / hw_count : 0, hw = valid ? m % hw_count : 0;
      const int h = hw / op.W, w = hw % op.W;
      base = op.dy + int64_t(n) * op.K * P * Q;
      hp = h + op.pad_h;
      wp = w + op.pad_w;
    }

    __device__ void load(int k0, int k_end) {
      CNN_UNROLL
      for (int i = 0; i < kElems; ++i) {
        const int k = k0 + k_local + i * kKStep;
        int f, rs, rr, ss;
        div_rs.divmod(k, f, rs);
        div_s.divmod(rs, rr, ss);
        const int th = hp - rr, tw = wp - ss;
        const int p = th / stride_h, q = tw / stride_w;
        const bool in = valid && k < k_end && th >= 0 && tw >= 0 && p * stride_h == th &&
                        q * stride_w == tw && p < P && q < Q;
        r[i] = in ? base[(int64_t(f) * P + p) * Q + q] : 0.f;
      }
    }

    __device__ void store(float* smem, int lds) const {
      CNN_UNROLL
      for (int i = 0; i < kElems; ++i) smem[(k_local + i * kKStep) * lds + row] = r[i];
    }
  };
};

// B(k = (f,r,s), n = c) = w[f, c, r, s]: the weights regrouped by input channel. C is the
// group's channel count (w is [K, C/groups, R, S]).
struct WeightsByInputChannel {
  const float* w;
  int C, RS;
  FastDivmod div_rs;  // by RS

  template <int ROWS, int BK, int THREADS>
  struct Fetcher {
    static_assert(THREADS % ROWS == 0, "each thread owns one row");
    static constexpr int kKStep = THREADS / ROWS;
    static constexpr int kElems = BK / kKStep;
    static_assert(BK % kKStep == 0, "tile does not split evenly over the threads");

    const float* w;
    FastDivmod div_rs;
    int C, RS, c, row, k_local;
    float r[kElems];

    __device__ Fetcher(const WeightsByInputChannel& op, int row0, int tid)
        : w(op.w),
          div_rs(op.div_rs),
          C(op.C),
          RS(op.RS),
          c(row0 + tid % ROWS),
          row(tid % ROWS),
          k_local(tid / ROWS) {}

    __device__ void load(int k0, int k_end) {
      CNN_UNROLL
      for (int i = 0; i < kElems; ++i) {
        const int k = k0 + k_local + i * kKStep;
        int f, rs;
        div_rs.divmod(k, f, rs);
        r[i] = c < C && k < k_end ? w[(int64_t(f) * C + c) * RS + rs] : 0.f;
      }
    }

    __device__ void store(float* smem, int lds) const {
      CNN_UNROLL
      for (int i = 0; i < kElems; ++i) smem[(k_local + i * kKStep) * lds + row] = r[i];
    }
  };
};

// A(m = f, k = j = (n, pq)) = dy[n, f, pq]. Each thread owns one k column of the tile (so one
// division per tile decomposes j) and ROWS*BK/THREADS filters. K is the tensor's filter count
// (the image stride), rows the filters of the group (f < rows).
struct OutputGradRows {
  const float* dy;
  int K, PQ;
  FastDivmod div_pq;  // by PQ
  int rows;

  template <int ROWS, int BK, int THREADS>
  struct Fetcher {
    static_assert(THREADS % BK == 0, "each thread owns one k");
    static constexpr int kRowStep = THREADS / BK;
    static constexpr int kElems = ROWS / kRowStep;
    static_assert(ROWS % kRowStep == 0, "tile does not split evenly over the threads");

    const float* dy;
    FastDivmod div_pq;
    int K, PQ, rows, row0, row, k_local;
    float r[kElems];

    __device__ Fetcher(const OutputGradRows& op, int row0_, int tid)
        : dy(op.dy),
          div_pq(op.div_pq),
          K(op.K),
          PQ(op.PQ),
          rows(op.rows),
          row0(row0_),
          row(tid / BK),
          k_local(tid % BK) {}

    __device__ void load(int k0, int k_end) {
      const int j = k0 + k_local;
      const bool in_k = j < k_end;
      int n, pq;
      div_pq.divmod(j, n, pq);
      const float* base = dy + int64_t(n) * K * PQ + pq;
      CNN_UNROLL
      for (int i = 0; i < kElems; ++i) {
        const int f = row0 + row + i * kRowStep;
        r[i] = in_k && f < rows ? base[int64_t(f) * PQ] : 0.f;
      }
    }

    __device__ void store(float* smem, int lds) const {
      CNN_UNROLL
      for (int i = 0; i < kElems; ++i) smem[k_local * lds + row + i * kRowStep] = r[i];
    }
  };
};

// B(k = j = (n,p,q), n = (c,r,s)) = x[n, c, p*sh-ph+r, q*sw-pw+s], 0 in the padding. Each thread
// owns one k column (pixel) per tile and a fixed set of (c,r,s) rows decomposed once up front.
// C is the group's channel count (c < C), image_channels the tensor's (the image stride).
struct InputRows {
  const float* x;
  int C, H, W, P, Q, R, S, stride_h, stride_w, pad_h, pad_w;
  FastDivmod div_pq, div_q;  // by P*Q and by Q
  int image_channels;

  template <int ROWS, int BK, int THREADS>
  struct Fetcher {
    static_assert(THREADS % BK == 0, "each thread owns one k");
    static constexpr int kRowStep = THREADS / BK;
    static constexpr int kElems = ROWS / kRowStep;
    static_assert(ROWS % kRowStep == 0, "tile does not split evenly over the threads");

    const float* x;
    FastDivmod div_pq, div_q;
    int chw, H, W, stride_h, stride_w, pad_h, pad_w, row, k_local;
    int channel_offset[kElems], r_of[kElems], s_of[kElems];  // -1 offset marks rows past C*R*S
    float r[kElems];

    __device__ Fetcher(const InputRows& op, int row0, int tid)
        : x(op.x),
          div_pq(op.div_pq),
          div_q(op.div_q),
          chw(op.image_channels * op.H * op.W),
          H(op.H),
          W(op.W),
          stride_h(op.stride_h),
          stride_w(op.stride_w),
          pad_h(op.pad_h),
          pad_w(op.pad_w),
          row(tid / BK),
          k_local(tid % BK) {
      const int RS = op.R * op.S;
      CNN_UNROLL
      for (int i = 0; i < kElems; ++i) {
        const int crs = row0 + row + i * kRowStep;
        const int c = crs / RS, rs = crs - c * RS;
        channel_offset[i] = crs < op.C * RS ? c * H * W : -1;
        r_of[i] = rs / op.S;
        s_of[i] = rs - r_of[i] * op.S;
      }
    }

    __device__ void load(int k0, int k_end) {
      const int j = k0 + k_local;
      const bool in_k = j < k_end;
      int n, pq, p, q;
      div_pq.divmod(j, n, pq);
      div_q.divmod(pq, p, q);
      const int h0 = p * stride_h - pad_h, w0 = q * stride_w - pad_w;
      const float* base = x + int64_t(n) * chw;
      CNN_UNROLL
      for (int i = 0; i < kElems; ++i) {
        const int h = h0 + r_of[i], w = w0 + s_of[i];
        const bool in = in_k && channel_offset[i] >= 0 && unsigned(h) < unsigned(H) &&
                        unsigned(w) < unsigned(W);
        r[i] = in ? base[channel_offset[i] + h * W + w] : 0.f;
      }
    }

    __device__ void store(float* smem, int lds) const {
      CNN_UNROLL
      for (int i = 0; i < kElems; ++i) smem[k_local * lds + row + i * kRowStep] = r[i];
    }
  };
};

// C(m = (n, pixel), ch) -> out[n, ch, pixel] (+ bias[ch]): GEMM rows are pixels of an NCHW
// tensor, so lanes go along m and each thread writes its 4 consecutive pixels of a channel as one
// float4 when the plane size keeps them inside one image and aligned (vec_ok).
struct NchwOutput {
  float* out;
  int channels, plane;
  const float* bias;  // [channels] or null
  bool vec_ok;        // out 16-byte aligned and plane % 4 == 0

  static constexpr bool kThreadsAlongM = true;

  __device__ void store_quad(int m, int ch, const gemm::Quad& q, int rows, int cols) const {
    const int n = m / plane, pixel = m - n * plane;
    float* p = out + (int64_t(n) * channels + ch) * plane + pixel;
    CNN_UNROLL
    for (int j = 0; j < 4; ++j) {
      if (j >= cols) break;
      const float b = bias ? bias[ch + j] : 0.f;
      Pack<4> column;
      CNN_UNROLL
      for (int i = 0; i < 4; ++i) column.v[i] = q.row[i].v[j] + b;
      if (rows == 4 && vec_ok) {  // m % 4 == 0 and plane % 4 == 0: same image, aligned
        store_pack<4>(p + int64_t(j) * plane, column);
      } else {
        CNN_UNROLL
        for (int i = 0; i < 4; ++i) {
          if (i >= rows) break;
          const int mi = m + i, ni = mi / plane;
          out[(int64_t(ni) * channels + ch + j) * plane + (mi - ni * plane)] = column.v[i];
        }
      }
    }
  }
};

}  // namespace

void conv2d_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias,
                    float* y, cudaStream_t stream) {
  if (s.depthwise()) {
    detail::conv2d_depthwise_forward(s, x, w, bias, y, stream);
    return;
  }
  const int P = s.P(), Q = s.Q(), Cg = s.group_channels(), Kg = s.group_filters();
  const int CRS = Cg * s.R * s.S, M = s.N * P * Q;
  const FastDivmod div_rs(s.R * s.S), div_s(s.S);
  for (int g = 0; g < s.groups; ++g) {
    const float* xg = x + int64_t(g) * Cg * s.H * s.W;
    const InputPatches a{xg,         s.C,        s.H,     s.W,     P, Q,      s.R,  s.S,
                         s.stride_h, s.stride_w, s.pad_h, s.pad_w, M, div_rs, div_s};
    const float* wg = w + int64_t(g) * Kg * CRS;
    float* yg = y + int64_t(g) * Kg * P * Q;
    const gemm::KContiguous b{wg, CRS, Kg, is_aligned(wg, 16) && CRS % 4 == 0};
    const NchwOutput out{yg, s.K, P * Q, bias ? bias + g * Kg : nullptr,
                         is_aligned(yg, 16) && (P * Q) % 4 == 0};
    gemm::run(M, Kg, CRS, a, b, out, stream);
  }
}

void conv2d_backward_data(const Conv2dShape& s, const float* dy, const float* w, float* dx,
                          cudaStream_t stream) {
  if (s.depthwise()) {
    detail::conv2d_depthwise_backward_data(s, dy, w, dx, stream);
    return;
  }
  const int P = s.P(), Q = s.Q(), Cg = s.group_channels(), Kg = s.group_filters();
  const int M = s.N * s.H * s.W;
  const FastDivmod div_rs(s.R * s.S), div_s(s.S);
  for (int g = 0; g < s.groups; ++g) {
    const float* dyg = dy + int64_t(g) * Kg * P * Q;
    const OutputGradPatches a{dyg,        s.K,        s.H,     s.W,     P, Q,      s.R,  s.S,
                              s.stride_h, s.stride_w, s.pad_h, s.pad_w, M, div_rs, div_s};
    const WeightsByInputChannel b{w + int64_t(g) * Kg * Cg * s.R * s.S, Cg, s.R * s.S, div_rs};
    float* dxg = dx + int64_t(g) * Cg * s.H * s.W;
    const NchwOutput out{dxg, s.C, s.H * s.W, nullptr, is_aligned(dxg, 16) && (s.H * s.W) % 4 == 0};
    gemm::run(M, Cg, Kg * s.R * s.S, a, b, out, stream);
  }
}

void conv2d_backward_weight(const Conv2dShape& s, const float* x, const float* dy, float* dw,
                            cudaStream_t stream) {
  if (s.depthwise()) {
    detail::conv2d_depthwise_backward_weight(s, x, dy, dw, stream);
    return;
  }
  const int P = s.P(), Q = s.Q(), Cg = s.group_channels(), Kg = s.group_filters();
  const int CRS = Cg * s.R * s.S;
  const FastDivmod div_pq(P * Q), div_q(Q);
  for (int g = 0; g < s.groups; ++g) {
    const OutputGradRows a{dy + int64_t(g) * Kg * P * Q, s.K, P * Q, div_pq, Kg};
    const float* xg = x + int64_t(g) * Cg * s.H * s.W;
    const InputRows b{xg,         Cg,         s.H,     s.W,     P,      Q,     s.R, s.S,
                      s.stride_h, s.stride_w, s.pad_h, s.pad_w, div_pq, div_q, s.C};
    float* dwg = dw + int64_t(g) * Kg * CRS;
    const gemm::RowMajorOutput out{dwg, CRS, nullptr, is_aligned(dwg, 16) && CRS % 4 == 0};
    gemm::run(Kg, CRS, s.N * P * Q, a, b, out, stream);
  }
}

void conv2d_backward_bias(const Conv2dShape& s, const float* dy, float* db, cudaStream_t stream) {
  const int64_t planes = int64_t(s.N) * s.K, plane = int64_t(s.P()) * s.Q();
  if (s.N == 1) {
    detail::sum_rows(planes, plane, dy, db, false, 1.f, stream);
    return;
  }
  // Per-(n,k) plane sums into scratch, then the column sum over n; one workspace holds both
  // pieces of scratch.
  const size_t rows_scratch = detail::sum_rows_scratch(planes, plane);
  const size_t cols_scratch = detail::sum_columns_scratch(1, s.N, s.K);
  float* ws = stream_workspace(stream, size_t(planes) + rows_scratch + cols_scratch);
  float* plane_sums = ws;
  detail::sum_rows(planes, plane, dy, plane_sums, false, 1.f, ws + planes, stream);
  detail::sum_columns(1, s.N, s.K, plane_sums, db, ws + planes + rows_scratch, stream);
}

}  // namespace cnn::kernels::cuda
