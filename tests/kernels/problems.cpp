// The problem tables declared in problems.h. Random sweeps draw from Rng with fixed seeds, so the
// tables are identical on every run and every machine; shapes that come out invalid are redrawn.
#include "tests/kernels/problems.h"

#include <sstream>

#include "tests/kernels/rng.h"

namespace cnn::test {

using kernels::Conv2dShape;
using kernels::LinearShape;
using kernels::MaxPool2dShape;
using kernels::AvgPool2dShape;
using kernels::BatchNorm2dShape;
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

Conv2dShape grouped(Conv2dShape s, int groups) {
  s.groups = groups;
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

// TensorFlow-'same' style: pad_h/pad_w before, extra_h/extra_w after the input.
MaxPool2dShape pool_end(int N, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw,
                        int extra_h, int extra_w) {
  MaxPool2dShape s = pool(N, C, H, W, kh, kw, sh, sw, ph, pw);
  s.extra_pad_h_end = extra_h, s.extra_pad_w_end = extra_w;
  return s;
}

AvgPool2dShape avg(int N, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw,
                   bool count_include_pad) {
  AvgPool2dShape s;
  s.N = N, s.C = C, s.H = H, s.W = W, s.kernel_h = kh, s.kernel_w = kw;
  s.stride_h = sh, s.stride_w = sw, s.pad_h = ph, s.pad_w = pw;
  s.count_include_pad = count_include_pad;
  return s;
}
}  // namespace

std::string describe(const Conv2dShape& s) {
  std::ostringstream os;
  os << "N" << s.N << " C" << s.C << " " << s.H << "x" << s.W << " -> K" << s.K << " k" << s.R
     << "x" << s.S << " s" << s.stride_h << "," << s.stride_w << " p" << s.pad_h << "," << s.pad_w;
  if (s.groups != 1) os << " g" << s.groups;
  os << " (out " << s.P() << "x" << s.Q() << ")";
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
     << " d" << s.dilation_h << "," << s.dilation_w;
  if (s.extra_pad_h_end != 0 || s.extra_pad_w_end != 0)
    os << " end+" << s.extra_pad_h_end << "," << s.extra_pad_w_end;
  os << " (out " << s.P() << "x" << s.Q() << ")";
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
    // Asymmetric stride / padding and 1x1 filters (pointwise: the CPU skips im2col).
    add("stride 1x2 pad 0,1", conv(1, 3, 14, 17, 5, 3, 3, 1, 2, 0, 1));
    add("stride 2x1 pad 2,0", conv(2, 4, 11, 9, 3, 3, 3, 2, 1, 2, 0));
    add("1x1 pointwise 64->128", conv(2, 64, 8, 8, 128, 1, 1, 1, 1, 0, 0));
    add("1x1 pointwise 16->32 (TinyFaceDetector)", conv(1, 16, 26, 26, 32, 1, 1, 1, 1, 0, 0));
    add("1x1 pointwise 256->512 (TinyFaceDetector)", conv(1, 256, 4, 4, 512, 1, 1, 1, 1, 0, 0));
    add("1x1 stride 2 (not pointwise)", conv(1, 5, 9, 9, 7, 1, 1, 2, 2, 0, 0));
    add("1x1 pad 1 (not pointwise)", conv(1, 3, 5, 5, 4, 1, 1, 1, 1, 1, 1), false);
    // Grouped (1 < groups < C): one GEMM lowering per group.
    add("groups 2", grouped(conv(2, 6, 9, 11, 4, 3, 3, 1, 1, 1, 1), 2));
    add("groups 3 stride 2", grouped(conv(1, 9, 13, 12, 6, 3, 3, 2, 2, 1, 1), 3));
    add("groups 4 1x1, no bias", grouped(conv(2, 8, 7, 5, 12, 1, 1, 1, 1, 0, 0), 4), false);
    add("groups 2 Cg 33 Kg 65", grouped(conv(1, 66, 5, 6, 130, 3, 3, 1, 1, 1, 1), 2));
    add("groups 2 stride 2x1 pad 0,2", grouped(conv(1, 4, 10, 9, 6, 2, 3, 2, 1, 0, 2), 2));
    // Depthwise (groups == C), multiplier K/C of 1, 2 and 3.
    add("depthwise 3x3", grouped(conv(2, 5, 13, 13, 5, 3, 3, 1, 1, 1, 1), 5));
    add("depthwise x2", grouped(conv(2, 8, 11, 9, 16, 3, 3, 1, 1, 1, 1), 8));
    add("depthwise x3 stride 2x1 pad 1,0", grouped(conv(1, 4, 12, 15, 12, 3, 3, 2, 1, 1, 0), 4));
    add("depthwise x2 stride 2, no bias", grouped(conv(2, 3, 9, 10, 6, 3, 3, 2, 2, 1, 1), 3),
        false);
    add("depthwise 5x5 pad 2", grouped(conv(1, 6, 17, 19, 6, 5, 5, 1, 1, 2, 2), 6));
    add("depthwise pad 3 > kernel-1", grouped(conv(1, 3, 7, 8, 3, 3, 3, 1, 1, 3, 3), 3));
    add("depthwise 3x1", grouped(conv(1, 5, 9, 10, 5, 3, 1, 1, 1, 1, 0), 5));
    add("depthwise 1x5 stride 1x3", grouped(conv(1, 2, 6, 23, 4, 1, 5, 1, 3, 0, 2), 2));
    add("depthwise 7x7", grouped(conv(1, 2, 15, 15, 2, 7, 7, 1, 1, 3, 3), 2));
    add("depthwise 9x9 (81 taps)", grouped(conv(1, 2, 12, 12, 4, 9, 9, 1, 1, 4, 4), 2));
    add("depthwise wide 131", grouped(conv(1, 3, 4, 131, 3, 3, 3, 1, 1, 1, 1), 3));
    add("depthwise 1-pixel input", grouped(conv(2, 4, 1, 1, 4, 3, 3, 1, 1, 1, 1), 4));
    // TinyFaceDetector's depthwise layers (3x3, pad 1) at small size.
    add("TinyFaceDetector dw 16", grouped(conv(1, 16, 26, 26, 16, 3, 3, 1, 1, 1, 1), 16));
    add("TinyFaceDetector dw 32", grouped(conv(2, 32, 13, 13, 32, 3, 3, 1, 1, 1, 1), 32));
    add("TinyFaceDetector dw 64", grouped(conv(1, 64, 13, 13, 64, 3, 3, 1, 1, 1, 1), 64));
    add("TinyFaceDetector dw 128", grouped(conv(1, 128, 7, 7, 128, 3, 3, 1, 1, 1, 1), 128));
    add("TinyFaceDetector dw 256", grouped(conv(1, 256, 7, 7, 256, 3, 3, 1, 1, 1, 1), 256));
    add("TinyFaceDetector dw 512", grouped(conv(1, 512, 4, 4, 512, 3, 3, 1, 1, 1, 1), 512));
    // Random grouped sweep: groups == C (depthwise) about a third of the time.
    Rng grouped_rng(20261201);
    for (int i = 0; i < kRandomProblems / 2;) {
      const int groups = grouped_rng.uniform_int(1, 6);
      const bool depthwise = grouped_rng.uniform_int(0, 2) == 0;
      const int C = depthwise ? groups : groups * grouped_rng.uniform_int(1, 4);
      const int K = groups * grouped_rng.uniform_int(1, 3);
      Conv2dShape s = grouped(conv(grouped_rng.uniform_int(1, 2), C, grouped_rng.uniform_int(1, 20),
                                   grouped_rng.uniform_int(1, 20), K, grouped_rng.uniform_int(1, 5),
                                   grouped_rng.uniform_int(1, 5), grouped_rng.uniform_int(1, 3),
                                   grouped_rng.uniform_int(1, 3), grouped_rng.uniform_int(0, 2),
                                   grouped_rng.uniform_int(0, 2)),
                              groups);
      if (!s.valid()) continue;
      add("random grouped " + std::to_string(i++), s, grouped_rng.uniform_int(0, 3) != 0);
    }
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
    // Extra end padding (TensorFlow 'same'): face-api's TinyFaceDetector pools 207 -> 104 with
    // 2x2 stride 2 and 13 -> 13 with 2x2 stride 1, padding only the bottom/right.
    add("TF same k2 s2 odd 207", pool_end(1, 2, 207, 207, 2, 2, 2, 2, 0, 0, 1, 1));
    add("TF same k2 s1 13", pool_end(2, 3, 13, 13, 2, 2, 1, 1, 0, 0, 1, 1));
    add("TF same k3 s2 even (end only)", pool_end(1, 2, 8, 10, 3, 3, 2, 2, 0, 0, 1, 1));
    add("TF same k3 s1 (pad 1 + none)", pool_end(1, 2, 9, 6, 3, 3, 1, 1, 1, 1, 0, 0));
    add("pad 1 + extra end 1, k4 s3", pool_end(2, 2, 11, 14, 4, 4, 3, 3, 1, 1, 1, 1));
    add("extra end rows only, k2 s2", pool_end(1, 3, 7, 8, 2, 2, 2, 2, 0, 0, 1, 0));
    add("extra end cols only, k3x2 s1", pool_end(1, 2, 6, 9, 3, 2, 1, 1, 1, 0, 0, 1));
    add("padded k5 s1 p2", pool(1, 2, 10, 12, 5, 5, 1, 1, 2, 2));
    add("ties, TF same k2 s2 odd", pool_end(1, 2, 9, 11, 2, 2, 2, 2, 0, 0, 1, 1), true);
    add("ties, TF same k2 s1", pool_end(1, 2, 7, 7, 2, 2, 1, 1, 0, 0, 1, 1), true);
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

std::string describe(const AvgPool2dShape& s) {
  std::ostringstream os;
  os << "N" << s.N << " C" << s.C << " " << s.H << "x" << s.W << " k" << s.kernel_h << "x"
     << s.kernel_w << " s" << s.stride_h << "," << s.stride_w << " p" << s.pad_h << "," << s.pad_w
     << (s.count_include_pad ? " incl-pad" : " excl-pad") << " (out " << s.P() << "x" << s.Q()
     << ")";
  return os.str();
}

std::string describe(const BatchNorm2dShape& s) {
  std::ostringstream os;
  os << "N" << s.N << " C" << s.C << " " << s.H << "x" << s.W;
  return os.str();
}

const std::vector<AvgPool2dProblem>& avg_pool2d_problems() {
  static const std::vector<AvgPool2dProblem> problems = [] {
    std::vector<AvgPool2dProblem> v;
    auto add = [&v](const std::string& label, AvgPool2dShape s) {
      v.push_back({label + ": " + describe(s), s});
    };
    add("one element", avg(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, true));
    add("k2 s2", avg(2, 3, 10, 12, 2, 2, 2, 2, 0, 0, true));
    add("odd input, floor", avg(2, 3, 33, 31, 2, 2, 2, 2, 0, 0, true));
    add("k3 s1 p1 incl-pad", avg(1, 2, 7, 9, 3, 3, 1, 1, 1, 1, true));
    add("k3 s1 p1 excl-pad", avg(1, 2, 7, 9, 3, 3, 1, 1, 1, 1, false));
    add("k3 s2 p1 excl-pad", avg(2, 3, 15, 17, 3, 3, 2, 2, 1, 1, false));
    add("k4 s3 p2 incl-pad", avg(1, 2, 31, 31, 4, 4, 3, 3, 2, 2, true));
    add("k3x2 s2x1 p1x0", avg(1, 2, 11, 6, 3, 2, 2, 1, 1, 0, false));
    add("1xW row", avg(1, 5, 1, 127, 1, 3, 1, 2, 0, 1, true));
    add("global 7x7", avg(2, 8, 7, 7, 7, 7, 1, 1, 0, 0, true));
    add("global 13x13", avg(1, 5, 13, 13, 13, 13, 13, 13, 0, 0, true));
    add("global 1x1", avg(2, 3, 1, 1, 1, 1, 1, 1, 0, 0, true));
    add("global 40x33", avg(1, 2, 40, 33, 40, 33, 1, 1, 0, 0, true));
    Rng rng(778);
    const size_t target = v.size() + kRandomProblems;
    for (int i = 0; v.size() < target; ++i) {
      const int kh = rng.uniform_int(1, 4), kw = rng.uniform_int(1, 4);
      AvgPool2dShape s =
          avg(rng.uniform_int(1, 2), rng.uniform_int(1, 5), rng.uniform_int(1, 24),
              rng.uniform_int(1, 24), kh, kw, rng.uniform_int(1, 3), rng.uniform_int(1, 3),
              rng.uniform_int(0, kh / 2), rng.uniform_int(0, kw / 2), rng.uniform_int(0, 1) == 1);
      if (s.valid()) add("random " + std::to_string(i), s);
    }
    return v;
  }();
  return problems;
}

const std::vector<BatchNorm2dProblem>& batch_norm2d_problems() {
  static const std::vector<BatchNorm2dProblem> problems = [] {
    std::vector<BatchNorm2dProblem> v;
    auto add = [&v](const std::string& label, int N, int C, int H, int W, float mean = 0.f) {
      BatchNorm2dShape s;
      s.N = N, s.C = C, s.H = H, s.W = W;
      v.push_back({label + ": " + describe(s) + " mean " + std::to_string(int(mean)), s, mean});
    };
    add("two elements", 2, 1, 1, 1);
    add("N1 2x1", 1, 3, 2, 1);
    add("1x1 maps, batch 7", 7, 5, 1, 1);
    add("3x3", 2, 4, 3, 3);
    add("odd 13x13", 2, 6, 13, 13);
    add("rows 1x127", 1, 3, 1, 127);
    add("one channel 33x31", 2, 1, 33, 31);
    add("many channels", 1, 70, 5, 4);
    add("n > block 257", 1, 2, 257, 1);
    add("TinyFaceDetector-like 52x52", 1, 8, 52, 52);
    add("large mean 100", 2, 3, 9, 11, 100.f);
    add("large mean 1e4", 2, 2, 20, 20, 1e4f);
    add("negative mean -1e3", 1, 3, 16, 16, -1e3f);
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
