#!/usr/bin/env python3
"""Turn package-benchmark's text output for the SpatialIndex suite into a side-by-side
Markdown table: median (p50) and best (p0) wall clock per operation, operations per second,
mallocs per operation, and the RTree's speed relative to each peer.

Usage:
  GEOCONTACTS_BENCH_POINTS=1000000 swift package --package-path Benchmarks benchmark \
      --no-progress > run.txt
  Benchmarks/Scripts/side-by-side.py --points 1000000 run.txt
"""
import argparse
import re
import sys

UNITS = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
SCALE = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}
BUILDS = {"Insert", "BulkLoad"}
ORDER = ["Insert", "BulkLoad", "Remove", "Move", "Nearest1", "Nearest10", "Radius", "Box", "CrowdAt", "CrowdNear", "FarNearest1", "FarNearest10", "FarSideNearest1", "FarSideNearest10", "CrowdInsert", "CrowdAppend", "CrowdRemove", "Memory"]
OURS = {"RTree", "RTreeBulk"}


def parse(text):
    results, name = {}, None
    for line in text.splitlines():
        line = line.rstrip()
        if re.fullmatch(r"[A-Z][A-Za-z0-9]*\.[A-Za-z0-9]+", line):
            name = line
            results[name] = {}
            continue
        if name is None or not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip("│").split("│")]
        label, values = cells[0], cells[1:]
        try:
            numbers = [float(v) for v in values]
        except ValueError:
            continue
        m = re.match(r"Time \(wall clock\) \((\w+|μs)\)", label)
        if m:
            results[name]["time"] = [v * UNITS[m.group(1)] for v in numbers[:7]]
        m = re.match(r"Malloc \(total\)(?: \((K|M|G)\))?", label)
        if m:
            results[name]["mallocs"] = [v * SCALE[m.group(1) or ""] for v in numbers[:7]]
        m = re.match(r"(bytesPerPoint|points)(?: \((K|M|G)\))?", label)
        if m:
            results[name]["bytes" if m.group(1) == "bytesPerPoint" else "points"] = numbers[0] * SCALE[m.group(2) or ""]
    return results


def rate(x):
    if x >= 1e6:
        return f"{x / 1e6:.2f} M/s"
    if x >= 1e3:
        return f"{x / 1e3:.0f} k/s"
    return f"{x:.1f} /s"


def duration(s):
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.0f} ms"
    if s >= 1e-6:
        return f"{s * 1e6:.1f} µs"
    return f"{s * 1e9:.0f} ns"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, required=True, help="N the run used")
    ap.add_argument("file", nargs="?", type=argparse.FileType("r"), default=sys.stdin)
    args = ap.parse_args()
    results = parse(args.file.read())
    n = args.points

    print("| Operation | Structure | p50 | ops/s (p50) | best (p0) | mallocs/op "
          "| RTree speed ÷ this (p50) | RTree speed ÷ this (p0) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for op in ORDER:
        names = sorted((k for k in results if k.split(".")[0] == op),
                       key=lambda k: (k.split(".")[1] not in OURS, k.split(".")[1]))
        if not names:
            continue
        if op == "Memory":
            for k in names:
                s = k.split(".")[1]
                b = results[k].get("bytes")
                print(f"| Memory | {s} | {b:.0f} bytes/point | | | | | |")
            continue
        ours = results.get(f"{op}.RTree", {}).get("time")
        for k in names:
            r = results[k]
            if "time" not in r:
                continue
            s = k.split(".")[1]
            p0, p50 = r["time"][0], r["time"][2]
            if op in BUILDS:
                ops, per = n / p50, n
            else:
                ops, per = 1 / p50, 1
            mallocs = r.get("mallocs", [0] * 3)[2] / per
            ratio = "" if s in OURS or ours is None else f"{p50 / ours[2]:.2f}×"
            best = "" if s in OURS or ours is None else f"{p0 / ours[0]:.2f}×"
            shown = duration(p50) + (" (build)" if op in BUILDS else "")
            print(f"| {op} | {s} | {shown} | {rate(ops)} | {duration(p0)} | {mallocs:.2f} | {ratio} | {best} |")


if __name__ == "__main__":
    main()
