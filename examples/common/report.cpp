// HTML report sections (see report.h).
#include "common/report.h"

#include <cstdio>
#include <fstream>

namespace example_common {

std::string escape_html(const std::string& s) {
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

HtmlReport::HtmlReport(const std::string& page_title, const std::string& heading) {
  body_ << R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>)"
        << escape_html(page_title) << R"(</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222}
h1{margin-bottom:4px} .sub{color:#666;margin-top:0}
table{border-collapse:collapse;margin:8px 0 20px} td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}
th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
.big{font-size:28px;font-weight:600} img{max-width:100%;border:1px solid #ddd;margin:6px 0}
.grid{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
.warning{background:#fff4e5;border-left:4px solid #ff7f0e;padding:8px 12px}
pre{background:#f6f6f6;padding:8px;overflow:auto}
code{background:#f3f3f3;padding:1px 4px}
</style></head><body>
<h1>)" << escape_html(heading)
        << "</h1>\n";
}

void HtmlReport::section(const std::string& title) {
  body_ << "<h2>" << escape_html(title) << "</h2>\n";
}

void HtmlReport::paragraph(const std::string& text, const std::string& css_class) {
  body_ << (css_class.empty() ? "<p>" : "<p class=\"" + escape_html(css_class) + "\">")
        << escape_html(text) << "</p>\n";
}

void HtmlReport::warning(const std::string& text) {
  paragraph(text, "warning");
}

void HtmlReport::image(const std::string& id, const std::string& src, const std::string& alt) {
  body_ << "<img id=\"" << escape_html(id) << "\" src=\"" << escape_html(src) << "\" alt=\""
        << escape_html(alt) << "\">\n";
}

void HtmlReport::table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows) {
  body_ << "<table><tr>";
  for (const std::string& h : header) body_ << "<th>" << escape_html(h) << "</th>";
  body_ << "</tr>\n";
  for (const auto& row : rows) {
    body_ << "<tr>";
    for (const std::string& cell : row) body_ << "<td>" << escape_html(cell) << "</td>";
    body_ << "</tr>\n";
  }
  body_ << "</table>\n";
}

void HtmlReport::json(const nlohmann::json& value) {
  // replace: a file name with invalid UTF-8 must not make the report fail.
  body_ << "<pre>"
        << escape_html(value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace))
        << "</pre>\n";
}

void HtmlReport::skipped_files(const nlohmann::json& skipped, const std::string& none_text) {
  const size_t n = skipped.is_array() ? skipped.size() : 0;
  section("Skipped files (" + std::to_string(n) + ")");
  if (n == 0) {
    paragraph(none_text);
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const nlohmann::json& s : skipped)
    rows.push_back({s.value("path", ""), s.value("reason", "")});
  table({"file", "reason"}, rows);
}

void HtmlReport::begin_columns() {
  body_ << "<div class=\"grid\">";
  in_column_ = false;
}

void HtmlReport::column() {
  body_ << (in_column_ ? "</div>\n<div>" : "<div>");
  in_column_ = true;
}

void HtmlReport::end_columns() {
  body_ << (in_column_ ? "</div></div>\n" : "</div>\n");
  in_column_ = false;
}

void HtmlReport::raw_html(const std::string& html) {
  body_ << html;
}

std::string HtmlReport::html() const {
  return body_.str() + R"(<p id="image-status" class="sub">images: checking...</p>
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
}

bool HtmlReport::save(const std::string& path) const {
  std::ofstream out(path);
  out << html();
  return static_cast<bool>(out);
}

}  // namespace example_common
