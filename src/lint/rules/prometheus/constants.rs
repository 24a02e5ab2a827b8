//! Which target labels have the same value for every target of a job after
//! each relabel rule: what the job sets itself (`job`, `__scheme__`,
//! `__metrics_path__`, `params`) and what rules write from those or from
//! nothing. Rules are evaluated with the relabel engine's regex and Go's
//! template expansion; anything read from discovery is taken to differ
//! between targets.

use std::collections::HashMap;

use super::{jobs, name_scheme, parse_each, Entry};
use crate::lint::Context;
use crate::relabel::goregex::Template;
use crate::relabel::{Action, Rule as Relabel};
use crate::yaml::{Node, Source};

/// A label's value when it is the same for every target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Same {
    /// Known value (`""`: absent).
    Value(String),
    /// The same for all, but not known here (e.g. a hashmod of a constant).
    Unknown,
}

/// The rule that made a label constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Writer {
    /// Index of the rule in the list.
    pub rule: usize,
    /// False when the rule writes the constant only to the targets its
    /// regex matches (a fixed replacement behind a regex that not every
    /// value matches).
    pub everywhere: bool,
}

#[derive(Debug, Default)]
pub struct Constants {
    same: HashMap<String, Same>,
    writers: HashMap<String, Writer>,
    /// Some `__param_*` label may differ between targets.
    pub params_vary: bool,
}

impl Constants {
    /// What the scrape config itself fixes before target relabeling.
    pub fn of_job(job: &Node) -> Constants {
        let mut c = Constants::default();
        let text = |key: &str| job.get(key).and_then(Node::as_str).map(str::to_string);
        let mut set = |k: &str, v: Same| {
            c.same.insert(k.to_string(), v);
        };
        set("job", Same::Value(text("job_name").unwrap_or_default()));
        set(
            "__scheme__",
            Same::Value(text("scheme").unwrap_or_else(|| "http".into())),
        );
        set(
            "__metrics_path__",
            Same::Value(text("metrics_path").unwrap_or_else(|| "/metrics".into())),
        );
        set("__scrape_interval__", Same::Unknown);
        set("__scrape_timeout__", Same::Unknown);
        for (k, v) in job.get("params").and_then(Node::as_map).unwrap_or(&[]) {
            let first = v
                .as_seq()
                .and_then(|s| s.first())
                .and_then(Node::as_str)
                .unwrap_or("");
            set(
                &format!("__param_{}", k.key_string()),
                Same::Value(first.into()),
            );
        }
        c
    }

    pub fn get(&self, name: &str) -> Option<&Same> {
        self.same.get(name)
    }

    /// The rule that last wrote a constant into `name`.
    pub fn writer(&self, name: &str) -> Option<Writer> {
        self.writers.get(name).copied()
    }

    fn set(&mut self, name: &str, value: Same, writer: Option<Writer>) {
        self.same.insert(name.to_string(), value);
        match writer {
            Some(w) => self.writers.insert(name.to_string(), w),
            None => self.writers.remove(name),
        };
    }

    fn varies(&mut self, name: &str) {
        self.same.remove(name);
        self.writers.remove(name);
        if name.starts_with("__param_") {
            self.params_vary = true;
        }
    }

    /// The joined source value when every source label is constant and known.
    fn joined(&self, rule: &Relabel) -> Option<Result<String, ()>> {
        let mut parts = Vec::new();
        for s in &rule.source_labels {
            match self.same.get(s)? {
                Same::Value(v) => parts.push(v.as_str()),
                Same::Unknown => return Some(Err(())),
            }
        }
        Some(Ok(parts.join(&rule.separator)))
    }

    /// Applies rule `i`.
    pub fn apply(&mut self, i: usize, rule: &Relabel) {
        let at = |everywhere| {
            Some(Writer {
                rule: i,
                everywhere,
            })
        };
        match rule.action {
            Action::Replace => {
                let Some(target) = Template::new(&rule.target_label).literal() else {
                    return; // a computed label name: left alone
                };
                let fixed = Template::new(&rule.replacement).literal();
                match self.joined(rule) {
                    Some(Ok(value)) => {
                        if let Some(caps) = rule.regex.captures(&value) {
                            let v = rule.regex.expand(&rule.replacement, &caps);
                            self.set(&target, Same::Value(v), at(true));
                        }
                    }
                    Some(Err(())) => {
                        if rule.regex.is_match_all() || self.same.contains_key(&target) {
                            let w = self.writers.get(&target).copied().or(at(true));
                            self.set(&target, Same::Unknown, w);
                        } else {
                            self.varies(&target);
                        }
                    }
                    None => match fixed {
                        Some(v) if rule.regex.is_match_all() => {
                            self.set(&target, Same::Value(v), at(true))
                        }
                        Some(v) => self.set(&target, Same::Value(v), at(false)),
                        None => self.varies(&target),
                    },
                }
            }
            Action::Lowercase | Action::Uppercase | Action::HashMod => match self.joined(rule) {
                Some(Ok(v)) if rule.action != Action::HashMod => {
                    let v = if rule.action == Action::Lowercase {
                        v.to_lowercase()
                    } else {
                        v.to_uppercase()
                    };
                    self.set(&rule.target_label, Same::Value(v), at(true));
                }
                Some(_) => self.set(&rule.target_label, Same::Unknown, at(true)),
                None => self.varies(&rule.target_label),
            },
            Action::LabelMap => self.labelmap(i, rule),
            Action::LabelDrop | Action::LabelKeep => {
                let drop = rule.action == Action::LabelDrop;
                let names: Vec<String> = self.same.keys().cloned().collect();
                for n in names {
                    if rule.regex.is_match(&n) == drop {
                        self.set(&n, Same::Value(String::new()), None);
                    }
                }
            }
            _ => {}
        }
    }

