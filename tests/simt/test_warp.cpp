// Warp-level intrinsics of the SIMT harness against the results the CUDA Programming Guide
// documents: each shuffle variant at every width, with out-of-range and cross-segment lanes,
// several value types, partial masks, votes; and the misuse cases that must abort.
//
// The expected values are computed here from the Guide's wording (segments of `width` lanes;
// up/down out of the segment -> own value; xor may read earlier segments but not later ones;
// __shfl_sync reads srcLane modulo width), independently of the harness's PTX-style arithmetic.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "tests/simt/death_test.h"
#include "tests/simt/sample_kernels.h"

namespace {

using cnn::kernels::cuda::launch;
using cnn::simt::test::DeviceBuffer;
using cnn::simt::test::run_in_child;

enum class Variant { kIdx, kUp, kDown, kXor };

// Value lane `l` of warp `w` contributes.
template <typename T>
T lane_value(int warp, int lane) {
  return static_cast<T>(1000 * warp + 3 * lane + 1);
}

template <typename T>
__global__ void shuffle_kernel(Variant variant, const int* params, int width, T* out) {
  const int t = threadIdx.x;
  const T v = lane_value<T>(t / 32, t % 32);
  const int p = params[t];
  T r{};
  switch (variant) {
    case Variant::kIdx:
      r = __shfl_sync(0xffffffffu, v, p, width);
      break;
    case Variant::kUp:
      r = __shfl_up_sync(0xffffffffu, v, p, width);
      break;
    case Variant::kDown:
      r = __shfl_down_sync(0xffffffffu, v, p, width);
      break;
    case Variant::kXor:
      r = __shfl_xor_sync(0xffffffffu, v, p, width);
      break;
  }
  out[t] = r;
}

// The CUDA Programming Guide's description of each variant, for lane `lane` of a full warp.
int documented_source_lane(Variant variant, int lane, int p, int width) {
  const int segment = lane / width * width;
  const int in_segment = lane % width;
  switch (variant) {
    case Variant::kIdx:
      return segment + ((p % width) + width) % width;
    case Variant::kUp:
      return in_segment - p >= 0 ? lane - p : lane;
    case Variant::kDown:
      return in_segment + p < width ? lane + p : lane;
    case Variant::kXor: {
      const int src = lane ^ p;
      return src / width > lane / width ? lane : src;  // later segments give the own value
    }
  }
  return -1;
}

template <typename T>
void check_variant(Variant variant, const char* name) {
  const int threads = 64;  // two warps: results must never cross warps
  for (int width : {32, 16, 8, 4, 2, 1}) {
    for (int p : {0, 1, 3, 7, 16, 31}) {
      std::vector<int> params(threads, p);
      if (variant == Variant::kIdx) {
        // srcLane differs per lane, incl. values >= width and >= 32.
        for (int t = 0; t < threads; ++t) params[t] = (t * 7 + p) % 45;
      }
      DeviceBuffer<int> dparams(params);
      DeviceBuffer<T> dout(threads);
      launch(shuffle_kernel<T>, dim3(1), dim3(threads), 0, nullptr, variant, dparams.get(), width,
             dout.get());
      REQUIRE(cudaGetLastError() == cudaSuccess);
      const std::vector<T> out = dout.to_host();
      for (int t = 0; t < threads; ++t) {
        const int src = documented_source_lane(variant, t % 32, params[t], width);
        INFO(name << " width " << width << " param " << params[t] << " lane " << t);
        REQUIRE(out[t] == lane_value<T>(t / 32, src));
      }
    }
  }
}

}  // namespace

TEST_CASE("shuffles return the documented lanes at every width", "[simt][warp]") {
  check_variant<float>(Variant::kIdx, "__shfl_sync");
  check_variant<float>(Variant::kUp, "__shfl_up_sync");
  check_variant<float>(Variant::kDown, "__shfl_down_sync");
  check_variant<float>(Variant::kXor, "__shfl_xor_sync");
}

