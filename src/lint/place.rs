//! Where a finding is: the object, workload and container holding its span.

use std::collections::HashMap;

use super::{Context, Finding};
use crate::k8s::{Object, Workload};
use crate::yaml::{Node, Span};

/// Finds the object, container and field path a finding is in.
pub struct Places<'c, 'a> {
    pub ctx: &'c Context<'a>,
    /// Each file's objects.
    objects: HashMap<usize, Vec<&'c Object<'a>>>,
}

impl<'c, 'a> Places<'c, 'a> {
    pub fn new(ctx: &'c Context<'a>) -> Self {
        let mut objects: HashMap<usize, Vec<&Object<'a>>> = HashMap::new();
        for o in &ctx.objects {
            objects.entry(o.file).or_default().push(o);
        }
        Places { ctx, objects }
    }

    /// The innermost object holding the finding (a List's item, not the List).
    pub fn object(&self, f: &Finding) -> Option<&'c Object<'a>> {
        self.objects
            .get(&f.file)?
            .iter()
            .filter(|o| holds(o.node, f.span))
            .min_by_key(|o| o.node.span.len())
            .copied()
    }

    /// The workload holding the finding.
    pub fn workload(&self, f: &Finding) -> Option<&'c Workload<'a>> {
        let object = self.object(f)?;
        self.ctx
            .workloads
            .iter()
            .find(|w| w.object.file == object.file && std::ptr::eq(w.object.node, object.node))
    }

    /// The name of the container holding the finding.
    pub fn container(&self, f: &Finding) -> Option<&'a str> {
        self.workload(f)?
            .containers()
            .into_iter()
            .find(|(_, c)| holds(c, f.span))
            .and_then(|(_, c)| c.get("name")?.as_str())
    }
}

/// Whether `n` holds all of `span`.
pub fn holds(n: &Node, span: Span) -> bool {
    n.span.start <= span.start && span.end <= n.span.end
}
