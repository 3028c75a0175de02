// Block-level behaviour of the SIMT harness: shared memory and __syncthreads give correct results
// (tree reduction, tiled SGEMM vs CPU loops), a missing barrier is caught by some schedule, and
// barrier misuse (divergent call sites, exited threads) aborts naming the block.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "tests/simt/death_test.h"
#include "tests/simt/sample_kernels.h"

namespace {

using cnn::kernels::cuda::launch;
using cnn::simt::Schedule;
using cnn::simt::test::DeviceBuffer;
using cnn::simt::test::run_in_child;

std::vector<float> random_floats(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// Restores the process-wide schedule when a test that changes it ends.
struct ScheduleGuard {
  Schedule saved = cnn::simt::schedule();
  ~ScheduleGuard() { cnn::simt::set_schedule(saved); }
};

const Schedule kAllSchedules[] = {
    {Schedule::Kind::kForward, 0}, {Schedule::Kind::kReverse, 0}, {Schedule::Kind::kRandom, 12345}};

// The tree reduction of sample_kernels.h with the barrier inside the loop forgotten.
__global__ void block_sum_missing_barrier(const float* x, float* partial, int n) {
  __shared__ float s[256];
  const int t = threadIdx.x;
  const int i = blockIdx.x * blockDim.x + t;
  s[t] = i < n ? x[i] : 0.0f;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
    if (t < stride) s[t] += s[t + stride];
  }
  if (t == 0) partial[blockIdx.x] = s[0];
}

}  // namespace

TEST_CASE("shared-memory tree reduction matches a CPU sum", "[simt][barrier]") {
  for (int block : {32, 256, 1024}) {
    const int n = 5000;
    const int blocks = (n + block - 1) / block;
    const std::vector<float> x = random_floats(n, 7u + static_cast<unsigned>(block));
    DeviceBuffer<float> dx(x), dpartial(blocks);
    launch(cnn::simt::test::block_sum, dim3(blocks), dim3(block), 0, nullptr, dx.get(),
           dpartial.get(), n);
    REQUIRE(cudaGetLastError() == cudaSuccess);
    const std::vector<float> partial = dpartial.to_host();
    for (int b = 0; b < blocks; ++b) {
      double expected = 0;
      for (int i = b * block; i < std::min(n, (b + 1) * block); ++i) expected += x[i];
      INFO("block size " << block << ", block " << b);
      REQUIRE(partial[b] == Approx(expected).margin(1e-4));
    }
  }
}

TEST_CASE("16x16-tiled SGEMM matches a CPU triple loop", "[simt][barrier]") {
  const int M = 37, N = 45, K = 50;  // not multiples of the tile: exercises the edge guards
  const std::vector<float> a = random_floats(M * K, 1), b = random_floats(K * N, 2);
  DeviceBuffer<float> da(a), db(b), dc(M * N);
  const dim3 grid((N + 15) / 16, (M + 15) / 16);
  launch(cnn::simt::test::sgemm_tiled, grid, dim3(16, 16), 0, nullptr, M, N, K, da.get(), db.get(),
         dc.get());
  REQUIRE(cudaGetLastError() == cudaSuccess);
  const std::vector<float> c = dc.to_host();
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < N; ++j) {
      double expected = 0;
      for (int k = 0; k < K; ++k) expected += double{a[i * K + k]} * b[k * N + j];
      INFO("C[" << i << "," << j << "]");
      REQUIRE(c[i * N + j] == Approx(expected).margin(1e-5));
    }
  }
}

TEST_CASE("__shared__ is private to each block while blocks run in parallel", "[simt][barrier]") {
  struct Kernel {
    // Each thread stamps its slot with its block, then checks its neighbour's stamp after the
    // barrier: a shared array visible to another block in flight would show foreign stamps.
    static __global__ void stamp(int* foreign) {
      __shared__ int slots[128];
      const int t = threadIdx.x;
      for (int round = 0; round < 8; ++round) {
        slots[t] = static_cast<int>(blockIdx.x) * 1000 + round;
        __syncthreads();
        if (slots[(t + 1) % blockDim.x] != static_cast<int>(blockIdx.x) * 1000 + round) {
          atomicAdd(foreign, 1);
        }
        __syncthreads();
      }
    }
  };
  DeviceBuffer<int> foreign(std::vector<int>{0});
  launch(Kernel::stamp, dim3(256), dim3(128), 0, nullptr, foreign.get());
  REQUIRE(cudaGetLastError() == cudaSuccess);
  REQUIRE(foreign.to_host()[0] == 0);
}

