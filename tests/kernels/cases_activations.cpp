// Op cases for leaky_relu, clamp (hardtanh; relu6 is clamp(0, 6)) and sigmoid, forward and
// backward, out of place, in place (the contract allows y == x and dx == dy) and on misaligned
// pointers (input and output off a 16-byte boundary by different amounts), over the ReLU table
// (which includes the seed network's activations at batch 2).
//
// Inputs are planted with the points where the rules matter: exact zeros and negative zeros
// (leaky_relu's kink: gradient `slope` at 0), values exactly at the clamp bounds (gradient 0
// there), NaN (propagates through every forward), and for sigmoid +-20, +-90, +-1e30 (saturation
// without overflow; sigmoid(-90) is a denormal that may flush to 0). leaky_relu and clamp are
// compared exactly (one correctly rounded product or a select); sigmoid forward within
// kTranscendentalTolerance, its backward (three roundings) within kElementwiseTolerance.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "kernels/reference/activations.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

enum class Layout { separate, in_place, misaligned };
const char* layout_name(Layout l) {
  return l == Layout::separate ? "" : l == Layout::in_place ? " (in place)" : " (misaligned)";
}
// Element offsets of input and output for the misaligned layout: 4 and 12 bytes off a 16-byte
// boundary, and off each other.
constexpr int kInOffset = 1, kOutOffset = 3;

// Writes `specials` over x every `stride` elements starting at index 1 (index 0 stays random).
void plant(std::vector<float>& x, const std::vector<float>& specials, int64_t stride = 5) {
  size_t k = 0;
  for (int64_t i = 1; i < int64_t(x.size()); i += stride, ++k)
    x[size_t(i)] = specials[k % specials.size()];
}

// One elementwise forward/backward pair as a family of cases: `make_input` draws x, `forward`
// and `backward` run the backend, `want_*` run the double reference, `compare` judges.
struct UnaryOp {
  std::string name;
  std::function<std::vector<float>(Rng&, int64_t)> make_input;
  std::function<void(Backend&, int64_t, const float*, float*)> forward;
  std::function<void(Backend&, int64_t, const float*, const float*, float*)> backward;
  std::function<void(int64_t, const float*, double*)> want_forward;
  std::function<void(int64_t, const float*, const float*, double*)> want_backward;
  // Backward's first input: x itself, or (sigmoid) the forward's output computed by the reference.
  std::function<std::vector<float>(const std::vector<float>&)> backward_input;
  std::function<Comparison(const std::string&, const std::vector<float>&,
                           const std::vector<double>&)>
      compare_forward, compare_backward;
};

void add_unary_cases(std::vector<OpCase>& cases, const UnaryOp& op) {
  for (const VectorProblem& p : relu_problems()) {
    const int64_t n = p.n;
    for (const Layout layout : {Layout::separate, Layout::in_place, Layout::misaligned}) {
      const bool in_place = layout == Layout::in_place;
      const int in_off = layout == Layout::misaligned ? kInOffset : 0;
      const int out_off = layout == Layout::misaligned ? kOutOffset : 0;
      const std::string fwd = op.name + "_forward" + layout_name(layout);
      cases.push_back({fwd, p.name, p.large, [=](Backend& b) {
                         Rng rng(seed_of(op.name + "_forward", p.name));
                         const auto x = op.make_input(rng, n);
                         BackendArray<float> bx(b, x, in_off), by(b, in_place ? 0 : n, out_off);
                         op.forward(b, n, bx.data(), in_place ? bx.data() : by.data());
                         std::vector<double> want(static_cast<size_t>(n));
                         op.want_forward(n, x.data(), want.data());
                         return std::vector<Comparison>{op.compare_forward(
                             "y", in_place ? bx.download() : by.download(), want)};
                       }});
      const std::string bwd = op.name + "_backward" + layout_name(layout);
      cases.push_back({bwd, p.name, p.large, [=](Backend& b) {
                         Rng rng(seed_of(op.name + "_backward", p.name));
                         const auto x = op.backward_input(op.make_input(rng, n));
                         const auto dy = rng.uniform_vector(n);
                         BackendArray<float> bx(b, x, in_off), bdy(b, dy, in_off),
                             bdx(b, in_place ? 0 : n, out_off);
                         op.backward(b, n, bx.data(), bdy.data(),
                                     in_place ? bdy.data() : bdx.data());
                         std::vector<double> want(static_cast<size_t>(n));
                         op.want_backward(n, x.data(), dy.data(), want.data());
                         return std::vector<Comparison>{op.compare_backward(
                             "dx", in_place ? bdy.download() : bdx.download(), want)};
                       }});
    }
  }
}

Comparison exact(const std::string& name, const std::vector<float>& got,
                 const std::vector<double>& want) {
  return compare_exact(name, got, want);
}

std::vector<float> identity(const std::vector<float>& x) {
  return x;
}

}  // namespace

