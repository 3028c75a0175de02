// `mask-classifier synth`: the built-in synthetic set written as PNG folders (ImageFolder layout).
#include <cstdio>

#include "cnn/data/synthetic.h"
#include "commands.h"
#include "common/cli_checks.h"

namespace mask_classifier {

int run_synth(const SynthOptions& o) {
  example_common::ValueChecks checks;
  checks.at_least("--count", static_cast<int64_t>(o.count), 2);  // one image per class
  checks.at_least("--size", o.size, 16);
  checks.throw_if_failed();
  cnn::data::write_synthetic_folder(o.out, o.count, o.seed, o.size);
  std::printf("wrote %zu images (%zu with_mask, %zu without_mask) to %s\n", o.count,
              (o.count + 1) / 2, o.count / 2, o.out.c_str());
  return 0;
}

}  // namespace mask_classifier
