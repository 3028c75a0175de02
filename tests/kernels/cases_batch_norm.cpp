// batch_norm2d op cases for every problem of batch_norm2d_problems(): training forward (y, saved
// statistics, running-stat update), inference forward, training backward and eval-mode backward.
//
// Tolerances, as op_case.h explains, each against the scale of the terms that make the result:
//   - statistics are sums over a channel (kSumTolerance): the mean against mean|x|, the variance
//     (a sum of positive squares) relative, so save_invstd and running_var are relative; the
//     running mean against (1-momentum)|running_mean| + momentum*mean|x|;
//   - training y = (x - mean)*invstd*gamma + beta inherits the mean's error times invstd*|gamma|
//     and the variance's relative error times |x - mean|*invstd*|gamma|, plus a few roundings:
//     scale_i = (|x_i - mean| + mean|x|)*invstd*|gamma| + |beta|, kSumTolerance;
//   - dgamma and dbeta are sums (scale: the same sums of |terms|); training dx combines dy with
//     the two sums: scale_i = |gamma|*invstd*(|dy_i| + sum|dy|/n + |xhat_i|*sum|dy*xhat|/n);
//   - inference y and eval-mode dx are pointwise: kBatchNormPointwiseTolerance of the absolute
//     scale of their terms ((|x| + |running_mean|)*invstd*|gamma| + |beta|, resp.
//     |dy*gamma|*invstd).
// Large-mean problems (mean 1e4 next to a spread of 1) check the statistics do not cancel.
#include <cmath>

#include "kernels/reference/batch_norm2d.h"
#include "tests/kernels/op_case.h"
#include "tests/kernels/problems.h"
#include "tests/kernels/rng.h"

