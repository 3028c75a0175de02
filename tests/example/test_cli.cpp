// The mask-classifier program as users and scripts see it: exit codes, --help, error messages,
// synth, predict's output format, metrics.json's contract, eval (with progress and --out), NaN
// handling, resume, output file modes and the warning of a run that learned nothing.
// Trains only the reduced configuration (32x32 synthetic images, narrow layers of the seed
// network's family) so the whole file runs in a few minutes on a 2-core CPU. No test asserts a
// wall-clock time: on a loaded CI machine that fails for no fault in the code (times are
// printed instead).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cnn/data/image.h"
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

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The permissions open(O_CREAT, 0666) gives a new file under `umask_bits`.
fs::perms created_file_perms(mode_t umask_bits) {
  return static_cast<fs::perms>(0666 & ~umask_bits);
}

mode_t current_umask() {
  const mode_t m = umask(0);
  umask(m);
  return m;
}

fs::perms perms_of(const fs::path& p) {
  return fs::status(p).permissions() & fs::perms::all;
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

TEST_CASE("end to end: reduced configuration trains to >= 95%", "[example][e2e]") {
  const TrainedRun& t = trained_run();
  const fs::path& run = t.dir;
  const auto& r = t.result;
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  WARN("reduced configuration trained in " << t.seconds << " s (printed, not asserted)");

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
  // A run that learned says nothing about the majority class.
  CHECK(m["warnings"].empty());
  CHECK(r.output.find("no better than always answering") == std::string::npos);

  // The recipe's floats are the decimals of the command line, not the float's double expansion
  // (0.002f would otherwise be 0.0020000000949949026).
  CHECK(m["recipe"]["lr"].get<double>() == 0.002);
  CHECK(m["recipe"]["momentum"].get<double>() == 0.9);
  const std::string text = read_text(run / "metrics.json");
  CHECK(text.find("\"lr\": 0.002,") != std::string::npos);
  CHECK(text.find("\"momentum\": 0.9,") != std::string::npos);

  // Model and checkpoint files get the permissions of every other output (0666 minus the
  // umask: 0644 under the usual 022), not mkstemp's 0600.
  const fs::perms expected = created_file_perms(current_umask());
  for (const char* f : {"model.safetensors", "checkpoint.safetensors", "metrics.json",
                        "history.json", "report.html", "curves.png"}) {
    INFO(f);
    CHECK(perms_of(run / f) == expected);
  }
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

TEST_CASE("eval on another folder shows progress and writes JSON, a run directory and a report",
          "[example][e2e]") {
  const fs::path& run = trained_run().dir;
  REQUIRE(trained_run().result.exit_code == 0);
  {
    const fs::path data = kTmp / "eval_other";
    REQUIRE(run_mask_classifier("synth --count 60 --size 32 --seed 7 --out " + q(data)).exit_code ==
            0);
    const fs::path json = kTmp / "eval.json", out = kTmp / "eval_run";
    // Not --quiet: the inference progress bar is part of what is tested.
    const auto e =
        run_mask_classifier("eval --device cpu --model " + q(run / "model.safetensors") +
                            " --data " + q(data) + " --json " + q(json) + " --out " + q(out));
    INFO(e.output);
    REQUIRE(e.exit_code == 0);
    // stderr is not a terminal here, so the bar prints at every 10% and at the end.
    CHECK(e.output.find("predicting [") != std::string::npos);
    CHECK(e.output.find("60/60") != std::string::npos);
    const nlohmann::json j = read_json(json);
    int64_t total = 0, diag = 0;
    for (size_t t = 0; t < 2; ++t) {
      for (size_t p = 0; p < 2; ++p) total += j["confusion_matrix"][t][p].get<int64_t>();
      diag += j["confusion_matrix"][t][t].get<int64_t>();
    }
    CHECK(total == 60);
    CHECK(j["accuracy"].get<double>() == Approx(static_cast<double>(diag) / 60));
    CHECK(j["accuracy"].get<double>() >= 0.85);  // a fresh draw of the same generator
    CHECK(j["images"] == 60);

    // --out: the same metrics, the figures and a report that links them.
    const nlohmann::json m = read_json(out / "metrics.json");
    CHECK(m["confusion_matrix"] == j["confusion_matrix"]);
    CHECK(m["accuracy"] == j["accuracy"]);
    for (const char* png : {"confusion.png", "eval_grid.png"}) {
      INFO(png);
      const auto decoded = cnn::data::decode_image_file((out / png).string());
      REQUIRE(decoded.ok());
      CHECK(decoded.image.width > 200);
    }
    const std::string html = read_text(out / "report.html");
    CHECK(html.find("evaluation report") != std::string::npos);
    CHECK(html.find("src=\"confusion.png\"") != std::string::npos);
    CHECK(html.find("src=\"eval_grid.png\"") != std::string::npos);
    char percent[32];
    std::snprintf(percent, sizeof percent, "%.2f%%", 100 * j["accuracy"].get<double>());
    CHECK(html.find(percent) != std::string::npos);

    // --quiet hides both progress bars.
    const auto quiet = run_mask_classifier("eval --quiet --device cpu --model " +
                                           q(run / "model.safetensors") + " --data " + q(data));
    CHECK(quiet.exit_code == 0);
    CHECK(quiet.output.find("predicting") == std::string::npos);
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
  p.send(SIGINT);
  const auto r = p.finish();
  INFO(r.output);
  CHECK(r.exit_code == 1);
  // Stopped after the current step, not at the end of the epoch: the step count below says so
  // (a time limit would fail on a loaded machine).
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

TEST_CASE("an unknown or missing subcommand is named and the subcommands are listed",
          "[example][cli]") {
  const auto fly = run_mask_classifier("fly --fast");
  INFO(fly.output);
  CHECK(fly.exit_code == 2);
  CHECK(fly.output.find("unknown subcommand 'fly'") != std::string::npos);
  CHECK(fly.output.find("train, eval, predict, synth") != std::string::npos);
  const auto none = run_mask_classifier("");
  INFO(none.output);
  CHECK(none.exit_code == 2);
  CHECK(none.output.find("subcommand is required") != std::string::npos);
  CHECK(none.output.find("train, eval, predict, synth") != std::string::npos);
  // A known subcommand after a top-level flag is still found.
  CHECK(run_mask_classifier("--help").exit_code == 0);
}

TEST_CASE("each bad flag value gets its own message naming the flag", "[example][cli]") {
  const auto r = run_mask_classifier("train --quiet --batch 0 --epochs -1 --lr 0");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("error: --batch must be at least 1, got 0\n") != std::string::npos);
  CHECK(r.output.find("error: --epochs must be at least 1, got -1\n") != std::string::npos);
  CHECK(r.output.find("error: --lr must be greater than 0, got 0\n") != std::string::npos);
  CHECK(r.output.find("--momentum") == std::string::npos);  // only the bad values
  CHECK(r.output.find("data:") == std::string::npos);       // rejected before the data set

  const auto one = run_mask_classifier("train --quiet --momentum -0.5");
  INFO(one.output);
  CHECK(one.exit_code == 2);
  CHECK(one.output.find("error: --momentum must be at least 0, got -0.5\n") != std::string::npos);
  CHECK(one.output.find("--batch") == std::string::npos);

  const auto shift = run_mask_classifier("train --quiet --augment --shift 0.6");
  INFO(shift.output);
  CHECK(shift.exit_code == 2);
  CHECK(shift.output.find("error: --shift must lie in [0, 0.5), got 0.6") != std::string::npos);

  const auto photometric =
      run_mask_classifier("train --quiet --augment --low-resolution 2 --colour 1");
  INFO(photometric.output);
  CHECK(photometric.exit_code == 2);
  CHECK(photometric.output.find("error: --low-resolution must lie in [0, 1], got 2") !=
        std::string::npos);
  CHECK(photometric.output.find("error: --colour must lie in [0, 1), got 1") != std::string::npos);

  const auto dropout = run_mask_classifier("train --quiet --dropout 0.5");
  INFO(dropout.output);
  CHECK(dropout.exit_code == 2);
  CHECK(dropout.output.find("--dropout applies only to --network tiny-face") != std::string::npos);

  const auto recipe = run_mask_classifier("train --quiet --recipe fastest");
  INFO(recipe.output);
  CHECK(recipe.exit_code == 2);
  CHECK(recipe.output.find("--recipe") != std::string::npos);
  CHECK(recipe.output.find("fastest") != std::string::npos);

  // eval checks its values before it opens the model file.
  const auto eval = run_mask_classifier("eval --batch 0 --model none.safetensors --data none");
  INFO(eval.output);
  CHECK(eval.exit_code == 2);
  CHECK(eval.output.find("error: --batch must be at least 1, got 0\n") != std::string::npos);

  const auto synth = run_mask_classifier("synth --count 1 --size 8 --out " + q(kTmp / "never"));
  INFO(synth.output);
  CHECK(synth.exit_code == 2);
  CHECK(synth.output.find("error: --count must be at least 2, got 1\n") != std::string::npos);
  CHECK(synth.output.find("error: --size must be at least 16, got 8\n") != std::string::npos);
  CHECK_FALSE(fs::exists(kTmp / "never"));
}

TEST_CASE("a bad --resume file is rejected before the data set is built", "[example][cli]") {
  // --data names a folder that does not exist: had the data been loaded first, the error would be
  // about the folder.
  const std::string no_data = " --data " + q(kTmp / "no_such_data");
  const fs::path garbage = kTmp / "garbage.safetensors";
  std::ofstream(garbage) << "not a checkpoint";
  const auto bad = run_mask_classifier("train --quiet" + no_data + " --resume " + q(garbage) +
                                       " --out " + q(kTmp / "resume_garbage"));
  INFO(bad.output);
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("cannot resume from") != std::string::npos);
  CHECK(bad.output.find("garbage.safetensors") != std::string::npos);
  CHECK(bad.output.find("does not exist") == std::string::npos);

  const auto missing = run_mask_classifier("train --quiet" + no_data + " --resume " +
                                           q(kTmp / "missing.safetensors"));
  INFO(missing.output);
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("cannot resume from") != std::string::npos);
  CHECK(missing.output.find("no such file") != std::string::npos);
  CHECK(missing.output.find("does not exist") == std::string::npos);
}

TEST_CASE("a --resume checkpoint of another network is rejected before the data set is built",
          "[example][e2e]") {
  const fs::path& run = trained_run().dir;
  REQUIRE(trained_run().result.exit_code == 0);
  const std::string no_data = " --data " + q(kTmp / "no_such_data");
  // The trained run used --channels 8,16,32.
  const auto other = run_mask_classifier(
      "train --quiet --image-size 32 --channels 4,8,8 --hidden 64 --optimizer adam" + no_data +
      " --resume " + q(run / "checkpoint.safetensors") + " --out " + q(kTmp / "resume_other"));
  INFO(other.output);
  CHECK(other.exit_code == 2);
  CHECK(other.output.find("cannot resume from") != std::string::npos);
  CHECK(other.output.find("shape") != std::string::npos);
  CHECK(other.output.find("--channels") != std::string::npos);  // the hint
  CHECK(other.output.find("does not exist") == std::string::npos);

  // A model file is not a checkpoint.
  const auto model = run_mask_classifier("train " + kReduced + no_data + " --resume " +
                                         q(run / "model.safetensors"));
  INFO(model.output);
  CHECK(model.exit_code == 2);
  CHECK(model.output.find("not a libcnn training checkpoint") != std::string::npos);
  CHECK(model.output.find("does not exist") == std::string::npos);
}

TEST_CASE("eval checks the folder's classes against the model before decoding", "[example][e2e]") {
  const fs::path& run = trained_run().dir;
  REQUIRE(trained_run().result.exit_code == 0);
  const fs::path data = kTmp / "eval_extra_class";
  REQUIRE(run_mask_classifier("synth --count 4 --size 32 --out " + q(data)).exit_code == 0);
  fs::create_directories(data / "hats");
  std::ofstream(data / "hats" / "broken.jpg") << "";
  // With --strict, decoding would stop at broken.jpg; the class check comes first.
  const auto r = run_mask_classifier("eval --quiet --strict --device cpu --model " +
                                     q(run / "model.safetensors") + " --data " + q(data));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("class folder 'hats'") != std::string::npos);
  CHECK(r.output.find("broken.jpg") == std::string::npos);
}