TEST_CASE("a missing __syncthreads gives a wrong result under at least one schedule",
          "[simt][barrier][schedule]") {
  ScheduleGuard guard;
  const int n = 256 * 4;
  int wrong_schedules = 0;
  for (const Schedule& s : kAllSchedules) {
    cnn::simt::set_schedule(s);
    const std::vector<float> x = random_floats(n, 99u + static_cast<unsigned>(s.kind));
    DeviceBuffer<float> dx(x), dgood(4), dbad(4);
    launch(cnn::simt::test::block_sum, dim3(4), dim3(256), 0, nullptr, dx.get(), dgood.get(), n);
    launch(block_sum_missing_barrier, dim3(4), dim3(256), 0, nullptr, dx.get(), dbad.get(), n);
    const std::vector<float> good = dgood.to_host(), bad = dbad.to_host();
    bool differs = false;
    for (int b = 0; b < 4; ++b) {
      double expected = 0;
      for (int i = b * 256; i < (b + 1) * 256; ++i) expected += x[i];
      REQUIRE(good[b] == Approx(expected).margin(1e-4));  // the correct kernel passes every order
      differs = differs || std::fabs(bad[b] - expected) > 1e-3;
    }
    wrong_schedules += differs;
  }
  REQUIRE(wrong_schedules >= 1);
}

TEST_CASE("the random schedule is reproducible for a given seed", "[simt][schedule]") {
  ScheduleGuard guard;
  // Each thread records the global order in which threads passed the first phase.
  static int counter;
  struct Kernel {
    static __global__ void record_order(int* order) {
      order[threadIdx.x] = atomicAdd(&counter, 1);
      __syncthreads();
    }
  };
  auto run = [](Schedule s) {
    cnn::simt::set_schedule(s);
    counter = 0;
    DeviceBuffer<int> order(64);
    launch(Kernel::record_order, dim3(1), dim3(64), 0, nullptr, order.get());
    return order.to_host();
  };
  const std::vector<int> forward = run({Schedule::Kind::kForward, 0});
  const std::vector<int> reverse = run({Schedule::Kind::kReverse, 0});
  const std::vector<int> random_a = run({Schedule::Kind::kRandom, 5});
  const std::vector<int> random_b = run({Schedule::Kind::kRandom, 5});
  const std::vector<int> random_c = run({Schedule::Kind::kRandom, 6});
  for (int t = 0; t < 64; ++t) {
    REQUIRE(forward[t] == t);
    REQUIRE(reverse[t] == 63 - t);
  }
  REQUIRE(random_a == random_b);
  REQUIRE(random_a != random_c);
  REQUIRE(random_a != forward);
}

TEST_CASE("parse_schedule reads the CNN_SIMT_SCHEDULE syntax", "[simt][schedule]") {
  REQUIRE(cnn::simt::parse_schedule("forward").kind == Schedule::Kind::kForward);
  REQUIRE(cnn::simt::parse_schedule("reverse").kind == Schedule::Kind::kReverse);
  const Schedule r = cnn::simt::parse_schedule("random:20261123");
  REQUIRE(r.kind == Schedule::Kind::kRandom);
  REQUIRE(r.seed == 20261123u);
  const auto bad = run_in_child([] { cnn::simt::parse_schedule("randm:1"); });
  REQUIRE(bad.aborted);
  REQUIRE_THAT(bad.stderr_text, Catch::Contains("CNN_SIMT_SCHEDULE"));
}

namespace {
__global__ void barrier_at_two_sites(int* out) {
  if (blockIdx.x == 2 && threadIdx.x < 16) {
    __syncthreads();
  } else {
    __syncthreads();
  }
  out[blockIdx.x * blockDim.x + threadIdx.x] = 1;
}

__global__ void some_threads_exit_before_barrier(int* out) {
  if (blockIdx.x == 1 && threadIdx.x >= 40) return;
  __syncthreads();
  out[blockIdx.x * blockDim.x + threadIdx.x] = 1;
}

__global__ void well_behaved(int* out) {
  __syncthreads();
  out[blockIdx.x * blockDim.x + threadIdx.x] = 1;
}
}  // namespace

