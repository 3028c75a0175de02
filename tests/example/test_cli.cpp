// The mask-classifier program as users and scripts see it: exit codes, --help, error messages,
// synth, predict's output format, metrics.json's contract, eval, NaN handling and resume.
// Trains only the reduced configuration (32x32 synthetic images, narrow layers of the seed
// network's family) so the whole file runs in about two minutes on a 2-core CPU.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cnn/serialize/safetensors.h"
#include "run_command.h"

namespace fs = std::filesystem;
using test_support::run_mask_classifier;

namespace {

const fs::path kTmp = fs::temp_directory_path() / "cnn_test_cli";

// The reduced configuration shared by the training tests: the seed network's family at 32x32
// with narrow layers; Adam, because 4 epochs of SGD at lr 1e-3 are too few for a net this small.
const std::string kReducedNet =
    "--image-size 32 --channels 8,16,32 --hidden 64 --batch 32 --device cpu --quiet";
const std::string kReduced = kReducedNet + " --optimizer adam --lr 0.002";

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

std::string q(const fs::path& p) {
  return "'" + p.string() + "'";
}

struct Fresh {
  Fresh() {
    fs::remove_all(kTmp);
    fs::create_directories(kTmp);
  }
};
const Fresh fresh_tmp;  // once per test binary run

}  // namespace

TEST_CASE("--help and bad flags", "[example][cli]") {
  for (const char* sub : {"", "train ", "eval ", "predict ", "synth "}) {
    INFO(sub);
    const auto r = run_mask_classifier(std::string(sub) + "--help");
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("Usage") != std::string::npos);
  }
  CHECK(run_mask_classifier("").exit_code == 2);                      // no subcommand
  CHECK(run_mask_classifier("fly").exit_code == 2);                   // unknown subcommand
  CHECK(run_mask_classifier("train --no-such-flag").exit_code == 2);  // unknown flag
  CHECK(run_mask_classifier("train --epochs many").exit_code == 2);   // bad value
  CHECK(run_mask_classifier("train --optimizer rmsprop").exit_code == 2);
  const auto bad_val = run_mask_classifier("train --val 0 --quiet");
  CHECK(bad_val.exit_code == 2);
  CHECK(bad_val.output.find("--val") != std::string::npos);
  CHECK(run_mask_classifier("train --channels 8,16 --quiet").exit_code == 2);
  CHECK(run_mask_classifier("eval --model x.safetensors").exit_code == 2);     // --data missing
  CHECK(run_mask_classifier("predict --model x.safetensors").exit_code == 2);  // no images
}

TEST_CASE("unreadable datasets are exit code 2 with a message", "[example][cli]") {
  const auto missing = run_mask_classifier("train --quiet --data " + q(kTmp / "nope"));
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("does not exist") != std::string::npos);

  const fs::path one_class = kTmp / "one_class";
  REQUIRE(run_mask_classifier("synth --count 4 --size 16 --out " + q(one_class)).exit_code == 0);
  fs::remove_all(one_class / "without_mask");
  const auto single = run_mask_classifier("train --quiet --data " + q(one_class));
  CHECK(single.exit_code == 2);
  CHECK(single.output.find("at least 2") != std::string::npos);

  const fs::path messy = kTmp / "messy";
  REQUIRE(run_mask_classifier("synth --count 8 --size 16 --out " + q(messy)).exit_code == 0);
  std::ofstream(messy / "with_mask" / "broken.jpg") << "";
  const auto strict = run_mask_classifier("train --quiet --strict --data " + q(messy));
  CHECK(strict.exit_code == 2);
  CHECK(strict.output.find("broken.jpg") != std::string::npos);
}

TEST_CASE("malformed model files are exit code 2", "[example][cli]") {
  const fs::path bad = kTmp / "bad.safetensors";
  std::ofstream(bad) << "this is not a safetensors file";
  const auto p = run_mask_classifier("predict --model " + q(bad) + " x.png");
  CHECK(p.exit_code == 2);
  CHECK(p.output.find("model") != std::string::npos);
  const fs::path data = kTmp / "eval_data";
  REQUIRE(run_mask_classifier("synth --count 4 --size 16 --out " + q(data)).exit_code == 0);
  CHECK(run_mask_classifier("eval --quiet --model " + q(bad) + " --data " + q(data)).exit_code ==
        2);
}

