#!/usr/bin/python3
"""The seed recipe in PyTorch, for a libcnn-vs-PyTorch comparison measured in the same sitting.

Same network (MaskDetection1: conv3-32, conv3-64, pool, conv3-128, pool, linear 80000-1024,
linear 1024-2), PyTorch's default initialisation (Kaiming-uniform a=sqrt(5), which libcnn copies),
the same recipe (SGD lr 1e-3 momentum 0.9, batch 64, cross-entropy) and the same
validation images: `--split RUN_DIR/metrics.json` takes them from a `mask-classifier train --data`
run (its `val_files`); without it the script draws a split by libcnn's rule (seeded, stratified,
by count or fraction, largest-remainder rounding) but with another random generator, so the same
fractions and not the same files. Prints per-epoch lines, then one summary line and a JSON object:

    pytorch: val_accuracy 0.9850 train_images_per_second 41.2 ...

Preprocessing matches libcnn's as closely as PIL allows: alpha composited over white, RGB,
resized to 100x100 (PIL bicubic; libcnn uses stb_image_resize's cubic/Mitchell filters in sRGB
space), values in [0, 1]. Files libcnn cannot decode are skipped here too (PIL can read WebP, but
the comparison must use the same images), so both see the same data.

Debian's libtorch loads whatever BLAS update-alternatives points at; without libopenblas0 that is
the netlib reference BLAS and PyTorch trains about 5x slower, so the script prints the library it
got and warns when it is not an optimised one (`bash .ci/install-deps --torch` installs OpenBLAS).

Usage (Debian python3-torch):
    build/bin/mask-classifier train --data ../shared/data/facemask --epochs 10 --out runs/real
    /usr/bin/python3 bench/pytorch_compare.py --data ../shared/data/facemask --epochs 10 \
        --split runs/real/metrics.json
    /usr/bin/python3 bench/pytorch_compare.py --data DIR --limit 64 --epochs 1   # smoke test

The Adam/augmentation side-by-side of README's recipe notes (`mask-classifier train --optimizer adam
--lr 1e-4 --augment [--shift 0]`):
    /usr/bin/python3 bench/pytorch_compare.py --data ../shared/data/facemask --epochs 6 \
        --split runs/adam/metrics.json --optimizer adam --lr 1e-4 --augment flip \
        --eval-folder runs/crops
`--augment flip` is torchvision's RandomHorizontalFlip; `flip-shift` is libcnn's --augment (flip,
then an integer shift of up to 8% of the side on each axis, edges replicated). `--eval-folder`
reports the trained network's accuracy and balanced accuracy on another ImageFolder (e.g. the
cross-source crops of `mask-classifier crops`).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

SKIPPED_FORMATS = {"WEBP"}  # formats stb_image (and so libcnn) does not decode


def load_folder(root, size, limit):
    classes = sorted(d for d in os.listdir(root)
                     if os.path.isdir(os.path.join(root, d)) and not d.startswith("."))
    if len(classes) < 2:
        sys.exit(f"error: {root} needs at least 2 class sub-folders")
    images, labels, paths, skipped = [], [], [], []
    for label, cls in enumerate(classes):
        names = sorted(f for f in os.listdir(os.path.join(root, cls)) if not f.startswith("."))
        if limit:
            names = names[: limit // len(classes)]
        for name in names:
            path = os.path.join(root, cls, name)
            try:
                with Image.open(path) as im:
                    if im.format in SKIPPED_FORMATS:
                        skipped.append(path)
                        continue
                    im = im.convert("RGBA")
                    white = Image.new("RGBA", im.size, (255, 255, 255, 255))
                    rgb = Image.alpha_composite(white, im).convert("RGB")
                    rgb = rgb.resize((size, size), Image.BICUBIC)
            except Exception:  # corrupt, truncated, not an image: skipped like libcnn does
                skipped.append(path)
                continue
            images.append(np.asarray(rgb, dtype=np.uint8))
            labels.append(label)
            paths.append(f"{cls}/{name}")
    x = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).contiguous()  # uint8 NCHW
    return classes, x, torch.tensor(labels, dtype=torch.long), paths, skipped


def blas_library():
    """The BLAS libtorch actually loaded (Debian picks it through update-alternatives)."""
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1] for line in maps if "/libblas" in line}
    except OSError:
        return "unknown"
    real = sorted({os.path.realpath(p) for p in libs if p.startswith("/")})
    return ", ".join(real) if real else "unknown"


def val_count(spec, n):
    v = float(spec)
    count = round(v * n) if v < 1 else int(v)
    if count <= 0 or count >= n:
        sys.exit(f"error: --val {spec} leaves no training or no validation images of {n}")
    return count


def stratified_split(labels, n_classes, count, seed):
    """Per-class shares with largest-remainder rounding, like cnn::data::split_train_val."""
    g = np.random.default_rng(seed)
    n = len(labels)
    by_class = [np.flatnonzero(labels == c) for c in range(n_classes)]
    ideal = [count * len(ix) / n for ix in by_class]
    take = [int(i) for i in ideal]
    order = sorted(range(n_classes), key=lambda c: (-(ideal[c] - take[c]), c))
    k = 0
    while sum(take) < count:
        c = order[k % n_classes]
        if take[c] < len(by_class[c]):
            take[c] += 1
        k += 1
    val = np.concatenate([g.permutation(ix)[:t] for ix, t in zip(by_class, take)])
    mask = np.zeros(n, dtype=bool)
    mask[val] = True
    return np.flatnonzero(~mask), np.flatnonzero(mask)


def split_from_metrics(metrics_path, paths):
    """libcnn's own split: metrics.json lists the validation files relative to --data."""
    with open(metrics_path) as f:
        val_files = json.load(f).get("val_files")
    if not val_files:
        sys.exit(f"error: {metrics_path} has no val_files (written by `mask-classifier train "
                 "--data DIR`, not by a run on the synthetic set)")
    index = {p: i for i, p in enumerate(paths)}
    missing = [p for p in val_files if p not in index]
    if missing:
        sys.exit(f"error: {len(missing)} validation files of {metrics_path} are not among the "
                 f"images decoded here (is --data the folder that run used?), e.g. {missing[0]}")
    val = np.array(sorted(index[p] for p in set(val_files)))
    mask = np.zeros(len(paths), dtype=bool)
    mask[val] = True
    return np.flatnonzero(~mask), val


