#!/bin/sh
# Opens a freshly trained run's report.html, and the report of `eval --out` on a synthetic folder,
# in headless Chromium and checks that each page loads and every figure decodes.
# Exits 77 (ctest: skipped) when Chromium is not installed.
#   usage: check_report_in_browser.sh MASK_CLASSIFIER_BINARY WORK_DIR
set -eu
binary=$1
work=$2
. "$(dirname "$0")/report_in_browser.sh"
find_browser_or_skip
rm -rf "$work"
mkdir -p "$work"
"$binary" train --quiet --device cpu --image-size 32 --channels 4,8,8 --hidden 16 --batch 32 \
  --synthetic-count 120 --val 40 --epochs 2 --optimizer adam --out "$work/run" > "$work/train.log" 2>&1
check_report_loads "report.html" "$work/run/report.html" "$work" 3
grep -q "Training curves" "$work/report.html.dom.html"
grep -q "Confusion matrix" "$work/report.html.dom.html"

# eval --out: the evaluation report with its two figures.
"$binary" synth --count 20 --size 32 --seed 3 --out "$work/eval_data" > "$work/synth.log" 2>&1
"$binary" eval --quiet --device cpu --model "$work/run/model.safetensors" --data "$work/eval_data" \
  --out "$work/eval" > "$work/eval.log" 2>&1
check_report_loads "eval report.html" "$work/eval/report.html" "$work" 2
grep -q "evaluation report" "$work/eval report.html.dom.html"
