//! A scrape config's service discovery: static groups, file SD files and
//! Kubernetes SD settings (other mechanisms are only named).

use super::{Ctx, KubernetesSd, ScrapeJob, StaticGroup};
use crate::diag::Result;
use crate::k8s_sd::{AttachMetadata, Role, RoleSelector, SdConfig};
use crate::yaml::Node;

pub(super) const KUBERNETES_SD_FIELDS: &[&str] = &[
    "api_server",
    "role",
    "kubeconfig_file",
    "namespaces",
    "selectors",
    "attach_metadata",
    "basic_auth",
    "authorization",
    "oauth2",
    "bearer_token",
    "bearer_token_file",
    "tls_config",
    "proxy_url",
    "no_proxy",
    "proxy_from_environment",
    "proxy_connect_header",
    "follow_redirects",
    "enable_http2",
    "http_headers",
];

/// The items of a list (none, with its error recorded, when it is not one).
fn seq_items<'n>(ctx: &Ctx<'_>, node: &'n Node, go_type: &str) -> &'n [Node] {
    ctx.ok(ctx.d().seq(node, go_type)).unwrap_or(&[])
}

/// Fills the job's discovery settings; errors are recorded in `ctx`.
pub(super) fn parse_discovery(ctx: &Ctx<'_>, node: &Node, job: &mut ScrapeJob) {
    // Written rules, valid or not: an address with a path may be fixed by them.
    let has_relabel = node
        .get("relabel_configs")
        .and_then(Node::as_seq)
        .is_some_and(|s| !s.is_empty());
    for (k, v) in node.as_map().unwrap_or(&[]) {
        let key = k.key_string();
        match key.as_str() {
            "static_configs" => {
                for item in seq_items(ctx, v, "[]*targetgroup.Group") {
                    if let Some(group) = static_group(ctx, item, has_relabel) {
                        job.static_groups.push(group);
                    }
                }
            }
            "file_sd_configs" => {
                for item in seq_items(ctx, v, "[]*file.SDConfig") {
                    if !ctx.check_fields(item, &["files", "refresh_interval"], "file.SDConfig") {
                        continue;
                    }
                    if let Some(f) = item.get("files") {
                        let files = ctx.string_list(f, "[]string").unwrap_or_default();
                        job.file_sd_files.extend(files);
                    }
                }
            }
            "kubernetes_sd_configs" => {
                for item in seq_items(ctx, v, "[]*kubernetes.SDConfig") {
                    if let Some(sd) = parse_kubernetes_sd(ctx, item) {
                        job.kubernetes_sd.push(sd);
                    }
                }
            }
            other if other.ends_with("_sd_configs") => job.other_sd.push(other.to_string()),
            _ => {}
        }
    }
}

fn static_group(ctx: &Ctx<'_>, item: &Node, has_relabel: bool) -> Option<StaticGroup> {
    if !ctx.check_fields(item, &["targets", "labels"], "targetgroup.Group") {
        return None;
    }
    let targets = match item.get("targets") {
        Some(t) => ctx.string_list(t, "[]string").unwrap_or_default(),
        None => Vec::new(),
    };
    let mut labels = Vec::new();
    if let Some(l) = item.get("labels").filter(|n| !n.is_null()) {
        for (lk, lv) in ctx.ok(ctx.d().map(l, "model.LabelSet")).unwrap_or(&[]) {
            if let Some(v) = ctx.ok(ctx.string(lv)) {
                labels.push((lk.key_string(), v));
            }
        }
    }
    if !has_relabel {
        if let Some(bad) = targets.iter().position(|t| t.contains('/')) {
            let span = item
                .get("targets")
                .and_then(|t| t.as_seq())
                .and_then(|s| s.get(bad))
                .map_or(item.span, |n| n.span);
            ctx.report(ctx.err(
                span,
                format!("{:?} is not a valid hostname", targets[bad]),
                "contains '/'",
            ));
        }
    }
    Some(StaticGroup { labels, targets })
}

