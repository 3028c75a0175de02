// Consumer of an installed libcnn: builds a small network, trains a few steps, saves and reloads
// the weights. Exits non-zero when anything is off.
#include <cnn/cnn.h>

#include <cstdio>
#include <memory>
#include <string>

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "consumer.safetensors";
  cnn::manual_seed(1);
  auto net = std::make_shared<cnn::nn::Sequential>(cnn::nn::Sequential{
      std::make_shared<cnn::nn::Linear>(4, 8), std::make_shared<cnn::nn::ReLU>(),
      std::make_shared<cnn::nn::Linear>(8, 2)});
  const cnn::Tensor x = cnn::Tensor::randn({16, 4});
  std::vector<int32_t> y(16);
  const std::vector<float> xv = x.to_vector();
  for (int i = 0; i < 16; ++i) y[i] = xv[i * 4] > 0 ? 1 : 0;

  cnn::optim::SGD opt(net->parameters(), {0.1f, 0.9f});
  float first = 0, last = 0;
  for (int step = 0; step < 50; ++step) {
    opt.zero_grad();
    cnn::Tensor loss = cnn::cross_entropy((*net)(x), y);
    loss.backward();
    opt.step();
    last = loss.item();
    if (step == 0) first = last;
  }
  cnn::serialize::save_state_dict(*net, path);
  cnn::serialize::load_state_dict(*net, path);
  std::printf("consumer: loss %.4f -> %.4f, %lld parameters, saved %s\n", first, last,
              static_cast<long long>(net->num_parameters()), path.c_str());
  return last < first ? 0 : 1;
}
