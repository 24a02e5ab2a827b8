#!/usr/bin/env python3
"""Regenerates schemas/kubernetes/ from the PyPI package `kubernetes-validate`.

For each Kubernetes minor version and each kind `kdm lint` knows, writes one
standalone strict JSON Schema (draft 2020-12) whose `$ref`s all point into its
own `$defs`, holding only the definitions reachable from that kind. Descriptions
and `x-kubernetes-*` annotations are dropped: validation does not use them and
they are most of the size.

    pip install kubernetes-validate==1.37.0
    python3 tools/gen_k8s_schemas.py 1.27 1.28 1.29 1.30 1.31 1.32 1.33 1.34 1.35 1.36 1.37

See schemas/README.md for provenance and the deviations from upstream.
"""

import argparse
import json
import pathlib
import re
import sys

# (kind, apiVersion) pairs served by the bundled versions; the file name in
# kubernetes-validate is `<kind lowercased>-<group without domain>-<version>`.
KINDS = [
    ("APIService", "apiregistration.k8s.io/v1"),
    ("CertificateSigningRequest", "certificates.k8s.io/v1"),
    ("ClusterRole", "rbac.authorization.k8s.io/v1"),
    ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1"),
    ("ConfigMap", "v1"),
    ("ControllerRevision", "apps/v1"),
    ("CronJob", "batch/v1"),
    ("CSIDriver", "storage.k8s.io/v1"),
    ("CSINode", "storage.k8s.io/v1"),
    ("CSIStorageCapacity", "storage.k8s.io/v1"),
    ("CustomResourceDefinition", "apiextensions.k8s.io/v1"),
    ("DaemonSet", "apps/v1"),
    ("Deployment", "apps/v1"),
    ("Endpoints", "v1"),
    ("EndpointSlice", "discovery.k8s.io/v1"),
    ("FlowSchema", "flowcontrol.apiserver.k8s.io/v1"),
    ("HorizontalPodAutoscaler", "autoscaling/v1"),
    ("HorizontalPodAutoscaler", "autoscaling/v2"),
    ("Ingress", "networking.k8s.io/v1"),
    ("IngressClass", "networking.k8s.io/v1"),
    ("Job", "batch/v1"),
    ("Lease", "coordination.k8s.io/v1"),
    ("LimitRange", "v1"),
    ("MutatingWebhookConfiguration", "admissionregistration.k8s.io/v1"),
    ("Namespace", "v1"),
    ("NetworkPolicy", "networking.k8s.io/v1"),
    ("Node", "v1"),
    ("PersistentVolume", "v1"),
    ("PersistentVolumeClaim", "v1"),
    ("Pod", "v1"),
    ("PodDisruptionBudget", "policy/v1"),
    ("PodTemplate", "v1"),
    ("PriorityClass", "scheduling.k8s.io/v1"),
    ("PriorityLevelConfiguration", "flowcontrol.apiserver.k8s.io/v1"),
    ("ReplicaSet", "apps/v1"),
    ("ReplicationController", "v1"),
    ("ResourceQuota", "v1"),
    ("Role", "rbac.authorization.k8s.io/v1"),
    ("RoleBinding", "rbac.authorization.k8s.io/v1"),
    ("RuntimeClass", "node.k8s.io/v1"),
    ("Secret", "v1"),
    ("Service", "v1"),
    ("ServiceAccount", "v1"),
    ("StatefulSet", "apps/v1"),
    ("StorageClass", "storage.k8s.io/v1"),
    ("ValidatingAdmissionPolicy", "admissionregistration.k8s.io/v1"),
    ("ValidatingAdmissionPolicyBinding", "admissionregistration.k8s.io/v1"),
    ("ValidatingWebhookConfiguration", "admissionregistration.k8s.io/v1"),
    ("VolumeAttachment", "storage.k8s.io/v1"),
]

DEFS_REF = re.compile(r"^(?:/api/_definitions\.json)?#/\$defs/(.+)$")

# int-or-string and quantity are `oneOf` two nullable types upstream, so an
# explicit `null` matches both branches and fails; the API server accepts it
# as "unset". `anyOf` keeps every other verdict identical.
ANY_OF = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
    "io.k8s.apimachinery.pkg.api.resource.Quantity",
}


def file_stem(kind, api_version):
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return f"{kind.lower()}-{group_version}"


def clean(schema, refs):
    """Copies a schema, dropping annotations and rewriting `$ref`s to local
    ones; collects the names of referenced definitions into `refs`."""
    if isinstance(schema, list):
        return [clean(s, refs) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in ("description", "$schema", "$id") or key.startswith("x-kubernetes-"):
            continue
        if key == "$ref":
            m = DEFS_REF.match(value)
            if not m:
                sys.exit(f"unexpected $ref {value!r}")
            refs.add(m.group(1))
            out[key] = "#/$defs/" + m.group(1)
        elif key in ("properties", "patternProperties", "$defs", "definitions"):
            # a map from names to schemas: names are data, not keywords
            out[key] = {name: clean(sub, refs) for name, sub in value.items()}
        else:
            out[key] = clean(value, refs)
    return out


def standalone(root, definitions):
    refs = set()
    schema = clean(root, refs)
    defs = {}
    pending = sorted(refs)
    while pending:
        name = pending.pop()
        if name in defs:
            continue
        if name not in definitions:
            sys.exit(f"missing definition {name}")
        more = set()
        d = clean(definitions[name], more)
        if name in ANY_OF and "oneOf" in d:
            d["anyOf"] = d.pop("oneOf")
        defs[name] = d
        pending.extend(sorted(more - defs.keys()))
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    out.update(schema)
    if defs:
        out["$defs"] = dict(sorted(defs.items()))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("versions", nargs="+", help="minor versions, e.g. 1.36 1.37")
    ap.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent.parent / "schemas" / "kubernetes"))
    args = ap.parse_args()

    import kubernetes_validate  # noqa: imported late so --help works without it

    pkg = pathlib.Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    for version in args.versions:
        src = pkg / f"v{version}.0-local-strict"
        if not src.is_dir():
            sys.exit(f"{src} not found (kubernetes-validate too old?)")
        definitions = json.loads((src / "_definitions.json").read_text())["$defs"]
        dst = pathlib.Path(args.out) / f"v{version}"
        dst.mkdir(parents=True, exist_ok=True)
        for old in dst.glob("*.json"):
            old.unlink()
        total = 0
        for kind, api_version in KINDS:
            stem = file_stem(kind, api_version)
            if not (src / f"{stem}.json").exists():
                continue  # a kind this version does not serve yet
            root = json.loads((src / f"{stem}.json").read_text())
            # one key per line keeps regenerations reviewable as diffs
            text = json.dumps(standalone(root, definitions), indent=1)
            (dst / f"{stem}.json").write_text(text + "\n")
            total += len(text) + 1
        print(f"v{version}: {total} bytes")


if __name__ == "__main__":
    main()
