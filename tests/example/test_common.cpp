// Unit tests of examples/common, the library the example programs share: value checks, float
// formatting, canvas boxes, fixed-axis charts, report sections, run history, output-directory
// checks and the command-line front end.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "cnn/data/image.h"
#include "common/canvas.h"
#include "common/checkpoint.h"
#include "common/cli_checks.h"
#include "common/exit_codes.h"
#include "common/plots.h"
#include "common/report.h"
#include "common/run_dir.h"

using namespace example_common;
namespace fs = std::filesystem;

namespace {

bool same(Colour a, const uint8_t* p) {
  return p[0] == a.r && p[1] == a.g && p[2] == a.b;
}

const uint8_t* pixel(const Canvas& c, int x, int y) {
  return &c.image().pixels[(static_cast<size_t>(y) * c.width() + x) * 3];
}

}  // namespace

TEST_CASE("value checks name every bad flag on its own line", "[example][common]") {
  ValueChecks checks;
  checks.at_least("--batch", int64_t{0}, int64_t{1});
  checks.at_least("--epochs", int64_t{-1}, int64_t{1});
  checks.at_least("--workers", int64_t{4}, int64_t{1});  // fine
  checks.greater_than("--lr", 0.0, 0.0);
  checks.greater_than("--scale", NAN, 0.0);            // NaN fails every check
  checks.number_at_least("--momentum", 0.0, 0.0);      // fine: the bound itself
  checks.open_interval("--threshold", 0.5, 0.0, 1.0);  // fine
  checks.open_interval("--iou", 1.0, 0.0, 1.0);        // the bounds are excluded
  checks.open_interval("--p", NAN, 0.0, 1.0);
  checks.half_open_interval("--shift", 0.0, 0.0, 0.5);  // fine: the lower bound is included
  checks.half_open_interval("--share", 0.5, 0.0, 0.5);
  REQUIRE(checks.failures() == std::vector<std::string>{
                                   "--batch must be at least 1, got 0",
                                   "--epochs must be at least 1, got -1",
                                   "--lr must be greater than 0, got 0",
                                   "--scale must be greater than 0, got nan",
                                   "--iou must lie in (0, 1), got 1",
                                   "--p must lie in (0, 1), got nan",
                                   "--share must lie in [0, 0.5), got 0.5",
                               });
  try {
    checks.throw_if_failed();
    FAIL("no exception");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "--batch must be at least 1, got 0\n--epochs must be at least 1, got -1\n"
          "--lr must be greater than 0, got 0\n--scale must be greater than 0, got nan\n"
          "--iou must lie in (0, 1), got 1\n--p must lie in (0, 1), got nan\n"
          "--share must lie in [0, 0.5), got 0.5");
  }
  ValueChecks fine;
  fine.require(true, "never shown");
  CHECK_NOTHROW(fine.throw_if_failed());
}

TEST_CASE("floats are stored as their shortest round-tripping decimal", "[example][common]") {
  // Known values: the decimal a user types, not the float's exact double expansion.
  CHECK(shortest_decimal(0.001f) == 0.001);
  CHECK(static_cast<double>(0.001f) != 0.001);  // the problem being fixed
  CHECK(shortest_decimal(0.9f) == 0.9);
  CHECK(shortest_decimal(0.1f) == 0.1);
  CHECK(shortest_decimal(3.0f) == 3.0);
  CHECK(shortest_decimal(2e-3f) == 0.002);
  CHECK(shortest_decimal(123456.7f) == 123456.7);
  CHECK(std::isinf(shortest_decimal(INFINITY)));
  // Every result reads back as the same float, for floats across the whole range.
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> bits(0, 0x7f7fffffu);  // positive finite floats
  for (int i = 0; i < 10000; ++i) {
    const uint32_t b = bits(rng);
    float f;
    std::memcpy(&f, &b, sizeof f);
    INFO(f);
    CHECK(static_cast<float>(shortest_decimal(f)) == f);
  }
}

