// kernels/shapes.h: output extents and validity, against PyTorch's floor-mode formula.
#include <catch2/catch.hpp>

#include "kernels/shapes.h"

using cnn::kernels::Conv2dShape;
using cnn::kernels::MaxPool2dShape;
using cnn::kernels::window_output_size;

TEST_CASE("window_output_size follows PyTorch's floor mode", "[shapes]") {
  CHECK(window_output_size(100, 3, 1, 1) == 100);  // the seed network's convolutions
  CHECK(window_output_size(100, 2, 2, 0) == 50);   // and its pools
  CHECK(window_output_size(25, 2, 2, 0) == 12);    // floor, not ceil
  CHECK(window_output_size(7, 3, 2, 0, 2) == 2);   // dilation 2: span 5
  CHECK(window_output_size(3, 3, 1, 0) == 1);      // exactly fits
  // A window larger than the padded input has no output position. The span is negative, and
  // C++ division truncates toward zero, which used to report one output here.
  CHECK(window_output_size(2, 3, 1, 0) == 0);
  CHECK(window_output_size(2, 4, 2, 0) == 0);
  CHECK(window_output_size(1, 3, 3, 0, 2) == 0);
}

TEST_CASE("shapes whose window does not fit are invalid", "[shapes]") {
  Conv2dShape conv;
  conv.N = 1, conv.C = 1, conv.H = 2, conv.W = 2, conv.K = 1, conv.R = 3, conv.S = 3;
  CHECK_FALSE(conv.valid());
  conv.pad_h = conv.pad_w = 1;
  CHECK(conv.valid());
  CHECK(conv.P() == 2);

  MaxPool2dShape pool;
  pool.N = 1, pool.C = 1, pool.H = 1, pool.W = 1;  // 2x2 window on a 1x1 plane
  CHECK_FALSE(pool.valid());
  pool.H = pool.W = 2;
  CHECK(pool.valid());
}

TEST_CASE("grouped conv shapes: PyTorch's divisibility rules and weight size", "[shapes]") {
  Conv2dShape conv;
  conv.N = 2, conv.C = 6, conv.H = 5, conv.W = 5, conv.K = 9, conv.R = 3, conv.S = 3;
  conv.groups = 3;
  CHECK(conv.valid());
  CHECK(conv.weight_size() == 9 * 2 * 3 * 3);  // [K, C/groups, R, S]
  CHECK_FALSE(conv.depthwise());
  conv.groups = 6;  // C % 6 == 0 but K = 9 is not a multiple of 6
  CHECK_FALSE(conv.valid());
  conv.K = 12;  // depthwise, multiplier 2
  CHECK(conv.valid());
  CHECK(conv.depthwise());
  CHECK(conv.weight_size() == 12 * 1 * 3 * 3);
  conv.groups = 4;  // C = 6 is not a multiple of 4
  CHECK_FALSE(conv.valid());
  conv.groups = 0;
  CHECK_FALSE(conv.valid());
}
