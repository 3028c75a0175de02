// report.html of a run: one self-contained page (inline CSS, relative <img> links to the run's
// PNGs) built from generic sections - headings, paragraphs, figures, tables, a JSON block, a list
// of skipped files. Every method escapes its text; only raw_html() takes markup as is.
// A small inline script at the end records whether every image loaded
// (data-images-loaded="k/n" on <body>), so a headless browser test can check the page with
// --dump-dom.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace example_common {

// &, <, >, " as entities: safe in element text and in double-quoted attributes.
std::string escape_html(const std::string& text);
// printf("%.*f"): numbers in tables.
std::string fixed(double value, int decimals);

class HtmlReport {
 public:
  // page_title goes into <title>, heading into <h1>.
  HtmlReport(const std::string& page_title, const std::string& heading);

  void section(const std::string& title);  // <h2>
  void paragraph(const std::string& text, const std::string& css_class = "");
  // A warning paragraph, highlighted (a run that did not learn, a suspicious setting).
  void warning(const std::string& text);
  void image(const std::string& id, const std::string& src, const std::string& alt);
  // A table; every row has header.size() cells. The first column is left-aligned, others right.
  void table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows);
  // A JSON value, pretty-printed in a <pre> block.
  void json(const nlohmann::json& value);
  // Files a run skipped: [{path, reason}] as a table under "Skipped files (n)", or `none_text`.
  void skipped_files(const nlohmann::json& skipped, const std::string& none_text);
  // Side-by-side blocks: begin_columns(), then column() before each block, then end_columns().
  void begin_columns();
  void column();
  void end_columns();
  // Markup written as is: the caller escapes any text in it.
  void raw_html(const std::string& html);

  // The finished page (closing script and tags appended).
  std::string html() const;
  // Writes html() to path; false on an I/O error.
  bool save(const std::string& path) const;

 private:
  std::ostringstream body_;
  bool in_column_ = false;
};

}  // namespace example_common
