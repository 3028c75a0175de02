#!/bin/sh
# Opens a freshly trained run's report.html, and the report of `eval --out` on a synthetic folder,
# in headless Chromium and checks that each page loads and every figure decodes: report.html's inline script writes data-images-loaded="k/n" on <body>,
# which --dump-dom shows. Exits 77 (ctest: skipped) when Chromium is not installed.
#   usage: check_report_in_browser.sh MASK_CLASSIFIER_BINARY WORK_DIR
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
"$binary" train --quiet --device cpu --image-size 32 --channels 4,8,8 --hidden 16 --batch 32 \
  --synthetic-count 120 --val 40 --epochs 2 --optimizer adam --out "$work/run" > "$work/train.log" 2>&1

# Headless, sandbox off (CI runs as root), no network or profile side effects.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/profile" \
  --virtual-time-budget=5000 --dump-dom "file://$work/run/report.html" > "$work/dom.html" \
  2> "$work/chromium.log"

if grep -q 'data-images-loaded="3/3"' "$work/dom.html"; then
  echo "report.html: 3 of 3 figures loaded"
else
  echo "report.html: figures did not all load; body says:"
  grep -o 'data-images-loaded="[^"]*"' "$work/dom.html" || echo "(no marker: the script did not run)"
  exit 1
fi
grep -q "Training curves" "$work/dom.html"
grep -q "Confusion matrix" "$work/dom.html"

# eval --out: the evaluation report with its two figures.
"$binary" synth --count 20 --size 32 --seed 3 --out "$work/eval_data" > "$work/synth.log" 2>&1
"$binary" eval --quiet --device cpu --model "$work/run/model.safetensors" --data "$work/eval_data" \
  --out "$work/eval" > "$work/eval.log" 2>&1
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/profile" \
  --virtual-time-budget=5000 --dump-dom "file://$work/eval/report.html" > "$work/eval_dom.html" \
  2> "$work/chromium_eval.log"
if grep -q 'data-images-loaded="2/2"' "$work/eval_dom.html"; then
  echo "eval report.html: 2 of 2 figures loaded"
else
  echo "eval report.html: figures did not all load; body says:"
  grep -o 'data-images-loaded="[^"]*"' "$work/eval_dom.html" || echo "(no marker: the script did not run)"
  exit 1
fi
grep -q "evaluation report" "$work/eval_dom.html"
