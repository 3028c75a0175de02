// Device built-ins of the SIMT harness that are not about threads: vector-type layout, CUDA's
// min/max overloads, bit reinterpretation and bit-counting intrinsics, fast-math stand-ins.
// Expected values are the CUDA Math API's documented results.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/cuda/runtime.h"

TEST_CASE("vector types have CUDA's size and alignment", "[simt][builtins]") {
  STATIC_REQUIRE(sizeof(float2) == 8);
  STATIC_REQUIRE(alignof(float2) == 8);
  STATIC_REQUIRE(sizeof(float4) == 16);
  STATIC_REQUIRE(alignof(float4) == 16);
  STATIC_REQUIRE(alignof(int4) == 16);
  STATIC_REQUIRE(sizeof(float3) == 12);
  STATIC_REQUIRE(alignof(float3) == 4);
  const dim3 d(7);
  REQUIRE((d.x == 7 && d.y == 1 && d.z == 1));
  const float4 v = make_float4(1, 2, 3, 4);
  REQUIRE((v.x == 1 && v.w == 4));
}

TEST_CASE("min and max resolve like CUDA's overloads", "[simt][builtins]") {
  STATIC_REQUIRE(std::is_same_v<decltype(min(1, 2)), int>);
  STATIC_REQUIRE(std::is_same_v<decltype(max(1, 2u)), unsigned>);
  STATIC_REQUIRE(std::is_same_v<decltype(min(int64_t{1}, int64_t{2})), int64_t>);
  STATIC_REQUIRE(std::is_same_v<decltype(max(1.0f, 2.0f)), float>);
  STATIC_REQUIRE(std::is_same_v<decltype(max(1.0f, 2.0)), double>);
  REQUIRE(min(-3, 2) == -3);
  REQUIRE(max(-1, 1u) == static_cast<unsigned>(-1));  // mixed: compared as unsigned, as in CUDA
  REQUIRE(min(2.5f, -1.0f) == -1.0f);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  REQUIRE(max(nan, 3.0f) == 3.0f);  // fmaxf semantics: NaN operand yields the other
  REQUIRE(min(4.0f, nan) == 4.0f);
}

TEST_CASE("bit reinterpretation and bit-counting intrinsics", "[simt][builtins]") {
  REQUIRE(__float_as_int(1.0f) == 0x3f800000);
  REQUIRE(__int_as_float(0x40000000) == 2.0f);
  REQUIRE(__float_as_uint(-0.0f) == 0x80000000u);
  REQUIRE(__uint_as_float(0x7f800000u) == INFINITY);
  REQUIRE(__double_as_longlong(1.0) == 0x3ff0000000000000ll);
  REQUIRE(__popc(0xf0f0u) == 8);
  REQUIRE(__popcll(~0ull) == 64);
  REQUIRE(__clz(0) == 32);
  REQUIRE(__clz(1) == 31);
  REQUIRE(__ffs(0) == 0);
  REQUIRE(__ffs(0x18) == 4);
  REQUIRE(__brev(1u) == 0x80000000u);
  REQUIRE(__brev(0x0000f00fu) == 0xf00f0000u);
}

TEST_CASE("fast-math stand-ins compute the exact functions", "[simt][builtins]") {
  REQUIRE(__expf(1.0f) == Approx(2.718281828f));
  REQUIRE(__logf(8.0f) == Approx(std::log(8.0f)));
  REQUIRE(__log2f(8.0f) == Approx(3.0f));
  REQUIRE(__log10f(100.0f) == Approx(2.0f));
  REQUIRE(__exp10f(2.0f) == Approx(100.0f));
  REQUIRE(__powf(2.0f, 10.0f) == Approx(1024.0f));
  REQUIRE(__sinf(0.5f) == Approx(std::sin(0.5f)));
  REQUIRE(__cosf(0.5f) == Approx(std::cos(0.5f)));
  REQUIRE(__tanf(0.5f) == Approx(std::tan(0.5f)));
  float s = 0, c = 0;
  __sincosf(0.5f, &s, &c);
  REQUIRE(s == Approx(std::sin(0.5f)));
  REQUIRE(c == Approx(std::cos(0.5f)));
  float (*const taken)(float) = __expf;  // the names are usable as function pointers too
  REQUIRE(taken(0.0f) == 1.0f);
  REQUIRE(__fdividef(1.0f, 4.0f) == 0.25f);
  REQUIRE(rsqrtf(4.0f) == 0.5f);
  REQUIRE(__saturatef(1.5f) == 1.0f);
  REQUIRE(__saturatef(-2.0f) == 0.0f);
  REQUIRE(__saturatef(std::numeric_limits<float>::quiet_NaN()) == 0.0f);
  REQUIRE(__float2int_rn(2.5f) == 2);  // round half to even
  REQUIRE(__float2int_rn(3.5f) == 4);
  REQUIRE(__float2int_rz(-2.7f) == -2);
  const float x = 3.0f;
  REQUIRE(__ldg(&x) == 3.0f);
}