TEST_CASE("a labelled box draws its outline and a label tab", "[example][common]") {
  const Colour red = colours::kRed;
  Canvas c(200, 120);
  c.labelled_box(50, 60, 150, 110, red, "with_mask 0.97", 2);
  // Outline: the edges are red, the inside is untouched.
  CHECK(same(red, pixel(c, 50, 80)));
  CHECK(same(red, pixel(c, 149, 80)));
  CHECK(same(red, pixel(c, 100, 109)));
  CHECK(same(colours::kWhite, pixel(c, 100, 85)));
  // The tab sits above the box: red background with white ink (red is dark).
  const int tab_h = Canvas::text_height() + 4;
  CHECK(same(red, pixel(c, 51, 60 - tab_h)));
  int ink = 0, outside = 0;
  for (int y = 60 - tab_h; y < 60; ++y) {
    for (int x = 50; x < 50 + Canvas::text_width("with_mask 0.97") + 4; ++x) {
      ink += same(colours::kWhite, pixel(c, x, y));
    }
  }
  for (int x = 0; x < 200; ++x) outside += !same(colours::kWhite, pixel(c, x, 60 - tab_h - 2));
  CHECK(ink > 20);
  CHECK(outside == 0);  // nothing above the tab

  // At the top edge the tab moves inside the box; a light colour gets dark ink.
  Canvas top(200, 120);
  const Colour yellow{250, 230, 60};
  top.labelled_box(10, 0, 120, 50, yellow, "x", 1);
  CHECK(same(yellow, pixel(top, 11, 1)));
  int dark = 0;
  for (int y = 0; y < tab_h; ++y) {
    for (int x = 10; x < 10 + Canvas::text_width("x") + 4; ++x)
      dark += same(colours::kBlack, pixel(top, x, y));
  }
  CHECK(dark > 0);

  // A canvas made from a photo draws on a copy.
  cnn::data::RgbImage photo;
  photo.width = 4, photo.height = 3;
  photo.pixels.assign(4 * 3 * 3, 7);
  Canvas on_photo(photo);
  on_photo.set(1, 1, red);
  CHECK(same(red, pixel(on_photo, 1, 1)));
  CHECK(photo.pixels[(1 * 4 + 1) * 3] == 7);
}

TEST_CASE("precision-recall charts use fixed [0,1] axes", "[example][common]") {
  // One short segment from (recall 0.2, precision 0.6) to (0.4, 0.8): with axes fitted to the data
  // it would span the plot; on fixed axes its midpoint (0.3, 0.7) lands at a known pixel.
  const Colour green = colours::kGreen;
  const Canvas c = pr_chart("PR", {{"with_mask", green, {0.2, 0.4}, {0.6, 0.8}, 0.5}}, 560, 420);
  // line_chart's plot area: left 60, right 16, top 36, bottom 44.
  const double pw = 560 - 60 - 16, ph = 420 - 36 - 44;
  const int x = static_cast<int>(std::lround(60 + 0.3 * pw));
  const int y = static_cast<int>(std::lround(36 + ph - 0.7 * ph));
  bool found = false;
  for (int dy = -1; dy <= 1; ++dy) {
    for (int dx = -1; dx <= 1; ++dx) found = found || same(green, pixel(c, x + dx, y + dy));
  }
  CHECK(found);
  // The right end of the plot (recall 0.9) has no curve.
  const int x_far = static_cast<int>(std::lround(60 + 0.9 * pw));
  for (int yy = 36; yy < 36 + static_cast<int>(ph); ++yy)
    CHECK_FALSE(same(green, pixel(c, x_far, yy)));

  const fs::path path = fs::temp_directory_path() / "cnn_test_pr.png";
  REQUIRE(write_pr_curves(path.string(), {{"a", class_colour(0), {0, 0.5, 1}, {1, 0.8, 0.3}, 0.7},
                                          {"b", class_colour(1), {0, 1}, {1, 0.5}, 0.75}}));
  const auto decoded = cnn::data::decode_image_file(path.string());
  REQUIRE(decoded.ok());
  CHECK(decoded.image.width == 560);
  fs::remove(path);

  std::set<std::tuple<int, int, int>> palette;
  for (size_t k = 0; k < 10; ++k)
    palette.insert({class_colour(k).r, class_colour(k).g, class_colour(k).b});
  CHECK(palette.size() == 10);
}

TEST_CASE("a series without a finite point has no legend entry", "[example][common]") {
  const Series train{"train", colours::kBlue, {1, 2, 3}, {0.5, 0.4, 0.3}};
  const Series empty{"validation", colours::kOrange, {1, 2, 3}, {NAN, NAN, NAN}};
  const Series partial{"validation", colours::kOrange, {1, 2, 3}, {NAN, 0.45, NAN}};
  const Canvas alone = line_chart("Loss", "epoch", {train});
  const Canvas with_empty = line_chart("Loss", "epoch", {train, empty});
  CHECK(with_empty.image().pixels == alone.image().pixels);
  // A single finite point is drawn and listed.
  CHECK(line_chart("Loss", "epoch", {train, partial}).image().pixels != alone.image().pixels);
}

