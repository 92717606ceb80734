#!/usr/bin/env python3
"""Convert a ../shared/bench tree (triage-bench-tree v1 JSON) into a triage rules folder.

question -> question node, outcome -> outcome node, root -> the case's start; one case `bench`.
The walks go to walks.txt, one per line: `i j k ...<TAB>OUTCOME-CODE` (0-based option indexes),
so the C++ benchmarks replay exactly the walks the reference figures were measured on. flat.txt
holds the same tree for floor_bench: the root's index, then `q T0 T1 ...` per question (target
indexes, questions first) and `o CODE` per outcome.

    python3 bench/tree_to_rules.py small.json OUT_DIR
"""
import json
import os
import sys


def q(s):
    """A YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def code(oid):
    return "O" + oid[1:]


def write_flat(tree, path):
    """The tree as floor_bench reads it: node indexes, questions first, then outcomes."""
    index = {qu["id"]: i for i, qu in enumerate(tree["questions"])}
    index.update({o["id"]: len(tree["questions"]) + k for k, o in enumerate(tree["outcomes"])})
    with open(path, "w", encoding="utf-8") as f:
        f.write("%d\n" % index[tree["root"]])
        for qu in tree["questions"]:
            f.write("q " + " ".join(str(index[opt["next"]]) for opt in qu["options"]) + "\n")
        for o in tree["outcomes"]:
            f.write("o " + code(o["id"]) + "\n")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: tree_to_rules.py TREE.json OUT_DIR")
    tree = json.load(open(sys.argv[1], encoding="utf-8"))
    if tree.get("format") != "triage-bench-tree" or tree.get("version") != 1:
        sys.exit("not a triage-bench-tree v1 file")
    out = sys.argv[2]
    os.makedirs(os.path.join(out, "cases"), exist_ok=True)
    os.makedirs(os.path.join(out, "contacts"), exist_ok=True)
    with open(os.path.join(out, "entry.yaml"), "w", encoding="utf-8") as f:
        f.write("format: triage-rules/1\nkind: entry\ntitle: \"Benchmark\"\nversion: \"bench-1\"\n"
                "cases: [bench]\ncontext:\n  region:\n    type: enum\n    values: [default]\n"
                "    default: default\n    label: \"Регион\"\n")
    with open(os.path.join(out, "contacts", "default.yaml"), "w", encoding="utf-8") as f:
        f.write("format: triage-rules/1\nkind: contacts\nregion: default\ntitle: \"Bench\"\n"
                "contacts:\n  support_line:\n    value: \"8 800 100-70-10\"\n    label: \"Support\"\n    kind: phone\n")
    lines = ["format: triage-rules/1", "kind: case", "id: bench", 'title: "Benchmark tree"',
             "start: " + tree["root"], "nodes:"]
    for qu in tree["questions"]:
        lines.append("  %s:" % qu["id"])
        lines.append("    question: %s" % q(qu["text"]))
        # Flow style keeps the 100k-question file compact (fewer bytes for the YAML scanner).
        lines.append("    options: [%s]" % ", ".join(
            "{label: %s, next: %s}" % (q(opt["label"]), opt["next"]) for opt in qu["options"]))
    for o in tree["outcomes"]:
        lines.append("  %s:" % o["id"])
        lines.append("    outcome: %s" % code(o["id"]))
        lines.append("    disposition: resolved")
        lines.append("    script: [%s]" % q(o["label"]))
        lines.append("    source: [bench]")
        lines.append("    reviewed: 2026-11-23")
    with open(os.path.join(out, "cases", "bench.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    write_flat(tree, os.path.join(out, "flat.txt"))
    with open(os.path.join(out, "walks.txt"), "w", encoding="utf-8") as f:
        for w in tree["walks"]:
            f.write(" ".join(str(c) for c in w["choices"]) + "\t" + code(w["outcome"]) + "\n")


if __name__ == "__main__":
    main()
