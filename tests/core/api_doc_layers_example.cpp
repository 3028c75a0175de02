// A small modern CNN (batch norm, depthwise-separable convs, a residual add, a two-branch concat),
// trained briefly, then batch norm folded for inference: the second program in docs/api.md.
#include <cnn/cnn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

using namespace cnn;
using std::make_shared;

// conv -> batch norm -> ReLU6; groups == channels makes it depthwise.
std::shared_ptr<nn::Sequential> conv_bn(int in, int out, int kernel, int groups = 1) {
  nn::Conv2dConfig c{kernel, kernel, 1, 1, kernel / 2, kernel / 2, groups, /*bias=*/false};
  return make_shared<nn::Sequential>(nn::Sequential{make_shared<nn::Conv2d>(in, out, c),
                                                    make_shared<nn::BatchNorm2d>(out),
                                                    make_shared<nn::ReLU6>()});
}

// A block written as a Module subclass: any graph is a forward() away.
class SeparableResidual : public nn::Module {
 public:
  explicit SeparableResidual(int channels)
      : depthwise_(register_module("depthwise", conv_bn(channels, channels, 3, channels))),
        pointwise_(register_module("pointwise", conv_bn(channels, channels, 1))) {}
  Tensor forward(const Tensor& x) override { return x + (*pointwise_)((*depthwise_)(x)); }
  std::string type_name() const override { return "SeparableResidual"; }

 private:
  std::shared_ptr<nn::Sequential> depthwise_, pointwise_;
};

int main() {
  manual_seed(0);
  const Device device = cuda_available() ? Device::cuda() : Device::cpu();
  auto net = make_shared<nn::Sequential>(nn::Sequential{
      conv_bn(3, 16, 3), make_shared<nn::MaxPool2d>(2), make_shared<SeparableResidual>(16),
      // the same kind of block from the built-in containers: y = x + body(x)
      make_shared<nn::Residual>(
          make_shared<nn::Sequential>(nn::Sequential{conv_bn(16, 16, 3, 16), conv_bn(16, 16, 1)})),
      // two branches joined along channels: 8 + 8 = 16
      make_shared<nn::Concat>(nn::Concat{conv_bn(16, 8, 1), conv_bn(16, 8, 3)}),
      make_shared<nn::AdaptiveAvgPool2d>(1), make_shared<nn::Flatten>(),
      make_shared<nn::Linear>(16, 2)});
  net->to(device);
  std::printf("%s", net->summary({32, 3, 16, 16}).c_str());

  // Toy task: is the image's top half brighter than its bottom half?
  const Tensor x = Tensor::rand({32, 3, 16, 16}, device);
  const std::vector<float> px = x.to_vector();
  std::vector<float> diff(32);
  for (size_t i = 0; i < px.size(); ++i) diff[i / 768] += (i % 256 < 128) ? px[i] : -px[i];
  std::vector<int32_t> y;
  for (float d : diff) y.push_back(d > 0);

  optim::Adam opt(net->parameters(), {/*lr=*/0.01f});
  net->train();  // batch statistics; running statistics are updated
  for (int step = 0; step <= 60; ++step) {
    opt.zero_grad();
    Tensor loss = cross_entropy((*net)(x), y);
    loss.backward();
    opt.step();
    if (step % 20 == 0) std::printf("step %3d  loss %.4f\n", step, loss.item());
  }
  net->eval();                                             // running statistics from here on
  serialize::save_state_dict(*net, "modern.safetensors");  // loads into the same torch modules

  // For inference, fold the first block's batch norm into its conv (exact in eval mode): the
  // conv's weight and bias change in place, so the block becomes conv -> ReLU6.
  NoGradGuard no_grad;
  auto& stem = static_cast<nn::Sequential&>((*net)[0]);
  const std::vector<float> before = stem(x).to_vector();
  nn::fold_batchnorm(static_cast<nn::Conv2d&>(stem[0]), static_cast<nn::BatchNorm2d&>(stem[1]));
  nn::Sequential folded{stem.children()[0].second, make_shared<nn::ReLU6>()};
  const std::vector<float> after = folded(x).to_vector();
  float worst = 0;
  for (size_t i = 0; i < after.size(); ++i) worst = std::max(worst, std::abs(after[i] - before[i]));
  std::printf("batch norm folded into the conv: largest difference %.2g\n", worst);
  return worst < 1e-4f ? 0 : 1;
}
