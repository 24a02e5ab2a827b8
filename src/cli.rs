//! Command-line interface (clap derive). The core never sees these types:
//! each subcommand converts its arguments into core options.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

use crate::generate::ScrapeWith;
use crate::k8s_sd::Role;

const ABOUT: &str =
    "Generate, lint and debug Kubernetes node agents and the Prometheus configs that scrape them";

const EXAMPLES: &str = "\
Examples:
  Write a node-exporter DaemonSet and its Prometheus scrape job:
    kdm generate daemonset -o node-exporter.yaml --scrape-config scrape.yml

  Show which pods the Prometheus documentation's kubernetes-pods job keeps:
    kdm relabel-sim --config prometheus.yml --job kubernetes-pods --targets pods.yaml

  Check that some job scrapes each workload, before deploying it:
    kdm relabel-sim --config prometheus.yml --manifests deploy/
    kdm lint deploy/ prometheus.yml

  Run the scrape config's unit tests in CI:
    kdm test --format junit tests/ > kdm-test.xml

  Trace every rule for targets exported from a running Prometheus:
    curl -s http://prometheus:9090/api/v1/targets > targets.json
    kdm relabel-sim --config prometheus.yml --targets targets.json --trace

  Install shell completions:
    kdm completions bash > /etc/bash_completion.d/kdm

Every command chooses its report with --format (human, json, ...); only
generate writes files, named with -o FILE.

Exit codes: 0 success, 1 findings, 2 usage or input error.";

#[derive(Debug, Parser)]
#[command(name = "kdm", version, about = ABOUT, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to use colours in output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a secure, schema-valid, lint-clean DaemonSet (and what it needs) from a template.
    #[command(subcommand)]
    Generate(GenerateCommand),
    /// Run a scrape config's relabel rules over sample targets, exactly as Prometheus would.
    #[command(after_help = RELABEL_EXAMPLES)]
    RelabelSim(RelabelSimArgs),
    /// Check DaemonSets, workloads and Prometheus scrape configs, with exact locations.
    #[command(after_help = LINT_EXAMPLES)]
    Lint(LintArgs),
    /// Run unit tests for scrape configs: expected targets, labels and drops, in YAML files.
    #[command(after_help = TEST_EXAMPLES)]
    Test(TestArgs),
    /// Print the Prometheus configuration prometheus-operator would generate from Prometheus resources and monitors.
    #[command(after_help = OPERATOR_EXAMPLES)]
    OperatorConfig(OperatorConfigArgs),
    /// Print a shell completion script.
    #[command(after_help = "Example:\n  kdm completions zsh > ~/.zfunc/_kdm")]
    Completions(CompletionsArgs),
}

