use crate::k8s::validation;
use crate::lint::{Context, Finding, Rule, RuleMeta, Severity};

pub struct ApiInvalid;

static META: RuleMeta = RuleMeta {
    id: "api-invalid",
    severity: Severity::Error,
    summary: "object would be refused by the API server's validation (enum value, quantity, range, name format, exclusive or cross-field rule, duplicate)",
    explain: "\
## What it does
Applies the validation kube-apiserver runs after decoding (Kubernetes'
`pkg/apis/core/validation`, `apps/validation`, `batch/validation`,
`rbac/validation` and apimachinery's `ValidateObjectMeta`) to Pods,
DaemonSets, Deployments, StatefulSets, ReplicaSets, ReplicationControllers,
Jobs, CronJobs, Services, ConfigMaps, ServiceAccounts and RBAC objects:

- enumerations, case included (`imagePullPolicy: always`, `protocol: tcp`,
  toleration `operator: exists`, hostPath `type: directory`,
  `updateStrategy.type: Rolling`);
- quantities (`memory: 1Gb`), resource names (`memroy`) and requests above
  limits;
- ranges (ports 1-65535, probe timings, percentages, file modes, user ids);
- names: DNS-1123 labels for containers, volumes and namespaces, DNS-1035
  labels for Services, subdomains for most objects, config keys;
- exclusive fields (`value` and `valueFrom`, two probe handlers, two volume
  sources) and cross-field rules (a DaemonSet's or Deployment's pods must
  restart `Always`, a Job's `OnFailure` or `Never`; `maxUnavailable: 0`
  with `maxSurge: 0`; a hostNetwork pod's hostPort equals its
  containerPort; a `Localhost` seccomp or AppArmor profile names its
  profile);
- duplicate container, volume, Service port and host port entries.

Messages are the API server's own (`Unsupported value: \"tcp\": supported
values: \"SCTP\", \"TCP\", \"UDP\"`), at the offending line. What
`schema-invalid` reports (unknown fields, wrong types, missing required
fields) and what rules of their own cover (label keys and values, port
names, selector agreement, undeclared mounts) is not reported again.

## Why is this bad?
The bundled JSON schemas have no enumerations and no quantity or name
formats, so such a manifest passes schema checks and `kubectl apply
--dry-run=client`, and is refused only when it reaches the cluster.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
spec:
  updateStrategy:
    type: Rolling
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: Node_Exporter
          imagePullPolicy: always
          ports:
            - containerPort: 70000
              protocol: tcp
          resources:
            requests: {memory: 1Gb}
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
spec:
  updateStrategy:
    type: RollingUpdate
  template:
    spec:
      restartPolicy: Always
      containers:
        - name: node-exporter
          imagePullPolicy: Always
          ports:
            - containerPort: 9100
              protocol: TCP
          resources:
            requests: {memory: 1Gi}
```

## References
- https://github.com/kubernetes/kubernetes/tree/master/pkg/apis/core/validation
- https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
",
};

impl Rule for ApiInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        // Cheap per object (a few microseconds), so it runs on the runner's
        // own worker: threads of its own would only contend with the other
        // rules' (measured: no less CPU, more wall time on 2 cores).
        for o in &ctx.objects {
            for p in validation::validate(o) {
                // As kubectl words it: which object, then the field error.
                let message = format!("{}: {}: {}", o.display_name(), p.path, p.message);
                let f = Finding::new(&META, o.file, p.span, message);
                out.push(match p.help {
                    Some(h) => f.help(h),
                    None => f,
                });
            }
        }
    }
}
