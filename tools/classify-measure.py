#!/usr/bin/env python3
"""Measure `triage classify` on labelled caller sets (docs/classifier.md, "Figures").

    tools/classify-measure.py [-v] [--triage build/triage] [--rules rules] [--model FILE|none]
                              SET.tsv...
    tools/classify-measure.py --loso [-v] SET.tsv...    leave-one-set-out cross-validation

Each line of a set is `ids TAB text` ('-' = off-topic, '#' comments). Every line is classified by
one run of `triage classify --format json TEXT`, and the JSON it prints is read:

  exact           the picked account cases equal the expected set (account lines)
  top-1           the first ranked case is an expected one (account lines)
  off-topic left  nothing picked on a '-' line
  quarantine+pr.  quarantine and its problem both picked (lines that expect both)

`--model` is passed to triage (`none`: the keyword scorer alone). With `--loso`, for each set a
model is trained on all the other sets (`triage classify --train`), written to a temporary file,
and that set is measured with it; the per-set figures and their mean are printed. `-v` lists the
misses. Development tool only: nothing of triage runs Python.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def read_set(path):
    lines = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            ids, _, text = line.partition("\t")
            if not _:
                sys.exit(f"{path}:{number}: no TAB")
            lines.append((number, [i for i in ids.split(",") if i], text))
    return lines


def classify(args, text, model):
    cmd = [args.triage, "classify", "--rules", args.rules, "--format", "json"]
    if model:
        cmd += ["--model", model]
    cmd += ["--", text]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"triage classify failed ({run.returncode}): {run.stderr.strip()}")
    return json.loads(run.stdout)


def measure(args, path, model):
    f = dict(account=0, exact=0, top1=0, off=0, left=0, both_total=0, both=0, misses=[])
    name = os.path.basename(path)
    for number, want, text in read_set(path):
        r = classify(args, text, model)
        picked = sorted(i for i in r["picked"] if i != "off-topic")
        top = r["cases"][0]["id"] if r["cases"] else ""
        where = f"{name}:{number}: {text} -> {','.join(picked) or '-'} (top {top})"
        if want == ["-"]:
            f["off"] += 1
            if not picked:
                f["left"] += 1
            else:
                f["misses"].append("off-topic " + where)
            continue
        f["account"] += 1
        want = sorted(want)
        if picked == want:
            f["exact"] += 1
        else:
            f["misses"].append(f"want {','.join(want)} {where}")
        if top in want:
            f["top1"] += 1
        if "quarantine" in want and len(want) > 1:
            f["both_total"] += 1
            if set(want) <= set(picked):
                f["both"] += 1
    return f


def pct(a, b):
    return 100.0 * a / b if b else 0.0


def report(name, f, verbose):
    print(f"{name}: exact {f['exact']}/{f['account']} = {pct(f['exact'], f['account']):.1f}%; "
          f"top-1 {f['top1']}/{f['account']} = {pct(f['top1'], f['account']):.1f}%; "
          f"off-topic left {f['left']}/{f['off']} = {pct(f['left'], f['off']):.1f}%; "
          f"quarantine+problem {f['both']}/{f['both_total']}")
    if verbose:
        for m in f["misses"]:
            print("  " + m)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("sets", nargs="+")
    p.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    p.add_argument("--triage", default="build/triage")
    p.add_argument("--rules", default="rules")
    p.add_argument("--model", help="model file passed to triage classify (none: scorer only)")
    p.add_argument("--loso", action="store_true", help="leave-one-set-out cross-validation")
    args = p.parse_args()
    total = dict(account=0, exact=0, top1=0, off=0, left=0, both_total=0, both=0)
    exact_rates, left_rates = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for path in args.sets:
            model = args.model
            if args.loso:
                model = os.path.join(tmp, "model.tsv")
                others = [s for s in args.sets if s != path]
                cmd = [args.triage, "classify", "--rules", args.rules, "--train"] + others
                with open(model, "w", encoding="utf-8") as out:
                    run = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True)
                if run.returncode != 0:
                    sys.exit(f"triage classify --train failed: {run.stderr.strip()}")
            f = measure(args, path, model)
            report(os.path.basename(path), f, args.verbose)
            for k in total:
                total[k] += f[k]
            if f["account"]:
                exact_rates.append(pct(f["exact"], f["account"]))
            if f["off"]:  # labelled.tsv has no off-topic line
                left_rates.append(pct(f["left"], f["off"]))
    if len(args.sets) > 1:
        report("all", dict(total, misses=[]), False)
        print(f"mean over sets: exact {sum(exact_rates) / max(1, len(exact_rates)):.1f}%, "
              f"off-topic left {sum(left_rates) / max(1, len(left_rates)):.1f}% "
              f"(sets with off-topic lines)")


if __name__ == "__main__":
    main()