TEST_CASE("a CUDA request without a usable device fails loudly", "[example][cli]") {
  const auto r = run_mask_classifier(
      "train --quiet --device cuda --synthetic-count 40 --val 10 " +
      std::string("--image-size 16 --channels 2,2,2 --hidden 4 --epochs 1 --out ") +
      q(kTmp / "cuda_run"));
  if (r.output.find("(SIMT)") != std::string::npos || r.exit_code == 0) {
    SUCCEED("this build has a CUDA device (SIMT or GPU); the request is valid");
  } else {
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("no usable CUDA device") != std::string::npos);
  }
}

// Trains the reduced configuration once per test run; later test cases reuse the run directory
// (Catch2 re-enters a test case once per SECTION, so the training cannot live in one).
struct TrainedRun {
  fs::path dir = kTmp / "e2e";
  test_support::CommandResult result;
  double seconds = 0;
};
const TrainedRun& trained_run() {
  static const TrainedRun run = [] {
    TrainedRun r;
    const auto t0 = std::chrono::steady_clock::now();
    r.result = run_mask_classifier(
        "train " + kReduced + " --synthetic-count 3000 --val 500 --epochs 4 --out " + q(r.dir));
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }();
  return run;
}

TEST_CASE("end to end: reduced configuration trains to >= 95% in under 2 minutes",
          "[example][e2e]") {
  const TrainedRun& t = trained_run();
  const fs::path& run = t.dir;
  const auto& r = t.result;
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  WARN("reduced configuration trained in " << t.seconds << " s");
  CHECK(t.seconds < 120);

  const nlohmann::json m = read_json(run / "metrics.json");
  for (const char* key : {"classes", "val_accuracy", "confusion_matrix", "epochs", "skipped_files",
                          "per_class", "val_size", "train_size"}) {
    INFO(key);
    CHECK(m.contains(key));
  }
  CHECK(m["classes"] == nlohmann::json({"with_mask", "without_mask"}));
  CHECK(m["epochs"].size() == 4);
  for (const auto& e : m["epochs"]) {
    for (const char* key :
         {"train_loss", "val_loss", "val_accuracy", "seconds", "images_per_second"}) {
      CHECK(e.contains(key));
    }
  }
  int64_t sum = 0, trace = 0;
  for (size_t t = 0; t < 2; ++t) {
    for (size_t p = 0; p < 2; ++p) sum += m["confusion_matrix"][t][p].get<int64_t>();
    trace += m["confusion_matrix"][t][t].get<int64_t>();
  }
  CHECK(sum == 500);
  CHECK(sum == m["val_size"].get<int64_t>());
  CHECK(m["val_accuracy"].get<double>() == Approx(static_cast<double>(trace) / sum));
  CHECK(m["val_accuracy"].get<double>() >= 0.95);
  CHECK(m["skipped_files"].empty());
  for (const char* f : {"model.safetensors", "checkpoint.safetensors", "curves.png",
                        "confusion.png", "val_grid.png", "report.html", "history.json"}) {
    INFO(f);
    CHECK(fs::file_size(run / f) > 0);
  }
  // The terminal output shows per-epoch lines and the final metrics.
  CHECK(r.output.find("epoch 4/4") != std::string::npos);
  CHECK(r.output.find("precision") != std::string::npos);
}

