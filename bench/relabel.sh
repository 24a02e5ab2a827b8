#!/usr/bin/env bash
# Benchmark: N realistic pod targets through the Prometheus documentation's
# kubernetes-pods job, kdm relabel-sim vs promtool check service-discovery.
#
# Usage: bench/relabel.sh [N] [PROMTOOL_TIMEOUT]
#   N                 pod targets (default 100000)
#   PROMTOOL_TIMEOUT  promtool waits this long before relabeling (default:
#                     scaled with N; too short silently returns nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
PT_TIMEOUT=${2:-$(( N / 5000 + 2 ))s}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 bench/gen_pods.py "$N" "$work/pods.json"
# The documentation's kubernetes-pods job, fed by file_sd instead of the
# Kubernetes API (the relabel rules are unchanged).
cat > "$work/prometheus.yml" <<YAML
scrape_configs:
  - job_name: "kubernetes-pods"
    file_sd_configs:
      - files: ["$work/pods.json"]
    relabel_configs:
      - action: labelmap
        regex: __meta_kubernetes_pod_label_(.+)
      - source_labels: [__meta_kubernetes_namespace]
        action: replace
        target_label: namespace
      - source_labels: [__meta_kubernetes_pod_name]
        action: replace
        target_label: pod
YAML

cargo build --release --quiet
kdm=${CARGO_TARGET_DIR:-target}/release/kdm
echo "== $N pod targets ($(du -h "$work/pods.json" | cut -f1) of file_sd JSON), $(nproc) cores"

# kdm runs RUNS times (default 5) after one warm-up run and reports the
# median wall time: on a shared VM single runs vary by 2x.
RUNS=${RUNS:-5}
measure() { # label, runs, command...
    local label=$1 runs=$2; shift 2
    local all=()
    [ "$runs" -gt 1 ] && "$@" > /dev/null 2>&1
    for _ in $(seq 1 "$runs"); do
        # Wall time in milliseconds (time's %e rounds to 10 ms, which a
        # small input runs in), peak RSS from time.
        # Freeing the last run's output (373 MB of JSON for 100,000
        # targets) takes a quarter second: not part of this run.
        rm -f "$work/out"
        local start end
        start=$(date +%s%N)
        /usr/bin/time -f "%M" -o "$work/time" "$@" > "$work/out" 2>/dev/null
        end=$(date +%s%N)
        all+=("$(( (end - start) / 1000000 )) $(cat "$work/time")")
    done
    read -r ms kb < <(printf '%s\n' "${all[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    local secs
    secs=$(printf '%d.%03d' $(( ms / 1000 )) $(( ms % 1000 )))
    printf '%-40s %8.3f s %8d MB peak RSS  (median of %d)\n' "$label" "$secs" $(( kb / 1024 )) "$runs"
    echo "$secs"  > "$work/secs.$label"
    echo $(( kb / 1024 )) > "$work/mb.$label"
}

measure "kdm relabel-sim (text report)" "$RUNS" \
    "$kdm" relabel-sim -c "$work/prometheus.yml" -t "$work/pods.json"
kdm_kept=$(grep -c '^  kept ' "$work/out" || true)
measure "kdm relabel-sim --format json" "$RUNS" \
    "$kdm" relabel-sim -c "$work/prometheus.yml" -t "$work/pods.json" --format json
measure "kdm relabel-sim --prometheus-version 2" "$RUNS" \
    "$kdm" relabel-sim -c "$work/prometheus.yml" -t "$work/pods.json" --format json --prometheus-version 2

pt_secs=- pt_mb=-
if command -v promtool >/dev/null 2>&1; then
    measure "promtool (--timeout $PT_TIMEOUT)" 1 \
        promtool check service-discovery --timeout="$PT_TIMEOUT" "$work/prometheus.yml" kubernetes-pods
    pt_results=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/out")
    echo "promtool returned $pt_results results (kdm kept $kdm_kept)"
    python3 - "$work" "$PT_TIMEOUT" <<'PY'
import sys, os
work, timeout = sys.argv[1], sys.argv[2]
kdm = float(open(os.path.join(work, "secs.kdm relabel-sim (text report)")).read())
pt = float(open(os.path.join(work, f"secs.promtool (--timeout {timeout})")).read())
wait = float(timeout.rstrip("s"))
print(f"speed-up (text report): {pt / kdm:.0f}x wall clock; {(pt - wait) / kdm:.0f}x excluding promtool's fixed {wait:.0f} s discovery wait")
PY
    pt_secs=$(cat "$work/secs.promtool (--timeout $PT_TIMEOUT)")
    pt_mb=$(cat "$work/mb.promtool (--timeout $PT_TIMEOUT)")
else
    echo "promtool not found (apt-get install prometheus) - skipping the comparison"
fi

# For bench/all.sh's table.
if [ -n "${BENCH_RESULTS:-}" ]; then
    printf 'relabel\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$N" "$(stat -c %s "$work/pods.json")" \
        "$(cat "$work/secs.kdm relabel-sim (text report)")" "$(cat "$work/mb.kdm relabel-sim (text report)")" \
        "$(cat "$work/secs.kdm relabel-sim --format json")" "$pt_secs" "$pt_mb" "${PT_TIMEOUT%s}" >> "$BENCH_RESULTS"
fi
