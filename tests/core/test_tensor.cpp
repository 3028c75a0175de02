// Tensor basics: factories, views, copies, printing and the errors at op boundaries.
#include <catch2/catch.hpp>

#include <sstream>

#include "test_util.h"

using namespace cnn;
using Catch::Matchers::Contains;

TEST_CASE("factories fill the requested values", "[tensor]") {
  REQUIRE(Tensor::zeros({2, 3}).to_vector() == std::vector<float>(6, 0.f));
  REQUIRE(Tensor::ones({4}).to_vector() == std::vector<float>(4, 1.f));
  REQUIRE(Tensor::full({2, 2}, -1.5f).to_vector() == std::vector<float>(4, -1.5f));
  const Tensor t = Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  REQUIRE(t.shape() == Shape{2, 3});
  REQUIRE(t.numel() == 6);
  REQUIRE(t.size(-1) == 3);
  REQUIRE(t.to_vector() == std::vector<float>{1, 2, 3, 4, 5, 6});
  REQUIRE(Tensor::from_vector({7}, {}).item() == 7.f);
  REQUIRE_THROWS_WITH(Tensor::from_vector({1, 2, 3}, {2, 2}), Contains("[2,2]"));
  REQUIRE_THROWS_WITH(t.item(), Contains("[2,3]"));
}

TEST_CASE("rand and randn are deterministic per seed and in range", "[tensor]") {
  Generator a(5), b(5), c(6);
  const std::vector<float> x = Tensor::rand({1000}, Device::cpu(), &a, -2.f, 3.f).to_vector();
  REQUIRE(x == Tensor::rand({1000}, Device::cpu(), &b, -2.f, 3.f).to_vector());
  REQUIRE(x != Tensor::rand({1000}, Device::cpu(), &c, -2.f, 3.f).to_vector());
  double mean = 0;
  for (float v : x) {
    REQUIRE(v >= -2.f);
    REQUIRE(v < 3.f);
    mean += v / 1000.0;
  }
  REQUIRE(mean == Approx(0.5).margin(0.15));
  Generator g(1);
  const std::vector<float> n = Tensor::randn({20000}, Device::cpu(), &g).to_vector();
  double m = 0, var = 0;
  for (float v : n) m += v / 20000.0;
  for (float v : n) var += (v - m) * (v - m) / 20000.0;
  REQUIRE(m == Approx(0).margin(0.03));
  REQUIRE(var == Approx(1).margin(0.05));
}

TEST_CASE("generator state round-trips", "[tensor]") {
  Generator g(42);
  g.uniform();
  const std::string state = g.state();
  const float next = g.uniform();
  Generator h;
  h.set_state(state);
  REQUIRE(h.uniform() == next);
  REQUIRE_THROWS_WITH(h.set_state("garbage"), Contains("garbage"));
}

TEST_CASE("reshape and view share storage; clone and to copy", "[tensor]") {
  Tensor t = Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor v = t.view({3, 2});
  REQUIRE(v.shape() == Shape{3, 2});
  REQUIRE(v.data() == t.data());
  REQUIRE(t.reshape({-1}).shape() == Shape{6});
  REQUIRE_THROWS_WITH(t.reshape({4, 2}), Contains("reshape") && Contains("[2,3]"));
  Tensor c = t.clone();
  REQUIRE(c.data() != t.data());
  REQUIRE(c.to_vector() == t.to_vector());
  REQUIRE(t.to(Device::cpu()).same(t));
  c.copy_(Tensor::zeros({6}));
  REQUIRE(c.to_vector() == std::vector<float>(6, 0.f));
  REQUIRE(t.to_vector()[0] == 1.f);
}

TEST_CASE("printing shows shape, device and values", "[tensor]") {
  std::ostringstream os;
  os << Tensor::from_vector({1, 2}, {1, 2});
  REQUIRE_THAT(os.str(), Contains("[1,2]") && Contains("cpu") && Contains("1, 2"));
  REQUIRE(Device::parse("cuda:0") == Device::cuda(0));
  REQUIRE(Device::parse("cpu").str() == "cpu");
  REQUIRE_THROWS_WITH(Device::parse("gpu"), Contains("gpu"));
}

