// Ready-made networks.
#pragma once

#include <memory>

#include "cnn/nn/sequential.h"

namespace cnn {
class Generator;
}

namespace cnn::nn {

// The seed network "MaskDetection1" (docs/design.md): input [N,3,100,100], 2 logits,
// 82,016,322 parameters. Children 0..11 in the order of torch.nn.Sequential(Conv2d(3,32,3,p=1),
// ReLU, Conv2d(32,64,3,p=1), ReLU, MaxPool2d(2,2), Conv2d(64,128,3,p=1), ReLU, MaxPool2d(2,2),
// Flatten, Linear(80000,1024), ReLU, Linear(1024,2)), so "0.weight" ... "11.bias" match PyTorch.
std::shared_ptr<Sequential> mask_detection_net(Generator* gen = nullptr);

}  // namespace cnn::nn
