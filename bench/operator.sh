#!/usr/bin/env bash
# Benchmark: `kdm operator-config` compiling one Prometheus resource and N
# monitors (default 1000: 600 ServiceMonitors with two endpoints each, 300
# PodMonitors, 100 Probes, all selected; relabelings vary between monitors,
# 50 distinct ones, as teams share some), median of RUNS runs.
#
# Usage: bench/operator.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$N" "$work/monitors.yaml" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
docs = ["""apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: kps, namespace: monitoring}
spec:
  serviceMonitorSelector: {matchLabels: {release: kps}}
  serviceMonitorNamespaceSelector: {}
  podMonitorSelector: {matchLabels: {release: kps}}
  podMonitorNamespaceSelector: {}
  probeSelector: {matchLabels: {release: kps}}
  probeNamespaceSelector: {}
  shards: 2
"""]
for i in range(n):
    ns = f"team-{i % 40}"
    if i % 10 < 6:
        docs.append(f"""apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {{name: svc-{i}, namespace: {ns}, labels: {{release: kps}}}}
spec:
  selector: {{matchLabels: {{app: svc-{i}}}, matchExpressions: [{{key: tier, operator: In, values: [web, api]}}]}}
  endpoints:
    - port: metrics
      interval: 30s
      relabelings:
        - sourceLabels: [__meta_kubernetes_pod_node_name]
          targetLabel: node_{i % 50}
    - port: admin
      path: /admin/metrics
      metricRelabelings:
        - sourceLabels: [__name__]
          regex: go_{i % 50}_.*
          action: drop
""")
    elif i % 10 < 9:
        docs.append(f"""apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {{name: pod-{i}, namespace: {ns}, labels: {{release: kps}}}}
spec:
  selector: {{matchLabels: {{app: pod-{i}}}}}
  podMetricsEndpoints: [{{port: metrics}}]
""")
    else:
        docs.append(f"""apiVersion: monitoring.coreos.com/v1
kind: Probe
metadata: {{name: probe-{i}, namespace: {ns}, labels: {{release: kps}}}}
spec:
  prober: {{url: blackbox:9115}}
  module: http_2xx
  targets: {{staticConfig: {{static: [https://svc-{i}.example.com]}}}}
""")
open(out, "w").write("---\n".join(docs))
PY
cargo build --release --quiet
kdm=${CARGO_TARGET_DIR:-target}/release/kdm
jobs=$("$kdm" operator-config "$work/monitors.yaml" 2>/dev/null | grep -c '^- job_name:')
RUNS=${RUNS:-11}
times=()
for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$kdm" operator-config "$work/monitors.yaml" > /dev/null 2>&1
    times+=("$(cat "$work/time")")
done
read -r secs kb < <(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
printf 'kdm operator-config: 1 Prometheus + %d monitors (%s of YAML) -> %d jobs: %.3f s, %d MB peak RSS (median of %d)\n' \
    "$N" "$(du -h "$work/monitors.yaml" | cut -f1)" "$jobs" "$secs" $(( kb / 1024 )) "$RUNS"