TEST_CASE("a run no better than the majority class says so and points to the recipe notes",
          "[example][cli]") {
  // One image copied 30 times as with_mask and 10 times as without_mask: no network can tell the
  // classes apart, so every prediction is the same class and the accuracy is the majority rate
  // (0.75) or the minority rate (0.25).
  const fs::path data = kTmp / "no_signal", run = kTmp / "no_signal_run";
  const fs::path source = kTmp / "no_signal_source";
  REQUIRE(run_mask_classifier("synth --count 2 --size 32 --out " + q(source)).exit_code == 0);
  const fs::path image = source / "with_mask" / "000000.png";
  fs::create_directories(data / "with_mask");
  fs::create_directories(data / "without_mask");
  for (int i = 0; i < 40; ++i) {
    const fs::path dir = data / (i < 30 ? "with_mask" : "without_mask");
    fs::copy_file(image, dir / (std::to_string(i) + ".png"));
  }
  const auto r = run_mask_classifier("train " + kReduced + " --epochs 1 --val 8 --data " + q(data) +
                                     " --out " + q(run));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json m = read_json(run / "metrics.json");
  const double accuracy = m["val_accuracy"].get<double>();
  CHECK((accuracy == 0.75 || accuracy == 0.25));
  CHECK(r.output.find("warning: validation accuracy") != std::string::npos);
  CHECK(r.output.find("no better than always answering 'with_mask'") != std::string::npos);
  CHECK(r.output.find("Recipe notes") != std::string::npos);
  CHECK(r.output.find("examples/mask_classifier/README.md") != std::string::npos);
  REQUIRE(m["warnings"].size() == 1);
  CHECK(read_text(run / "report.html").find("class=\"warning\"") != std::string::npos);
}

