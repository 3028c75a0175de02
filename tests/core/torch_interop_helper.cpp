// libcnn side of the PyTorch interoperability test (torch_interop.py).
//   torch_interop_helper save DIR   writes DIR/libcnn_model.safetensors (a seeded network) and
//                                   DIR/libcnn_io.safetensors ("input", "output" = net(input))
//   torch_interop_helper check DIR  loads DIR/torch_model.safetensors (written by PyTorch) into the
//                                   same architecture, runs DIR/torch_io.safetensors' "input" and
//                                   compares with its "output"; exit 0 when they agree
//   torch_interop_helper adam DIR   reads DIR/adam_in.safetensors ("param", "grad0".."gradK-1"
//                                   and the options in its metadata), applies K steps of libcnn's
//                                   Adam or AdamW and writes each step's parameter
//                                   ("step1".."stepK") to DIR/adam_out.safetensors, for comparison
//                                   with torch.optim
//   save also writes DIR/libcnn_modern_{model,io}.safetensors for the network with batch norm,
//   depthwise convs and branches (make_modern_net, in eval mode after three training forwards so
//   the running statistics are not the initial ones); check-modern DIR checks
//   DIR/torch_modern_{model,io}.safetensors against it.
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

// Must match torch_interop.py's make_modern_net.
std::shared_ptr<nn::Sequential> make_modern_net(Generator* gen) {
  using std::make_shared;
  nn::Conv2dConfig depthwise{3, 3, 1, 1, 1, 1, /*groups=*/8, /*bias=*/false};
  nn::Conv2dConfig grouped{3, 1, 1, 1, 1, 0, /*groups=*/4, /*bias=*/true};
  auto stem = make_shared<nn::Conv2d>(3, 8, 3, 1, 1, false, gen);
  auto residual = make_shared<nn::Residual>(make_shared<nn::Sequential>(
      nn::Sequential{make_shared<nn::Conv2d>(8, 8, depthwise, gen), make_shared<nn::BatchNorm2d>(8),
                     make_shared<nn::ReLU6>(), make_shared<nn::Conv2d>(8, 8, 1, 1, 0, true, gen)}));
  auto branches = make_shared<nn::Concat>(nn::Concat{
      make_shared<nn::Sequential>(nn::Sequential{make_shared<nn::Conv2d>(8, 4, 1, 1, 0, true, gen),
                                                 make_shared<nn::Sigmoid>()}),
      make_shared<nn::Sequential>(nn::Sequential{make_shared<nn::MaxPool2d>(2),
                                                 make_shared<nn::Upsample>(2),
                                                 make_shared<nn::Conv2d>(8, 4, grouped, gen)})});
  return make_shared<nn::Sequential>(nn::Sequential{
      stem, make_shared<nn::BatchNorm2d>(8), make_shared<nn::LeakyReLU>(0.1f), residual, branches,
      make_shared<nn::AvgPool2d>(2), make_shared<nn::AdaptiveAvgPool2d>(1),
      make_shared<nn::Flatten>(), make_shared<nn::Linear>(8, 3, true, gen)});
}

Tensor find(const serialize::SafetensorsContents& c, const std::string& name) {
  for (const auto& [n, t] : c.tensors) {
    if (n == name) return t;
  }
  throw Error("torch_interop_helper: no tensor '" + name + "'");
}

// The "adam" mode: libcnn's optimiser on the gradients torch will also see.
int run_adam(const std::string& dir) {
  const auto in = serialize::load_safetensors(dir + "/adam_in.safetensors");
  auto option = [&](const std::string& key) { return std::stof(in.metadata.at(key)); };
  optim::AdamOptions o;
  o.lr = option("lr");
  o.beta1 = option("beta1");
  o.beta2 = option("beta2");
  o.eps = option("eps");
  o.weight_decay = option("weight_decay");
  Tensor param = find(in, "param").clone();
  param.set_requires_grad(true);
  std::unique_ptr<optim::Optimizer> opt;
  if (in.metadata.at("decoupled") == "1") {
    opt = std::make_unique<optim::AdamW>(std::vector<Tensor>{param}, o);
  } else {
    opt = std::make_unique<optim::Adam>(std::vector<Tensor>{param}, o);
  }
  nn::NamedTensors out;
  for (int k = 0;; ++k) {
    const std::string grad = "grad" + std::to_string(k);
    bool found = false;
    for (const auto& entry : in.tensors) found = found || entry.first == grad;
    if (!found) break;
    param.set_grad(find(in, grad).clone());
    opt->step();
    out.emplace_back("step" + std::to_string(k + 1), param.detach().clone());
  }
  serialize::save_safetensors(dir + "/adam_out.safetensors", out);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s save|check|check-modern|adam DIR\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1], dir = argv[2];
  try {
    if (mode == "adam") return run_adam(dir);
    Generator gen(11);
    const bool modern = mode == "check-modern";
    auto net = modern ? make_modern_net(&gen) : make_net(&gen);
    if (mode == "save") {
      const Tensor input = Tensor::rand({2, 3, 8, 8}, Device::cpu(), &gen);
      serialize::save_state_dict(*net, dir + "/libcnn_model.safetensors");
      serialize::save_safetensors(dir + "/libcnn_io.safetensors",
                                  {{"input", input}, {"output", (*net)(input)}});
      auto modern_net = make_modern_net(&gen);
      for (int i = 0; i < 3; ++i) {  // training forwards move the running statistics
        NoGradGuard no_grad;
        (*modern_net)(Tensor::rand({4, 3, 8, 8}, Device::cpu(), &gen) * 2.f);
      }
      modern_net->eval();
      serialize::save_state_dict(*modern_net, dir + "/libcnn_modern_model.safetensors");
      serialize::save_safetensors(dir + "/libcnn_modern_io.safetensors",
                                  {{"input", input}, {"output", (*modern_net)(input)}});
      return 0;
    }
    if (mode != "check" && !modern) {
      std::fprintf(stderr, "unknown mode '%s'\n", mode.c_str());
      return 2;
    }
    const std::string prefix = modern ? "/torch_modern" : "/torch";
    serialize::load_state_dict(*net, dir + prefix + "_model.safetensors");
    net->eval();
    const auto io = serialize::load_safetensors(dir + prefix + "_io.safetensors");
    const std::vector<float> got = (*net)(find(io, "input")).to_vector();
    const std::vector<float> want = find(io, "output").to_vector();
    if (got.size() != want.size()) {
      std::fprintf(stderr, "libcnn gives %zu outputs, torch %zu\n", got.size(), want.size());
      return 1;
    }
    for (size_t i = 0; i < want.size(); ++i) {
      if (!(std::abs(got[i] - want[i]) <= 1e-5f + 1e-4f * std::abs(want[i]))) {
        std::fprintf(stderr, "output %zu: libcnn %g, torch %g\n", i, got[i], want[i]);
        return 1;
      }
    }
    std::printf("libcnn reproduces torch's output for torch's weights (%s, %zu values)\n",
                modern ? "modern" : "sequential", want.size());
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