TEST_CASE("shuffles carry int, unsigned, long long and double unchanged", "[simt][warp]") {
  check_variant<int>(Variant::kDown, "__shfl_down_sync<int>");
  check_variant<unsigned>(Variant::kXor, "__shfl_xor_sync<unsigned>");
  check_variant<long long>(Variant::kIdx, "__shfl_sync<long long>");
  check_variant<double>(Variant::kUp, "__shfl_up_sync<double>");
  // 64-bit payloads keep their high bits.
  struct Kernel {
    static __global__ void wide(long long* out) {
      const long long v = (static_cast<long long>(threadIdx.x) << 40) | 0x5;
      out[threadIdx.x] = __shfl_xor_sync(0xffffffffu, v, 1);
    }
  };
  DeviceBuffer<long long> out(32);
  launch(Kernel::wide, dim3(1), dim3(32), 0, nullptr, out.get());
  const std::vector<long long> h = out.to_host();
  for (int t = 0; t < 32; ++t) REQUIRE(h[t] == ((static_cast<long long>(t ^ 1) << 40) | 0x5));
}

TEST_CASE("warp reductions and an inclusive scan built from shuffles", "[simt][warp]") {
  struct Kernel {
    static __global__ void reduce_and_scan(const float* x, float* sum_down, float* sum_xor,
                                           float* scan) {
      const int t = threadIdx.x;
      float down = x[t], all = x[t], prefix = x[t];
      for (int offset = 16; offset > 0; offset >>= 1) {
        down += __shfl_down_sync(0xffffffffu, down, offset);
        all += __shfl_xor_sync(0xffffffffu, all, offset);
      }
      for (int offset = 1; offset < 32; offset <<= 1) {  // Hillis-Steele: back-to-back shuffles
        const float left = __shfl_up_sync(0xffffffffu, prefix, offset);
        if (t % 32 >= offset) prefix += left;
      }
      if (t % 32 == 0) sum_down[t / 32] = down;
      sum_xor[t] = all;
      scan[t] = prefix;
    }
  };
  std::vector<float> x(96);
  for (int i = 0; i < 96; ++i) x[i] = static_cast<float>((i * 37) % 11) - 5.0f;  // exact sums
  DeviceBuffer<float> dx(x), down(3), all(96), scan(96);
  launch(Kernel::reduce_and_scan, dim3(1), dim3(96), 0, nullptr, dx.get(), down.get(), all.get(),
         scan.get());
  const std::vector<float> hd = down.to_host(), ha = all.to_host(), hs = scan.to_host();
  for (int w = 0; w < 3; ++w) {
    float total = 0, running = 0;
    for (int l = 0; l < 32; ++l) total += x[w * 32 + l];
    REQUIRE(hd[w] == total);
    for (int l = 0; l < 32; ++l) {
      running += x[w * 32 + l];
      REQUIRE(ha[w * 32 + l] == total);
      REQUIRE(hs[w * 32 + l] == running);
    }
  }
}

TEST_CASE("disjoint partial masks shuffle independently; lanes outside the mask read poison",
          "[simt][warp]") {
  struct Kernel {
    static __global__ void halves(float* out, int* out_int) {
      const unsigned lane = threadIdx.x % 32;
      const unsigned mask = lane < 16 ? 0x0000ffffu : 0xffff0000u;
      const float v = static_cast<float>(lane);
      // Lower half rotates by one within itself; upper half reads lane (lane+1)%32, which for
      // lane 31 is lane 0: outside its mask, so undefined in CUDA and poison here.
      const int src =
          lane < 16 ? static_cast<int>((lane + 1) % 16) : static_cast<int>(lane + 1) % 32;
      out[lane] = __shfl_sync(mask, v, src);
      out_int[lane] = __shfl_sync(mask, static_cast<int>(lane), src);
    }
  };
  DeviceBuffer<float> out(32);
  DeviceBuffer<int> out_int(32);
  launch(Kernel::halves, dim3(1), dim3(32), 0, nullptr, out.get(), out_int.get());
  REQUIRE(cudaGetLastError() == cudaSuccess);
  const std::vector<float> h = out.to_host();
  const std::vector<int> hi = out_int.to_host();
  for (int l = 0; l < 16; ++l) REQUIRE(h[l] == static_cast<float>((l + 1) % 16));
  for (int l = 16; l < 31; ++l) REQUIRE(h[l] == static_cast<float>(l + 1));
  REQUIRE(std::isnan(h[31]));
  REQUIRE(hi[31] == -1);
}

