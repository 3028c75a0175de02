// The seed network (see models.h and docs/design.md).
#include "cnn/nn/models.h"

#include "cnn/nn/conv2d.h"
#include "cnn/nn/layers.h"
#include "cnn/nn/linear.h"

namespace cnn::nn {

std::shared_ptr<Sequential> mask_detection_net(Generator* gen) {
  auto net = std::make_shared<Sequential>();
  net->push_back(std::make_shared<Conv2d>(3, 32, 3, 1, 1, true, gen))
      .push_back(std::make_shared<ReLU>())
      .push_back(std::make_shared<Conv2d>(32, 64, 3, 1, 1, true, gen))
      .push_back(std::make_shared<ReLU>())
      .push_back(std::make_shared<MaxPool2d>(2, 2))
      .push_back(std::make_shared<Conv2d>(64, 128, 3, 1, 1, true, gen))
      .push_back(std::make_shared<ReLU>())
      .push_back(std::make_shared<MaxPool2d>(2, 2))
      .push_back(std::make_shared<Flatten>())
      .push_back(std::make_shared<Linear>(80000, 1024, true, gen))
      .push_back(std::make_shared<ReLU>())
      .push_back(std::make_shared<Linear>(1024, 2, true, gen));
  return net;
}

}  // namespace cnn::nn
