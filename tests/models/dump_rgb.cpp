// dump_rgb: writes each image as a binary PPM (P6) holding the RGB pixels libcnn's decoder
// (cnn/data/image.h, stb_image) produces, so the face-api reference script
// (make_face_api_fixtures.mjs) feeds face-api exactly the pixels the libcnn test sees: the
// equivalence test is about the network, not about two JPEG decoders.
//   dump_rgb OUT_DIR IMAGE...   -> OUT_DIR/<image file name without extension>.ppm
#include <cstdio>
#include <string>

#include "cnn/data/image.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUT_DIR IMAGE...\n", argv[0]);
    return 2;
  }
  const std::string out_dir = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string path = argv[i];
    const cnn::data::DecodeResult r = cnn::data::decode_image_file(path);
    if (!r.ok()) {
      std::fprintf(stderr, "dump_rgb: %s: %s\n", path.c_str(), r.skip_reason.c_str());
      return 1;
    }
    std::string stem = path.substr(path.find_last_of('/') + 1);
    stem = stem.substr(0, stem.find_last_of('.'));
    const std::string out = out_dir + "/" + stem + ".ppm";
    std::FILE* f = std::fopen(out.c_str(), "wb");
    bool ok = f != nullptr;
    if (ok) {
      std::fprintf(f, "P6\n%d %d\n255\n", r.image.width, r.image.height);
      ok = std::fwrite(r.image.pixels.data(), 1, r.image.pixels.size(), f) == r.image.pixels.size();
      ok = std::fclose(f) == 0 && ok;
    }
    if (!ok) {
      std::fprintf(stderr, "dump_rgb: cannot write %s\n", out.c_str());
      return 1;
    }
  }
  return 0;
}
