#!/usr/bin/env bash
# Benchmark: the worst inputs known to have made kdm quadratic or unbounded,
# each with the limit the README promises. One run each (these are about
# orders of magnitude, not percent); prints wall time and peak memory.
#
# Usage: bench/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
kdm=${CARGO_TARGET_DIR:-$PWD/target}/release/kdm
cp testdata/scrape-configs/prometheus-community__prometheus.yml "$work/prometheus.yml"

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]

# 10,000 DaemonSets, each with a scrape-annotated Service, in 50 namespaces.
docs = []
for i in range(10000):
    docs.append(f"""apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent-{i}, namespace: ns-{i % 50}}}
spec:
  selector: {{matchLabels: {{app: agent-{i}}}}}
  template:
    metadata:
      labels: {{app: agent-{i}}}
      annotations: {{prometheus.io/scrape: "true", prometheus.io/port: "9100"}}
    spec:
      containers:
      - name: agent
        image: example/agent:1.0
        ports: [{{name: metrics, containerPort: 9100}}]
---
apiVersion: v1
kind: Service
metadata: {{name: agent-{i}, namespace: ns-{i % 50}, annotations: {{prometheus.io/scrape: "true"}}}}
spec:
  selector: {{app: agent-{i}}}
  ports: [{{name: metrics, port: 9100, targetPort: metrics}}]
""")
open(f"{work}/daemonsets.yaml", "w").write("---\n".join(docs))

# 2,000 DaemonSets with one selector in one namespace.
docs = [f"""apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: same-{i}, namespace: monitoring}}
spec:
  selector: {{matchLabels: {{app: same}}}}
  template:
    metadata: {{labels: {{app: same}}}}
    spec:
      containers: [{{name: c, image: example/c:1.0}}]
""" for i in range(2000)]
open(f"{work}/overlap.yaml", "w").write("---\n".join(docs))

# One target with 80,000 labels through labelmap.
labels = {f"__meta_x_{i}": "v" for i in range(80000)}
json.dump([{"targets": ["a:1"], "labels": labels}], open(f"{work}/many.json", "w"))
job = "scrape_configs:\n- job_name: j\n  static_configs: [{targets: ['a:1']}]\n  relabel_configs:\n"
open(f"{work}/labelmap.yml", "w").write(job + "  - action: labelmap\n    regex: __meta_x_(.+)\n")

# 2,500 `$1` over a 1 MiB label.
json.dump([{"targets": ["a:1"], "labels": {"big": "x" * (1 << 20)}}], open(f"{work}/big.json", "w"))
open(f"{work}/expand.yml", "w").write(
    job + "  - source_labels: [big]\n    regex: (.*)\n    target_label: out\n"
    + "    replacement: '" + "$1" * 2500 + "'\n")

# A 1 MiB scalar aliased 3,000 times.
with open(f"{work}/aliases.yaml", "w") as f:
    f.write("a: &big \"" + "x" * (1 << 20) + "\"\nb:\n")
    f.write("".join("- *big\n" for _ in range(3000)))

# Aliases nesting 300 deep once expanded, from 6 KB.
with open(f"{work}/deep-aliases.yaml", "w") as f:
    f.write("x0: &a0 [1]\n" + "".join(f"x{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 301)))

# A flow list of 50,000 lines at the column of its key (kubectl reads it).
with open(f"{work}/flow.yaml", "w") as f:
    f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  args: [\n")
    f.write("".join(f'  "--flag-{i}",\n' for i in range(50000)) + "  ]\n")
PY
python3 bench/gen_pod_list.py 16000 "$work/pods.json" --compact

run() { # label, command...
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2> "$work/err" || true
    read -r secs kb < <(tail -1 "$work/time")
    printf '%-58s %7.2f s %6d MB  %s\n' "$label" "$secs" $(( kb / 1024 )) "$(head -c 90 "$work/err" | tr '\n' ' ')"
}

echo "== hostile inputs, $(nproc) cores"
run "lint 10,000 DaemonSets + Services" "$kdm" lint --format json "$work/daemonsets.yaml"
run "lint 10,000 DaemonSets + Services with a Prometheus config" \
    "$kdm" lint --format json "$work/daemonsets.yaml" "$work/prometheus.yml"
run "lint 2,000 DaemonSets with one selector" "$kdm" lint --format json "$work/overlap.yaml"
echo "   selector-overlap findings: $(grep -o '"rule": *"selector-overlap"' "$work/out" | wc -l)"
run "relabel-sim labelmap over 80,000 labels" \
    "$kdm" relabel-sim -c "$work/labelmap.yml" -t "$work/many.json" --format json
run "relabel-sim 2,500 \$1 over a 1 MiB label" \
    "$kdm" relabel-sim -c "$work/expand.yml" -t "$work/big.json"
run "lint a 1 MiB scalar aliased 3,000 times" "$kdm" lint "$work/aliases.yaml"
run "lint aliases nesting 300 deep once expanded" "$kdm" lint "$work/deep-aliases.yaml"
run "lint a flow list of 50,000 under-indented lines" "$kdm" lint --format json "$work/flow.yaml"
run "lint 16,000 pods in one line of JSON (12 MB)" "$kdm" lint --format json "$work/pods.json"
