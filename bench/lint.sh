#!/usr/bin/env bash
# Benchmark: `kdm lint` on the real DaemonSet corpus (testdata/corpus)
# repeated until it holds at least DOCS documents, and checkov on the same
# files when it is installed (CHECKOV=/path/to/checkov, or on PATH).
#
# Usage: bench/lint.sh [DOCS]   (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
kdm=${CARGO_TARGET_DIR:-$PWD/target}/release/kdm
per_copy=$(cat testdata/corpus/daemonsets/*.yaml | grep -c '^apiVersion:' || true)
copies=$(( (want + per_copy - 1) / per_copy ))
for i in $(seq 1 "$copies"); do
    mkdir -p "$work/c$i"
    cp testdata/corpus/daemonsets/*.yaml "$work/c$i/"
done
docs=$(( per_copy * copies ))
files=$(find "$work" -name '*.yaml' | wc -l)
echo "== ~$docs documents in $files files ($(du -sh "$work" | cut -f1)), $(nproc) cores"

# One warm-up run, then the median of RUNS (default 5): single runs on a
# shared VM vary by 2x.
RUNS=${RUNS:-5}
"$kdm" lint --format json "$work" > /dev/null 2>&1 || true
for i in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$work/time.$i" "$kdm" lint --format json "$work" > /dev/null 2>&1 || true
done
read -r secs kb < <(cat "$work"/time.* | grep -v '^Command' | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
python3 -c "import sys; s=float(sys.argv[1]); print(f'kdm lint:  {s:6.2f} s  {int(sys.argv[2])//1024:5d} MB peak RSS  ~{int(sys.argv[3])/s:,.0f} documents/s  (median of {sys.argv[4]})')" "$secs" "$kb" "$docs" "$RUNS"

checkov=${CHECKOV:-$(command -v checkov || true)}
csecs=- ckb=0
if [ -n "$checkov" ] && [ "${SKIP_CHECKOV:-}" != 1 ]; then
    /usr/bin/time -f "%e %M" -o "$work/time2" "$checkov" -d "$work" --framework kubernetes \
        -o json --quiet --skip-download > /dev/null 2>&1 || true
    read -r csecs ckb < <(tail -1 "$work/time2")
    python3 -c "import sys; s=float(sys.argv[1]); k=float(sys.argv[3]); print(f'checkov:   {s:6.2f} s  {int(sys.argv[2])//1024:5d} MB peak RSS  ~{int(sys.argv[4])/s:,.0f} documents/s  ({s/k:.0f}x slower)')" "$csecs" "$ckb" "$secs" "$docs"
else
    echo "checkov not found (set CHECKOV=...) - skipping the comparison"
fi

# For bench/all.sh's table.
if [ -n "${BENCH_RESULTS:-}" ]; then
    printf 'lint\t%s\t%s\t%s\t%s\t%s\t%s\n' "$docs" "$files" "$secs" $(( kb / 1024 )) "$csecs" $(( ckb / 1024 )) >> "$BENCH_RESULTS"
fi
