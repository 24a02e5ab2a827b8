#!/usr/bin/env python3
"""Writes N running pods as one Kubernetes `kind: List` in JSON, either as
one compact line (as `kubectl get pods -o json | jq -c` gives it) or
pretty-printed.

Usage: gen_pod_list.py N OUT.json [--compact]   (deterministic: seeded)
"""
import json
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
compact = "--compact" in sys.argv[3:]
rng = random.Random(42)
apps = ["node-exporter", "fluent-bit", "web", "api", "cache", "db", "worker", "kube-proxy"]
namespaces = ["default", "monitoring", "kube-system", "apps", "logging", "batch"]
items = []
for i in range(n):
    app = rng.choice(apps)
    port = rng.choice([8080, 9100, 9102, 2020, 9090])
    items.append({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{app}-{rng.getrandbits(32):08x}",
            "namespace": rng.choice(namespaces),
            "uid": f"{rng.getrandbits(128):032x}",
            "labels": {"app.kubernetes.io/name": app, "pod-template-hash": f"{rng.getrandbits(32):08x}"},
            "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": str(port)},
        },
        "spec": {
            "nodeName": f"worker-{i % 500}",
            "containers": [{
                "name": app,
                "image": f"registry.example/{app}:v1.{i % 7}",
                "ports": [{"name": "metrics", "containerPort": port, "protocol": "TCP"}],
                "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}},
                "securityContext": {"runAsNonRoot": True, "readOnlyRootFilesystem": True,
                                    "allowPrivilegeEscalation": False},
            }],
        },
        "status": {
            "phase": "Running",
            "podIP": f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}",
            "hostIP": f"192.168.{(i // 250) % 250}.{i % 250}",
            "conditions": [{"type": "Ready", "status": "True"}],
        },
    })
doc = {"apiVersion": "v1", "kind": "List", "items": items}
with open(out, "w") as f:
    if compact:
        json.dump(doc, f, separators=(",", ":"))
    else:
        json.dump(doc, f, indent=2)
