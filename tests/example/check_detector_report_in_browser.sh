#!/bin/sh
# Opens a mask-detector training run's report.html in headless Chromium and checks that the page
# loads and its three figures (training curves, PR curves, photo grid) decode: report.html's inline
# script writes data-images-loaded="k/n" on <body>, which --dump-dom shows.
# Exits 77 (ctest: skipped) without Chromium or without face-api's models (.ci/fetch-models).
#   usage: check_detector_report_in_browser.sh MASK_DETECTOR_BINARY WORK_DIR
set -eu
binary=$1
work=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium not installed: skipping the browser check of report.html"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work"
if ! "$binary" train --quiet --device cpu --synthetic-count 40 --image-size 128 --epochs 1 \
    --out "$work/run" > "$work/train.log" 2>&1; then
  if grep -q "face-api models not found" "$work/train.log"; then
    cat "$work/train.log"
    exit 77
  fi
  cat "$work/train.log"
  exit 1
fi

timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/profile" \
  --virtual-time-budget=5000 --dump-dom "file://$work/run/report.html" > "$work/dom.html" \
  2> "$work/chromium.log"

if grep -q 'data-images-loaded="3/3"' "$work/dom.html"; then
  echo "mask-detector report.html: 3 of 3 figures loaded"
else
  echo "mask-detector report.html: figures did not all load; body says:"
  grep -o 'data-images-loaded="[^"]*"' "$work/dom.html" || echo "(no marker: the script did not run)"
  exit 1
fi
grep -q "mask-detector training report" "$work/dom.html"
grep -q "Precision-recall curves" "$work/dom.html"
grep -q "with_mask" "$work/dom.html"
