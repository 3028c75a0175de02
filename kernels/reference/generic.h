// Every reference kernel as a template over the scalar type, in cnn::kernels::reference::generic.
// ops.h's float API is a thin instantiation of these; tests instantiate them with double to run
// finite-difference gradient checks with no float rounding in the way, e.g.
//   reference::generic::conv2d_forward<double>(shape, x, w, bias, y);
#pragma once

#include "kernels/reference/activations.h"
#include "kernels/reference/avg_pool2d.h"
#include "kernels/reference/batch_norm2d.h"
#include "kernels/reference/conv2d.h"
#include "kernels/reference/elementwise.h"
#include "kernels/reference/linear.h"
#include "kernels/reference/max_pool2d.h"
#include "kernels/reference/optim.h"
#include "kernels/reference/relu.h"
#include "kernels/reference/softmax.h"
#include "kernels/reference/upsample.h"