const RELABEL_EXAMPLES: &str = "\
Inputs:
  --config   a full prometheus.yml (every job, or --job), one scrape config,
             a list of scrape configs, or a bare list of relabel rules; or
             prometheus-operator resources (a file or directory holding
             Prometheus resources, ServiceMonitors, PodMonitors, Probes,
             ScrapeConfigs): their jobs are those operator v0.93.0 writes
             (serviceMonitor/NS/NAME/0, ...), and traces show each rule at
             its line in the monitor.
  --targets  detected from the content: a list of label maps; file_sd target
             groups (JSON or YAML); a Prometheus /api/v1/targets response; or
             Kubernetes objects (kubectl get -o yaml|json, Lists, multi-doc),
             from which kdm derives the __meta_kubernetes_* labels of each
             job's kubernetes_sd_configs role. Without --targets, each job's
             static_configs are used, and the files its file_sd_configs name
             (globs relative to the config's directory). The files a
             prometheus.yml's scrape_config_files name are followed (their
             jobs after the main file's, errors at their place in them).
  --series   sample series (one `name{a=\"b\"}` per line) for metric_relabel_configs,
             each merged with the labels of every target the job keeps (from
             --targets or static_configs; honor_labels and exported_ as in
             Prometheus's scrape loop), or with job=NAME alone without targets;
             with --remote-write NAME|INDEX, the series kept then go through
             that remote_write's write_relabel_configs (\"kept\" means sent;
             a series dropped there is \"stored, not sent\").
  --manifests workload manifests (DaemonSets, Deployments, StatefulSets, Jobs,
             Pods, Services, Ingresses and Nodes): kdm simulates their pods on
             --nodes placeholder nodes (simulated-node-N, 198.18.0.N; or on the
             input's Node objects), the Endpoints of Services selecting them,
             and reports per workload and port which job scrapes it and why
             every other job does not. Node, service and ingress jobs and
             static_configs reach ports by the address they scrape (hostNetwork
             or hostPort on a node, a Service's DNS name); jobs setting
             __param_target (blackbox) probe rather than scrape.

Examples:
  kdm relabel-sim -c prometheus.yml -j kubernetes-pods -t pods.yaml
  kdm relabel-sim -c rules.yaml -t labels.json --trace
  kdm relabel-sim -c prometheus.yml -t pods.json --target pod=web-0 --trace   # why not scraped?
  kubectl get pods -A -o json | kdm relabel-sim -c prometheus.yml -t -
  kdm relabel-sim -c prometheus.yml -j node --series series.txt
  kdm relabel-sim -c prometheus.yml -j node --series series.txt --remote-write mimir --trace
  kdm relabel-sim -c prometheus.yml --manifests deploy/ --nodes 2
  kdm relabel-sim -c monitoring/ --manifests deploy/     # ServiceMonitors, ...
  kdm relabel-sim -c prometheus.yml -t targets.json --format json --prometheus-version 2

Output: --format json (or yaml; --output is another name for the flag) prints
  {\"results\": [{\"job\", \"discovered\", \"relabeled\", \"dropped_by_rule\",
                 \"target\", \"scrape_url\", \"error\", \"steps\",
                 \"remote_write\" (with --remote-write: {\"name\", \"index\",
                 \"relabeled\", \"dropped_by_rule\", \"error\", \"steps\"})}],
   \"duplicates\": [{\"job\", \"result\", \"duplicate_of\"}],
   \"errors\": [{\"file\", \"line\", \"column\", \"message\", \"help\"}]}
in input order per job; \"steps\" is filled with --trace (each with its
\"why\"); \"duplicates\" names kept targets identical to an earlier one of
their job (indexes into \"results\"); \"errors\" holds the input error
that stopped the run.

Exit codes: 0 success, 2 usage or input error (with file:line:col).";

const LINT_EXAMPLES: &str = "\
Examples:
  kdm lint deploy/                          # every .yaml/.yml/.json below deploy/
  kdm lint ds.yaml prometheus.yml           # manifests and scrape configs together
  kdm lint deploy/ monitoring/              # with Prometheus resources and monitors
  helm template chart | kdm lint -          # stdin
  kdm lint --format sarif deploy/ > kdm.sarif
  kdm lint --format junit deploy/ > kdm-lint-junit.xml
  kdm lint --explain host-path-writable
  kdm lint --list-rules

Configuration: .kdm.yaml in the current directory (or --config) enables,
disables or re-levels rules, excludes paths and sets the Kubernetes version.
Opt out on one object with the annotation
  ignore.kdm.dev/<rule-id>: \"<reason>\"

Exit codes: 0 no findings at or above --fail-level, 1 findings, 2 unreadable
or malformed input (reported with file:line:col).";

/// The parser of a command's `--format`: the formats it offers, with
/// `text` as another name for `human`.
#[derive(Debug, Clone, Copy)]
pub struct Formats(pub &'static [Format]);

impl Formats {
    fn values(&self) -> impl Iterator<Item = PossibleValue> + '_ {
        self.0.iter().map(|f| match f {
            Format::Human => PossibleValue::new("human").alias("text"),
            f => PossibleValue::new(f.name()),
        })
    }
}

impl TypedValueParser for Formats {
    type Value = Format;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Format, clap::Error> {
        let name = PossibleValuesParser::new(self.values()).parse_ref(cmd, arg, value)?;
        let name = if name == "text" { "human" } else { &name };
        let found = self.0.iter().copied().find(|f| f.name() == name);
        found.ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.values()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputKind {
    Auto,
    Prometheus,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to lint (`-` for stdin).
    #[arg(value_name = "PATH", required_unless_present_any = ["list_rules", "explain"])]
    pub paths: Vec<String>,

    /// Output format.
    #[arg(short, long, default_value = "human",
          value_parser = Formats(&[Format::Human, Format::Json, Format::Sarif, Format::Github, Format::Junit]))]
    pub format: Format,

    /// Findings at or above this severity make the exit code 1 [default: error, or the config's].
    #[arg(long, value_enum)]
    pub fail_level: Option<Level>,

    /// Lint configuration [default: .kdm.yaml if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,

    /// Treat every input as a Prometheus config (default: detected by `scrape_configs`).
    #[arg(long, value_enum, default_value_t = InputKind::Auto)]
    pub kind: InputKind,

    /// Kubernetes version whose schemas the schema rule uses.
    #[arg(long, value_name = "VERSION")]
    pub kubernetes_version: Option<String>,

    /// The Helm release kube-prometheus-stack values are read for (their
    /// default monitor selectors are `release: NAME`) [default: kps, or the config's].
    #[arg(long, value_name = "NAME")]
    pub helm_release: Option<String>,

    #[command(flatten)]
    pub prometheus_version: PromVersionArg,

    /// CustomResourceDefinitions (files or directories) to check custom
    /// resources against, besides those of the input; read for CRDs only,
    /// not linted [also: the config's `crds`].
    #[arg(long, value_name = "DIR")]
    pub crds: Vec<String>,
    /// Report only findings not accepted in this baseline file (matched by
    /// rule, file, object and field path, not by line).
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<String>,

    /// Write every finding to FILE as a baseline for --baseline, and exit 0
    /// (2 on input errors, writing nothing).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<String>,

    /// Let --write-baseline replace an existing file.
    #[arg(long, requires = "write_baseline")]
    pub force: bool,

    /// Audit mode: report every finding, ignoring annotations, kdm-ignore
    /// comments, .kdm.yaml exemptions and --baseline.
    #[arg(long, conflicts_with = "baseline")]
    pub no_suppressions: bool,

    /// List the suppressed findings, each with what suppressed it and why.
    #[arg(long)]
    pub show_suppressed: bool,

    /// List the rules and exit.
    #[arg(long)]
    pub list_rules: bool,

    /// Explain a rule and exit.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
}

/// A Prometheus major version, as `--prometheus-version` and `.kdm.yaml`'s
/// `prometheus-version` name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PromVersion {
    #[value(name = "2")]
    V2,
    #[value(name = "3")]
    V3,
}

impl PromVersion {
    pub fn flavor(self) -> crate::relabel::Flavor {
        match self {
            PromVersion::V2 => crate::relabel::Flavor::V2,
            PromVersion::V3 => crate::relabel::Flavor::V3,
        }
    }
}

/// `--prometheus-version`, shared by relabel-sim and lint.
#[derive(Debug, Clone, Copy, Args)]
pub struct PromVersionArg {
    /// Reproduce this Prometheus major version (2: as 2.55 reads configs and
    /// relabels; fields 3.x added are errors) [default: 3, for lint the
    /// `.kdm.yaml` `prometheus-version`].
    #[arg(long, value_enum, value_name = "VERSION")]
    pub prometheus_version: Option<PromVersion>,
}

impl PromVersionArg {
    /// The version asked for, else `fallback`'s, else 3.
    pub fn flavor_or(self, fallback: Option<crate::relabel::Flavor>) -> crate::relabel::Flavor {
        self.prometheus_version
            .map(PromVersion::flavor)
            .or(fallback)
            .unwrap_or_default()
    }
}

#[derive(Debug, Args)]
pub struct RelabelSimArgs {
    /// Prometheus config, scrape config, or relabel rule list (YAML); or
    /// prometheus-operator resources (a file or directory of Prometheus
    /// resources and monitors).
    #[arg(short, long, value_name = "FILE")]
    pub config: String,

    /// With prometheus-operator resources: the Prometheus (or
    /// PrometheusAgent) whose jobs to simulate, by name or namespace/name,
    /// when the input has several.
    #[arg(long, value_name = "NAME")]
    pub prometheus: Option<String>,

    /// The Helm release kube-prometheus-stack values are read for (their
    /// default monitor selectors are `release: NAME`).
    #[arg(long, value_name = "NAME", default_value = crate::operator::helm::DEFAULT_RELEASE)]
    pub helm_release: String,

    /// Discovered targets to relabel (`-` for stdin; repeatable, e.g. pods and
    /// services); format detected from content.
    #[arg(short, long, value_name = "FILE")]
    pub targets: Vec<String>,

    /// Workload manifests (files or directories): simulate their pods and
    /// Services and report which job scrapes each workload and port.
    #[arg(short, long, value_name = "PATH", num_args = 1.., conflicts_with_all = ["series", "targets"])]
    pub manifests: Vec<String>,

    /// Simulated nodes for --manifests (DaemonSets get one pod per node;
    /// the manifests' Node objects, when they hold some, are used instead).
    #[arg(long, value_name = "N", default_value_t = 3, requires = "manifests",
          value_parser = clap::value_parser!(u16).range(1..=254))]
    pub nodes: u16,

    /// Sample series to run through metric_relabel_configs, one per line.
    #[arg(long, value_name = "FILE")]
    pub series: Option<String>,

    /// With --series: also run the series each job keeps through this
    /// remote_write's write_relabel_configs (by name, or by its index from
    /// 0), as they would be sent.
    #[arg(long, value_name = "NAME|INDEX", requires = "series")]
    pub remote_write: Option<String>,

    /// Only simulate this job (repeatable).
    #[arg(short, long = "job", value_name = "NAME")]
    pub jobs: Vec<String>,

    /// Only report targets whose discovered labels match: matchers
    /// `name=value`, `name!=value`, `name=~regex`, `name!~regex` separated by
    /// commas (e.g. `pod=web-0,namespace=~team-.*`); repeatable, any may match.
    /// With --manifests: the workload ports whose pods match.
    #[arg(long = "target", value_name = "SELECTOR", conflicts_with = "series")]
    pub target: Vec<String>,

    /// Kubernetes SD role used when Kubernetes objects meet a bare rule list.
    #[arg(long, value_name = "ROLE", value_enum, default_value_t = Role::Pod)]
    pub role: Role,

    #[command(flatten)]
    pub prometheus_version: PromVersionArg,

    /// Show every rule applied to every target: the labels it added, changed and removed, and why (source value, regex, match, groups, value written).
    #[arg(long)]
    pub trace: bool,

    /// Output format (`--output` and `-o` are older names for this flag).
    #[arg(short, long, default_value = "human", visible_alias = "output", short_alias = 'o',
          value_parser = Formats(&[Format::Human, Format::Json, Format::Yaml]))]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Write a DaemonSet from a built-in or user template and values.
    #[command(after_help = GENERATE_EXAMPLES)]
    Daemonset(DaemonsetArgs),
}

const GENERATE_EXAMPLES: &str = "\
Examples:
  kdm generate daemonset                                # node-exporter, to stdout
  kdm generate daemonset --template fluent-bit -o fluent-bit.yaml
  kdm generate daemonset --template opentelemetry-collector --set otlp.endpoint=gateway:4317
  kdm generate daemonset --template alloy --namespace logging -o alloy.yaml
  kdm generate daemonset --template generic --image ghcr.io/acme/agent:1.4.2 --port 9400
  kdm generate daemonset -f prod.yaml --set resources.limits.memory=256Mi
  kdm generate daemonset --set 'podAnnotations.example\\.com/team=sre'
  kdm generate daemonset --scrape-config scrape.yml -o ds.yaml
  kdm generate daemonset --scrape-with pod-monitor --set podMonitor.labels.release=kps
  kdm generate daemonset --template fluent-bit --show-values
  kdm generate daemonset -f - -o ds.yaml --dry-run < values.yaml
  kdm generate daemonset --template ./my-template       # a template directory

Values are applied in order: the template's defaults, each --values file,
each --set, then --name/--namespace/--image/--port and --scrape-with (or
--scrape-config); `-f -` reads values from stdin. --set reads its value as
YAML (`true`, `9100`, `[a, b]`, `{k: v}`); quote it to force a string, and
escape a dot inside a key: --set 'podAnnotations.example\\.com/team=sre'.

Prometheus finds the pods one way only, so nothing is scraped twice
(--scrape-with, the value metrics.scrapeWith): annotations (prometheus.io/*
pod annotations; the default), scrape-config (a job written to --scrape-config
FILE), pod-monitor (a PodMonitor) or service-monitor (a headless Service and a
ServiceMonitor). The monitors get the labels in podMonitor.labels and
serviceMonitor.labels (kube-prometheus-stack selects `release: <release>`).

A template directory holds daemonset.yaml.j2 (minijinja, with the values
as `values` and the filters tojson, quote, merge and required), and
optionally values.yaml (defaults) and values.schema.json (JSON Schema).

Every generated object is checked against the Kubernetes schemas and the
k8s-openapi types before anything is written; lint findings are reported
on stderr. Lint errors (an override that breaks the output, e.g. a probe on
a port that is gone) are refused unless --allow-findings, naming the
override that caused each.

Exit codes: 0 written, 1 lint errors in the output (nothing written),
2 invalid values, template or output (file:line:col).";

#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub struct DaemonsetArgs {
    /// Built-in template name or template directory.
    #[arg(short, long, value_name = "NAME|DIR", default_value = "node-exporter")]
    pub template: String,

    /// List the built-in templates and exit.
    #[arg(long)]
    pub list_templates: bool,

    /// Print the template's values (after --values/--set) with their documentation, and exit.
    #[arg(long)]
    pub show_values: bool,

    /// Values file (YAML; repeatable, later files win).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<String>,

    /// Set one value: a dotted path with optional [index], e.g. image.tag=v1.9.1 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,

    /// Name of the DaemonSet and its objects (sets `name`).
    #[arg(long)]
    pub name: Option<String>,

    /// Namespace (sets `namespace`).
    #[arg(long)]
    pub namespace: Option<String>,

    /// Container image, REPOSITORY[:TAG][@DIGEST] (sets `image`).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,

    /// Metrics/HTTP port number (sets `port.containerPort`).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,

    /// Write the manifests to FILE (atomically) instead of stdout; `-o` names
    /// a file here, as in curl (the other commands choose a report with --format).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,

    /// How Prometheus finds the pods, one way only so that nothing is scraped
    /// twice (sets `metrics.scrapeWith`; default: annotations).
    #[arg(long, value_name = "HOW")]
    pub scrape_with: Option<ScrapeWith>,

    /// Write a Prometheus scrape job for the DaemonSet to FILE (- for stdout);
    /// implies --scrape-with scrape-config.
    #[arg(long, value_name = "FILE")]
    pub scrape_config: Option<String>,

    /// Replace existing output files (regular files only; a symbolic link is
    /// written through to its file, the link kept).
    #[arg(long)]
    pub force: bool,

    /// Write nothing: print each output file's contents on stdout, after a
    /// `# would write FILE` line, and on stderr where each would go.
    #[arg(long)]
    pub dry_run: bool,

    /// Write the output even when kdm lint finds errors in it (they are
    /// still reported); without it, such output is refused with exit 1.
    #[arg(long)]
    pub allow_findings: bool,

    /// Kubernetes version whose schemas the output is checked against.
    #[arg(long, value_name = "VERSION", default_value = crate::k8s::schema::DEFAULT_VERSION)]
    pub kubernetes_version: String,
}

const TEST_EXAMPLES: &str = "\
A test file:
  config: prometheus.yml            # relative to the test file; or monitors
                                    # (a file or directory of Prometheus
                                    # resources, ServiceMonitors, ...)
  tests:
    - name: annotated pods are scraped on their port
      job: kubernetes-pods
      targets:                      # or objects:, manifests:, series:
        - __address__: 10.0.0.7:8080
          __meta_kubernetes_namespace: web
          __meta_kubernetes_pod_annotation_prometheus_io_scrape: \"true\"
      expect:                       # one per target, in order
        - kept: {namespace: web}    # subset of the labels; exact: true for all
          scrape_url: http://10.0.0.7:8080/metrics
    - name: other pods are dropped
      job: kubernetes-pods
      targets: [{__address__: 10.0.0.8:80}]
      expect:
        - dropped: {rule: 0}        # or dropped: true; or error: \"text\"

Examples:
  kdm test tests/*.test.yaml
  kdm test --format junit tests/ > kdm-junit.xml
  kdm test --update tests/pods.test.yaml     # accept the current results

With prometheus-operator resources as the config, jobs are the operator's
(job: serviceMonitor/NAMESPACE/NAME/0) and `prometheus: NAME` chooses among
several Prometheus resources.

The format's JSON Schema: schemas/kdm-test.schema.json.
Exit codes: 0 all passed, 1 a test failed, 2 invalid test file (file:line:col).";

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Test files, or directories searched for *.test.yaml / *.test.yml.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,

    /// Output format.
    #[arg(short, long, default_value = "human",
          value_parser = Formats(&[Format::Human, Format::Json, Format::Junit]))]
    pub format: Format,

    /// Rewrite the failing expectations with the current results (in place,
    /// atomically; label subsets stay subsets, the rest of each file is
    /// kept), then run the updated files again and report that run.
    #[arg(long)]
    pub update: bool,
}

const OPERATOR_EXAMPLES: &str = "\
Reads Prometheus and PrometheusAgent resources, ServiceMonitors, PodMonitors,
Probes and ScrapeConfigs (multi-document YAML, kind: List, directories, -)
and prints, for each Prometheus, the global section and scrape jobs that
prometheus-operator v0.93.0 would write, byte for byte as it writes them.
Each Prometheus compiles the monitors its selectors pick; with no Prometheus
in the input, every monitor is compiled (and a note says so). Secret values
are never read: they are written as <secret namespace/name:key>.

Examples:
  kdm operator-config deploy/monitoring/
  helm template kps prometheus-community/kube-prometheus-stack | kdm operator-config -

Exit codes: 0 every selected monitor compiled, 1 the operator would refuse
a monitor (each is reported at its line), 2 input error.";

#[derive(Debug, Args)]
pub struct OperatorConfigArgs {
    /// Files or directories with the resources (- reads standard input).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,

    /// Only the Prometheus (or PrometheusAgent) with this name or namespace/name.
    #[arg(long, value_name = "NAME")]
    pub prometheus: Option<String>,

    /// Write the configuration shard N runs: `$(SHARD)` replaced by N, as
    /// prometheus-config-reloader does in that pod (without it, the sharding
    /// rules keep `$(SHARD)` and drop every target when the output is
    /// simulated).
    #[arg(long, value_name = "N")]
    pub shard: Option<u32>,

    /// The Helm release kube-prometheus-stack values are read for (their
    /// default monitor selectors are `release: NAME`).
    #[arg(long, value_name = "NAME", default_value = crate::operator::helm::DEFAULT_RELEASE)]
    pub helm_release: String,
}

/// `--role` takes the discovery's own role names.
impl ValueEnum for Role {
    fn value_variants<'a>() -> &'a [Self] {
        &Role::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

/// `--scrape-with` takes the names `metrics.scrapeWith` takes.
impl ValueEnum for ScrapeWith {
    fn value_variants<'a>() -> &'a [Self] {
        &ScrapeWith::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()).help(self.help()))
    }
}