/// A `kubernetes_sd_configs` entry; `None` when it has no valid role (its
/// errors are recorded).
fn parse_kubernetes_sd(ctx: &Ctx<'_>, node: &Node) -> Option<KubernetesSd> {
    if !ctx.check_fields(node, KUBERNETES_SD_FIELDS, "kubernetes.plain") {
        return None;
    }
    let role_node = node.get("role");
    let role_name = ctx.opt_string(node, "role").unwrap_or_default();
    let Some(role) = Role::parse(&role_name) else {
        let span = role_node.map_or(node.span, |n| n.span);
        let msg = if role_name.is_empty() {
            "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)"
                .to_string()
        } else {
            format!("unknown Kubernetes SD role {role_name:?}")
        };
        let error = ctx.err(span, msg, "invalid role");
        ctx.report(
            match crate::suggest::closest(&role_name, Role::ALL.map(|r| r.as_str())) {
                Some(r) => error.with_help(crate::suggest::did_you_mean(r)),
                None => error,
            },
        );
        return None;
    };
    let mut sd = KubernetesSd {
        span: node.span,
        own_namespace: false,
        config: SdConfig::new(role),
    };
    let api_server = node.get("api_server").is_some_and(|n| !n.is_null());
    let kubeconfig = node.get("kubeconfig_file").is_some_and(|n| !n.is_null());
    if api_server && kubeconfig {
        ctx.report(ctx.err(
            node.span,
            "cannot use 'kubeconfig_file' and 'api_server' simultaneously",
            "conflicting settings",
        ));
    }
    if let Some(ns) = node.get("namespaces").filter(|n| !n.is_null()) {
        if ctx.check_fields(
            ns,
            &["own_namespace", "names"],
            "kubernetes.NamespaceDiscovery",
        ) {
            sd.own_namespace = ctx.opt_bool(ns, "own_namespace").unwrap_or(false);
            if let Some(names) = ns.get("names") {
                sd.config.namespaces = ctx.string_list(names, "[]string").unwrap_or_default();
            }
            if sd.own_namespace && (api_server || kubeconfig) {
                let which = if api_server {
                    "api_server"
                } else {
                    "kubeconfig_file"
                };
                ctx.report(ctx.err(
                    ns.span,
                    format!("cannot use '{which}' and 'namespaces.own_namespace' simultaneously"),
                    "conflicting settings",
                ));
            }
        }
    }
    if let Some(att) = node.get("attach_metadata").filter(|n| !n.is_null()) {
        if ctx.check_fields(
            att,
            &["node", "namespace", "deployment", "job", "cronjob"],
            "kubernetes.AttachMetadataConfig",
        ) {
            let flag = |k| ctx.opt_bool(att, k).unwrap_or(false);
            sd.config.attach_metadata = AttachMetadata {
                node: flag("node"),
                namespace: flag("namespace"),
                deployment: flag("deployment"),
                job: flag("job"),
                cronjob: flag("cronjob"),
            };
        }
    }
    if let Some(sel) = node.get("selectors") {
        for s in seq_items(ctx, sel, "[]kubernetes.SelectorConfig") {
            if !ctx.check_fields(s, &["role", "label", "field"], "kubernetes.SelectorConfig") {
                continue;
            }
            if let Some(selector) = ctx.ok(selector(ctx, s, &sd.config)) {
                sd.config.selectors.push(selector);
            }
        }
    }
    Some(sd)
}

/// One `selectors` entry, checked against the role and the entries before.
fn selector(ctx: &Ctx<'_>, s: &Node, config: &SdConfig) -> Result<RoleSelector> {
    let name = ctx.opt_string(s, "role").unwrap_or_default();
    let span = s.get("role").map_or(s.span, |n| n.span);
    let Some(role) = Role::parse(&name) else {
        return Err(ctx.err(
            span,
            format!("invalid role: {name:?}, expecting one of: pod, service, endpoints, endpointslice, node or ingress"),
            "invalid role",
        ));
    };
    if config.selectors.iter().any(|r| r.role == role) {
        return Err(ctx.err(
            span,
            format!("duplicated selector role: {role}"),
            "duplicate",
        ));
    }
    let allowed = config.role.allowed_selector_roles();
    if !allowed.contains(&role) {
        let names: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
        return Err(ctx.err(
            span,
            format!(
                "{} role supports only {} selectors",
                config.role,
                names.join(", ")
            ),
            "not allowed for this role",
        ));
    }
    let label = ctx.opt_string(s, "label").filter(|s| !s.is_empty());
    let field = ctx.opt_string(s, "field").filter(|s| !s.is_empty());
    if let (Some(f), Some(n)) = (&field, s.get("field")) {
        crate::k8s_sd::parse_field_selector(f)
            .map_err(|e| ctx.err(n.span, e, "invalid field selector"))?;
    }
    if let (Some(l), Some(n)) = (&label, s.get("label")) {
        crate::k8s_sd::parse_label_selector(l)
            .map_err(|e| ctx.err(n.span, e, "invalid label selector"))?;
    }
    Ok(RoleSelector { role, label, field })
}
