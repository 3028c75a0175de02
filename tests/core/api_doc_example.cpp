// Define, train and save a small network: the program shown in docs/api.md.
#include <cnn/cnn.h>

#include <cstdio>
#include <memory>

using namespace cnn;

int main() {
  manual_seed(0);  // same weights and data on every run, on CPU and CUDA
  const Device device = cuda_available() ? Device::cuda() : Device::cpu();
  auto net = std::make_shared<nn::Sequential>(
      nn::Sequential{std::make_shared<nn::Conv2d>(1, 8, 3, 1, 1), std::make_shared<nn::ReLU>(),
                     std::make_shared<nn::MaxPool2d>(2), std::make_shared<nn::Flatten>(),
                     std::make_shared<nn::Linear>(8 * 4 * 4, 2)});
  net->to(device);
  std::printf("%s", net->summary({16, 1, 8, 8}).c_str());

  // Toy task: is the left half of the image brighter than the right half?
  const Tensor x = Tensor::rand({16, 1, 8, 8}, device);
  const std::vector<float> px = x.to_vector();
  std::vector<float> diff(16);  // left minus right brightness, per image
  for (int i = 0; i < 16 * 64; ++i) diff[i / 64] += (i % 8 < 4) ? px[i] : -px[i];
  std::vector<int32_t> y;  // class indices
  for (float d : diff) y.push_back(d > 0);

  optim::SGD opt(net->parameters(), {/*lr=*/0.05f, /*momentum=*/0.9f});
  for (int step = 0; step <= 100; ++step) {
    opt.zero_grad();
    Tensor loss = cross_entropy((*net)(x), y);
    loss.backward();
    opt.step();
    if (step % 25 == 0) std::printf("step %3d  loss %.4f\n", step, loss.item());
  }
  serialize::save_state_dict(*net, "tiny.safetensors");  // loads into torch.nn.Sequential
}