    fn labelmap(&mut self, i: usize, rule: &Relabel) {
        let writer = Some(Writer {
            rule: i,
            everywhere: true,
        });
        // Constant labels map to constant labels.
        let mut names: Vec<(String, Same)> = self
            .same
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        names.sort_by(|a, b| a.0.cmp(&b.0));
        let mut written = Vec::new();
        for (name, value) in names {
            if let Some(caps) = rule.regex.captures(&name) {
                written.push((rule.regex.expand(&rule.replacement, &caps), value));
            }
        }
        // Labels from discovery may map onto any name the template can
        // write: its literal start decides.
        let prefix = rule.replacement.split('$').next().unwrap_or("");
        let fixed = Template::new(&rule.replacement).literal();
        let reachable = |n: &str| match &fixed {
            Some(f) => f == n,
            None => n.starts_with(prefix) && (!n.starts_with("__") || prefix.starts_with("__")),
        };
        let known: Vec<String> = self.same.keys().cloned().collect();
        for n in known {
            if reachable(&n) && !written.iter().any(|(w, _)| *w == n) {
                self.varies(&n);
            }
        }
        let params = match &fixed {
            Some(f) => f.starts_with("__param_"),
            None => {
                prefix.starts_with("__param_")
                    || (prefix.len() >= 2 && "__param_".starts_with(prefix))
            }
        };
        self.params_vary |= params;
        // A fixed name is constant only when the regex matches one name;
        // otherwise a discovered label may map onto it too.
        let one_name = super::literal_regex(rule.regex.as_str()).is_some();
        for (name, value) in written {
            if fixed.is_none() || one_name {
                self.set(&name, value, writer);
            } else {
                self.varies(&name);
            }
        }
    }
}

/// One job of a config with its parsed target relabeling.
pub struct Job<'a> {
    pub file: usize,
    /// The config the job is in.
    pub root: &'a Node,
    pub node: &'a Node,
    pub relabel: Vec<Entry<'a>>,
}

impl Job<'_> {
    /// The constants after every valid rule.
    pub fn constants(&self) -> Constants {
        let mut c = Constants::of_job(self.node);
        for (i, e) in self.relabel.iter().enumerate() {
            if let Ok(r) = &e.rule {
                c.apply(i, r);
            }
        }
        c
    }

    /// Whether the job can have more than one target: a service discovery
    /// or more than one static target, and no `keep` on one object's name.
    pub fn many_targets(&self) -> bool {
        let map = self.node.as_map().unwrap_or(&[]);
        let sd = map
            .iter()
            .any(|(k, _)| k.key_string().ends_with("_sd_configs"));
        let statics: usize = self
            .node
            .get("static_configs")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|g| g.get("targets").and_then(Node::as_seq))
            .map(<[Node]>::len)
            .sum();
        (sd || statics > 1) && !self.keeps_one_name()
    }

    /// A `keep` of one literal object name (`__meta_kubernetes_service_name`
    /// = `kube-state-metrics`): the job is meant to find one object.
    fn keeps_one_name(&self) -> bool {
        self.relabel
            .iter()
            .filter_map(|e| e.rule.as_ref().ok())
            .any(|r| {
                r.action == Action::Keep
                    && r.source_labels.len() == 1
                    && is_object_name(&r.source_labels[0])
                    && super::literal_regex(r.regex.as_str()).is_some()
            })
    }

    /// `role: node, pod`: the job's Kubernetes SD roles, or its kind of
    /// discovery (`file_sd_configs`), for a message.
    pub fn discovery(&self) -> String {
        let mut roles: Vec<String> = self
            .node
            .get("kubernetes_sd_configs")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|s| s.get("role").and_then(Node::as_str))
            .map(str::to_string)
            .collect();
        roles.dedup();
        if !roles.is_empty() {
            return format!("role {}", roles.join(", "));
        }
        let other: Vec<String> = self
            .node
            .as_map()
            .unwrap_or(&[])
            .iter()
            .map(|(k, _)| k.key_string())
            .filter(|k| k.ends_with("_sd_configs"))
            .collect();
        if other.is_empty() {
            "static_configs".into()
        } else {
            other.join(", ")
        }
    }

    pub fn name(&self) -> &str {
        self.node
            .get("job_name")
            .and_then(Node::as_str)
            .unwrap_or("")
    }
}

fn is_object_name(label: &str) -> bool {
    label.starts_with("__meta_")
        && label.ends_with("_name")
        && !label.ends_with("port_name")
        && !label.ends_with("container_name")
}

/// Every job of every config in the input.
pub fn all_jobs<'a>(ctx: &Context<'a>) -> Vec<Job<'a>> {
    let mut out = Vec::new();
    for &(file, root) in &ctx.prometheus {
        let src: &Source = ctx.source(file);
        for job in jobs(root) {
            let relabel = job
                .get("relabel_configs")
                .map(|l| parse_each(l, src, name_scheme(root, job), false))
                .unwrap_or_default();
            out.push(Job {
                file,
                root,
                node: job,
                relabel,
            });
        }
    }
    out
}
