#!/usr/bin/env python3
"""A hostile rule set for the checker's did-you-mean: N nodes with L-byte ids, each pointing at an
unknown L-byte target (every target gets a did-you-mean search over every id).

    bench/gen_unknown_ids.py OUT_DIR [--nodes 400] [--length 250]
"""
import argparse
import os
import random

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--nodes", type=int, default=400)
p.add_argument("--length", type=int, default=250)
a = p.parse_args()
rnd = random.Random(1)


def rid():
    return "".join(rnd.choice("abcdefghij-") for _ in range(a.length))


ids = [rid() for _ in range(a.nodes)]
os.makedirs(os.path.join(a.out, "cases"), exist_ok=True)
lines = ["format: triage-rules/1", "kind: case", "id: big", 'title: "Большой"', "start: " + ids[0], "nodes:"]
for x in ids:
    lines += ["  " + x + ":", '    info: "Текст."', "    next: " + rid()]
with open(os.path.join(a.out, "cases", "big.yaml"), "w") as f:
    f.write("\n".join(lines) + "\n")
with open(os.path.join(a.out, "entry.yaml"), "w") as f:
    f.write('format: triage-rules/1\nkind: entry\ntitle: "T"\ncases: [big]\n')