TEST_CASE("saved models and checkpoints respect the umask", "[example][cli]") {
  const fs::path run = kTmp / "umask_run";
  const auto r = run_mask_classifier(
      "train --quiet --device cpu --synthetic-count 40 --val 10 --image-size 16 --channels "
      "2,2,2 --hidden 4 --epochs 1 --out " +
          q(run),
      "umask 027;");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  for (const char* f : {"model.safetensors", "checkpoint.safetensors", "metrics.json"}) {
    INFO(f);
    CHECK(perms_of(run / f) == created_file_perms(027));  // rw-r-----
  }
}

TEST_CASE("--recipe seed trains exactly what the defaults train", "[example][e2e][recipes]") {
  // Same flags, with and without --recipe seed: the model files must be byte-identical.
  const std::string tiny =
      "--image-size 16 --channels 4,4,4 --hidden 8 --synthetic-count 120 "
      "--val 40 --epochs 1 --device cpu --quiet";
  const auto plain = run_mask_classifier("train " + tiny + " --out " + q(kTmp / "recipe_default"));
  const auto seed =
      run_mask_classifier("train --recipe seed " + tiny + " --out " + q(kTmp / "recipe_seed"));
  INFO(plain.output << seed.output);
  REQUIRE(plain.exit_code == 0);
  REQUIRE(seed.exit_code == 0);
  const std::string a = read_text(kTmp / "recipe_default" / "model.safetensors");
  const std::string b = read_text(kTmp / "recipe_seed" / "model.safetensors");
  CHECK(a.size() > 1000);
  CHECK(a == b);
  CHECK(read_json(kTmp / "recipe_seed" / "metrics.json")["recipe"]["name"] == "seed");
}