namespace cnn::test {

namespace ref = kernels::reference::generic;

namespace {

constexpr float kEps = 1e-5f;
constexpr float kMomentum = 0.1f;

struct BnInputs {
  std::vector<float> x, gamma, beta, running_mean, running_var;
};

BnInputs bn_inputs(Rng& rng, const BatchNorm2dProblem& p) {
  const auto& s = p.shape;
  BnInputs in;
  in.x = rng.uniform_vector(s.input_size(), p.mean - 1.f, p.mean + 1.f);
  in.gamma = rng.uniform_vector(s.C, -1.5f, 1.5f);
  in.beta = rng.uniform_vector(s.C);
  in.running_mean = rng.uniform_vector(s.C);
  in.running_var = rng.uniform_vector(s.C, 0.5f, 2.f);
  return in;
}

int64_t element(const BatchNorm2dShape& s, int c, int64_t i) {
  const int64_t hw = int64_t(s.H) * s.W;
  return ((i / hw) * s.C + c) * hw + i % hw;
}

// Per channel: mean of |v| over the channel's n elements.
std::vector<double> channel_mean_abs(const BatchNorm2dShape& s, const std::vector<float>& v) {
  std::vector<double> out(size_t(s.C), 0.0);
  for (int c = 0; c < s.C; ++c) {
    for (int64_t i = 0; i < s.per_channel(); ++i)
      out[size_t(c)] += std::fabs(v[size_t(element(s, c, i))]);
    out[size_t(c)] /= double(s.per_channel());
  }
  return out;
}

std::vector<double> doubles(const std::vector<float>& v) {
  return std::vector<double>(v.begin(), v.end());
}

}  // namespace

std::vector<OpCase> batch_norm2d_cases() {
  std::vector<OpCase> cases;
  for (const BatchNorm2dProblem& p : batch_norm2d_problems()) {
    const BatchNorm2dShape s = p.shape;
    const auto size = static_cast<size_t>(s.input_size());
    const auto C = static_cast<size_t>(s.C);
    const int64_t n = s.per_channel();

    cases.push_back(
        {"batch_norm2d_forward_training", p.name, false, [=](Backend& b) {
           Rng rng(seed_of("batch_norm2d_forward_training", p.name));
           const BnInputs in = bn_inputs(rng, p);
           std::vector<float> y, mean, invstd, rmean, rvar;
           {
             BackendArray<float> bx(b, in.x), bg(b, in.gamma), bb(b, in.beta);
             BackendArray<float> by(b, s.input_size(), 1), bmean(b, s.C), binvstd(b, s.C, 1);
             BackendArray<float> brm(b, in.running_mean), brv(b, in.running_var);
             b.batch_norm2d_forward_training(s, bx.data(), bg.data(), bb.data(), kEps, kMomentum,
                                             by.data(), bmean.data(), binvstd.data(), brm.data(),
                                             brv.data());
             y = by.download(), mean = bmean.download(), invstd = binvstd.download();
             rmean = brm.download(), rvar = brv.download();
           }
           std::vector<double> want_y(size), want_mean(C), want_invstd(C);
           auto want_rm = doubles(in.running_mean), want_rv = doubles(in.running_var);
           ref::batch_norm2d_forward_training<float, double>(
               s, in.x.data(), in.gamma.data(), in.beta.data(), kEps, kMomentum, want_y.data(),
               want_mean.data(), want_invstd.data(), want_rm.data(), want_rv.data());
           const auto mean_abs = channel_mean_abs(s, in.x);
           std::vector<float> y_scale(size), mean_scale(C), rm_scale(C);
           for (int c = 0; c < s.C; ++c) {
             const double g = want_invstd[size_t(c)] * std::fabs(in.gamma[size_t(c)]);
             for (int64_t i = 0; i < n; ++i) {
               const auto e = size_t(element(s, c, i));
               y_scale[e] =
                   float((std::fabs(in.x[e] - want_mean[size_t(c)]) + mean_abs[size_t(c)]) * g +
                         std::fabs(in.beta[size_t(c)]));
             }
             mean_scale[size_t(c)] = float(mean_abs[size_t(c)]);
             rm_scale[size_t(c)] = float((1.0 - kMomentum) * std::fabs(in.running_mean[size_t(c)]) +
                                         kMomentum * mean_abs[size_t(c)]);
           }
           return std::vector<Comparison>{
               compare_scaled("y", y, want_y, y_scale, kSumTolerance),
               compare_scaled("save_mean", mean, want_mean, mean_scale, kSumTolerance),
               compare_relative("save_invstd", invstd, want_invstd, kSumTolerance),
               compare_scaled("running_mean", rmean, want_rm, rm_scale, kSumTolerance),
               compare_relative("running_var", rvar, want_rv, kSumTolerance)};
         }});

    cases.push_back(
        {"batch_norm2d_forward_inference", p.name, false, [=](Backend& b) {
           Rng rng(seed_of("batch_norm2d_forward_inference", p.name));
           BnInputs in = bn_inputs(rng, p);
           // Running statistics near the data's, as after training.
           for (float& m : in.running_mean) m += p.mean;
           std::vector<float> y;
           {
             BackendArray<float> bx(b, in.x), bg(b, in.gamma), bb(b, in.beta);
             BackendArray<float> brm(b, in.running_mean), brv(b, in.running_var);
             BackendArray<float> by(b, s.input_size(), 1);
             b.batch_norm2d_forward_inference(s, bx.data(), bg.data(), bb.data(), brm.data(),
                                              brv.data(), kEps, by.data());
             y = by.download();
           }
           std::vector<double> want(size);
           ref::batch_norm2d_forward_inference<float, double>(
               s, in.x.data(), in.gamma.data(), in.beta.data(), in.running_mean.data(),
               in.running_var.data(), kEps, want.data());
           std::vector<float> scale(size);
           for (int c = 0; c < s.C; ++c) {
             const double g = std::fabs(in.gamma[size_t(c)]) /
                              std::sqrt(double(in.running_var[size_t(c)]) + double(kEps));
             for (int64_t i = 0; i < n; ++i) {
               const auto e = size_t(element(s, c, i));
               scale[e] = float((std::fabs(in.x[e]) + std::fabs(in.running_mean[size_t(c)])) * g +
                                std::fabs(in.beta[size_t(c)]));
             }
           }
           return std::vector<Comparison>{
               compare_scaled("y", y, want, scale, kBatchNormPointwiseTolerance)};
         }});

    cases.push_back(
        {"batch_norm2d_backward_training", p.name, false, [=](Backend& b) {
           Rng rng(seed_of("batch_norm2d_backward_training", p.name));
           const BnInputs in = bn_inputs(rng, p);
           const auto dy = rng.uniform_vector(s.input_size());
           // The saved statistics come from the float reference forward, as the op would save them.
           std::vector<float> y_unused(size), mean(C), invstd(C);
           ref::batch_norm2d_forward_training<float, float>(
               s, in.x.data(), in.gamma.data(), in.beta.data(), kEps, kMomentum, y_unused.data(),
               mean.data(), invstd.data(), nullptr, nullptr);
           std::vector<float> dx, dgamma, dbeta;
           {
             BackendArray<float> bx(b, in.x), bdy(b, dy), bg(b, in.gamma), bmean(b, mean),
                 binvstd(b, invstd);
             BackendArray<float> bdx(b, s.input_size(), 1), bdg(b, s.C), bdb(b, s.C, 1);
             b.batch_norm2d_backward_training(s, bx.data(), bdy.data(), bg.data(), bmean.data(),
                                              binvstd.data(), bdx.data(), bdg.data(), bdb.data());
             dx = bdx.download(), dgamma = bdg.download(), dbeta = bdb.download();
           }
           std::vector<double> want_dx(size), want_dg(C), want_db(C);
           ref::batch_norm2d_backward_training<float, double>(
               s, in.x.data(), dy.data(), in.gamma.data(), mean.data(), invstd.data(),
               want_dx.data(), want_dg.data(), want_db.data());
           std::vector<float> dx_scale(size), dg_scale(C), db_scale(C);
           for (int c = 0; c < s.C; ++c) {
             const auto ch = size_t(c);
             double sum_abs_dy = 0.0, sum_abs_dy_xhat = 0.0;
             for (int64_t i = 0; i < n; ++i) {
               const auto e = size_t(element(s, c, i));
               sum_abs_dy += std::fabs(dy[e]);
               sum_abs_dy_xhat += std::fabs(dy[e] * (double(in.x[e]) - mean[ch]) * invstd[ch]);
             }
             const double g = std::fabs(in.gamma[ch]) * invstd[ch];
             for (int64_t i = 0; i < n; ++i) {
               const auto e = size_t(element(s, c, i));
               const double xhat = std::fabs((double(in.x[e]) - mean[ch]) * invstd[ch]);
               dx_scale[e] = float(g * (std::fabs(dy[e]) + sum_abs_dy / double(n) +
                                        xhat * sum_abs_dy_xhat / double(n)));
             }
             dg_scale[ch] = float(sum_abs_dy_xhat);
             db_scale[ch] = float(sum_abs_dy);
           }
           return std::vector<Comparison>{
               compare_scaled("dx", dx, want_dx, dx_scale, kSumTolerance),
               compare_scaled("dgamma", dgamma, want_dg, dg_scale, kSumTolerance),
               compare_scaled("dbeta", dbeta, want_db, db_scale, kSumTolerance)};
         }});

    cases.push_back(
        {"batch_norm2d_backward_inference", p.name, false, [=](Backend& b) {
           Rng rng(seed_of("batch_norm2d_backward_inference", p.name));
           BnInputs in = bn_inputs(rng, p);
           for (float& m : in.running_mean) m += p.mean;
           const auto dy = rng.uniform_vector(s.input_size());
           std::vector<float> dx, dgamma, dbeta;
           {
             BackendArray<float> bx(b, in.x), bdy(b, dy), bg(b, in.gamma), brm(b, in.running_mean),
                 brv(b, in.running_var);
             BackendArray<float> bdx(b, s.input_size(), 1), bdg(b, s.C, 1), bdb(b, s.C);
             b.batch_norm2d_backward_inference(s, bx.data(), bdy.data(), bg.data(), brm.data(),
                                               brv.data(), kEps, bdx.data(), bdg.data(),
                                               bdb.data());
             dx = bdx.download(), dgamma = bdg.download(), dbeta = bdb.download();
           }
           std::vector<double> want_dx(size), want_dg(C), want_db(C);
           ref::batch_norm2d_backward_inference<float, double>(
               s, in.x.data(), dy.data(), in.gamma.data(), in.running_mean.data(),
               in.running_var.data(), kEps, want_dx.data(), want_dg.data(), want_db.data());
           std::vector<float> dx_scale(size), dg_scale(C), db_scale(C);
           for (int c = 0; c < s.C; ++c) {
             const auto ch = size_t(c);
             const double invstd = 1.0 / std::sqrt(double(in.running_var[ch]) + double(kEps));
             double sum_abs_dy = 0.0, sum_abs_terms = 0.0;
             for (int64_t i = 0; i < n; ++i) {
               const auto e = size_t(element(s, c, i));
               sum_abs_dy += std::fabs(dy[e]);
               // x - running_mean rounds relative to |x| + |running_mean| (not exact inputs' gap).
               sum_abs_terms += std::fabs(dy[e]) *
                                (std::fabs(in.x[e]) + std::fabs(in.running_mean[ch])) * invstd;
               dx_scale[e] = float(std::fabs(dy[e] * in.gamma[ch]) * invstd);
             }
             dg_scale[ch] = float(sum_abs_terms);
             db_scale[ch] = float(sum_abs_dy);
           }
           return std::vector<Comparison>{
               compare_scaled("dx", dx, want_dx, dx_scale, kBatchNormPointwiseTolerance),
               compare_scaled("dgamma", dgamma, want_dg, dg_scale, kSumTolerance),
               compare_scaled("dbeta", dbeta, want_db, db_scale, kSumTolerance)};
         }});
  }
  return cases;
}

}  // namespace cnn::test
