#!/usr/bin/env bash
# Benchmark: `kdm --version` start-up and `kdm generate daemonset` of each
# built-in template (median of N runs), and the release binary's size.
#
# Usage: bench/startup.sh [N]   (default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
python3 - "${1:-50}" <<'PY'
import os, statistics, subprocess, sys, time
kdm, n = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release/kdm"), int(sys.argv[1])
def median_ms(args):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run([kdm, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000
results = []
size = os.path.getsize(kdm) / 1e6
print(f"binary size: {size:.1f} MB (release: LTO, codegen-units=1, stripped)")
results.append(f"binary\t{size:.1f}")
ms = median_ms(['--version'])
print(f"kdm --version: {ms:.1f} ms (median of {n})")
results.append(f"startup\t{ms:.1f}")
for template, extra in [("node-exporter", []), ("fluent-bit", []), ("generic", ["--image", "ghcr.io/acme/agent:1.0"])]:
    ms = median_ms(["generate", "daemonset", "--template", template, *extra])
    print(f"kdm generate daemonset --template {template}: {ms:.1f} ms (render, typed and schema checks, lint)")
    results.append(f"generate\t{template}\t{ms:.1f}")
# For bench/all.sh's table.
if os.environ.get("BENCH_RESULTS"):
    with open(os.environ["BENCH_RESULTS"], "a") as f:
        f.write("".join(r + "\n" for r in results))
PY
