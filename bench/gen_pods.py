#!/usr/bin/env python3
"""Writes N realistic pod targets (the labels Prometheus's kubernetes_sd_configs
role: pod produces) as a file_sd JSON file, one group per target.

Usage: gen_pods.py N OUT.json   (deterministic: seeded)
"""
import json
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
apps = ["node-exporter", "fluent-bit", "web", "api", "cache", "db", "worker", "kube-proxy"]
namespaces = ["default", "monitoring", "kube-system", "apps", "logging", "batch"]
groups = []
for i in range(n):
    app = rng.choice(apps)
    ns = rng.choice(namespaces)
    ip = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
    port = rng.choice([8080, 9100, 9102, 2020, 9090])
    pod = f"{app}-{rng.getrandbits(32):08x}"
    labels = {
        "__meta_kubernetes_namespace": ns,
        "__meta_kubernetes_pod_name": pod,
        "__meta_kubernetes_pod_ip": ip,
        "__meta_kubernetes_pod_uid": f"{rng.getrandbits(128):032x}",
        "__meta_kubernetes_pod_node_name": f"worker-{i % 500}",
        "__meta_kubernetes_pod_host_ip": f"192.168.{(i // 250) % 250}.{i % 250}",
        "__meta_kubernetes_pod_phase": rng.choice(["Running"] * 9 + ["Pending"]),
        "__meta_kubernetes_pod_ready": rng.choice(["true"] * 9 + ["false"]),
        "__meta_kubernetes_pod_container_name": app,
        "__meta_kubernetes_pod_container_image": f"registry.example/{app}:v1.{i % 7}",
        "__meta_kubernetes_pod_container_init": "false",
        "__meta_kubernetes_pod_container_port_name": "metrics",
        "__meta_kubernetes_pod_container_port_number": str(port),
        "__meta_kubernetes_pod_container_port_protocol": "TCP",
        "__meta_kubernetes_pod_controller_kind": rng.choice(["DaemonSet", "ReplicaSet", "StatefulSet"]),
        "__meta_kubernetes_pod_controller_name": app,
        "__meta_kubernetes_pod_label_app_kubernetes_io_name": app,
        "__meta_kubernetes_pod_labelpresent_app_kubernetes_io_name": "true",
        "__meta_kubernetes_pod_label_pod_template_hash": f"{rng.getrandbits(32):08x}",
        "__meta_kubernetes_pod_labelpresent_pod_template_hash": "true",
    }
    if rng.random() < 0.5:
        labels["__meta_kubernetes_pod_annotation_prometheus_io_scrape"] = "true"
        labels["__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape"] = "true"
        labels["__meta_kubernetes_pod_annotation_prometheus_io_port"] = str(port)
        labels["__meta_kubernetes_pod_annotationpresent_prometheus_io_port"] = "true"
    groups.append({"targets": [f"{ip}:{port}"], "labels": labels})
with open(out, "w") as f:
    json.dump(groups, f)
