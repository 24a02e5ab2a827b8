#!/usr/bin/env python3
"""Regenerates schemas/prometheus-operator/ from prometheus-operator's CRDs.

Reads the `monitoring.coreos.com` CustomResourceDefinitions of one release
(`example/prometheus-operator-crd-full/`) from a git checkout or mirror and
writes, per kind and served version, one standalone JSON Schema (draft
2020-12) that validates a custom resource as the API server does under
strict field validation (see schemas/README.md for every rewrite):

    python3 tools/gen_crd_schemas.py --git /path/to/prometheus-operator v0.93.0

Needs PyYAML and git; nothing is fetched from the network. kdm lint runs the
same translation on the CRDs of its input (src/k8s/schema/structural.rs); a
test there holds it equal to this script's output, so change both together.
"""

import argparse
import copy
import json
import pathlib
import re
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CRD_DIR = "example/prometheus-operator-crd-full"
GROUP = "monitoring.coreos.com"

# (kind, apiVersion) of every bundled schema, as in src/k8s/kinds.rs.
KINDS = [
    ("Alertmanager", "monitoring.coreos.com/v1"),
    ("AlertmanagerConfig", "monitoring.coreos.com/v1alpha1"),
    ("AlertmanagerConfig", "monitoring.coreos.com/v1beta1"),
    ("PodMonitor", "monitoring.coreos.com/v1"),
    ("Probe", "monitoring.coreos.com/v1"),
    ("Prometheus", "monitoring.coreos.com/v1"),
    ("PrometheusAgent", "monitoring.coreos.com/v1alpha1"),
    ("PrometheusRule", "monitoring.coreos.com/v1"),
    ("ScrapeConfig", "monitoring.coreos.com/v1alpha1"),
    ("ServiceMonitor", "monitoring.coreos.com/v1"),
    ("ThanosRuler", "monitoring.coreos.com/v1"),
]

# The root `metadata` is an ObjectMeta, decoded strictly by the API server;
# the CRDs say only `type: object`. Its schema comes from the bundled
# Kubernetes schemas of this version.
META_FROM = ROOT / "schemas" / "kubernetes" / "v1.37" / "configmap-v1.json"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# x-kubernetes-* keys rewritten into JSON Schema or kdm's own keywords
# (src/k8s/schema/extensions.rs), or dropped because they do not affect
# validation.
KEPT = {"x-kubernetes-list-type", "x-kubernetes-list-map-keys"}
DROPPED = {
    "description",
    "x-kubernetes-map-type",  # server-side apply only
    "x-kubernetes-int-or-string",  # rewritten below
    "x-kubernetes-preserve-unknown-fields",  # rewritten below
    "x-kubernetes-validations",  # rewritten below
}


class Loader(yaml.SafeLoader):
    """YAML 1.1's `=` value tag is a plain string in Kubernetes YAML."""


Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def file_stem(kind, api_version):
    group, version = api_version.split("/")
    return f"{kind.lower()}-{group.split('.')[0]}-{version}"


# ---------------------------------------------------------------- patterns

# Go's RE2 classes are ASCII; the validator's are Unicode.
ASCII_CLASSES = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}


def go_pattern(pattern):
    out, in_class, i = [], False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in ASCII_CLASSES:
                body = ASCII_CLASSES[nxt]
                out.append(body if in_class else f"[{body}]")
            else:
                out.append(c + nxt)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


# ---------------------------------------------------------------- CEL rules

# The CRDs' `x-kubernetes-validations` are CEL. Each rule kdm checks is
# translated here into a JSON Schema that holds exactly when the rule does,
# on the object after the API server pruned null fields and applied
# defaults. A rule neither translated nor listed in UNCHECKED stops the
# generator, so a new release cannot add one silently.


def has(field, schema):
    """`has(self.field)`: present and not null, or defaulted."""
    if "default" in schema.get("properties", {}).get(field, {}):
        return {}
    return {"required": [field], "properties": {field: {"not": {"type": "null"}}}}


def equals(field, value, schema):
    """`has(self.field) && self.field == value` (a missing field is its default)."""
    default = schema.get("properties", {}).get(field, {}).get("default")
    present = {"required": [field], "properties": {field: {"const": value}}}
    if default == value:
        return {"anyOf": [{"not": has_value(field)}, present]}
    return present


