// HTML report (see report.h).
#include "report.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace mask_classifier {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string text_of(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return "-";
  const nlohmann::json& v = j[key];
  return escape(v.is_string() ? v.get<std::string>() : v.dump());
}

}  // namespace

bool write_report_html(const std::string& path, const nlohmann::json& m) {
  std::ostringstream h;
  h << R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>mask-classifier report</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222}
h1{margin-bottom:4px} .sub{color:#666;margin-top:0}
table{border-collapse:collapse;margin:8px 0 20px} td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}
th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
.big{font-size:28px;font-weight:600} img{max-width:100%;border:1px solid #ddd;margin:6px 0}
.grid{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
code{background:#f3f3f3;padding:1px 4px}
</style></head><body>
<h1>mask-classifier training report</h1>
)";
  const double acc = m.value("val_accuracy", 0.0);
  h << "<p class=\"sub\">data: <code>" << text_of(m, "data") << "</code> &middot; device: <code>"
    << text_of(m, "device") << "</code> &middot; network: <code>" << text_of(m, "network")
    << "</code> (" << text_of(m, "parameters") << " parameters)</p>\n";
  h << "<p><span class=\"big\">" << fixed(100 * acc, 2) << "%</span> validation accuracy on "
    << text_of(m, "val_size") << " images (trained on " << text_of(m, "train_size")
    << ", classes: ";
  if (m.contains("classes")) {
    for (size_t i = 0; i < m["classes"].size(); ++i) {
      h << (i ? ", " : "") << escape(m["classes"][i].get<std::string>());
    }
  }
  h << ")</p>\n";

  h << "<h2>Training curves</h2>\n<img id=\"curves\" src=\"" << kCurvesPng
    << "\" alt=\"loss and accuracy curves\">\n";
  h << "<h2>Epochs</h2>\n<table><tr><th>epoch</th><th>train loss</th><th>val loss</th>"
       "<th>val accuracy</th><th>seconds</th><th>images/s</th></tr>\n";
  if (m.contains("epochs")) {
    int e = 1;
    for (const nlohmann::json& ep : m["epochs"]) {
      h << "<tr><td>" << e++ << "</td><td>" << fixed(ep.value("train_loss", 0.0), 4) << "</td><td>"
        << fixed(ep.value("val_loss", 0.0), 4) << "</td><td>"
        << fixed(100 * ep.value("val_accuracy", 0.0), 2) << "%</td><td>"
        << fixed(ep.value("seconds", 0.0), 1) << "</td><td>"
        << fixed(ep.value("images_per_second", 0.0), 1) << "</td></tr>\n";
    }
  }
  h << "</table>\n";

  h << "<div class=\"grid\"><div><h2>Confusion matrix</h2>\n<img id=\"confusion\" src=\""
    << kConfusionPng << "\" alt=\"confusion matrix\"></div>\n<div><h2>Per class</h2>\n"
    << "<table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></"
       "tr>\n";
  if (m.contains("per_class")) {
    for (const auto& [name, cm] : m["per_class"].items()) {
      h << "<tr><td>" << escape(name) << "</td><td>" << fixed(cm.value("precision", 0.0), 4)
        << "</td><td>" << fixed(cm.value("recall", 0.0), 4) << "</td><td>"
        << fixed(cm.value("f1", 0.0), 4) << "</td><td>" << cm.value("support", 0) << "</td></tr>\n";
    }
  }
  h << "</table></div></div>\n";

  h << "<h2>Validation images</h2>\n<img id=\"grid\" src=\"" << kGridPng
    << "\" alt=\"validation images with predicted and true labels\">\n";

  const size_t n_skipped = m.contains("skipped_files") ? m["skipped_files"].size() : 0;
  h << "<h2>Skipped files (" << n_skipped << ")</h2>\n";
  if (n_skipped == 0) {
    h << "<p>None: every file in the dataset folder was decoded.</p>\n";
  } else {
    h << "<table><tr><th>file</th><th>reason</th></tr>\n";
    for (const nlohmann::json& s : m["skipped_files"]) {
      h << "<tr><td>" << escape(s.value("path", "")) << "</td><td>" << escape(s.value("reason", ""))
        << "</td></tr>\n";
    }
    h << "</table>\n";
  }
  h << R"(<p id="image-status" class="sub">images: checking...</p>
<script>
// Record whether every figure loaded, for people and for the headless-browser test.
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute('data-images-loaded', ok + '/' + imgs.length);
  document.getElementById('image-status').textContent = 'images: ' + ok + ' of ' + imgs.length + ' loaded';
});
</script>
</body></html>
)";
  std::ofstream out(path);
  out << h.str();
  return static_cast<bool>(out);
}

}  // namespace mask_classifier
