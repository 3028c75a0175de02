// Reference kernels: naive loops that accumulate in double. They are the specification the fast
// CPU and CUDA kernels are tested against; linked by tests and benchmarks, never by the library.
// These float functions are thin instantiations of the templates in kernels/reference/generic.h,
// which tests also instantiate in double (gradient checks) or with float inputs and double
// outputs (comparisons against the fast backends).
#pragma once

#include <cstdint>

#include "kernels/shapes.h"

namespace cnn::kernels::reference {
#include "kernels/host_ops.inc"
}  // namespace cnn::kernels::reference