def has_value(field):
    return {"required": [field], "properties": {field: {"not": {"type": "null"}}}}


def greater(field, n, schema):
    """`has(self.field) && self.field > n` (a missing field is its default)."""
    default = schema.get("properties", {}).get(field, {}).get("default")
    present = {"required": [field], "properties": {field: {"type": "integer", "exclusiveMinimum": n}}}
    if isinstance(default, int) and default > n:
        return {"anyOf": [{"not": has_value(field)}, present]}
    return present


def negate(s):
    return {"not": s}


def every(*schemas):
    return {"allOf": list(schemas)}


def either(*schemas):
    return {"anyOf": list(schemas)}


RULES = [
    (
        re.compile(r"^!has\(self\.(\w+)\) \|\| has\(self\.(\w+)\)$"),
        lambda m, s: either(negate(has(m[1], s)), has(m[2], s)),
    ),
    (
        re.compile(r"^!\(self\.(\w+) != '(\w+)' && has\(self\.(\w+)\)\)$"),
        # A missing `type` is a required-field error of its own.
        lambda m, s: negate(every({"required": [m[1]]}, negate(equals(m[1], m[2], s)), has(m[3], s))),
    ),
    (
        re.compile(r"^!has\(self\.(\w+)\) \|\| \(has\(self\.(\w+)\) && self\.\2 == '(\w+)'\)$"),
        lambda m, s: either(negate(has(m[1], s)), equals(m[2], m[3], s)),
    ),
    (
        re.compile(r"^!\(has\(self\.(\w+)\) && self\.\1 == '(\w+)' && has\(self\.(\w+)\)\)$"),
        lambda m, s: negate(every(equals(m[1], m[2], s), has(m[3], s))),
    ),
    (
        re.compile(
            r"^!\(has\(self\.(\w+)\) && self\.\1 == '(\w+)' && has\(self\.(\w+)\) && self\.\3 > (\d+)\)$"
        ),
        lambda m, s: negate(every(equals(m[1], m[2], s), greater(m[3], int(m[4]), s))),
    ),
    (
        re.compile(r"^\[has\(self\.(\w+)\), has\(self\.(\w+)\), has\(self\.(\w+)\)\]\.filter\(x, x\)\.size\(\) <= 1$"),
        lambda m, s: negate(
            either(
                every(has(m[1], s), has(m[2], s)),
                every(has(m[1], s), has(m[3], s)),
                every(has(m[2], s), has(m[3], s)),
            )
        ),
    ),
]

# Rules JSON Schema cannot say (they compare two fields of the object).
UNCHECKED = {
    "!has(self.shardingStrategy) || !has(self.shardingStrategy.mode) || "
    "self.shardingStrategy.mode != 'Topology' || !has(self.shardingStrategy.topology) || "
    "!has(self.shardingStrategy.topology.values) || self.shardingStrategy.topology.values.size() == 0 || "
    "(has(self.shards) ? self.shards : 1) >= self.shardingStrategy.topology.values.size()",
}


def translate_rules(rules, schema, where, unchecked):
    out = []
    for r in rules:
        rule, message = r["rule"], r.get("message") or f"failed rule: {r['rule']}"
        if set(r) - {"rule", "message"}:
            sys.exit(f"{where}: rule with {sorted(set(r) - {'rule', 'message'})}: {rule}")
        if rule in UNCHECKED:
            unchecked.append(f"{where}: {rule}")
            continue
        for pattern, build in RULES:
            m = pattern.match(rule)
            if m:
                out.append({"rule": rule, "message": message, "holds": build(m, schema)})
                break
        else:
            sys.exit(f"{where}: no translation for the CEL rule {rule!r}; add one to RULES or UNCHECKED")
    return out


# ---------------------------------------------------------------- schemas


def nullable(schema):
    """A field the API server drops when it is null: null is accepted."""
    schema = dict(schema)
    t = schema.get("type")
    if t is None:
        return schema  # any value (preserve-unknown-fields) already
    types = t if isinstance(t, list) else [t]
    if "null" not in types:
        schema["type"] = types + ["null"]
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = schema["enum"] + [None]
    return schema


