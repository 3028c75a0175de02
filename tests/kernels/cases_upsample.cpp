// Op cases for upsample_nearest2d (forward and backward) and copy_2d, with their problem tables
// (kept here: no other op family uses them).
//
// upsample: scale 1 to 4, odd and single-pixel planes, the multi-scale heads' x2 of 13x13 and
// 26x26 maps, and a random sweep; each problem also runs with the buffers misaligned (odd offsets
// turn off the CUDA float2 path of scale 2, even ones keep it on a non-16-byte boundary). The
// forward is a copy (exact); the backward sums scale^2 terms (absolute-sum scale, kSumTolerance).
//
// copy_2d: the destination starts as a known pattern, not poison, and the whole destination
// buffer is compared exactly, so a kernel that writes outside the block (into the padding between
// rows, as concat's other inputs' slices) fails as surely as one that misses an element. Leading
// dimensions that are and are not multiples of 4 and offsets that are and are not 16-byte
// aligned cover both the packed and the scalar CUDA paths.
#include <cmath>
#include <string>

#include "kernels/reference/upsample.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;
using kernels::UpsampleShape;

namespace {

constexpr int kRandomProblems = 16;

UpsampleShape up(int N, int C, int H, int W, int scale) {
  UpsampleShape s;
  s.N = N, s.C = C, s.H = H, s.W = W, s.scale = scale;
  return s;
}

std::string describe(const UpsampleShape& s) {
  return "N" + std::to_string(s.N) + " C" + std::to_string(s.C) + " " + std::to_string(s.H) + "x" +
         std::to_string(s.W) + " x" + std::to_string(s.scale) + " (out " + std::to_string(s.P()) +
         "x" + std::to_string(s.Q()) + ")";
}

const std::vector<UpsampleShape>& upsample_problems() {
  static const std::vector<UpsampleShape> problems = [] {
    std::vector<UpsampleShape> v{up(1, 1, 1, 1, 1),   up(1, 1, 1, 1, 2),   up(1, 1, 1, 1, 3),
                                 up(2, 3, 5, 7, 2),   up(1, 2, 4, 4, 3),   up(1, 1, 3, 5, 4),
                                 up(1, 4, 7, 1, 2),   up(1, 3, 1, 9, 2),   up(2, 16, 13, 13, 2),
                                 up(2, 8, 26, 26, 2), up(1, 5, 33, 31, 2), up(2, 2, 6, 6, 1)};
    Rng rng(8128);
    for (int i = 0; i < kRandomProblems; ++i)
      v.push_back(up(rng.uniform_int(1, 2), rng.uniform_int(1, 8), rng.uniform_int(1, 20),
                     rng.uniform_int(1, 20), rng.uniform_int(1, 4)));
    return v;
  }();
  return problems;
}

struct Copy2dProblem {
  int64_t rows, cols, src_ld, dst_ld;
  int src_offset = 0, dst_offset = 0;  // elements before the first row of each buffer
};

std::string describe(const Copy2dProblem& p) {
  return std::to_string(p.rows) + "x" + std::to_string(p.cols) + " ld " + std::to_string(p.src_ld) +
         "->" + std::to_string(p.dst_ld) + " at +" + std::to_string(p.src_offset) + "->+" +
         std::to_string(p.dst_offset);
}

const std::vector<Copy2dProblem>& copy_2d_problems() {
  static const std::vector<Copy2dProblem> problems = [] {
    std::vector<Copy2dProblem> v{
        {1, 1, 1, 1},
        {3, 5, 7, 9},
        {2, 8, 8, 16},        // packed: concat of two 8-float inputs
        {2, 8, 16, 8, 8, 0},  // packed: the second slice out of a concat's gradient
        {2, 8, 16, 8, 2, 0},  // 8-byte but not 16-byte aligned source: scalar
        {4, 33, 40, 64},      // row length not a multiple of 4
        {1, 4099, 4099, 8198, 0, 4099},
        {65, 4, 4, 8, 0, 4},                             // many short rows
        {2, 16 * 169, 16 * 169, 48 * 169, 0, 16 * 169},  // concat channel slice, 13x13 maps
        {2, 32 * 676, 32 * 676, 48 * 676, 0, 16 * 676},  // concat channel slice, 26x26 maps
        {3, 12, 12, 12, 1, 3},                           // contiguous but misaligned
        {70000, 1, 1, 2},  // rows beyond the grid: the row loop strides
    };
    Rng rng(31415);
    for (int i = 0; i < kRandomProblems; ++i) {
      Copy2dProblem p;
      p.rows = rng.uniform_int(1, 9);
      p.cols = rng.uniform_int(1, 300);
      p.src_ld = p.cols + rng.uniform_int(0, 2) * rng.uniform_int(0, 8);
      p.dst_ld = p.cols + rng.uniform_int(0, 40);
      p.src_offset = rng.uniform_int(0, 4);
      p.dst_offset = rng.uniform_int(0, 4);
      v.push_back(p);
    }
    return v;
  }();
  return problems;
}

}  // namespace

