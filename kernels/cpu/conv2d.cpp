// conv2d forward and backward on the CPU, lowered to GEMM over bands of output rows.
//
// For one image, y[K, P*Q] = w[K, C*R*S] * col[C*R*S, P*Q] where col is the im2col matrix. The
// band of output rows [p0, p1) is a block of col's columns, so a band needs only a
// C*R*S x (p1-p0)*Q scratch buffer (kBandBytes, sized for L2) and writes a column block of y with
// ldc = P*Q. Nothing ever holds a full-image, let alone full-batch, im2col buffer.
//
// Parallelism: (image, band) pairs are independent tasks for forward and backward-weight, each run
// by one thread with the serial SGEMM; backward-data scatters (col2im) across band borders, so its
// tasks are whole images. With fewer tasks than threads the loops go serial and the SGEMM itself
// runs on all threads instead. Backward-weight of a layer with few input channels (the first
// layer, C*R*S = 27) skips the lowering: see conv2d_direct.h.
//
// Groups: depthwise shapes (groups == C) go to the direct kernels of conv2d_depthwise.cpp. Other
// grouped shapes run the same lowering once per group: for image n and group g the input
// channels, filters and output channels are contiguous sub-tensors (x + (n*C + g*Cg)*H*W,
// w + g*Kg*Cg*R*S, y + (n*K + g*Kg)*P*Q), so a task is (image, group, band) and the group's
// sub-shape (C = Cg, K = Kg) drives im2col and the GEMM. groups == 1 is the case g = 0.
// 1x1 filters with stride 1 and no padding skip im2col entirely: col would be x itself, so the
// GEMMs read the image's [C, H*W] matrix in place (ld = H*W).
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/cpu/conv2d_depthwise.h"
#include "kernels/cpu/conv2d_direct.h"
#include "kernels/cpu/im2col.h"
#include "kernels/cpu/ops.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/scratch_buffer.h"
#include "kernels/cpu/sgemm_internal.h"
#include "kernels/cpu/sgemm_kernels.h"

