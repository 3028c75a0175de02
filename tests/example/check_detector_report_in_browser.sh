#!/bin/sh
# Opens a mask-detector training run's report.html in headless Chromium and checks that the page
# loads and its three figures (training curves, PR curves, photo grid) decode.
# Exits 77 (ctest: skipped) without Chromium or without face-api's models (.ci/fetch-models).
#   usage: check_detector_report_in_browser.sh MASK_DETECTOR_BINARY WORK_DIR
set -eu
binary=$1
work=$2
. "$(dirname "$0")/report_in_browser.sh"
find_browser_or_skip
rm -rf "$work"
mkdir -p "$work"
if ! "$binary" train --quiet --device cpu --synthetic-count 40 --image-size 128 --epochs 1 \
    --out "$work/run" > "$work/train.log" 2>&1; then
  cat "$work/train.log"
  if grep -q "face-api models not found" "$work/train.log"; then exit 77; fi
  exit 1
fi
check_report_loads "mask-detector report.html" "$work/run/report.html" "$work" 3
dom="$work/mask-detector report.html.dom.html"
grep -q "mask-detector training report" "$dom"
grep -q "Precision-recall curves" "$dom"
grep -q "with_mask" "$dom"
