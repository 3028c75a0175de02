// Run-to-run determinism of the threaded CPU kernels that reduce across threads: for a fixed
// thread count, the same inputs must give bit-identical outputs (resume-from-checkpoint and
// reproducible experiments rely on it). Dynamic OpenMP scheduling of per-thread accumulators
// breaks this, and only shows up with several threads and uneven timing, so each kernel runs
// repeatedly with a competing busy thread to shake up the schedule.
#include <omp.h>

#include <atomic>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "kernels/cpu/ops.h"

namespace {

using cnn::kernels::Conv2dShape;

std::vector<float> random_vector(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(gen);
  return v;
}

// Calls run(out) `repeats` times while another thread competes for the cores, and requires every
// output to be bit-identical to the first.
template <typename Run>
void require_bit_identical(size_t out_size, int repeats, Run run) {
  std::atomic<bool> stop{false};
  std::thread noise([&] {
    volatile double sink = 0;
    while (!stop.load(std::memory_order_relaxed))
      for (int i = 0; i < 20000; ++i) sink = sink + i;
  });
  std::vector<float> first(out_size), again(out_size);
  run(first.data());
  bool identical = true;
  for (int r = 1; r < repeats && identical; ++r) {
    run(again.data());
    identical = std::memcmp(first.data(), again.data(), out_size * sizeof(float)) == 0;
  }
  stop = true;
  noise.join();
  REQUIRE(identical);
}

void check_conv2d_backward_weight(const Conv2dShape& s) {
  const auto x = random_vector(size_t(s.input_size()), 1);
  const auto dy = random_vector(size_t(s.output_size()), 2);
  require_bit_identical(size_t(s.weight_size()), 12, [&](float* dw) {
    cnn::kernels::cpu::conv2d_backward_weight(s, x.data(), dy.data(), dw);
  });
}

}  // namespace

TEST_CASE("threaded CPU reductions are bit-identical from run to run", "[determinism]") {
  const int threads = omp_get_max_threads() < 2 ? 2 : omp_get_max_threads();
  omp_set_num_threads(threads);
  INFO("OpenMP threads: " << threads);

  SECTION("conv2d_backward_weight, few input channels (direct path on AVX-512)") {
    Conv2dShape s;
    s.N = 32, s.C = 3, s.H = 40, s.W = 40, s.K = 16, s.R = 3, s.S = 3, s.pad_h = s.pad_w = 1;
    check_conv2d_backward_weight(s);
  }
  SECTION("conv2d_backward_weight, GEMM path") {
    Conv2dShape s;
    s.N = 32, s.C = 16, s.H = 30, s.W = 30, s.K = 24, s.R = 3, s.S = 3, s.pad_h = s.pad_w = 1;
    check_conv2d_backward_weight(s);
  }
  SECTION("conv2d_backward_weight, grouped (per-group GEMMs into per-thread partials)") {
    Conv2dShape s;
    s.N = 16, s.C = 16, s.H = 20, s.W = 20, s.K = 24, s.R = 3, s.S = 3, s.pad_h = s.pad_w = 1;
    s.groups = 4;
    check_conv2d_backward_weight(s);
  }
  SECTION("conv2d depthwise: forward, backward_data, backward_weight") {
    Conv2dShape s;
    s.N = 16, s.C = 32, s.H = 26, s.W = 26, s.K = 64, s.R = 3, s.S = 3, s.pad_h = s.pad_w = 1;
    s.groups = 32;  // multiplier 2
    check_conv2d_backward_weight(s);
    const auto x = random_vector(size_t(s.input_size()), 6);
    const auto w = random_vector(size_t(s.weight_size()), 7);
    const auto dy = random_vector(size_t(s.output_size()), 8);
    require_bit_identical(size_t(s.output_size()), 4, [&](float* y) {
      cnn::kernels::cpu::conv2d_forward(s, x.data(), w.data(), nullptr, y);
    });
    require_bit_identical(size_t(s.input_size()), 4, [&](float* dx) {
      cnn::kernels::cpu::conv2d_backward_data(s, dy.data(), w.data(), dx);
    });
  }
  SECTION("linear_backward_weight and linear_forward (K split across threads)") {
    const cnn::kernels::LinearShape s{16, 64, 20000};
    const auto x = random_vector(size_t(s.M) * s.K, 3);
    const auto w = random_vector(size_t(s.N) * s.K, 4);
    const auto dy = random_vector(size_t(s.M) * s.N, 5);
    require_bit_identical(size_t(s.N) * s.K, 4, [&](float* dw) {
      cnn::kernels::cpu::linear_backward_weight(s, dy.data(), x.data(), dw);
    });
    require_bit_identical(size_t(s.M) * s.N, 4, [&](float* y) {
      cnn::kernels::cpu::linear_forward(s, x.data(), w.data(), nullptr, y);
    });
  }
}
