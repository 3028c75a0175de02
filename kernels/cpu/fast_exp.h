// exp(x) for float as straight-line arithmetic, so `#pragma omp simd` loops over it vectorise
// (std::exp does not without -ffast-math, and was 90% of the softmax kernels' time).
//
// Cephes' expf scheme: x = n ln2 + r with |r| <= ln2/2 (ln2 split in a high and a low part so
// n*ln2 is exact), exp(r) by a degree-6 polynomial, 2^n by building the float's exponent bits.
// Relative error below 1e-7 over [-87.3, 88.3] (measured against double exp on a 1e5-point sweep).
// Domain: meant for the softmax family, where arguments are x - max(x) <= 0. Below -87.3 (exp <
// FLT_MIN) it returns 0; above 88.3 it returns +inf although exp is still finite up to 88.72; NaN
// propagates.
#pragma once

#include <cstdint>
#include <limits>

namespace cnn::kernels::cpu {

inline float fast_exp(float x) {
  constexpr float kMin = -87.3f, kMax = 88.3f;  // keeps n in [-126, 127]: a normal 2^n
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  constexpr float kRoundShift = 12582912.f;  // 1.5 * 2^23: adding it rounds to an integer
  // Both comparisons unconditional: a comparison reached only on one branch (nested ?:) may trap
  // under -ftrapping-math, which stops GCC from turning the selects into vector blends.
  const bool below = x<kMin, above = x> kMax;  // both false for NaN, which passes through
  float xc = below ? kMin : x;
  xc = above ? kMax : xc;
  const float n = (xc * kLog2e + kRoundShift) - kRoundShift;
  const float r = (xc - n * kLn2Hi) - n * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float exp_r = p * r * r + r + 1.f;
  const float two_n = __builtin_bit_cast(float, (int32_t(n) + 127) << 23);
  float y = exp_r * two_n;
  y = below ? 0.f : y;
  return above ? std::numeric_limits<float>::infinity() : y;
}

}  // namespace cnn::kernels::cpu