std::vector<OpCase> upsample_cases() {
  std::vector<OpCase> cases;
  for (const UpsampleShape& s : upsample_problems()) {
    const std::string name = describe(s);
    for (const int offset : {0, 1, 2}) {
      const std::string variant = offset == 0 ? "" : " (offset " + std::to_string(offset) + ")";
      cases.push_back({"upsample_nearest2d_forward" + variant, name, false, [=](Backend& b) {
                         Rng rng(seed_of("upsample_nearest2d_forward", name));
                         const auto x = rng.uniform_vector(s.input_size());
                         BackendArray<float> bx(b, x, offset), by(b, s.output_size(), offset);
                         b.upsample_nearest2d_forward(s, bx.data(), by.data());
                         std::vector<double> want(static_cast<size_t>(s.output_size()));
                         ref::upsample_nearest2d_forward<float, double>(s, x.data(), want.data());
                         return std::vector<Comparison>{compare_exact("y", by.download(), want)};
                       }});
      cases.push_back({"upsample_nearest2d_backward" + variant, name, false, [=](Backend& b) {
                         Rng rng(seed_of("upsample_nearest2d_backward", name));
                         const auto dy = rng.uniform_vector(s.output_size());
                         BackendArray<float> bdy(b, dy, offset), bdx(b, s.input_size(), offset);
                         b.upsample_nearest2d_backward(s, bdy.data(), bdx.data());
                         std::vector<double> want(static_cast<size_t>(s.input_size()));
                         ref::upsample_nearest2d_backward<float, double>(s, dy.data(), want.data());
                         std::vector<float> scale(want.size());
                         const auto abs_dy = abs_of(dy);
                         ref::upsample_nearest2d_backward<float, float>(s, abs_dy.data(),
                                                                        scale.data());
                         return std::vector<Comparison>{
                             compare_scaled("dx", bdx.download(), want, scale, kSumTolerance)};
                       }});
    }
  }
  return cases;
}

std::vector<OpCase> copy_2d_cases() {
  std::vector<OpCase> cases;
  for (const Copy2dProblem& p : copy_2d_problems()) {
    const std::string name = describe(p);
    cases.push_back({"copy_2d", name, false, [=](Backend& b) {
                       Rng rng(seed_of("copy_2d", name));
                       const int64_t src_size = p.src_offset + (p.rows - 1) * p.src_ld + p.cols;
                       const int64_t dst_size = p.dst_offset + p.rows * p.dst_ld;
                       const auto src = rng.uniform_vector(src_size, 1.f, 2.f);
                       // A pattern the source never holds (it is in [1, 2)).
                       std::vector<float> dst(static_cast<size_t>(dst_size));
                       for (size_t i = 0; i < dst.size(); ++i) dst[i] = -float(i % 97);
                       BackendArray<float> bsrc(b, src), bdst(b, dst);
                       b.copy_2d(p.rows, p.cols, bsrc.data() + p.src_offset, p.src_ld,
                                 bdst.data() + p.dst_offset, p.dst_ld);
                       std::vector<double> want = to_double(dst);
                       ref::copy_2d<float, double>(p.rows, p.cols, src.data() + p.src_offset,
                                                   p.src_ld, want.data() + p.dst_offset, p.dst_ld);
                       return std::vector<Comparison>{compare_exact("dst", bdst.download(), want)};
                     }});
  }
  return cases;
}

}  // namespace cnn::test