namespace cnn::kernels::cpu {

namespace {

// Scratch budget of one band: half of a 1 MB L2, leaving room for the GEMM's packed panels.
constexpr int64_t kBandBytes = int64_t(512) << 10;

struct Bands {
  int rows_per_band;  // output rows per band
  int per_image;      // bands per image
  int64_t crs;        // rows of col: C*R*S
  int64_t max_cols;   // columns of col for a full band: rows_per_band * Q
};

Bands make_bands(const Conv2dShape& s) {
  Bands b;
  b.crs = int64_t(s.C) * s.R * s.S;
  const int64_t row_bytes = b.crs * s.Q() * int64_t(sizeof(float));
  b.rows_per_band = int(std::clamp<int64_t>(kBandBytes / row_bytes, 1, s.P()));
  b.per_image = (s.P() + b.rows_per_band - 1) / b.rows_per_band;
  b.max_cols = int64_t(b.rows_per_band) * s.Q();
  return b;
}

// The shape of one group's sub-problem: Cg input channels, Kg filters, groups = 1.
Conv2dShape group_shape(const Conv2dShape& s) {
  Conv2dShape g = s;
  g.C = s.group_channels(), g.K = s.group_filters(), g.groups = 1;
  return g;
}

// col == x: a 1x1 filter with stride 1 and no padding reads every pixel exactly once, in order.
bool is_pointwise(const Conv2dShape& s) {
  return s.R == 1 && s.S == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_h == 0 && s.pad_w == 0;
}

using GemmFn = void (*)(bool, bool, int, int, int, float, const float*, int, const float*, int,
                        float, float*, int);

thread_local ScratchBuffer band_scratch;  // one im2col band per thread, kept across calls

// How tasks map to threads. Dynamic balances load; static always gives thread t the same tasks,
// which a per-thread accumulator needs for run-to-run bit-identical sums.
enum class TaskSchedule { dynamic, fixed };

// Runs body(task, gemm) for task in [0, tasks): in parallel with the serial GEMM when there are
// enough tasks to keep every thread busy, else serially with the threaded GEMM. body also gets a
// per-thread scratch buffer of scratch_floats floats and the executing thread's index.
template <typename Body>
void for_each_task(int64_t tasks, int64_t scratch_floats, TaskSchedule schedule, Body body) {
  const int threads = available_threads();
  if (threads > 1 && tasks >= threads) {
#pragma omp parallel
    {
      float* scratch = band_scratch.get(size_t(scratch_floats));
      if (schedule == TaskSchedule::fixed) {
#pragma omp for schedule(static)
        for (int64_t t = 0; t < tasks; ++t) body(t, sgemm_serial, scratch, omp_get_thread_num());
      } else {
#pragma omp for schedule(dynamic, 1)
        for (int64_t t = 0; t < tasks; ++t) body(t, sgemm_serial, scratch, omp_get_thread_num());
      }
    }
  } else {
    float* scratch = band_scratch.get(size_t(scratch_floats));
    for (int64_t t = 0; t < tasks; ++t) body(t, sgemm, scratch, 0);
  }
}

}  // namespace

void conv2d_forward(const Conv2dShape& s, const float* x, const float* w, const float* bias,
                    float* y) {
  if (s.depthwise()) {
    conv2d_depthwise_forward(s, x, w, bias, y);
    return;
  }
  const Conv2dShape sg = group_shape(s);
  const Bands b = make_bands(sg);
  const int P = s.P(), Q = s.Q(), K = sg.K, groups = s.groups;
  const int64_t PQ = int64_t(P) * Q, HW = int64_t(s.H) * s.W;
  const bool pointwise = is_pointwise(s);
  const int64_t tasks_per_image = int64_t(groups) * b.per_image;
  for_each_task(s.N * tasks_per_image, pointwise ? 0 : b.crs * b.max_cols, TaskSchedule::dynamic,
                [&](int64_t task, GemmFn gemm, float* col, int) {
                  const int64_t n = task / tasks_per_image;
                  const int g = int(task % tasks_per_image / b.per_image);
                  const int p0 = int(task % b.per_image) * b.rows_per_band;
                  const int p1 = std::min(P, p0 + b.rows_per_band);
                  const int cols = (p1 - p0) * Q;
                  const float* xg = x + (n * s.C + int64_t(g) * sg.C) * HW;
                  const float* wg = w + int64_t(g) * K * b.crs;
                  const float* band = xg + int64_t(p0) * Q;  // pointwise: col is x itself
                  int ld_band = int(HW);
                  if (!pointwise) {
                    im2col_rows(sg, xg, p0, p1, col);
                    band = col, ld_band = cols;
                  }
                  float* yb = y + (n * s.K + int64_t(g) * K) * PQ + int64_t(p0) * Q;
                  gemm(false, false, K, cols, int(b.crs), 1.f, wg, int(b.crs), band, ld_band, 0.f,
                       yb, int(PQ));
                  if (bias)
                    for (int k = 0; k < K; ++k) {
                      float* row = yb + k * PQ;
                      const float bk = bias[g * K + k];
#pragma omp simd
                      for (int j = 0; j < cols; ++j) row[j] += bk;
                    }
                });
}

void conv2d_backward_data(const Conv2dShape& s, const float* dy, const float* w, float* dx) {
  if (s.depthwise()) {
    conv2d_depthwise_backward_data(s, dy, w, dx);
    return;
  }
  const Conv2dShape sg = group_shape(s);
  const Bands b = make_bands(sg);
  const int P = s.P(), Q = s.Q(), K = sg.K, groups = s.groups;
  const int64_t PQ = int64_t(P) * Q, image = int64_t(sg.C) * s.H * s.W;
  const bool pointwise = is_pointwise(s);
  // Task = one (image, group): col2im of neighbouring bands overlaps in dx (the kernel halo).
  for_each_task(int64_t(s.N) * groups, pointwise ? 0 : b.crs * b.max_cols, TaskSchedule::dynamic,
                [&](int64_t task, GemmFn gemm, float* col, int) {
                  const int64_t n = task / groups;
                  const int g = int(task % groups);
                  float* dxn = dx + (n * s.C + int64_t(g) * sg.C) * s.H * s.W;
                  const float* wg = w + int64_t(g) * K * b.crs;
                  const float* dyn = dy + (n * s.K + int64_t(g) * K) * PQ;
                  if (pointwise) {  // dx[C, HW] = w^T[C, K] * dy[K, HW], no col2im
                    gemm(true, false, sg.C, int(PQ), K, 1.f, wg, int(b.crs), dyn, int(PQ), 0.f, dxn,
                         int(PQ));
                    return;
                  }
                  std::memset(dxn, 0, sizeof(float) * size_t(image));
                  for (int p0 = 0; p0 < P; p0 += b.rows_per_band) {
                    const int p1 = std::min(P, p0 + b.rows_per_band);
                    const int cols = (p1 - p0) * Q;
                    // dcol[CRS, cols] = w^T[CRS, K] * dy_band[K, cols]
                    gemm(true, false, int(b.crs), cols, K, 1.f, wg, int(b.crs),
                         dyn + int64_t(p0) * Q, int(PQ), 0.f, col, cols);
                    col2im_rows_add(sg, col, p0, p1, dxn);
                  }
                });
}

bool use_direct_backward_weight(const Conv2dShape& s) {
  return s.groups == 1 && s.stride_h == 1 && s.stride_w == 1 && s.S == 3 && s.R <= 9 &&
         int64_t(s.C) * s.R * s.S <= kDirectMaxCrs &&
         std::string(selected_sgemm_kernel().name) == "avx512";
}

void conv2d_backward_weight(const Conv2dShape& s, const float* x, const float* dy, float* dw) {
  if (use_direct_backward_weight(s)) {
    conv2d_backward_weight_direct_avx512(s, x, dy, dw);
    return;
  }
  if (s.depthwise()) {
    conv2d_depthwise_backward_weight(s, x, dy, dw);
    return;
  }
  const Conv2dShape sg = group_shape(s);
  const Bands b = make_bands(sg);
  const int P = s.P(), Q = s.Q(), K = sg.K, groups = s.groups;
  const int64_t PQ = int64_t(P) * Q, HW = int64_t(s.H) * s.W, wsize = s.weight_size();
  const bool pointwise = is_pointwise(s);
  const int64_t tasks_per_image = int64_t(groups) * b.per_image;
  const int64_t tasks = s.N * tasks_per_image;
  // One dw accumulator per thread (summed at the end) so tasks need no synchronisation.
  const int threads = tasks >= available_threads() ? available_threads() : 1;
  std::vector<float> partial(size_t(threads > 1 ? threads * wsize : 0), 0.f);
  std::memset(dw, 0, sizeof(float) * size_t(wsize));
  // Fixed schedule: each task always adds into the same thread's partial (deterministic dw).
  for_each_task(tasks, pointwise ? 0 : b.crs * b.max_cols, TaskSchedule::fixed,
                [&](int64_t task, GemmFn gemm, float* col, int thread) {
                  const int64_t n = task / tasks_per_image;
                  const int g = int(task % tasks_per_image / b.per_image);
                  const int p0 = int(task % b.per_image) * b.rows_per_band;
                  const int p1 = std::min(P, p0 + b.rows_per_band);
                  const int cols = (p1 - p0) * Q;
                  const float* xg = x + (n * s.C + int64_t(g) * sg.C) * HW;
                  const float* band = xg + int64_t(p0) * Q;  // pointwise: col is x itself
                  int ld_band = int(HW);
                  if (!pointwise) {
                    im2col_rows(sg, xg, p0, p1, col);
                    band = col, ld_band = cols;
                  }
                  float* acc =
                      (threads > 1 ? partial.data() + thread * wsize : dw) + int64_t(g) * K * b.crs;
                  // dw_g[K, CRS] += dy_band[K, cols] * col[CRS, cols]^T
                  gemm(false, true, K, int(b.crs), cols, 1.f,
                       dy + (n * s.K + int64_t(g) * K) * PQ + int64_t(p0) * Q, int(PQ), band,
                       ld_band, 1.f, acc, int(b.crs));
                });
  if (threads > 1) {
#pragma omp parallel for simd if (parallel : worth_parallel(wsize))
    for (int64_t i = 0; i < wsize; ++i) {
      float sum = 0.f;
      for (int t = 0; t < threads; ++t) sum += partial[size_t(t * wsize + i)];
      dw[i] = sum;
    }
  }
}

void conv2d_backward_bias(const Conv2dShape& s, const float* dy, float* db) {
  const int64_t PQ = int64_t(s.P()) * s.Q();
#pragma omp parallel for schedule(static) if (worth_parallel(s.output_size()))
  for (int k = 0; k < s.K; ++k) {
    double total = 0.0;
    for (int n = 0; n < s.N; ++n) {
      const float* plane = dy + (int64_t(n) * s.K + k) * PQ;
      float sum = 0.f;  // one plane in float (vector lanes), planes combined in double
#pragma omp simd reduction(+ : sum)
      for (int64_t i = 0; i < PQ; ++i) sum += plane[i];
      total += sum;
    }
    db[k] = float(total);
  }
}

}  // namespace cnn::kernels::cpu