TEST_CASE("a tiny-face network trains, evaluates with flip averaging and predicts",
          "[example][e2e][tiny_face]") {
  // From random weights (the pretrained backbone needs the model cache; its loading is
  // models.tiny_face_backbone's test), on the synthetic set at 32 px.
  const fs::path run = kTmp / "tiny_face";
  const auto r = run_mask_classifier(
      "train --recipe best --from-pretrained none --image-size 32 --synthetic-count 300 --val 60 "
      "--epochs 2 --device cpu --quiet --out " +
      q(run));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("recipe best | network: TinyFace(image 32, dropout 0.2, classes 2)") !=
        std::string::npos);
  const nlohmann::json m = read_json(run / "metrics.json");
  CHECK(m["network"] == "TinyFace(image 32, dropout 0.2, classes 2)");
  CHECK(m["recipe"]["network"] == "tiny-face");
  CHECK(m["recipe"]["from_pretrained"] == "none");
  CHECK(m["recipe"]["flip_average"] == true);
  CHECK(m["recipe"]["schedule"] == "warmup-cosine");
  CHECK(m["recipe"]["low_resolution"] == 0.5);
  CHECK(m["parameters"] == 180496 + 512 * 2 + 2);

  const fs::path folder = kTmp / "tiny_face_folder";
  REQUIRE(run_mask_classifier("synth --count 20 --size 32 --seed 5 --out " + q(folder)).exit_code ==
          0);
  const auto on = run_mask_classifier("eval --quiet --model " + q(run / "model.safetensors") +
                                      " --data " + q(folder) + " --json " + q(kTmp / "tf_on.json"));
  const auto off = run_mask_classifier("eval --quiet --flip-average off --model " +
                                       q(run / "model.safetensors") + " --data " + q(folder) +
                                       " --json " + q(kTmp / "tf_off.json"));
  INFO(on.output << off.output);
  REQUIRE(on.exit_code == 0);
  REQUIRE(off.exit_code == 0);
  CHECK(read_json(kTmp / "tf_on.json")["flip_average"] == true);  // the model file says so
  CHECK(read_json(kTmp / "tf_off.json")["flip_average"] == false);
  CHECK(on.output.find("balanced accuracy") != std::string::npos);

  const auto p =
      run_mask_classifier("predict --device cpu --model " + q(run / "model.safetensors") + " " +
                          q(folder / "with_mask" / "000000.png"));
  INFO(p.output);
  CHECK(p.exit_code == 0);
  CHECK(std::regex_search(
      p.output, std::regex(R"(000000\.png\t(with_mask|without_mask)\t(0\.\d{4}|1\.0000)\n)")));

  // Resuming needs the same --network: a seed-network run cannot take this checkpoint.
  const auto wrong = run_mask_classifier("train --quiet --data " + q(kTmp / "no_such_data") +
                                         " --resume " + q(run / "checkpoint.safetensors"));
  INFO(wrong.output);
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.output.find("of a --network seed run") != std::string::npos);
}
