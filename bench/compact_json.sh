#!/usr/bin/env bash
# Benchmark: `kdm lint` on N pods in one `kind: List`, written as one line of
# compact JSON and pretty-printed. Positions on one long line are found
# through a line and column index, so the two should take about as long;
# a compact run many times slower means position lookups went quadratic.
#
# Usage: bench/compact_json.sh [N]   (default 16000, about 12 MB compact)
#   KDM=/path/to/kdm uses that binary instead of building a release one.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-16000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

kdm=${KDM:-}
if [ -z "$kdm" ]; then
    cargo build --release --quiet
    kdm=${CARGO_TARGET_DIR:-$PWD/target}/release/kdm
fi
python3 bench/gen_pod_list.py "$N" "$work/compact.json" --compact
python3 bench/gen_pod_list.py "$N" "$work/pretty.json"
echo "== lint of $N pods in one List, $(nproc) cores"
for form in compact pretty; do
    file=$work/$form.json
    "$kdm" lint --format json "$file" > /dev/null 2>&1 || true
    /usr/bin/time -f "%e %M" -o "$work/time" "$kdm" lint --format json "$file" > /dev/null 2>&1 || true
    read -r secs kb < "$work/time"
    printf '%-8s %6.1f MB  %6.2f s  %5d MB peak RSS\n' "$form" \
        "$(python3 -c "import os,sys; print(os.path.getsize(sys.argv[1]) / 1e6)" "$file")" \
        "$secs" $(( kb / 1024 ))
done
