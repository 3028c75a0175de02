// libcnn side of the PyTorch interoperability test (torch_interop.py).
//   torch_interop_helper save DIR   writes DIR/libcnn_model.safetensors (a seeded network) and
//                                   DIR/libcnn_io.safetensors ("input", "output" = net(input))
//   torch_interop_helper check DIR  loads DIR/torch_model.safetensors (written by PyTorch) into the
//                                   same architecture, runs DIR/torch_io.safetensors' "input" and
//                                   compares with its "output"; exit 0 when they agree
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "cnn/cnn.h"

using namespace cnn;

namespace {

// Must match torch_interop.py's torch.nn.Sequential.
std::shared_ptr<nn::Sequential> make_net(Generator* gen) {
  return std::make_shared<nn::Sequential>(nn::Sequential{
      std::make_shared<nn::Conv2d>(3, 4, 3, 1, 1, true, gen), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::MaxPool2d>(2), std::make_shared<nn::Flatten>(),
      std::make_shared<nn::Linear>(4 * 4 * 4, 5, true, gen), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(5, 2, true, gen)});
}

Tensor find(const serialize::SafetensorsContents& c, const std::string& name) {
  for (const auto& [n, t] : c.tensors) {
    if (n == name) return t;
  }
  throw Error("torch_interop_helper: no tensor '" + name + "'");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s save|check DIR\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1], dir = argv[2];
  try {
    Generator gen(11);
    auto net = make_net(&gen);
    if (mode == "save") {
      const Tensor input = Tensor::rand({2, 3, 8, 8}, Device::cpu(), &gen);
      serialize::save_state_dict(*net, dir + "/libcnn_model.safetensors");
      serialize::save_safetensors(dir + "/libcnn_io.safetensors",
                                  {{"input", input}, {"output", (*net)(input)}});
      return 0;
    }
    serialize::load_state_dict(*net, dir + "/torch_model.safetensors");
    const auto io = serialize::load_safetensors(dir + "/torch_io.safetensors");
    const std::vector<float> got = (*net)(find(io, "input")).to_vector();
    const std::vector<float> want = find(io, "output").to_vector();
    for (size_t i = 0; i < want.size(); ++i) {
      if (!(std::abs(got[i] - want[i]) <= 1e-5f + 1e-4f * std::abs(want[i]))) {
        std::fprintf(stderr, "output %zu: libcnn %g, torch %g\n", i, got[i], want[i]);
        return 1;
      }
    }
    std::printf("libcnn reproduces torch's output for torch's weights (%zu values)\n", want.size());
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
