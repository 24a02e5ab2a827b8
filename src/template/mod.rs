//! Templates for `kdm generate daemonset`.
//!
//! A template is a minijinja text that renders a multi-document YAML stream
//! from `values`, plus default values and, optionally, a JSON Schema for them.
//! minijinja was chosen because it is sandboxed: a template sees only the
//! values and its own files (read into memory before rendering; there is no
//! loader that touches the disk), has no process or network access, and
//! runs under a fuel limit, a recursion limit and an output cap.

mod filters;

use std::path::Path;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::diag::{Error, Result};
use crate::yaml::{Source, Span};

/// The main file of a template directory.
pub const MAIN_FILE: &str = "daemonset.yaml.j2";
/// Default values of a template directory (optional).
pub const VALUES_FILE: &str = "values.yaml";
/// JSON Schema of the values of a template directory (optional).
pub const SCHEMA_FILE: &str = "values.schema.json";

/// Instructions a render may execute: generous for real templates, finite
/// for runaway loops.
const FUEL: u64 = 20_000_000;
/// Rendered output larger than this is refused.
pub const MAX_OUTPUT_BYTES: usize = 16 * 1024 * 1024;
/// Template files larger than this, or more of them, are refused.
const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;
const MAX_TEMPLATE_FILES: usize = 64;

/// A built-in template: the shared agent template with its own defaults.
pub struct Builtin {
    pub name: &'static str,
    pub summary: &'static str,
    values: &'static str,
}

const SHARED_TEMPLATE: &str = include_str!("builtin/daemonset.yaml.j2");
const SHARED_SCHEMA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/schemas/templates/daemonset.values.schema.json"
));

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "node-exporter",
        summary: "Prometheus node-exporter: host metrics from read-only /proc, /sys and / mounts",
        values: include_str!("builtin/node-exporter.values.yaml"),
    },
    Builtin {
        name: "fluent-bit",
        summary: "Fluent Bit: collects container logs from /var/log, with Kubernetes metadata",
        values: include_str!("builtin/fluent-bit.values.yaml"),
    },
    Builtin {
        name: "opentelemetry-collector",
        summary: "OpenTelemetry Collector (k8s distribution): host and kubelet metrics, container logs, Kubernetes attributes; sends OTLP",
        values: include_str!("builtin/opentelemetry-collector.values.yaml"),
    },
    Builtin {
        name: "alloy",
        summary: "Grafana Alloy: this node's pod logs from /var/log (read-only), config in a ConfigMap; sends OTLP",
        values: include_str!("builtin/alloy.values.yaml"),
    },
    Builtin {
        name: "generic",
        summary:
            "any node agent image (set --image); optional metrics port, mounts and config files",
        values: include_str!("builtin/generic.values.yaml"),
    },
];

/// The default template of `kdm generate daemonset`.
pub const DEFAULT_TEMPLATE: &str = "node-exporter";

/// A loaded template, every file in memory.
pub struct Template {
    /// The built-in name or the directory as given.
    pub name: String,
    /// The main template file.
    pub main: Source,
    /// Other `*.j2` files of the directory, for `{% include %}` and `{% import %}`.
    pub others: Vec<Source>,
    /// Default values.
    pub defaults: Option<Source>,
    /// JSON Schema of the values, with its source for error locations.
    pub schema: Option<(Source, serde_json::Value)>,
    /// Said on standard error: a directory named like this built-in, not used.
    pub note: Option<String>,
}

impl Template {
    /// Loads a built-in template by name, or a template directory (a path
    /// containing `/`, or an existing directory not named like a built-in:
    /// a built-in's name always means the built-in, and a directory of that
    /// name is mentioned in [`Template::note`]).
    pub fn load(spec: &str) -> Result<Template> {
        let path = Path::new(spec);
        let builtin = BUILTINS.iter().find(|b| b.name == spec);
        let is_path = spec.contains('/') || spec.contains(std::path::MAIN_SEPARATOR);
        if is_path || (builtin.is_none() && path.is_dir()) {
            return load_dir(spec);
        }
        let Some(builtin) = builtin else {
            let names: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
            let mut help = format!("built-in templates: {}", names.join(", "));
            if let Some(c) = crate::suggest::closest(spec, names.iter().copied()) {
                help = format!("{} {help}", crate::suggest::did_you_mean(c));
            }
            return Err(Error::plain(format!(
                "unknown template {spec:?}: not a built-in template nor a directory"
            ))
            .with_help(format!(
                "{help}; a template directory holds {MAIN_FILE} (and optionally {VALUES_FILE}, {SCHEMA_FILE})"
            )));
        };
        let schema_source = Source::new("daemonset.values.schema.json", SHARED_SCHEMA);
        let schema = serde_json::from_str(SHARED_SCHEMA)
            .map_err(|e| Error::plain(format!("built-in values schema is broken: {e}")))?;
        Ok(Template {
            name: builtin.name.to_string(),
            main: Source::new(format!("{}/{MAIN_FILE}", builtin.name), SHARED_TEMPLATE),
            others: Vec::new(),
            defaults: Some(Source::new(
                format!("{}/{VALUES_FILE}", builtin.name),
                builtin.values,
            )),
            schema: Some((schema_source, schema)),
            note: path.is_dir().then(|| {
                format!(
                    "note: --template {spec} is the built-in template; \
                     for the directory {spec}, write --template ./{spec}"
                )
            }),
        })
    }

