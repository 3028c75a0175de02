// Fused optimizer op cases: SGD (plain, momentum, dampening + weight decay, Nesterov) and Adam
// (L2 decay, AdamW, late steps) over vector_problems(). Updates are in place, so each buffer is
// compared after one step with PyTorch's formulas run in double.
#include "kernels/reference/optim.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;

namespace {

struct SgdVariant {
  const char* name;
  SgdParams params;
};
struct AdamVariant {
  const char* name;
  AdamParams params;
};

std::vector<SgdVariant> sgd_variants() {
  SgdParams plain;
  plain.lr = 0.1f;
  SgdParams momentum;  // the seed network's training configuration
  momentum.lr = 1e-3f, momentum.momentum = 0.9f;
  SgdParams damped;
  damped.lr = 0.05f, damped.momentum = 0.8f, damped.dampening = 0.1f, damped.weight_decay = 1e-2f;
  SgdParams nesterov;
  nesterov.lr = 0.01f, nesterov.momentum = 0.9f, nesterov.weight_decay = 1e-4f;
  nesterov.nesterov = true;
  return {
      {"plain", plain}, {"momentum", momentum}, {"dampening+wd", damped}, {"nesterov", nesterov}};
}

std::vector<AdamVariant> adam_variants() {
  AdamParams first;  // PyTorch defaults, first step
  AdamParams l2;
  l2.weight_decay = 1e-2f, l2.step = 10;
  AdamParams adamw;
  adamw.lr = 3e-4f, adamw.beta2 = 0.99f, adamw.weight_decay = 1e-2f;
  adamw.decoupled_weight_decay = true, adamw.step = 1000;
  return {{"step 1", first}, {"L2 decay, step 10", l2}, {"AdamW, step 1000", adamw}};
}

}  // namespace

std::vector<OpCase> optim_cases() {
  std::vector<OpCase> cases;
  for (const VectorProblem& p : vector_problems()) {
    const int64_t n = p.n;
    for (const SgdVariant& variant : sgd_variants()) {
      const SgdParams hp = variant.params;
      cases.push_back({std::string("sgd_update ") + variant.name, p.name, p.large, [=](Backend& b) {
                         Rng rng(seed_of(std::string("sgd_update ") + variant.name, p.name));
                         const auto param = rng.uniform_vector(n);
                         const auto grad = rng.uniform_vector(n, -0.1f, 0.1f);
                         const auto buf = rng.uniform_vector(n, -0.1f, 0.1f);
                         const bool has_buf = hp.momentum != 0.f;
                         BackendArray<float> dparam(b, param), dgrad(b, grad), dbuf(b, buf);
                         b.sgd_update(n, hp, dparam.data(), dgrad.data(),
                                      has_buf ? dbuf.data() : nullptr);
                         auto ref_param = to_double(param), ref_buf = to_double(buf);
                         const auto gd = to_double(grad);
                         ref::sgd_update<double>(n, hp, ref_param.data(), gd.data(),
                                                 has_buf ? ref_buf.data() : nullptr);
                         std::vector<Comparison> result{compare_row_normwise(
                             "param", dparam.download(), ref_param, n, kOptimizerTolerance)};
                         // Without momentum the kernel gets a null buffer (allowed by the
                         // contract): a kernel that touches it crashes the case.
                         if (has_buf)
                           result.push_back(compare_row_normwise("momentum_buf", dbuf.download(),
                                                                 ref_buf, n, kOptimizerTolerance));
                         return result;
                       }});
    }
    for (const AdamVariant& variant : adam_variants()) {
      const AdamParams hp = variant.params;
      cases.push_back(
          {std::string("adam_update ") + variant.name, p.name, p.large, [=](Backend& b) {
             Rng rng(seed_of(std::string("adam_update ") + variant.name, p.name));
             const auto param = rng.uniform_vector(n);
             const auto grad = rng.uniform_vector(n, -0.1f, 0.1f);
             const auto m = rng.uniform_vector(n, -0.1f, 0.1f);
             const auto v = rng.uniform_vector(n, 0.f, 0.01f);
             BackendArray<float> dparam(b, param), dgrad(b, grad), dm(b, m), dv(b, v);
             b.adam_update(n, hp, dparam.data(), dgrad.data(), dm.data(), dv.data());
             auto ref_param = to_double(param), ref_m = to_double(m), ref_v = to_double(v);
             const auto gd = to_double(grad);
             ref::adam_update<double>(n, hp, ref_param.data(), gd.data(), ref_m.data(),
                                      ref_v.data());
             return std::vector<Comparison>{
                 compare_row_normwise("param", dparam.download(), ref_param, n,
                                      kOptimizerTolerance),
                 compare_row_normwise("m", dm.download(), ref_m, n, kOptimizerTolerance),
                 compare_row_normwise("v", dv.download(), ref_v, n, kOptimizerTolerance)};
           }});
    }
  }
  return cases;
}

}  // namespace cnn::test