TEST_CASE("predict prints PATH<TAB>LABEL<TAB>PROBABILITY per image", "[example][e2e]") {
  const fs::path& run = trained_run().dir;
  REQUIRE(trained_run().result.exit_code == 0);
  {
    const fs::path images = kTmp / "predict_images";
    REQUIRE(
        run_mask_classifier("synth --count 4 --size 32 --seed 99 --out " + q(images)).exit_code ==
        0);
    const fs::path a = images / "with_mask" / "000000.png";
    const fs::path b = images / "without_mask" / "000001.png";
    const auto p = run_mask_classifier("predict --device cpu --model " +
                                       q(run / "model.safetensors") + " " + q(a) + " " + q(b));
    INFO(p.output);
    REQUIRE(p.exit_code == 0);
    const std::regex line(R"(([^\t\n]+)\t(with_mask|without_mask)\t(0\.\d{4}|1\.0000))");
    std::istringstream lines(p.output);
    std::string l;
    std::vector<std::string> paths;
    while (std::getline(lines, l)) {
      std::smatch match;
      REQUIRE(std::regex_match(l, match, line));
      const double prob = std::stod(match[3]);
      CHECK(prob >= 0.5);  // two classes: the predicted one has at least half
      CHECK(prob <= 1.0);
      paths.push_back(match[1]);
    }
    CHECK(paths == std::vector<std::string>{a.string(), b.string()});

    const auto bad =
        run_mask_classifier("predict --device cpu --model " + q(run / "model.safetensors") + " " +
                            q(a) + " " + q(kTmp / "missing.png"));
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find("missing.png") != std::string::npos);
  }
}

TEST_CASE("eval on another folder writes consistent JSON", "[example][e2e]") {
  const fs::path& run = trained_run().dir;
  REQUIRE(trained_run().result.exit_code == 0);
  {
    const fs::path data = kTmp / "eval_other";
    REQUIRE(run_mask_classifier("synth --count 60 --size 32 --seed 7 --out " + q(data)).exit_code ==
            0);
    const fs::path json = kTmp / "eval.json";
    const auto e =
        run_mask_classifier("eval --quiet --device cpu --model " + q(run / "model.safetensors") +
                            " --data " + q(data) + " --json " + q(json));
    INFO(e.output);
    REQUIRE(e.exit_code == 0);
    const nlohmann::json j = read_json(json);
    int64_t total = 0, diag = 0;
    for (size_t t = 0; t < 2; ++t) {
      for (size_t p = 0; p < 2; ++p) total += j["confusion_matrix"][t][p].get<int64_t>();
      diag += j["confusion_matrix"][t][t].get<int64_t>();
    }
    CHECK(total == 60);
    CHECK(j["accuracy"].get<double>() == Approx(static_cast<double>(diag) / 60));
    CHECK(j["accuracy"].get<double>() >= 0.85);  // a fresh draw of the same generator
  }
}

TEST_CASE("a run on a folder lists its validation files in metrics.json", "[example][cli]") {
  const fs::path data = kTmp / "split_data", run = kTmp / "split_run";
  REQUIRE(run_mask_classifier("synth --count 120 --size 32 --seed 5 --out " + q(data)).exit_code ==
          0);
  // A trailing slash on --data must not leak into the relative paths.
  const auto r = run_mask_classifier("train " + kReduced + " --epochs 1 --val 30 --data " +
                                     q(data.string() + "/") + " --out " + q(run));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json m = read_json(run / "metrics.json");
  REQUIRE(m.contains("val_files"));
  const auto files = m["val_files"].get<std::vector<std::string>>();
  CHECK(files.size() == 30);
  CHECK(m["val_size"].get<size_t>() == 30);
  CHECK(std::set<std::string>(files.begin(), files.end()).size() == files.size());
  size_t with_mask = 0;
  for (const std::string& f : files) {
    INFO(f);
    CHECK(fs::is_regular_file(data / f));  // relative to --data
    with_mask += f.rfind("with_mask/", 0) == 0;
  }
  CHECK(with_mask == 15);  // stratified: the classes are 60/60
}

TEST_CASE("a diverging run stops on the non-finite loss and exits 1", "[example][cli]") {
  const auto r = run_mask_classifier("train " + kReducedNet +
                                     " --optimizer sgd --lr 1e12 --synthetic-count 200 " +
                                     "--val 40 --epochs 3 --out " + q(kTmp / "nan"));
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("the training loss became") != std::string::npos);
  CHECK_FALSE(fs::exists(kTmp / "nan" / "model.safetensors"));
}