TEST_CASE("op boundaries name the op and the shapes", "[tensor]") {
  const Tensor x = Tensor::zeros({2, 3, 8, 8});
  REQUIRE_THROWS_WITH(conv2d(x, Tensor::zeros({5, 4, 3, 3})),
                      Contains("conv2d") && Contains("[2,3,8,8]") && Contains("expects 4"));
  REQUIRE_THROWS_WITH(linear(Tensor::zeros({2, 3}), Tensor::zeros({4, 5})),
                      Contains("linear") && Contains("[2,3]") && Contains("[4,5]"));
  REQUIRE_THROWS_WITH(add(Tensor::zeros({2}), Tensor::zeros({3})),
                      Contains("add") && Contains("[2]") && Contains("[3]"));
  REQUIRE_THROWS_WITH(cross_entropy(Tensor::zeros({2, 3}), {0, 3}),
                      Contains("label 3") && Contains("[0, 3)"));
  REQUIRE_THROWS_WITH(cross_entropy(Tensor::zeros({2, 3}), {0}), Contains("1 labels"));
  REQUIRE_THROWS_WITH(max_pool2d(Tensor::zeros({1, 1, 1, 1}), 2), Contains("max_pool2d"));
}

#if !defined(CNN_WITH_CUDA)
TEST_CASE("a CPU-only build refuses CUDA tensors loudly", "[tensor]") {
  REQUIRE_FALSE(cuda_available());
  REQUIRE_THROWS_WITH(Tensor::zeros({2}, Device::cuda()), Contains("built without CUDA"));
  REQUIRE_THROWS_WITH(Tensor::zeros({2}).to(Device::cuda()), Contains("built without CUDA"));
}
#endif

TEST_CASE("large CPU tensors reuse cached blocks instead of going back to the system", "[tensor]") {
  const int64_t n = (int64_t(3) << 20) + 1;  // 12 MiB + 4 B: glibc would mmap and munmap it
  cpu_empty_cache();
  const MemoryStats start = cpu_memory_stats();
  const void* first = nullptr;
  {
    const Tensor a = Tensor::full({n}, 2.f);
    first = a.data();
    REQUIRE(cpu_memory_stats().bytes_in_use == start.bytes_in_use + (int64_t(14) << 20));
  }
  REQUIRE(cpu_memory_stats().cached_bytes == int64_t(14) << 20);  // rounded up to 2 MiB classes
  const int64_t allocations = cpu_memory_stats().device_allocations;
  for (int i = 0; i < 5; ++i) {
    const Tensor b = Tensor::zeros({n});
    REQUIRE(b.data() == first);                                 // the same block again...
    REQUIRE(b.to_vector()[static_cast<size_t>(n) - 1] == 0.f);  // ...with the new contents
  }
  REQUIRE(cpu_memory_stats().device_allocations == allocations);
  // Two live tensors of the class need a second block; small tensors bypass the cache.
  {
    const Tensor c = Tensor::ones({n}), d = Tensor::ones({n}), small = Tensor::ones({1000});
    REQUIRE(cpu_memory_stats().device_allocations == allocations + 1);
    REQUIRE(cpu_memory_stats().bytes_in_use == start.bytes_in_use + (int64_t(28) << 20));
  }
  REQUIRE(cpu_memory_stats().peak_bytes >= start.bytes_in_use + (int64_t(28) << 20));
  cpu_empty_cache();
  REQUIRE(cpu_memory_stats().cached_bytes == 0);
}

TEST_CASE("a CPU tensor too large for the machine is a clear error", "[tensor]") {
  // 2^42 floats = 16 TiB, more than any machine that runs these tests has; small and cached sizes
  // go through the same allocator, so both report the request and suggest a smaller batch.
  REQUIRE_THROWS_WITH(Tensor::zeros({int64_t(1) << 42}),
                      Contains("out of host memory") && Contains("17592186044416 bytes") &&
                          Contains("smaller batch"));
}
