#!/usr/bin/env python3
"""Keep only the malloc-count entry of each static threshold file package-benchmark wrote.

`benchmark thresholds update` records every metric's p90; wall-clock and throughput on this
shared, noisy machine would fail `thresholds check` at random, so only `mallocCountTotal`
is kept. Files with no malloc count (e.g. the Memory.* benchmarks) are removed.
Usage: keep-malloc-thresholds.py Benchmarks/Thresholds
"""
import json
import pathlib
import sys

directory = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "Benchmarks/Thresholds")
for path in sorted(directory.glob("*.p90.json")):
    data = json.loads(path.read_text())
    kept = {k: v for k, v in data.items() if k == "mallocCountTotal"}
    if kept:
        path.write_text(json.dumps(kept, indent=2, sort_keys=True) + "\n")
        print(f"{path.name}: {kept}")
    else:
        path.unlink()
        print(f"{path.name}: removed (no malloc count)")