def convert(s, where, unchecked):
    if not isinstance(s, dict):
        sys.exit(f"{where}: schema is not a mapping")
    unknown = {k for k in s if k.startswith("x-kubernetes-")} - KEPT - DROPPED
    if unknown:
        sys.exit(f"{where}: unhandled {sorted(unknown)}")
    if s.get("nullable"):
        sys.exit(f"{where}: nullable is not handled")
    out = {}
    for key, value in s.items():
        if key in DROPPED or key == "anyOf" and s.get("x-kubernetes-int-or-string"):
            continue
        if key == "properties":
            required = set(s.get("required", []))
            props = {}
            for name, sub in value.items():
                sub_out = convert(sub, f"{where}.{name}", unchecked)
                # Null fields are pruned before validation unless required
                # (then they are missing) or defaulted.
                if name not in required or "default" in sub:
                    sub_out = nullable(sub_out)
                props[name] = sub_out
            out[key] = props
        elif key == "additionalProperties":
            out[key] = value if isinstance(value, bool) else nullable(convert(value, f"{where}[*]", unchecked))
        elif key == "items":
            out[key] = convert(value, f"{where}[]", unchecked)
        elif key in ("allOf", "oneOf", "not"):
            sys.exit(f"{where}: {key} is not handled")
        elif key == "anyOf":
            sys.exit(f"{where}: anyOf outside int-or-string is not handled")
        elif key == "pattern":
            out[key] = go_pattern(value)
        elif key == "x-kubernetes-list-type":
            if value == "set":
                out["uniqueItems"] = True
            elif value == "map":
                keys = s.get("x-kubernetes-list-map-keys") or sys.exit(f"{where}: list map without keys")
                fields = s["items"].get("properties", {})
                defaults = {k: fields[k]["default"] for k in keys if "default" in fields.get(k, {})}
                out["x-kdm-list-map"] = {"keys": keys, "defaults": defaults}
            elif value != "atomic":
                sys.exit(f"{where}: list type {value!r}")
        elif key == "x-kubernetes-list-map-keys":
            if s.get("x-kubernetes-list-type") != "map":
                sys.exit(f"{where}: map keys without list type map")
        else:
            out[key] = copy.deepcopy(value)
    if s.get("x-kubernetes-int-or-string"):
        branches = s.get("anyOf") or []
        if sorted(b.get("type") for b in branches) != ["integer", "string"] or "type" in s:
            sys.exit(f"{where}: unexpected int-or-string shape")
        out["type"] = ["integer", "string"]
    if s.get("type") == "object" and not s.get("x-kubernetes-preserve-unknown-fields"):
        # Structural schemas prune every field they do not name: under strict
        # field validation each is an error. (An empty `properties` makes the
        # validator name each unknown field, not just the first.)
        if out.setdefault("additionalProperties", False) is False:
            out.setdefault("properties", {})
    if s.get("x-kubernetes-validations"):
        out["x-kdm-validations"] = translate_rules(s["x-kubernetes-validations"], s, where, unchecked)
    return out


# ---------------------------------------------------------------- sharing

# The CRDs inline every Go type where it is used: a TLS config appears 35
# times in ScrapeConfig. Repeated subschemas of at least this many bytes
# (compact JSON) move to `$defs`, named after a field they appear under;
# the verdicts are the same, the files a third of the size.
SHARE_BYTES = 400


def schema_children(s, path):
    """(container, key, path) of every subschema position below `s`."""
    for name, sub in s.get("properties", {}).items():
        yield s["properties"], name, path + [name]
    for key in ("items", "additionalProperties"):
        if isinstance(s.get(key), dict):
            yield s, key, path + ([] if key == "items" else ["*"])


