// Atomics of the SIMT harness across many blocks, which run in parallel on the harness's OS
// threads: exact counts for integer and float adds, min/max, exchange, and a CAS loop.
#include <catch2/catch.hpp>

#include <vector>

#include "tests/simt/sample_kernels.h"

namespace {

using cnn::kernels::cuda::launch;
using cnn::simt::test::DeviceBuffer;

constexpr int kBlocks = 64;
constexpr int kThreads = 256;
constexpr int kTotal = kBlocks * kThreads;

struct Counters {
  int add_int;
  unsigned add_unsigned;
  unsigned long long add_ull;
  float add_float;
  double add_double;
  int max_int;
  int min_int;
  unsigned max_unsigned;
  int cas_int;
  int exch_count;
  int sub_int;
  unsigned or_bits;
};

__global__ void hammer(Counters* c, int* exch_slot) {
  const int id = blockIdx.x * blockDim.x + threadIdx.x;
  atomicAdd(&c->add_int, 1);
  atomicAdd(&c->add_unsigned, 2u);
  atomicAdd(&c->add_ull, 1ull << 33);
  atomicAdd(&c->add_float, 1.0f);  // exact up to 2^24
  atomicAdd(&c->add_double, 0.5);
  atomicMax(&c->max_int, (id * 7919) % kTotal);
  atomicMin(&c->min_int, kTotal - id);
  atomicMax(&c->max_unsigned, static_cast<unsigned>(id));
  atomicSub(&c->sub_int, 3);
  atomicOr(&c->or_bits, 1u << (id % 32));
  // Increment through a compare-and-swap loop, the pattern used for ops without a builtin.
  int old = c->cas_int, assumed;
  do {
    assumed = old;
    old = atomicCAS(&c->cas_int, assumed, assumed + 1);
  } while (old != assumed);
  // Each thread swaps its id in; every id must come out exactly once (plus the initial -1).
  const int previous = atomicExch(exch_slot, id);
  if (previous >= 0) atomicAdd(&c->exch_count, 1);
}

}  // namespace

TEST_CASE("atomics from many parallel blocks lose no update", "[simt][atomics]") {
  Counters init{};
  init.max_int = -1;
  init.min_int = 1 << 30;
  DeviceBuffer<Counters> c(std::vector<Counters>{init});
  DeviceBuffer<int> slot(std::vector<int>{-1});
  launch(hammer, dim3(kBlocks), dim3(kThreads), 0, nullptr, c.get(), slot.get());
  REQUIRE(cudaGetLastError() == cudaSuccess);
  const Counters h = c.to_host()[0];
  REQUIRE(h.add_int == kTotal);
  REQUIRE(h.add_unsigned == 2u * kTotal);
  REQUIRE(h.add_ull == (1ull << 33) * kTotal);
  REQUIRE(h.add_float == static_cast<float>(kTotal));
  REQUIRE(h.add_double == 0.5 * kTotal);
  REQUIRE(h.max_int == kTotal - 1);  // 7919 is prime, so id -> id*7919 % kTotal is a bijection
  REQUIRE(h.min_int == 1);
  REQUIRE(h.max_unsigned == static_cast<unsigned>(kTotal - 1));
  REQUIRE(h.sub_int == -3 * kTotal);
  REQUIRE(h.or_bits == 0xffffffffu);
  REQUIRE(h.cas_int == kTotal);
  REQUIRE(h.exch_count == kTotal - 1);
}

TEST_CASE("atomic return values are the previous contents", "[simt][atomics]") {
  struct Kernel {
    static __global__ void once(int* i, float* f, unsigned long long* u, int* out) {
      out[0] = atomicAdd(i, 5);
      out[1] = static_cast<int>(atomicAdd(f, 2.5f));
      out[2] = atomicCAS(i, 15, 40);  // 15 == *i: swaps, returns 15
      out[3] = atomicCAS(i, 15, 99);  // 40 != 15: no swap, returns 40
      out[4] = static_cast<int>(atomicExch(u, 7ull));
      out[5] = atomicMax(i, 10);  // returns 40, keeps 40
      out[6] = atomicMin(i, 10);  // returns 40, stores 10
      out[7] = *i;
    }
  };
  DeviceBuffer<int> i(std::vector<int>{10}), out(8);
  DeviceBuffer<float> f(std::vector<float>{1.0f});
  DeviceBuffer<unsigned long long> u(std::vector<unsigned long long>{3});
  launch(Kernel::once, dim3(1), dim3(1), 0, nullptr, i.get(), f.get(), u.get(), out.get());
  const std::vector<int> h = out.to_host();
  REQUIRE(h == std::vector<int>{10, 1, 15, 40, 3, 40, 40, 10});
  REQUIRE(f.to_host()[0] == 3.5f);
  REQUIRE(u.to_host()[0] == 7ull);
}