TEST_CASE("report sections escape text and count images", "[example][common]") {
  HtmlReport page("t <1>", "Heading & more");
  page.section("Figures");
  page.image("curves", "a\"b.png", "alt <x>");
  page.table({"file", "reason"}, {{"<script>alert(1)</script>", "bad"}});
  page.json({{"name", "<b>"}, {"lr", 0.001}});
  page.warning("careful <now>");
  page.skipped_files(nlohmann::json::array(), "None skipped.");
  page.begin_columns();
  page.column();
  page.paragraph("left");
  page.column();
  page.paragraph("right");
  page.end_columns();
  const std::string html = page.html();
  CHECK(html.find("<title>t &lt;1&gt;</title>") != std::string::npos);
  CHECK(html.find("<h1>Heading &amp; more</h1>") != std::string::npos);
  CHECK(html.find("src=\"a&quot;b.png\"") != std::string::npos);
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&quot;name&quot;: &quot;&lt;b&gt;&quot;") != std::string::npos);
  CHECK(html.find("\"lr\"") == std::string::npos);  // inside <pre>, quotes are escaped too
  CHECK(html.find("<p class=\"warning\">careful &lt;now&gt;</p>") != std::string::npos);
  CHECK(html.find("Skipped files (0)") != std::string::npos);
  CHECK(
      html.find("<div class=\"grid\"><div><p>left</p>\n</div>\n<div><p>right</p>\n</div></div>") !=
      std::string::npos);
  CHECK(html.find("data-images-loaded") != std::string::npos);
  CHECK(html.rfind("</body></html>\n") == html.size() - std::strlen("</body></html>\n"));
}

TEST_CASE("training history round-trips through history.json and truncates on resume",
          "[example][common]") {
  TrainingHistory h("val_map50", "Validation mAP@0.5 (%)");
  for (int e = 0; e < 3; ++e) {
    h.add_step(e + 0.5, 1.0 - 0.1 * e);
    h.add_step(e + 1.0, 0.9 - 0.1 * e);
    h.add_epoch(
        {{"train_loss", 0.9 - 0.1 * e}, {"val_loss", 1.0 - 0.1 * e}, {"val_map50", 0.3 * e}});
  }
  CHECK(h.curves().val_metric == std::vector<double>{0.0, 0.3, 0.6});
  CHECK(h.curves().epoch == std::vector<double>{1, 2, 3});
  CHECK(h.curves().metric_title == "Validation mAP@0.5 (%)");
  const fs::path file = fs::temp_directory_path() / "cnn_test_history.json";
  write_json_file(file.string(), h.to_json());

  TrainingHistory resumed("val_map50");
  resumed.load(file.string(), 2);  // the checkpoint was written after epoch 2
  CHECK(resumed.epochs().size() == 2);
  CHECK(resumed.curves().step_epoch == std::vector<double>{0.5, 1.0, 1.5, 2.0});
  CHECK(resumed.curves().val_metric == std::vector<double>{0.0, 0.3});

  TrainingHistory none;
  none.load((fs::temp_directory_path() / "cnn_no_such_history.json").string(), 2);
  CHECK(none.epochs().empty());
  fs::remove(file);
}

TEST_CASE("output directories are checked before any work and created on demand",
          "[example][common]") {
  const fs::path root = fs::temp_directory_path() / "cnn_test_run_dir";
  fs::remove_all(root);
  fs::create_directories(root);
  const fs::path nested = root / "a" / "b";
  CHECK_NOTHROW(check_output_directory(nested.string()));
  CHECK_FALSE(fs::exists(root / "a"));  // the check creates nothing
  create_output_directory(nested.string());
  CHECK(fs::is_directory(nested));

  std::ofstream(root / "file") << "x";
  try {
    check_output_directory((root / "file" / "run").string(), "--out");
    FAIL("no exception");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("--out") != std::string::npos);
    CHECK(std::string(e.what()).find("is not a directory") != std::string::npos);
  }
  if (::geteuid() != 0) {  // root may write anywhere
    fs::create_directories(root / "locked");
    fs::permissions(root / "locked", fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THROWS_AS(check_output_directory((root / "locked" / "run").string()), InputError);
    fs::permissions(root / "locked", fs::perms::owner_all);
  }
  fs::remove_all(root);
}

TEST_CASE("the command-line front end stops on a missing or unknown subcommand",
          "[example][common]") {
  auto make_app = [](CLI::App& app, int* value) {
    app.require_subcommand(1);
    app.add_subcommand("train", "")->add_option("--n", *value);
    app.add_subcommand("eval", "");
  };
  int value = 0;
  {
    CLI::App app;
    make_app(app, &value);
    const char* argv[] = {"prog", "train", "--n", "5"};
    CHECK_FALSE(parse_command_line(app, "prog", 4, const_cast<char**>(argv)).has_value());
    CHECK(value == 5);
  }
  {
    CLI::App app;
    make_app(app, &value);
    const char* argv[] = {"prog", "fly"};
    CHECK(parse_command_line(app, "prog", 2, const_cast<char**>(argv)) == kExitBadInput);
  }
  {
    CLI::App app;
    make_app(app, &value);
    const char* argv[] = {"prog"};
    CHECK(parse_command_line(app, "prog", 1, const_cast<char**>(argv)) == kExitBadInput);
  }
  CHECK(run_reporting_errors([] { return 0; }) == kExitSuccess);
  CHECK(run_reporting_errors([]() -> int { throw InputError("bad"); }) == kExitBadInput);
  CHECK(run_reporting_errors([]() -> int { throw std::runtime_error("io"); }) == kExitFailure);
}
