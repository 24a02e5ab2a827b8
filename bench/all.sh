#!/usr/bin/env bash
# Every benchmark in one run, ending with the Markdown table of the README's
# performance section: relabel-sim vs promtool at 1k, 10k and 100k pod
# targets, lint on the corpus repeated to 10k documents (and vs checkov on
# 1k documents when CHECKOV is set or checkov is on PATH: checkov needs over
# 15 minutes for 10k), start-up, generate of each template, binary size.
#
# Usage: bench/all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_RESULTS=$(mktemp)
export BENCH_RESULTS
trap 'rm -f "$BENCH_RESULTS"' EXIT
# Lint first: right after promtool's 1.5 GB run, the VM reclaims memory
# for a while and every fresh page faults slower.
SKIP_CHECKOV=1 bench/lint.sh 10000
echo
bench/lint.sh 1000
echo
for n in 1000 10000 100000; do
    bench/relabel.sh "$n"
    echo
done
bench/startup.sh
echo
echo "== summary ($(nproc) cores; medians)"
python3 - "$BENCH_RESULTS" <<'PY'
import sys

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
# relabel-sim rows first, whatever order the benchmarks ran in
rows.sort(key=lambda r: {"relabel": 0, "lint": 1}.get(r[0], 2))
print("| benchmark | kdm | reference tool | kdm is |")
print("|---|---:|---:|---:|")
for r in rows:
    if r[0] == "relabel":
        n, size, secs, rss, json_secs, pt, pt_rss, wait = r[1:]
        mb = f"{int(size) / 1e6:.1f}"
        kdm = f"{float(secs):.2f} s, {rss} MB (`--format json` {float(json_secs):.2f} s)"
        if pt == "-":
            ref, ratio = "promtool not installed", ""
        else:
            pt, wait = float(pt), float(wait)
            ref = f"promtool {pt:.2f} s, {pt_rss} MB"
            ratio = f"{pt / float(secs):.0f}x faster ({(pt - wait) / float(secs):.0f}x without promtool's {wait:.0f} s discovery wait)"
        print(f"| relabel-sim, {int(n):,} pod targets ({mb} MB file_sd JSON) | {kdm} | {ref} | {ratio} |")
    elif r[0] == "lint":
        docs, files, secs, rss, csecs, crss = r[1:]
        rate = int(docs) / float(secs)
        kdm = f"{float(secs):.2f} s, {rss} MB ({rate:,.0f} documents/s)"
        if csecs == "-":
            ref, ratio = "checkov not run", ""
        else:
            ref = f"checkov {float(csecs):.1f} s, {crss} MB"
            ratio = f"{float(csecs) / float(secs):.0f}x faster"
        print(f"| lint, {int(docs):,} documents in {int(files):,} files | {kdm} | {ref} | {ratio} |")
    elif r[0] == "startup":
        print(f"| `kdm --version` start-up | {r[1]} ms | | |")
    elif r[0] == "generate":
        print(f"| `generate daemonset --template {r[1]}` | {r[2]} ms | | |")
    elif r[0] == "binary":
        print(f"| release binary size | {r[1]} MB | | |")
PY