def share(schema):
    defs = schema.setdefault("$defs", {})
    while True:
        seen = {}

        def walk(s, path):
            for container, key, sub_path in schema_children(s, path):
                sub = container[key]
                text = json.dumps(sub, sort_keys=True)
                if len(text) >= SHARE_BYTES:
                    seen.setdefault(text, []).append((container, key, sub_path))
                walk(sub, sub_path)

        walk(schema, [])
        for name, d in defs.items():
            walk(d, [name])
        repeated = [(len(t), t, at) for t, at in seen.items() if len(at) > 1]
        if not repeated:
            return
        _, text, places = max(repeated, key=lambda r: (r[0], r[1]))
        # Named after the field it is found under most often, then the
        # shortest name: `relabelings`, not `metricRelabelings`.
        names = [[p for p in at[2] if p != "*"] or ["value"] for at in places]
        first = min(names, key=lambda n: (-sum(m[-1] == n[-1] for m in names), len(n[-1]), n[-1]))
        name = first[-1]
        for depth in range(2, len(first) + 1):
            if name not in defs:
                break
            name = ".".join(first[-depth:])
        n = 2
        while name in defs:
            name, n = f"{first[-1]}{n}", n + 1
        defs[name] = json.loads(text)
        for container, key, _ in places:
            container[key] = {"$ref": f"#/$defs/{name}"}


def meta_defs():
    defs = json.loads(META_FROM.read_text())["$defs"]
    if OBJECT_META not in defs:
        sys.exit(f"{META_FROM} has no {OBJECT_META}")
    return defs


def crd_schema(kind, api_version, root, unchecked):
    s = convert(root, f"{kind} {api_version}", unchecked)
    props = s.setdefault("properties", {})
    for name in ("apiVersion", "kind", "metadata"):
        if name not in props:
            sys.exit(f"{kind}: no {name} property")
    props["apiVersion"] = {"type": "string", "enum": [api_version]}
    props["kind"] = {"type": "string", "enum": [kind]}
    props["metadata"] = {"$ref": f"#/$defs/{OBJECT_META}"}
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    out.update(s)
    out["$defs"] = meta_defs()
    share(out)
    out["$defs"] = dict(sorted(out["$defs"].items()))
    return out


def read_crds(git_dir, ref):
    names = subprocess.run(
        ["git", "-C", git_dir, "ls-tree", "--name-only", f"{ref}:{CRD_DIR}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in sorted(names):
        if name.startswith(f"{GROUP}_") and name.endswith(".yaml"):
            text = subprocess.run(
                ["git", "-C", git_dir, "show", f"{ref}:{CRD_DIR}/{name}"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            yield name, yaml.load(text, Loader=Loader)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--git", required=True, help="a prometheus-operator clone or bare mirror")
    ap.add_argument("ref", help="the release tag, e.g. v0.93.0")
    ap.add_argument("--out", default=str(ROOT / "schemas" / "prometheus-operator"))
    args = ap.parse_args()

    commit = subprocess.run(
        ["git", "-C", args.git, "rev-parse", f"{args.ref}^{{commit}}"], check=True, capture_output=True, text=True
    ).stdout.strip()
    schemas, unchecked = {}, []
    for name, crd in read_crds(args.git, args.ref):
        spec = crd["spec"]
        kind = spec["names"]["kind"]
        if spec["group"] != GROUP or spec["scope"] != "Namespaced":
            sys.exit(f"{name}: unexpected group or scope")
        for v in spec["versions"]:
            if not v.get("served"):
                continue
            if "status" not in v.get("subresources", {}):
                sys.exit(f"{name} {v['name']}: no status subresource (kdm assumes one)")
            api_version = f"{GROUP}/{v['name']}"
            schemas[(kind, api_version)] = crd_schema(kind, api_version, v["schema"]["openAPIV3Schema"], unchecked)
    if sorted(schemas) != sorted(KINDS):
        sys.exit(f"served kinds differ from KINDS: {sorted(schemas)}")
    dst = pathlib.Path(args.out) / args.ref
    dst.mkdir(parents=True, exist_ok=True)
    for old in dst.glob("*.json"):
        old.unlink()
    total = 0
    for (kind, api_version), schema in sorted(schemas.items()):
        # one key per line keeps regenerations reviewable as diffs
        text = json.dumps(schema, indent=1) + "\n"
        (dst / f"{file_stem(kind, api_version)}.json").write_text(text)
        total += len(text)
    print(f"{args.ref} ({commit}): {len(schemas)} schemas, {total} bytes")
    for u in unchecked:
        print(f"not translated: {u}")


if __name__ == "__main__":
    main()