    /// Renders the template with `values` bound to the name `values`.
    pub fn render(&self, values: &serde_json::Value) -> Result<Source> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_fuel(Some(FUEL));
        env.set_recursion_limit(64);
        filters::register(&mut env);
        for src in std::iter::once(&self.main).chain(&self.others) {
            env.add_template_owned(template_name(src), src.text.to_string())
                .map_err(|e| self.template_error(&e))?;
        }
        let tmpl = env
            .get_template(&template_name(&self.main))
            .map_err(|e| self.template_error(&e))?;
        let ctx = minijinja::context! { values => minijinja::Value::from(minijinja::value::Serde(values)) };
        let mut out = CappedWriter::default();
        if let Err(e) = tmpl.render_captured_to(ctx, &mut out) {
            if out.overflowed {
                return Err(Error::plain(format!(
                    "template {} produced more than {} MiB of output",
                    self.name,
                    MAX_OUTPUT_BYTES / 1024 / 1024
                )));
            }
            return Err(self.template_error(&e));
        }
        let text = String::from_utf8(out.buf)
            .map_err(|_| Error::plain("template output is not valid UTF-8"))?;
        Ok(Source::new(
            format!("{} (rendered)", template_name(&self.main)),
            text,
        ))
    }

    /// A minijinja error at its template file and line.
    fn template_error(&self, e: &minijinja::Error) -> Error {
        let mut message = format!("template error: {}", e.kind());
        if let Some(detail) = e.detail() {
            message.push_str(": ");
            message.push_str(detail);
        }
        let src = e.name().and_then(|n| {
            std::iter::once(&self.main)
                .chain(&self.others)
                .find(|s| template_name(s) == n)
        });
        let Some(src) = src else {
            return Error::plain(message);
        };
        let span = e
            .range()
            .filter(|r| r.end <= src.text.len() && r.start <= r.end)
            .map(|r| Span::new(r.start, r.end.max(r.start + 1).min(src.text.len())))
            .or_else(|| e.line().map(|l| line_span(src, l)))
            .unwrap_or(Span::new(0, 0));
        Error::at(src, span, message, "here")
    }
}

/// The name a file is known by inside the template environment.
fn template_name(src: &Source) -> String {
    Path::new(&src.name)
        .file_name()
        .map_or_else(|| src.name.clone(), |n| n.to_string_lossy().into_owned())
}

/// The span of 1-based line `line` of `src`.
fn line_span(src: &Source, line: usize) -> Span {
    let text = src.text.as_str();
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        .min(text.len());
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    Span::new(start, end)
}

fn load_dir(dir: &str) -> Result<Template> {
    let path = Path::new(dir);
    if !path.is_dir() {
        return Err(Error::plain(format!(
            "template directory {dir} does not exist"
        )));
    }
    let main_path = path.join(MAIN_FILE);
    if !main_path.is_file() {
        return Err(Error::plain(format!(
            "template directory {dir} has no {MAIN_FILE}"
        ))
        .with_help(format!(
            "a template directory holds {MAIN_FILE} (and optionally {VALUES_FILE}, {SCHEMA_FILE}, other *.j2 files)"
        )));
    }
    let root = path
        .canonicalize()
        .map_err(|e| Error::plain(format!("cannot read template directory {dir}: {e}")))?;
    let read = |p: &Path| -> Result<Source> {
        let name = p.to_string_lossy().into_owned();
        // A template sees only its own directory: a symlink to a file
        // elsewhere (`secrets.j2 -> ~/.kube/config`) is refused.
        let real = p
            .canonicalize()
            .map_err(|e| Error::plain(format!("cannot read {name}: {e}")))?;
        if !real.starts_with(&root) {
            return Err(Error::plain(format!(
                "{name} points outside the template directory (to {}); refusing to read it",
                real.display()
            ))
            .with_help("copy the file into the template directory instead of linking to it"));
        }
        let len = std::fs::metadata(p)
            .map_err(|e| Error::plain(format!("cannot read {name}: {e}")))?
            .len();
        if len > MAX_TEMPLATE_BYTES {
            return Err(Error::plain(format!(
                "{name} is larger than {} KiB; refusing to load it",
                MAX_TEMPLATE_BYTES / 1024
            )));
        }
        crate::input::read_source(&name)
    };
    let main = read(&main_path)?;
    let mut others = Vec::new();
    let entries = std::fs::read_dir(path)
        .map_err(|e| Error::plain(format!("cannot read template directory {dir}: {e}")))?;
    let mut names: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| x == "j2")
                && p.file_name().is_some_and(|n| n != MAIN_FILE)
        })
        .collect();
    names.sort();
    if names.len() > MAX_TEMPLATE_FILES {
        return Err(Error::plain(format!(
            "template directory {dir} has more than {MAX_TEMPLATE_FILES} *.j2 files"
        )));
    }
    for p in names {
        others.push(read(&p)?);
    }
    let values_path = path.join(VALUES_FILE);
    let defaults = if values_path.is_file() {
        Some(read(&values_path)?)
    } else {
        None
    };
    let schema_path = path.join(SCHEMA_FILE);
    let schema = if schema_path.is_file() {
        let src = read(&schema_path)?;
        let value: serde_json::Value = serde_json::from_str(&src.text).map_err(|e| {
            let offset = byte_offset(&src, e.line(), e.column());
            Error::at(
                &src,
                Span::new(offset, offset),
                format!("{SCHEMA_FILE} is not valid JSON: {e}"),
                "here",
            )
        })?;
        Some((src, value))
    } else {
        None
    };
    Ok(Template {
        name: dir.to_string(),
        main,
        others,
        defaults,
        schema,
        note: None,
    })
}

