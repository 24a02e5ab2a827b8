//! Rules of the `labels` group: syntax of label keys and values, annotation
//! keys and size, and the recommended `app.kubernetes.io/*` labels.
mod annotation_key_invalid;
mod annotations_too_large;
mod label_key_invalid;
mod label_value_invalid;
mod missing_recommended_labels;

use std::borrow::Cow;

use super::selectors::selector::label_selectors;
use crate::k8s::Object;
use crate::lint::{Context, Rule};
use crate::yaml::Node;

pub const RULES: &[&dyn Rule] = &[
    &label_key_invalid::LabelKeyInvalid,
    &label_value_invalid::LabelValueInvalid,
    &annotation_key_invalid::AnnotationKeyInvalid,
    &annotations_too_large::AnnotationsTooLarge,
    &missing_recommended_labels::MissingRecommendedLabels,
];

/// A `map[string]string` the API server validates as labels.
pub(crate) struct LabelMap<'a> {
    /// The object it belongs to (its `display_name` is formatted only for
    /// a finding).
    pub owner: Object<'a>,
    /// Where in the object, for messages.
    pub what: Cow<'static, str>,
    /// The key naming the map (`labels`, `selector`, ...).
    pub key: &'a Node,
    pub node: &'a Node,
}

/// One `matchExpressions` requirement of a label selector.
pub(crate) struct Requirement<'a> {
    pub owner: Object<'a>,
    pub what: String,
    pub node: &'a Node,
}

fn push_map<'a>(
    out: &mut Vec<LabelMap<'a>>,
    owner: Object<'a>,
    what: impl Into<Cow<'static, str>>,
    parent: Option<&'a Node>,
    key: &str,
) {
    let Some((key, node)) = parent.and_then(|p| p.entry(key)) else {
        return;
    };
    if node.as_map().is_some() {
        out.push(LabelMap {
            owner,
            what: what.into(),
            key,
            node,
        });
    }
}

/// The job template of a CronJob (it has its own metadata).
fn job_template(node: &Node) -> Option<&Node> {
    node.get("spec")?.get("jobTemplate")
}

/// Every label map of the input: object and template labels, label
/// selectors' `matchLabels`, Service selectors and pod `nodeSelector`s.
pub(crate) fn label_maps<'a>(ctx: &Context<'a>) -> Vec<LabelMap<'a>> {
    let mut out = Vec::new();
    for o in &ctx.objects {
        push_map(&mut out, *o, "metadata.labels", o.metadata(), "labels");
        if o.kind == "Service" {
            let spec = o.node.get("spec");
            push_map(&mut out, *o, "spec.selector", spec, "selector");
        }
        if o.kind == "CronJob" {
            let meta = job_template(o.node).and_then(|t| t.get("metadata"));
            push_map(&mut out, *o, "jobTemplate labels", meta, "labels");
        }
    }
    for w in &ctx.workloads {
        let o = w.object;
        // A Pod's template is the Pod itself: its labels are listed above.
        if o.kind != "Pod" {
            let meta = w.template.and_then(|t| t.get("metadata"));
            push_map(&mut out, o, "pod template labels", meta, "labels");
        }
        for (what, sel) in label_selectors(w) {
            let what = format!("{what} matchLabels");
            push_map(&mut out, o, what, Some(sel), "matchLabels");
        }
        push_map(&mut out, o, "nodeSelector", w.pod_spec, "nodeSelector");
    }
    out
}

/// Every `matchExpressions` requirement of the workloads' label selectors.
pub(crate) fn requirements<'a>(ctx: &Context<'a>) -> Vec<Requirement<'a>> {
    let mut out = Vec::new();
    for w in &ctx.workloads {
        for (what, sel) in label_selectors(w) {
            let exprs = sel
                .get("matchExpressions")
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            for (i, node) in exprs.iter().enumerate() {
                out.push(Requirement {
                    owner: w.object,
                    what: format!("{what} matchExpressions[{i}]"),
                    node,
                });
            }
        }
    }
    out
}

/// Every annotation map: object metadata, pod templates and job templates
/// (the API server validates all of them as annotations).
pub(crate) fn annotation_maps<'a>(ctx: &Context<'a>) -> Vec<LabelMap<'a>> {
    let mut out = Vec::new();
    for o in &ctx.objects {
        let what = "metadata.annotations";
        push_map(&mut out, *o, what, o.metadata(), "annotations");
        if o.kind == "CronJob" {
            let meta = job_template(o.node).and_then(|t| t.get("metadata"));
            push_map(&mut out, *o, "jobTemplate annotations", meta, "annotations");
        }
    }
    for w in ctx.workloads.iter().filter(|w| w.object.kind != "Pod") {
        let meta = w.template.and_then(|t| t.get("metadata"));
        let what = "pod template annotations";
        push_map(&mut out, w.object, what, meta, "annotations");
    }
    out
}
