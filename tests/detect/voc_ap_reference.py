"""Independent check of libcnn's detection evaluator (ctest detect.voc_ap_reference).

Runs detect_map_reference_helper, which writes random detection/ground-truth cases and the metrics
libcnn's MapEvaluator computed for them, then recomputes every number here with NumPy, written
from the Pascal VOC devkit (VOCevaldet.m, VOCap.m of VOC2010+), and requires agreement to 1e-6.

Devkit rules restated (and the two places where libcnn deliberately differs, mirrored here):
- per class, detections sorted by descending confidence (stable: ties keep the input order);
- each detection takes the ground truth of its class in its image with the largest overlap
  (the first on ties), matched or not; overlap >= threshold: difficult -> ignored, unmatched -> TP
  (mark it), matched -> FP; otherwise FP;
- npos = number of non-difficult ground truths; rec = cumsum(tp) / npos,
  prec = cumsum(tp) / (cumsum(tp) + cumsum(fp)); AP = sum over recall changes of the precision
  envelope (VOCap);
- libcnn: overlap in continuous coordinates (no +1 pixel); ignored detections are dropped from
  the curve (the devkit keeps them as tp = fp = 0 rows, which leaves AP unchanged);
- a class without non-difficult ground truth has no AP (null) and is left out of the mean.
Exits 77 (ctest: skipped) when NumPy is not installed.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError as e:  # pragma: no cover
    print(f"skipping: {e}")
    sys.exit(77)

TOLERANCE = 1e-6


def overlap(bb, bbgt):
    """Intersection over union of two [x1, y1, x2, y2] boxes, 0 when they do not overlap."""
    iw = min(bb[2], bbgt[2]) - max(bb[0], bbgt[0])
    ih = min(bb[3], bbgt[3]) - max(bb[1], bbgt[1])
    if iw <= 0 or ih <= 0:
        return None
    ua = (bb[2] - bb[0]) * (bb[3] - bb[1]) + (bbgt[2] - bbgt[0]) * (bbgt[3] - bbgt[1]) - iw * ih
    return iw * ih / ua


def voc_ap(rec, prec):
    """VOCap.m: all-point interpolated average precision."""
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    i = np.where(mrec[1:] != mrec[:-1])[0] + 1
    return float(np.sum((mrec[i] - mrec[i - 1]) * mpre[i]))


def evaluate_class(images, cls, minoverlap):
    """VOCevaldet.m for one class: returns (npos, scores, tp, fp) with ignored rows removed."""
    gt = []
    npos = 0
    for img in images:
        boxes = [g for g in img["ground_truths"] if g["label"] == cls]
        gt.append({"bb": [g["box"] for g in boxes], "diff": [g["difficult"] for g in boxes],
                   "det": [False] * len(boxes)})
        npos += sum(1 for g in boxes if not g["difficult"])
    ids, confidence, bbs = [], [], []
    for i, img in enumerate(images):
        for d in img["detections"]:
            if d["label"] == cls:
                ids.append(i)
                confidence.append(d["score"])
                bbs.append(d["box"])
    order = np.argsort(-np.asarray(confidence, dtype=np.float64), kind="stable")
    nd = len(order)
    tp = np.zeros(nd)
    fp = np.zeros(nd)
    keep = np.ones(nd, dtype=bool)
    for d, k in enumerate(order):
        g = gt[ids[k]]
        ovmax, jmax = -np.inf, -1
        for j, bbgt in enumerate(g["bb"]):
            ov = overlap(bbs[k], bbgt)
            if ov is not None and ov > ovmax:
                ovmax, jmax = ov, j
        if ovmax >= minoverlap:
            if g["diff"][jmax]:
                keep[d] = False
            elif not g["det"][jmax]:
                tp[d] = 1
                g["det"][jmax] = True
            else:
                fp[d] = 1
        else:
            fp[d] = 1
    scores = np.asarray(confidence, dtype=np.float64)[order][keep]
    return npos, scores, tp[keep], fp[keep]


def class_metrics(images, cls, thresholds, score_threshold):
    aps = []
    for t in thresholds:
        npos, _, tp, fp = evaluate_class(images, cls, t)
        if npos == 0:
            aps.append(None)
            continue
        ctp, cfp = np.cumsum(tp), np.cumsum(fp)
        aps.append(voc_ap(ctp / npos, ctp / (ctp + cfp)))
    npos, scores, tp, fp = evaluate_class(images, cls, 0.5)
    passed = scores >= score_threshold
    ntp, nfp = int(tp[passed].sum()), int(fp[passed].sum())
    return {
        "ap_at_thresholds": aps,
        "ap50": aps[0],
        "ap50_95": None if npos == 0 else float(np.mean(aps)),
        "num_ground_truths": npos,
        "true_positives": ntp,
        "false_positives": nfp,
        "precision": ntp / (ntp + nfp) if ntp + nfp > 0 else 0.0,
        "recall": ntp / npos if npos > 0 else 0.0,
    }


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOLERANCE


def main():
    helper = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cases.json")
        subprocess.run([helper, path, "200"], check=True)
        with open(path) as f:
            data = json.load(f)
    # The thresholds are recomputed here, not taken from the file.
    thresholds = [k / 100.0 for k in range(50, 100, 5)]
    assert np.allclose(data["iou_thresholds"], thresholds, rtol=0, atol=1e-15)

    failures, checked, counts = [], 0, {"tp": 0, "fp": 0, "undefined": 0}
    for c, case in enumerate(data["cases"]):
        got = case["result"]
        ref_classes = [class_metrics(case["images"], k, thresholds, got["score_threshold"])
                       for k in range(case["num_classes"])]
        for k, (ref, mine) in enumerate(zip(ref_classes, got["classes"])):
            for key, value in ref.items():
                if key == "ap_at_thresholds":
                    ok = all(close(a, b) for a, b in zip(value, mine[key]))
                elif isinstance(value, int):
                    ok = value == mine[key]
                else:
                    ok = close(value, mine[key])
                checked += 1
                if not ok:
                    failures.append(f"case {c} class {k} {key}: reference {value}, "
                                    f"libcnn {mine[key]}")
            counts["tp"] += ref["true_positives"]
            counts["fp"] += ref["false_positives"]
            counts["undefined"] += ref["ap50"] is None
        defined = [r for r in ref_classes if r["ap50"] is not None]
        ref_map50 = float(np.mean([r["ap50"] for r in defined])) if defined else None
        ref_map = float(np.mean([r["ap50_95"] for r in defined])) if defined else None
        for key, value in (("map50", ref_map50), ("map50_95", ref_map)):
            checked += 1
            if not close(value, got[key]):
                failures.append(f"case {c} {key}: reference {value}, libcnn {got[key]}")

    print(f"{len(data['cases'])} cases, {checked} values compared; at the score thresholds "
          f"{counts['tp']} TP, {counts['fp']} FP; {counts['undefined']} classes without objects")
    # The generator must exercise both outcomes, or the comparison proves little.
    assert counts["tp"] > 100 and counts["fp"] > 100 and counts["undefined"] > 0, counts
    if failures:
        print("\n".join(failures[:40]))
        print(f"{len(failures)} mismatches")
        return 1
    print("all agree to", TOLERANCE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
