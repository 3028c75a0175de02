# Shell functions the report checks share (sourced, not run): find Chromium, open a report.html
# headless and check that every figure decoded. report.html's inline script writes
# data-images-loaded="k/n" on <body>, which --dump-dom shows.

# Sets $browser, or exits 77 (ctest: skipped) when Chromium is not installed.
find_browser_or_skip() {
  browser=$(command -v chromium || command -v chromium-browser || true)
  if [ -z "$browser" ]; then
    echo "chromium not installed: skipping the browser check of report.html"
    exit 77
  fi
}

# usage: check_report_loads NAME PAGE WORK_DIR FIGURES
# Loads PAGE, writes its DOM to WORK_DIR/NAME.dom.html and fails unless all FIGURES figures loaded.
check_report_loads() {
  name=$1
  page=$2
  dir=$3
  figures=$4
  # Headless, sandbox off (CI runs as root), no network or profile side effects.
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$dir/profile" \
    --virtual-time-budget=5000 --dump-dom "file://$page" > "$dir/$name.dom.html" \
    2> "$dir/$name.chromium.log"
  if grep -q "data-images-loaded=\"$figures/$figures\"" "$dir/$name.dom.html"; then
    echo "$name: $figures of $figures figures loaded"
  else
    echo "$name: figures did not all load; body says:"
    grep -o 'data-images-loaded="[^"]*"' "$dir/$name.dom.html" ||
      echo "(no marker: the script did not run)"
    exit 1
  fi
}