TEST_CASE("the death-test helper tells a clean child from an aborted one", "[simt][death]") {
  const auto ok = run_in_child([] {
    DeviceBuffer<int> out(3 * 64);
    launch(well_behaved, dim3(3), dim3(64), 0, nullptr, out.get());
  });
  REQUIRE(ok.exited_cleanly);
  REQUIRE_FALSE(ok.aborted);
}

TEST_CASE("a barrier reached at different call sites aborts naming the block",
          "[simt][barrier][death]") {
  const auto outcome = run_in_child([] {
    DeviceBuffer<int> out(3 * 64);
    launch(barrier_at_two_sites, dim3(3), dim3(64), 0, nullptr, out.get());
  });
  REQUIRE(outcome.aborted);
  REQUIRE_THAT(outcome.stderr_text, Catch::Contains("block (2,0,0)"));
  REQUIRE_THAT(outcome.stderr_text, Catch::Contains("divergent barrier"));
  // Both call sites are named: the two __syncthreads() lines of barrier_at_two_sites.
  const std::string& text = outcome.stderr_text;
  const auto first = text.find("test_block_sync.cpp:");
  REQUIRE(first != std::string::npos);
  REQUIRE(text.find("test_block_sync.cpp:", first + 1) != std::string::npos);
}

TEST_CASE("threads exiting while others wait at a barrier abort naming the block",
          "[simt][barrier][death]") {
  const auto outcome = run_in_child([] {
    DeviceBuffer<int> out(3 * 64);
    launch(some_threads_exit_before_barrier, dim3(3), dim3(64), 0, nullptr, out.get());
  });
  REQUIRE(outcome.aborted);
  REQUIRE_THAT(outcome.stderr_text, Catch::Contains("block (1,0,0)"));
  REQUIRE_THAT(outcome.stderr_text, Catch::Contains("have exited"));
  REQUIRE_THAT(outcome.stderr_text, Catch::Contains("test_block_sync.cpp:"));
}

TEST_CASE("a 1024-thread 3-D block indexes and synchronises every thread", "[simt][barrier]") {
  // Every thread writes its linear id, then after the barrier reads its mirror's slot.
  struct Kernel {
    static __global__ void mirror(int* out) {
      __shared__ int ids[1024];
      const int linear =
          threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * static_cast<int>(threadIdx.z));
      ids[linear] = linear;
      __syncthreads();
      out[linear] = ids[1023 - linear];
    }
  };
  DeviceBuffer<int> out(1024);
  launch(Kernel::mirror, dim3(1), dim3(8, 8, 16), 0, nullptr, out.get());
  REQUIRE(cudaGetLastError() == cudaSuccess);
  const std::vector<int> h = out.to_host();
  for (int i = 0; i < 1024; ++i) REQUIRE(h[i] == 1023 - i);
}

TEST_CASE("__syncthreads_count/and/or aggregate the block's predicates", "[simt][barrier]") {
  struct Kernel {
    static __global__ void votes(int* out) {
      const int t = threadIdx.x;
      const int count = __syncthreads_count(t % 3 == 0);
      const int all_small = __syncthreads_and(t < 1000);
      const int all_even = __syncthreads_and(t % 2 == 0);
      const int any_last = __syncthreads_or(t == static_cast<int>(blockDim.x) - 1);
      const int any_big = __syncthreads_or(t > 5000);
      if (t == 0) {
        out[0] = count;
        out[1] = all_small;
        out[2] = all_even;
        out[3] = any_last;
        out[4] = any_big;
      }
    }
  };
  DeviceBuffer<int> out(5);
  launch(Kernel::votes, dim3(1), dim3(100), 0, nullptr, out.get());
  const std::vector<int> h = out.to_host();
  REQUIRE(h[0] == 34);  // 0, 3, ..., 99
  REQUIRE(h[1] != 0);
  REQUIRE(h[2] == 0);
  REQUIRE(h[3] != 0);
  REQUIRE(h[4] == 0);
}
