#!/bin/sh
# bench/pytorch_compare.py --split evaluates PyTorch on exactly libcnn's validation files: trains
# libcnn for one epoch on a small generated folder, runs the script on that run's metrics.json and
# compares the validation file lists and split sizes. Exits 77 (ctest: skipped) without PyTorch.
#   usage: check_pytorch_same_split.sh MASK_CLASSIFIER_BINARY PYTHON COMPARE_SCRIPT WORK_DIR
set -eu
binary=$1
python=$2
script=$3
work=$4
if ! "$python" -c "import torch, numpy, PIL" > /dev/null 2>&1; then
  echo "python3-torch (with numpy and PIL) not installed: skipping the PyTorch split check"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work"
"$binary" synth --count 80 --size 32 --seed 11 --out "$work/data" > "$work/synth.log" 2>&1
"$binary" train --quiet --device cpu --image-size 32 --channels 4,8,8 --hidden 16 --batch 16 \
  --epochs 1 --val 20 --data "$work/data" --out "$work/run" > "$work/train.log" 2>&1
"$python" "$script" --data "$work/data" --image-size 32 --epochs 1 --batch 16 --threads 1 \
  --split "$work/run/metrics.json" > "$work/pytorch.log" 2> "$work/pytorch.err"

"$python" - "$work/run/metrics.json" "$work/pytorch.log" <<'PY'
import json, sys
libcnn = json.load(open(sys.argv[1]))
torch_run = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
assert len(libcnn["val_files"]) == 20, libcnn["val_files"]
assert sorted(torch_run["val_files"]) == sorted(libcnn["val_files"]), "different validation files"
assert torch_run["val_size"] == libcnn["val_size"] and torch_run["train_size"] == libcnn["train_size"], \
    (torch_run["val_size"], torch_run["train_size"], libcnn["val_size"], libcnn["train_size"])
print(f"same split: {torch_run['train_size']} train, {torch_run['val_size']} validation files")
PY
