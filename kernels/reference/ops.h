// Reference kernels: naive loops that accumulate in double. They are the specification the fast
// CPU and CUDA kernels are tested against; linked by tests and benchmarks, never by the library.
#pragma once

#include <cstdint>

#include "kernels/shapes.h"

namespace cnn::kernels::reference {
#include "kernels/host_ops.inc"
}  // namespace cnn::kernels::reference
