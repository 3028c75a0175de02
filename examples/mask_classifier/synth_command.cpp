// `mask-classifier synth`: the built-in synthetic set written as PNG folders (ImageFolder layout).
#include <cstdio>

#include "cnn/data/synthetic.h"
#include "commands.h"

namespace mask_classifier {

int run_synth(const SynthOptions& o) {
  if (o.count < 2) throw InputError("--count must be at least 2 (one image per class)");
  if (o.size < 16) throw InputError("--size must be at least 16");
  cnn::data::write_synthetic_folder(o.out, o.count, o.seed, o.size);
  std::printf("wrote %zu images (%zu with_mask, %zu without_mask) to %s\n", o.count,
              (o.count + 1) / 2, o.count / 2, o.out.c_str());
  return 0;
}

}  // namespace mask_classifier