TEST_CASE("resume after an epoch gives the same final weights as an uninterrupted run",
          "[example][resume]") {
  const std::string common = "train " + kReduced + " --synthetic-count 300 --val 60 --seed 3 ";
  // Default threading: the CPU backend is bit-deterministic (static schedules), so any
  // difference here would be a resume bug.
  const std::string env;
  const fs::path straight = kTmp / "straight", resumed = kTmp / "resumed";
  REQUIRE(run_mask_classifier(common + "--epochs 2 --out " + q(straight), env).exit_code == 0);
  REQUIRE(run_mask_classifier(common + "--epochs 1 --out " + q(resumed), env).exit_code == 0);
  const auto r = run_mask_classifier(common + "--epochs 2 --out " + q(resumed) + " --resume " +
                                         q(resumed / "checkpoint.safetensors"),
                                     env);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("resumed from") != std::string::npos);

  const auto a = cnn::serialize::load_safetensors((straight / "model.safetensors").string());
  const auto b = cnn::serialize::load_safetensors((resumed / "model.safetensors").string());
  REQUIRE(a.tensors.size() == b.tensors.size());
  REQUIRE(a.tensors.size() == 10);  // 5 layers with weight and bias
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    INFO(a.tensors[i].first);
    CHECK(a.tensors[i].first == b.tensors[i].first);
    CHECK(a.tensors[i].second.to_vector() == b.tensors[i].second.to_vector());  // bit-identical
  }
  // The resumed run reports both epochs.
  CHECK(read_json(resumed / "metrics.json")["epochs"].size() == 2);
}

TEST_CASE("Ctrl-C finishes the current step, saves a checkpoint and the run resumes from it",
          "[example][interrupt]") {
  const fs::path run = kTmp / "interrupted";
  // Not --quiet: the progress bar's first line (printed after the first step, once the SIGINT
  // handler is installed) tells the test that training is under way.
  const std::string common = "train " + kReduced + " --synthetic-count 2000 --val 200 --seed 5 ";
  const std::string args = common + "--epochs 3 --out " + q(run);
  test_support::RunningMaskClassifier p(
      std::regex_replace(args, std::regex(" --quiet"), std::string()));
  REQUIRE(p.started());
  const bool training = p.wait_for("epoch 1/3 [");
  INFO(p.output_so_far());
  REQUIRE(training);
  const auto t0 = std::chrono::steady_clock::now();
  p.send(SIGINT);
  const auto r = p.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(seconds < 30);  // one reduced step, then the checkpoint: not the rest of the epoch
  const std::smatch m = [&] {
    std::smatch found;
    std::regex_search(r.output, found, std::regex("interrupted during epoch 1 after (\\d+) steps"));
    return found;
  }();
  REQUIRE(!m.empty());
  CHECK(std::stoi(m[1].str()) >= 1);
  CHECK(std::stoi(m[1].str()) < 57);  // 1800 training images / batch 32: stopped mid-epoch
  // The progress bar's last line shows where the run stopped, not a full epoch.
  CHECK(r.output.find("1800/1800") == std::string::npos);
  CHECK(r.output.find("interrupted\n") != std::string::npos);
  REQUIRE(fs::exists(run / "interrupted.safetensors"));
  CHECK_FALSE(fs::exists(run / "model.safetensors"));  // an interrupted run is not a finished one

  // The checkpoint holds the network, and training resumes from it (repeating epoch 1).
  const auto ckpt = cnn::serialize::load_safetensors((run / "interrupted.safetensors").string());
  CHECK(ckpt.tensors.size() >= 10);
  const auto resumed = run_mask_classifier(common + "--quiet --epochs 1 --out " + q(run) +
                                           " --resume " + q(run / "interrupted.safetensors"));
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  CHECK(resumed.output.find("resumed from") != std::string::npos);
  CHECK(fs::exists(run / "model.safetensors"));
}