std::vector<OpCase> leaky_relu_cases() {
  std::vector<OpCase> cases;
  for (const float slope : {0.01f, 0.2f}) {
    UnaryOp op;
    op.name = "leaky_relu slope=" + std::to_string(slope).substr(0, 4);
    op.make_input = [](Rng& rng, int64_t n) {
      auto x = rng.uniform_vector(n);
      plant(x, {0.f, -0.f, kNaN, 1e-30f, -1e-30f});
      x[0] = -0.25f;  // even n = 1 has an output that differs from its input
      return x;
    };
    op.forward = [slope](Backend& b, int64_t n, const float* x, float* y) {
      b.leaky_relu_forward(n, slope, x, y);
    };
    op.backward = [slope](Backend& b, int64_t n, const float* x, const float* dy, float* dx) {
      b.leaky_relu_backward(n, slope, x, dy, dx);
    };
    op.want_forward = [slope](int64_t n, const float* x, double* y) {
      ref::leaky_relu_forward<float, double>(n, slope, x, y);
    };
    op.want_backward = [slope](int64_t n, const float* x, const float* dy, double* dx) {
      ref::leaky_relu_backward<float, double>(n, slope, x, dy, dx);
    };
    op.backward_input = identity;
    op.compare_forward = op.compare_backward = exact;
    add_unary_cases(cases, op);
  }
  return cases;
}

std::vector<OpCase> clamp_cases() {
  std::vector<OpCase> cases;
  struct Bounds {
    const char* name;
    float lo, hi;
  };
  for (const Bounds bounds : {Bounds{"relu6", 0.f, 6.f}, Bounds{"hardtanh", -1.f, 1.f},
                              Bounds{"lo=hi=0.5", 0.5f, 0.5f}}) {
    const float lo = bounds.lo, hi = bounds.hi;
    UnaryOp op;
    op.name = std::string("clamp ") + bounds.name;
    op.make_input = [lo, hi](Rng& rng, int64_t n) {
      auto x = rng.uniform_vector(n, -8.f, 8.f);
      plant(x, {lo, hi, kNaN, std::nextafter(lo, -INFINITY), std::nextafter(hi, INFINITY),
                std::nextafter(lo, INFINITY), std::nextafter(hi, -INFINITY)});
      x[0] = lo - 1.f;  // clamped, with gradient 0: even n = 1 changes both outputs
      return x;
    };
    op.forward = [lo, hi](Backend& b, int64_t n, const float* x, float* y) {
      b.clamp_forward(n, lo, hi, x, y);
    };
    op.backward = [lo, hi](Backend& b, int64_t n, const float* x, const float* dy, float* dx) {
      b.clamp_backward(n, lo, hi, x, dy, dx);
    };
    op.want_forward = [lo, hi](int64_t n, const float* x, double* y) {
      ref::clamp_forward<float, double>(n, lo, hi, x, y);
    };
    op.want_backward = [lo, hi](int64_t n, const float* x, const float* dy, double* dx) {
      ref::clamp_backward<float, double>(n, lo, hi, x, dy, dx);
    };
    op.backward_input = identity;
    op.compare_forward = op.compare_backward = exact;
    add_unary_cases(cases, op);
  }
  return cases;
}

std::vector<OpCase> sigmoid_cases() {
  std::vector<OpCase> cases;
  UnaryOp op;
  op.name = "sigmoid";
  op.make_input = [](Rng& rng, int64_t n) {
    auto x = rng.uniform_vector(n, -10.f, 10.f);
    plant(x, {0.f, -0.f, 20.f, -20.f, 90.f, -90.f, 1e30f, -1e30f, kNaN, -87.f});
    return x;
  };
  op.forward = [](Backend& b, int64_t n, const float* x, float* y) { b.sigmoid_forward(n, x, y); };
  op.backward = [](Backend& b, int64_t n, const float* y, const float* dy, float* dx) {
    b.sigmoid_backward(n, y, dy, dx);
  };
  op.want_forward = [](int64_t n, const float* x, double* y) {
    ref::sigmoid_forward<float, double>(n, x, y);
  };
  op.want_backward = [](int64_t n, const float* y, const float* dy, double* dx) {
    ref::sigmoid_backward<float, double>(n, y, dy, dx);
  };
  // The backward takes the forward's output y (in [0, 1], exact 0 and 1 included), not x.
  op.backward_input = [](const std::vector<float>& x) {
    std::vector<float> y(x.size());
    ref::sigmoid_forward<float, float>(int64_t(x.size()), x.data(), y.data());
    return y;
  };
  op.compare_forward = [](const std::string& name, const std::vector<float>& got,
                          const std::vector<double>& want) {
    // Relative, with an absolute floor of FLT_MIN: sigmoid(-90) ~ 8e-40 may flush to 0.
    std::vector<float> scale(want.size());
    for (size_t i = 0; i < want.size(); ++i)
      scale[i] = float(std::max(std::fabs(want[i]), double(FLT_MIN) / kTranscendentalTolerance));
    return compare_scaled(name, got, want, scale, kTranscendentalTolerance);
  };
  op.compare_backward = [](const std::string& name, const std::vector<float>& got,
                           const std::vector<double>& want) {
    return compare_relative(name, got, want, kElementwiseTolerance);
  };
  add_unary_cases(cases, op);
  return cases;
}

}  // namespace cnn::test