def augment_batch(xb, mode, gen, max_shift=0.08):
    """libcnn's augmentation on a float NCHW batch (cnn/data/augment.cpp), drawn from `gen`."""
    if mode == "none":
        return xb
    n, _, h, w = xb.shape
    flip = torch.rand(n, generator=gen) < 0.5
    xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
    if mode == "flip":
        return xb
    max_dx, max_dy = round(max_shift * w), round(max_shift * h)
    out = torch.empty_like(xb)
    for i in range(n):
        dx = int(torch.randint(-max_dx, max_dx + 1, (1,), generator=gen))
        dy = int(torch.randint(-max_dy, max_dy + 1, (1,), generator=gen))
        ys = (torch.arange(h) + dy).clamp(0, h - 1)
        xs = (torch.arange(w) + dx).clamp(0, w - 1)
        out[i] = xb[i][:, ys][:, :, xs]
    return out


def balanced(confusion):
    recalls = [row[i] / max(1, sum(row)) for i, row in enumerate(confusion)]
    return sum(recalls) / len(recalls)


def mask_detection_net(size):
    side = size // 2 // 2
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(128 * side * side, 1024), nn.ReLU(), nn.Linear(1024, 2))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="ImageFolder (e.g. from mask-classifier synth)")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd",
                   help="sgd (with --momentum) or adam (torch.optim.Adam, default betas and eps)")
    p.add_argument("--augment", choices=["none", "flip", "flip-shift"], default="none",
                   help="training augmentation: none, horizontal flips, or libcnn's flips+shifts")
    p.add_argument("--eval-folder", metavar="DIR",
                   help="after training, report accuracy on this ImageFolder too (same classes)")
    p.add_argument("--val", default="1000", help="count (1000) or fraction (0.2)")
    p.add_argument("--split", metavar="METRICS_JSON",
                   help="use the validation files of a libcnn run (its RUN_DIR/metrics.json) "
                        "instead of drawing a split: the same images as libcnn, not just the same "
                        "fractions")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--image-size", type=int, default=100)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--device", default="cpu")
    p.add_argument("--limit", type=int, default=0, help="use at most this many files (smoke tests)")
    a = p.parse_args()

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    t0 = time.time()
    classes, x_u8, y, paths, skipped = load_folder(a.data, a.image_size, a.limit)
    print(f"data: {a.data}, {len(y)} images, classes {classes}, skipped {len(skipped)} "
          f"({time.time() - t0:.1f} s to decode)", flush=True)
    if a.split:
        train_ix, val_ix = split_from_metrics(a.split, paths)
        print(f"split: libcnn's, from {a.split}", flush=True)
    else:
        train_ix, val_ix = stratified_split(y.numpy(), len(classes), val_count(a.val, len(y)),
                                            a.seed)
    device = torch.device(a.device)
    model = mask_detection_net(a.image_size).to(device)
    if a.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
    aug_gen = torch.Generator().manual_seed(a.seed + 1)
    loss_fn = nn.CrossEntropyLoss()
    blas = blas_library()
    if "openblas" not in blas and "blis" not in blas and "mkl" not in blas:
        print(f"warning: libtorch is using {blas}, not an optimised BLAS; PyTorch will be several "
              "times slower than it can be (bash .ci/install-deps --torch installs OpenBLAS)",
              file=sys.stderr, flush=True)
    print(f"torch {torch.__version__}, BLAS {blas}, {a.threads} threads, device {device}, "
          f"{sum(p.numel() for p in model.parameters()):,} parameters, "
          f"train {len(train_ix)}, validation {len(val_ix)}", flush=True)

    def batch(ix):
        return (x_u8[ix].float().div_(255.0).to(device), y[ix].to(device))

    epochs = []
    for epoch in range(a.epochs):
        model.train()
        order = torch.from_numpy(train_ix)[torch.randperm(len(train_ix))]
        t_start, loss_sum = time.time(), 0.0
        for s in range(0, len(order), a.batch):
            xb, yb = batch(order[s:s + a.batch])
            xb = augment_batch(xb, a.augment, aug_gen)
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(yb)
        train_s = time.time() - t_start
        model.eval()
        correct, val_loss = 0, 0.0
        confusion = np.zeros((len(classes), len(classes)), dtype=np.int64)
        with torch.no_grad():
            for s in range(0, len(val_ix), a.batch):
                xb, yb = batch(torch.from_numpy(val_ix[s:s + a.batch]))
                logits = model(xb)
                val_loss += loss_fn(logits, yb).item() * len(yb)
                pred = logits.argmax(1)
                correct += (pred == yb).sum().item()
                for t, q in zip(yb.tolist(), pred.tolist()):
                    confusion[t][q] += 1
        rec = {"train_loss": loss_sum / len(train_ix), "val_loss": val_loss / len(val_ix),
               "val_accuracy": correct / len(val_ix), "seconds": time.time() - t_start,
               "images_per_second": len(train_ix) / train_s}
        epochs.append(rec)
        print(f"epoch {epoch + 1}/{a.epochs}  train loss {rec['train_loss']:.4f}  val loss "
              f"{rec['val_loss']:.4f}  val accuracy {100 * rec['val_accuracy']:.2f}%  "
              f"{rec['seconds']:.1f} s  {rec['images_per_second']:.1f} img/s", flush=True)
    ips = sum(len(train_ix) for _ in epochs) / sum(e["seconds"] for e in epochs)
    summary = {"framework": f"pytorch {torch.__version__}", "val_accuracy": epochs[-1]["val_accuracy"],
               "train_images_per_second": float(np.mean([e["images_per_second"] for e in epochs])),
               "overall_images_per_second_incl_validation": ips,
               "confusion_matrix": confusion.tolist(), "classes": classes, "epochs": epochs,
               "train_size": int(len(train_ix)), "val_size": int(len(val_ix)),
               "skipped_files": skipped, "threads": a.threads, "blas": blas,
               "split": a.split or f"drawn here (--val {a.val}, seed {a.seed})",
               "optimizer": a.optimizer, "lr": a.lr, "augment": a.augment,
               "val_files": [paths[i] for i in val_ix]}
    if a.eval_folder:
        e_classes, ex, ey, _, _ = load_folder(a.eval_folder, a.image_size, 0)
        if e_classes != classes:
            sys.exit(f"error: {a.eval_folder} has classes {e_classes}, the training data {classes}")
        confusion_e = np.zeros((len(classes), len(classes)), dtype=np.int64)
        model.eval()
        with torch.no_grad():
            for s in range(0, len(ey), a.batch):
                pred = model(ex[s:s + a.batch].float().div_(255.0).to(device)).argmax(1)
                for t, q in zip(ey[s:s + a.batch].tolist(), pred.tolist()):
                    confusion_e[t][q] += 1
        acc = np.trace(confusion_e) / max(1, confusion_e.sum())
        summary["eval_folder"] = {"path": a.eval_folder, "accuracy": float(acc),
                                  "balanced_accuracy": balanced(confusion_e.tolist()),
                                  "confusion_matrix": confusion_e.tolist()}
        print(f"pytorch on {a.eval_folder}: accuracy {100 * acc:.2f}%  balanced accuracy "
              f"{100 * balanced(confusion_e.tolist()):.2f}%  confusion {confusion_e.tolist()}")
    print(f"pytorch: val_accuracy {summary['val_accuracy']:.4f} train_images_per_second "
          f"{summary['train_images_per_second']:.1f} confusion {summary['confusion_matrix']}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