TEST_CASE("a partial warp works with the mask of its existing lanes", "[simt][warp]") {
  struct Kernel {
    static __global__ void short_warp(int* out) {
      const unsigned mask = __activemask();  // 48 threads: warp 1 has lanes 0..15
      out[threadIdx.x] = __shfl_down_sync(mask, static_cast<int>(threadIdx.x), 1, 16);
      out[48 + threadIdx.x] = static_cast<int>(mask);
    }
  };
  DeviceBuffer<int> out(96);
  launch(Kernel::short_warp, dim3(1), dim3(48), 0, nullptr, out.get());
  const std::vector<int> h = out.to_host();
  for (int t = 0; t < 48; ++t) {
    REQUIRE(h[t] == (t % 16 == 15 ? t : t + 1));
    REQUIRE(static_cast<unsigned>(h[48 + t]) == (t < 32 ? 0xffffffffu : 0x0000ffffu));
  }
}

TEST_CASE("ballot, any, all and __syncwarp", "[simt][warp]") {
  struct Kernel {
    static __global__ void votes(unsigned* out) {
      const int lane = threadIdx.x % 32;
      const unsigned ballot = __ballot_sync(0xffffffffu, lane % 3 == 0);
      const int any = __any_sync(0xffffffffu, lane == 17);
      const int all = __all_sync(0xffffffffu, lane < 32);
      const int not_all = __all_sync(0xffffffffu, lane < 31);
      const unsigned half = lane < 16 ? __ballot_sync(0x0000ffffu, lane >= 8) : 0u;
      __syncwarp();
      if (lane == 0) {
        out[0] = ballot;
        out[1] = static_cast<unsigned>(any);
        out[2] = static_cast<unsigned>(all);
        out[3] = static_cast<unsigned>(not_all);
        out[4] = half;
      }
    }
  };
  DeviceBuffer<unsigned> out(5);
  launch(Kernel::votes, dim3(1), dim3(32), 0, nullptr, out.get());
  const std::vector<unsigned> h = out.to_host();
  unsigned expected = 0;
  for (int l = 0; l < 32; l += 3) expected |= 1u << l;
  REQUIRE(h[0] == expected);
  REQUIRE(h[1] != 0);
  REQUIRE(h[2] != 0);
  REQUIRE(h[3] == 0);
  REQUIRE(h[4] == 0x0000ff00u);
}

namespace {
__global__ void full_mask_in_partial_warp(float* out) {
  float v = static_cast<float>(threadIdx.x);
  if (blockIdx.y == 1) {
    v += __shfl_down_sync(0xffffffffu, v, 1);  // blockDim 48: warp 1 has only 16 lanes
  } else {
    v += __shfl_down_sync(__activemask(), v, 1);
  }
  out[threadIdx.x] = v;
}

__global__ void shuffle_at_two_sites(float* out) {
  float v = static_cast<float>(threadIdx.x);
  if (threadIdx.x % 2 == 0) {
    v = __shfl_xor_sync(0xffffffffu, v, 1);
  } else {
    v = __shfl_xor_sync(0xffffffffu, v, 1);
  }
  out[threadIdx.x] = v;
}

__global__ void lane_not_in_own_mask(float* out) {
  out[threadIdx.x] = __shfl_sync(0x1u, 1.0f, 0);  // only lane 0 may call with this mask
}

__global__ void lane_exits_before_shuffle(float* out) {
  if (threadIdx.x == 3) return;
  out[threadIdx.x] = __shfl_sync(0xffffffffu, 1.0f, 0);
}

__global__ void one_shuffle_two_masks(float* out) {
  // Lanes 0-15 name lanes 0-16, lanes 16-31 name the whole warp: neither group can complete alone.
  const unsigned mask = threadIdx.x < 16 ? 0x0001ffffu : 0xffffffffu;
  out[threadIdx.x] = __shfl_down_sync(mask, 1.0f, 1);
}

__global__ void width_not_power_of_two(float* out) {
  out[threadIdx.x] = __shfl_down_sync(0xffffffffu, 1.0f, 1, 12);
}

__global__ void shuffle_while_others_wait_at_barrier(float* out) {
  if (threadIdx.x < 16) {
    out[threadIdx.x] = __shfl_sync(0xffffffffu, 1.0f, 0);
  }
  __syncthreads();
}
}  // namespace