/// Byte offset of serde_json's 1-based line and column.
fn byte_offset(src: &Source, line: usize, column: usize) -> usize {
    let span = line_span(src, line.max(1));
    (span.start + column.saturating_sub(1)).min(span.end)
}

/// Collects output and fails once it exceeds [`MAX_OUTPUT_BYTES`].
#[derive(Default)]
struct CappedWriter {
    buf: Vec<u8>,
    overflowed: bool,
}

impl std::io::Write for CappedWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() > MAX_OUTPUT_BYTES {
            self.overflowed = true;
            return Err(std::io::Error::other("output too large"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str, values: serde_json::Value) -> Result<String> {
        let t = Template {
            name: "t".into(),
            main: Source::new("t/daemonset.yaml.j2", text),
            others: Vec::new(),
            defaults: None,
            schema: None,
            note: None,
        };
        t.render(&values).map(|s| s.text.to_string())
    }

    #[test]
    fn undefined_values_are_errors_with_a_line() {
        let e = render("a: 1\nb: {{ values.missing }}\n", serde_json::json!({})).unwrap_err();
        assert!(e.message().contains("undefined"), "{}", e.message());
        assert_eq!(e.location().as_deref(), Some("t/daemonset.yaml.j2:2:7"));
    }

    #[test]
    fn runaway_loops_run_out_of_fuel() {
        let e = render(
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            serde_json::json!({}),
        )
        .unwrap_err();
        assert!(e.message().contains("fuel"), "{}", e.message());
    }

    #[test]
    fn output_is_capped() {
        let e = render(
            "{% for i in range(100) %}{{ 'x' * 1000000 }}{% endfor %}",
            serde_json::json!({}),
        )
        .unwrap_err();
        assert!(e.message().contains("MiB of output"), "{}", e.message());
    }

    #[test]
    fn no_file_access() {
        let e = render("{% include '/etc/passwd' %}", serde_json::json!({})).unwrap_err();
        assert!(e.message().contains("not found"), "{}", e.message());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_template_directory_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.txt");
        std::fs::write(&secret, "token").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MAIN_FILE), "{% include 'secret.j2' %}\n").unwrap();
        std::os::unix::fs::symlink(&secret, dir.path().join("secret.j2")).unwrap();
        let Err(e) = Template::load(dir.path().to_str().unwrap()) else {
            panic!("a symlink out of the directory was followed");
        };
        assert!(
            e.message()
                .contains("points outside the template directory"),
            "{}",
            e.message()
        );
        // A symlink inside the directory is fine.
        std::fs::remove_file(dir.path().join("secret.j2")).unwrap();
        std::fs::write(dir.path().join("real.j2"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("real.j2"), dir.path().join("secret.j2"))
            .unwrap();
        assert!(Template::load(dir.path().to_str().unwrap()).is_ok());
        // `..` in an include names no preloaded template.
        std::fs::write(
            dir.path().join(MAIN_FILE),
            "{% include '../secret.txt' %}\n",
        )
        .unwrap();
        let t = Template::load(dir.path().to_str().unwrap()).unwrap();
        assert!(t.render(&serde_json::json!({})).is_err());
    }

    #[test]
    fn every_builtin_loads() {
        for b in BUILTINS {
            let t = Template::load(b.name).unwrap();
            assert!(t.defaults.is_some() && t.schema.is_some());
        }
        let Err(e) = Template::load("node-exportr") else {
            panic!("a misspelt template loads");
        };
        let shown = crate::report::human::render(&e, crate::report::Term::PLAIN);
        assert!(shown.contains("did you mean `node-exporter`?"), "{shown}");
    }
}
