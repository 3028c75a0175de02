// The problem tables declared in problems.h. Random sweeps draw from Rng with fixed seeds, so the
// tables are identical on every run and every machine; shapes that come out invalid are redrawn.
#include "tests/kernels/problems.h"

#include <sstream>

#include "tests/kernels/rng.h"

namespace cnn::test {

using kernels::Conv2dShape;
using kernels::LinearShape;
using kernels::MaxPool2dShape;
using kernels::SoftmaxShape;

namespace {
constexpr int kRandomProblems = 24;  // per op family, on top of the hand-picked ones

Conv2dShape conv(int N, int C, int H, int W, int K, int R, int S, int stride_h, int stride_w,
                 int pad_h, int pad_w) {
  Conv2dShape s;
  s.N = N, s.C = C, s.H = H, s.W = W, s.K = K, s.R = R, s.S = S;
  s.stride_h = stride_h, s.stride_w = stride_w, s.pad_h = pad_h, s.pad_w = pad_w;
  return s;
}

MaxPool2dShape pool(int N, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw,
                    int dh = 1, int dw = 1) {
  MaxPool2dShape s;
  s.N = N, s.C = C, s.H = H, s.W = W, s.kernel_h = kh, s.kernel_w = kw;
  s.stride_h = sh, s.stride_w = sw, s.pad_h = ph, s.pad_w = pw, s.dilation_h = dh,
  s.dilation_w = dw;
  return s;
}
}  // namespace

std::string describe(const Conv2dShape& s) {
  std::ostringstream os;
  os << "N" << s.N << " C" << s.C << " " << s.H << "x" << s.W << " -> K" << s.K << " k" << s.R
     << "x" << s.S << " s" << s.stride_h << "," << s.stride_w << " p" << s.pad_h << "," << s.pad_w
     << " (out " << s.P() << "x" << s.Q() << ")";
  return os.str();
}

std::string describe(const LinearShape& s) {
  std::ostringstream os;
  os << "M" << s.M << " N" << s.N << " K" << s.K;
  return os.str();
}

std::string describe(const MaxPool2dShape& s) {
  std::ostringstream os;
  os << "N" << s.N << " C" << s.C << " " << s.H << "x" << s.W << " k" << s.kernel_h << "x"
     << s.kernel_w << " s" << s.stride_h << "," << s.stride_w << " p" << s.pad_h << "," << s.pad_w
     << " d" << s.dilation_h << "," << s.dilation_w << " (out " << s.P() << "x" << s.Q() << ")";
  return os.str();
}

std::string describe(const SoftmaxShape& s) {
  std::ostringstream os;
  os << s.rows << "x" << s.cols;
  return os.str();
}

const std::vector<Conv2dProblem>& conv2d_problems() {
  static const std::vector<Conv2dProblem> problems = [] {
    std::vector<Conv2dProblem> v;
    auto add = [&v](const std::string& label, Conv2dShape s, bool bias = true, bool large = false) {
      v.push_back({label + ": " + describe(s), s, bias, large});
    };
    // Seed network (MaskDetection1) layers at batch 2.
    add("seed conv1", conv(2, 3, 100, 100, 32, 3, 3, 1, 1, 1, 1));
    add("seed conv2", conv(2, 32, 100, 100, 64, 3, 3, 1, 1, 1, 1), true, true);
    add("seed conv4", conv(2, 64, 50, 50, 128, 3, 3, 1, 1, 1, 1), true, true);
    // Edge cases.
    add("one element", conv(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0));
    add("1x1 kernel, no bias", conv(2, 3, 7, 7, 5, 1, 1, 1, 1, 0, 0), false);
    add("kernel covers the input", conv(1, 2, 3, 3, 4, 3, 3, 1, 1, 0, 0));
    add("C=1", conv(2, 1, 31, 33, 8, 3, 3, 1, 1, 1, 1));
    add("K=1", conv(1, 7, 17, 13, 1, 3, 3, 1, 1, 1, 1));
    add("C=1 K=1 pad 2", conv(1, 1, 9, 9, 1, 3, 3, 1, 1, 2, 2));
    add("stride 2", conv(2, 5, 33, 31, 7, 3, 3, 2, 2, 1, 1));
    add("stride 3 pad 2", conv(1, 3, 29, 31, 9, 5, 5, 3, 3, 2, 2));
    add("stride 2x3", conv(1, 4, 19, 23, 6, 3, 3, 2, 3, 1, 0));
    add("R != S (3x1)", conv(1, 6, 15, 11, 5, 3, 1, 1, 1, 1, 0));
    add("R != S (1x5), no bias", conv(2, 3, 9, 21, 4, 1, 5, 1, 1, 0, 2), false);
    add("R != S (2x3) stride 2", conv(1, 5, 12, 13, 3, 2, 3, 2, 1, 0, 1));
    add("pad > 0 with 1-pixel input", conv(1, 3, 1, 1, 4, 3, 3, 1, 1, 1, 1));
    add("odd channels 33->65", conv(1, 33, 9, 7, 65, 3, 3, 1, 1, 1, 1));
    add("K 129", conv(1, 3, 5, 7, 129, 3, 3, 1, 1, 1, 1));
    add("wide 127", conv(1, 2, 3, 127, 3, 3, 3, 1, 1, 0, 1));
    // Random sweep.
    Rng rng(20261123);
    const size_t target = v.size() + kRandomProblems;
    for (int i = 0; v.size() < target; ++i) {
      Conv2dShape s = conv(rng.uniform_int(1, 3), rng.uniform_int(1, 9), rng.uniform_int(1, 24),
                           rng.uniform_int(1, 24), rng.uniform_int(1, 17), rng.uniform_int(1, 5),
                           rng.uniform_int(1, 5), rng.uniform_int(1, 3), rng.uniform_int(1, 3),
                           rng.uniform_int(0, 2), rng.uniform_int(0, 2));
      if (s.valid()) add("random " + std::to_string(i), s, rng.uniform_int(0, 3) != 0);
    }
    return v;
  }();
  return problems;
}

const std::vector<LinearProblem>& linear_problems() {
  static const std::vector<LinearProblem> problems = [] {
    std::vector<LinearProblem> v;
    auto add = [&v](const std::string& label, int M, int N, int K, bool bias = true,
                    bool large = false) {
      LinearShape s;
      s.M = M, s.N = N, s.K = K;
      v.push_back({label + ": " + describe(s), s, bias, large});
    };
    add("seed fc7", 2, 1024, 80000, true, true);
    add("seed fc8", 2, 2, 1024);
    add("one element", 1, 1, 1);
    add("one element, no bias", 1, 1, 1, false);
    add("3x7x5", 3, 7, 5);
    add("31x33x65", 31, 33, 65);
    add("127x129x7, no bias", 127, 129, 7, false);
    add("65x1x129", 65, 1, 129);
    add("1x65x33", 1, 65, 33);
    add("1x1x4099 (long K)", 1, 1, 4099);
    add("129x127x1 (K=1)", 129, 127, 1);
    add("64x64x64 (tile multiple)", 64, 64, 64);
    add("batch 64 x 2 x 1024", 64, 2, 1024);
    Rng rng(1123);
    for (int i = 0; i < kRandomProblems; ++i)
      add("random " + std::to_string(i), rng.uniform_int(1, 140), rng.uniform_int(1, 140),
          rng.uniform_int(1, 300), rng.uniform_int(0, 3) != 0);
    return v;
  }();
  return problems;
}

const std::vector<MaxPool2dProblem>& max_pool2d_problems() {
  static const std::vector<MaxPool2dProblem> problems = [] {
    std::vector<MaxPool2dProblem> v;
    auto add = [&v](const std::string& label, MaxPool2dShape s, bool ties = false,
                    bool large = false) {
      v.push_back({label + ": " + describe(s), s, ties, large});
    };
    add("seed pool3", pool(2, 64, 100, 100, 2, 2, 2, 2, 0, 0), false, true);
    add("seed pool5", pool(2, 128, 50, 50, 2, 2, 2, 2, 0, 0));
    add("one element", pool(1, 1, 1, 1, 1, 1, 1, 1, 0, 0));
    add("odd input, floor", pool(2, 3, 33, 31, 2, 2, 2, 2, 0, 0));
    add("overlapping k3 s1 p1", pool(1, 2, 7, 9, 3, 3, 1, 1, 1, 1));
    add("k3 s2 p1", pool(2, 3, 15, 17, 3, 3, 2, 2, 1, 1));
    add("k2 s1 (overlap)", pool(1, 4, 8, 5, 2, 2, 1, 1, 0, 0));
    add("k3x2 s2x1 p1x0", pool(1, 2, 11, 6, 3, 2, 2, 1, 1, 0));
    add("dilation 2", pool(1, 3, 9, 9, 3, 3, 1, 1, 0, 0, 2, 2));
    add("dilation 2x3 p1", pool(2, 2, 13, 16, 3, 3, 2, 2, 1, 1, 2, 3));
    add("kernel > stride, stride 3", pool(1, 2, 31, 31, 4, 4, 3, 3, 2, 2));
    add("1xW row", pool(1, 5, 1, 127, 1, 3, 1, 2, 0, 1));
    add("window = input", pool(3, 2, 5, 5, 5, 5, 1, 1, 0, 0));
    add("ties, k2 s2", pool(2, 3, 10, 10, 2, 2, 2, 2, 0, 0), true);
    add("ties, k3 s1 p1", pool(1, 2, 9, 7, 3, 3, 1, 1, 1, 1), true);
    add("ties, dilation 2 p1", pool(1, 2, 11, 11, 3, 3, 2, 2, 1, 1, 2, 2), true);
    Rng rng(777);
    const size_t target = v.size() + kRandomProblems;
    for (int i = 0; v.size() < target; ++i) {
      const int kh = rng.uniform_int(1, 4), kw = rng.uniform_int(1, 4);
      MaxPool2dShape s =
          pool(rng.uniform_int(1, 2), rng.uniform_int(1, 5), rng.uniform_int(1, 24),
               rng.uniform_int(1, 24), kh, kw, rng.uniform_int(1, 3), rng.uniform_int(1, 3),
               rng.uniform_int(0, kh / 2), rng.uniform_int(0, kw / 2), rng.uniform_int(1, 3),
               rng.uniform_int(1, 3));
      if (s.valid()) add("random " + std::to_string(i), s, rng.uniform_int(0, 4) == 0);
    }
    return v;
  }();
  return problems;
}

const std::vector<SoftmaxProblem>& softmax_problems() {
  static const std::vector<SoftmaxProblem> problems = [] {
    std::vector<SoftmaxProblem> v;
    auto add = [&v](const std::string& label, int rows, int cols, float range = 4.f) {
      SoftmaxShape s;
      s.rows = rows, s.cols = cols;
      v.push_back({label + ": " + describe(s) + " logits +-" + std::to_string(int(range)), s, range,
                   false});
    };
    add("seed logits", 2, 2);
    add("batch 64 x 2", 64, 2);
    add("one element", 1, 1);
    add("one column", 5, 1);
    add("3x7", 3, 7);
    add("5x31", 5, 31);
    add("4x33", 4, 33);
    add("2x127", 2, 127);
    add("3x129", 3, 129);
    add("1x1000", 1, 1000);
    add("2x4097", 2, 4097);
    add("1x100000 classes", 1, 100000);
    add("huge logits 2x2", 2, 2, 1e4f);
    add("huge logits 3x65", 3, 65, 1e4f);
    add("huge logits 1x100000", 1, 100000, 1e4f);
    add("tiny logits 4x9", 4, 9, 1e-3f);
    Rng rng(4242);
    for (int i = 0; i < kRandomProblems; ++i) {
      const int rows = rng.uniform_int(1, 8), cols = rng.uniform_int(1, 300);
      add("random " + std::to_string(i), rows, cols, rng.uniform(0.5f, 20.f));
    }
    return v;
  }();
  return problems;
}

namespace {
std::vector<VectorProblem> standard_vector_problems(uint64_t seed) {
  std::vector<VectorProblem> v;
  for (int64_t n : {1, 2, 3, 4, 5, 7, 8, 31, 33, 65, 127, 129, 1000, 4099, 65537})
    v.push_back({"n=" + std::to_string(n), n, false});
  Rng rng(seed);
  for (int i = 0; i < kRandomProblems; ++i) {
    const int64_t n = rng.uniform_int(1, 5000);
    v.push_back({"random n=" + std::to_string(n), n, false});
  }
  return v;
}
}  // namespace

const std::vector<VectorProblem>& relu_problems() {
  static const std::vector<VectorProblem> problems = [] {
    std::vector<VectorProblem> v = standard_vector_problems(31337);
    // The seed network's ReLU'd activations at batch 2.
    v.push_back({"seed conv1 act 2x32x100x100", 2LL * 32 * 100 * 100, false});
    v.push_back({"seed conv2 act 2x64x100x100", 2LL * 64 * 100 * 100, true});
    v.push_back({"seed conv4 act 2x128x50x50", 2LL * 128 * 50 * 50, false});
    v.push_back({"seed fc7 act 2x1024", 2LL * 1024, false});
    return v;
  }();
  return problems;
}

const std::vector<VectorProblem>& vector_problems() {
  static const std::vector<VectorProblem> problems = standard_vector_problems(271828);
  return problems;
}

const std::vector<SumAxisProblem>& sum_axis_problems() {
  static const std::vector<SumAxisProblem> problems = [] {
    std::vector<SumAxisProblem> v;
    auto add = [&v](int64_t outer, int64_t axis, int64_t inner) {
      v.push_back({"[" + std::to_string(outer) + "," + std::to_string(axis) + "," +
                       std::to_string(inner) + "]",
                   outer, axis, inner});
    };
    add(1, 1, 1);
    add(1, 4099, 1);  // sum of everything
    add(3, 7, 5);
    add(2, 33, 65);
    add(1, 64, 129);  // bias gradient of linear: sum over the batch
    add(65, 31, 1);   // innermost axis
    add(1, 1, 1000);  // nothing to reduce
    add(7, 1, 3);
    Rng rng(99);
    for (int i = 0; i < kRandomProblems; ++i)
      add(rng.uniform_int(1, 20), rng.uniform_int(1, 200), rng.uniform_int(1, 60));
    return v;
  }();
  return problems;
}

}  // namespace cnn::test