TEST_CASE("a full-mask shuffle in a partial warp aborts naming the block", "[simt][warp][death]") {
  const auto outcome = run_in_child([] {
    DeviceBuffer<float> out(48);
    launch(full_mask_in_partial_warp, dim3(1, 2), dim3(48), 0, nullptr, out.get());
  });
  REQUIRE(outcome.aborted);
  REQUIRE_THAT(outcome.stderr_text, Catch::Contains("block (0,1,0)"));
  REQUIRE_THAT(outcome.stderr_text, Catch::Contains("not a multiple of 32"));
  REQUIRE_THAT(outcome.stderr_text, Catch::Contains("__shfl_down_sync"));
}

TEST_CASE("shuffle misuse aborts with the call sites", "[simt][warp][death]") {
  SECTION("lanes of one mask at different shuffles") {
    const auto o = run_in_child([] {
      DeviceBuffer<float> out(32);
      launch(shuffle_at_two_sites, dim3(1), dim3(32), 0, nullptr, out.get());
    });
    REQUIRE(o.aborted);
    REQUIRE_THAT(o.stderr_text, Catch::Contains("block (0,0,0)"));
    REQUIRE_THAT(o.stderr_text, Catch::Contains("__shfl_xor_sync"));
  }
  SECTION("caller not in its mask") {
    const auto o = run_in_child([] {
      DeviceBuffer<float> out(32);
      launch(lane_not_in_own_mask, dim3(1), dim3(32), 0, nullptr, out.get());
    });
    REQUIRE(o.aborted);
    REQUIRE_THAT(o.stderr_text, Catch::Contains("is not in its own mask"));
  }
  SECTION("a lane of the mask has exited") {
    const auto o = run_in_child([] {
      DeviceBuffer<float> out(32);
      launch(lane_exits_before_shuffle, dim3(1), dim3(32), 0, nullptr, out.get());
    });
    REQUIRE(o.aborted);
    REQUIRE_THAT(o.stderr_text, Catch::Contains("exited"));
    REQUIRE_THAT(o.stderr_text, Catch::Contains("block (0,0,0)"));
  }
  SECTION("one shuffle reached with different masks") {
    const auto o = run_in_child([] {
      DeviceBuffer<float> out(32);
      launch(one_shuffle_two_masks, dim3(1), dim3(32), 0, nullptr, out.get());
    });
    REQUIRE(o.aborted);
    REQUIRE_THAT(o.stderr_text, Catch::Contains("0x0001ffff"));
    REQUIRE_THAT(o.stderr_text, Catch::Contains("0xffffffff"));
  }
  SECTION("width is not a power of two") {
    const auto o = run_in_child([] {
      DeviceBuffer<float> out(32);
      launch(width_not_power_of_two, dim3(1), dim3(32), 0, nullptr, out.get());
    });
    REQUIRE(o.aborted);
    REQUIRE_THAT(o.stderr_text, Catch::Contains("width 12"));
  }
  SECTION("a lane of the mask waits at a barrier instead") {
    const auto o = run_in_child([] {
      DeviceBuffer<float> out(32);
      launch(shuffle_while_others_wait_at_barrier, dim3(1), dim3(32), 0, nullptr, out.get());
    });
    REQUIRE(o.aborted);
    REQUIRE_THAT(o.stderr_text, Catch::Contains("__syncthreads()"));
    REQUIRE_THAT(o.stderr_text, Catch::Contains("__shfl_sync()"));
  }
}
