
use builtin;
use str;

set edit:completion:arg-completer[kdm] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'kdm'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'kdm'= {
            cand --color 'When to use colours in output'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand generate 'Write a secure, schema-valid, lint-clean DaemonSet (and what it needs) from a template'
            cand relabel-sim 'Run a scrape config''s relabel rules over sample targets, exactly as Prometheus would'
            cand lint 'Check DaemonSets, workloads and Prometheus scrape configs, with exact locations'
            cand test 'Run unit tests for scrape configs: expected targets, labels and drops, in YAML files'
            cand operator-config 'Print the Prometheus configuration prometheus-operator would generate from Prometheus resources and monitors'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kdm;generate'= {
            cand --color 'When to use colours in output'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand daemonset 'Write a DaemonSet from a built-in or user template and values'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kdm;generate;daemonset'= {
            cand -t 'Built-in template name or template directory'
            cand --template 'Built-in template name or template directory'
            cand -f 'Values file (YAML; repeatable, later files win)'
            cand --values 'Values file (YAML; repeatable, later files win)'
            cand --set 'Set one value: a dotted path with optional [index], e.g. image.tag=v1.9.1 (repeatable)'
            cand --name 'Name of the DaemonSet and its objects (sets `name`)'
            cand --namespace 'Namespace (sets `namespace`)'
            cand --image 'Container image, REPOSITORY[:TAG][@DIGEST] (sets `image`)'
            cand --port 'Metrics/HTTP port number (sets `port.containerPort`)'
            cand -o 'Write the manifests to FILE (atomically) instead of stdout; `-o` names a file here, as in curl (the other commands choose a report with --format)'
            cand --output 'Write the manifests to FILE (atomically) instead of stdout; `-o` names a file here, as in curl (the other commands choose a report with --format)'
            cand --scrape-with 'How Prometheus finds the pods, one way only so that nothing is scraped twice (sets `metrics.scrapeWith`; default: annotations)'
            cand --scrape-config 'Write a Prometheus scrape job for the DaemonSet to FILE (- for stdout); implies --scrape-with scrape-config'
            cand --kubernetes-version 'Kubernetes version whose schemas the output is checked against'
            cand --color 'When to use colours in output'
            cand --list-templates 'List the built-in templates and exit'
            cand --show-values 'Print the template''s values (after --values/--set) with their documentation, and exit'
            cand --force 'Replace existing output files (regular files only; a symbolic link is written through to its file, the link kept)'
            cand --dry-run 'Write nothing: print each output file''s contents on stdout, after a `# would write FILE` line, and on stderr where each would go'
            cand --allow-findings 'Write the output even when kdm lint finds errors in it (they are still reported); without it, such output is refused with exit 1'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kdm;generate;help'= {
            cand daemonset 'Write a DaemonSet from a built-in or user template and values'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kdm;generate;help;daemonset'= {
        }
        &'kdm;generate;help;help'= {
        }
        &'kdm;relabel-sim'= {
            cand -c 'Prometheus config, scrape config, or relabel rule list (YAML); or prometheus-operator resources (a file or directory of Prometheus resources and monitors)'
            cand --config 'Prometheus config, scrape config, or relabel rule list (YAML); or prometheus-operator resources (a file or directory of Prometheus resources and monitors)'
            cand --prometheus 'With prometheus-operator resources: the Prometheus (or PrometheusAgent) whose jobs to simulate, by name or namespace/name, when the input has several'
            cand --helm-release 'The Helm release kube-prometheus-stack values are read for (their default monitor selectors are `release: NAME`)'
            cand -t 'Discovered targets to relabel (`-` for stdin; repeatable, e.g. pods and services); format detected from content'
            cand --targets 'Discovered targets to relabel (`-` for stdin; repeatable, e.g. pods and services); format detected from content'
            cand -m 'Workload manifests (files or directories): simulate their pods and Services and report which job scrapes each workload and port'
            cand --manifests 'Workload manifests (files or directories): simulate their pods and Services and report which job scrapes each workload and port'
            cand --nodes 'Simulated nodes for --manifests (DaemonSets get one pod per node; the manifests'' Node objects, when they hold some, are used instead)'
            cand --series 'Sample series to run through metric_relabel_configs, one per line'
            cand --remote-write 'With --series: also run the series each job keeps through this remote_write''s write_relabel_configs (by name, or by its index from 0), as they would be sent'
            cand -j 'Only simulate this job (repeatable)'
            cand --job 'Only simulate this job (repeatable)'
            cand --target 'Only report targets whose discovered labels match: matchers `name=value`, `name!=value`, `name=~regex`, `name!~regex` separated by commas (e.g. `pod=web-0,namespace=~team-.*`); repeatable, any may match. With --manifests: the workload ports whose pods match'
            cand --role 'Kubernetes SD role used when Kubernetes objects meet a bare rule list'
            cand --prometheus-version 'Reproduce this Prometheus major version (2: as 2.55 reads configs and relabels; fields 3.x added are errors) [default: 3, for lint the `.kdm.yaml` `prometheus-version`]'
            cand -f 'Output format (`--output` and `-o` are older names for this flag)'
            cand --format 'Output format (`--output` and `-o` are older names for this flag)'
            cand --output 'Output format (`--output` and `-o` are older names for this flag)'
            cand --color 'When to use colours in output'
            cand --trace 'Show every rule applied to every target: the labels it added, changed and removed, and why (source value, regex, match, groups, value written)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kdm;lint'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --fail-level 'Findings at or above this severity make the exit code 1 [default: error, or the config''s]'
            cand --config 'Lint configuration [default: .kdm.yaml if present]'
            cand --kind 'Treat every input as a Prometheus config (default: detected by `scrape_configs`)'
            cand --kubernetes-version 'Kubernetes version whose schemas the schema rule uses'
            cand --helm-release 'The Helm release kube-prometheus-stack values are read for (their default monitor selectors are `release: NAME`) [default: kps, or the config''s]'
            cand --prometheus-version 'Reproduce this Prometheus major version (2: as 2.55 reads configs and relabels; fields 3.x added are errors) [default: 3, for lint the `.kdm.yaml` `prometheus-version`]'
            cand --crds 'CustomResourceDefinitions (files or directories) to check custom resources against, besides those of the input; read for CRDs only, not linted [also: the config''s `crds`]'
            cand --baseline 'Report only findings not accepted in this baseline file (matched by rule, file, object and field path, not by line)'
            cand --write-baseline 'Write every finding to FILE as a baseline for --baseline, and exit 0 (2 on input errors, writing nothing)'
            cand --explain 'Explain a rule and exit'
            cand --color 'When to use colours in output'
            cand --force 'Let --write-baseline replace an existing file'
            cand --no-suppressions 'Audit mode: report every finding, ignoring annotations, kdm-ignore comments, .kdm.yaml exemptions and --baseline'
            cand --show-suppressed 'List the suppressed findings, each with what suppressed it and why'
            cand --list-rules 'List the rules and exit'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kdm;test'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to use colours in output'
            cand --update 'Rewrite the failing expectations with the current results (in place, atomically; label subsets stay subsets, the rest of each file is kept), then run the updated files again and report that run'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kdm;operator-config'= {
            cand --prometheus 'Only the Prometheus (or PrometheusAgent) with this name or namespace/name'
            cand --shard 'Write the configuration shard N runs: `$(SHARD)` replaced by N, as prometheus-config-reloader does in that pod (without it, the sharding rules keep `$(SHARD)` and drop every target when the output is simulated)'
            cand --helm-release 'The Helm release kube-prometheus-stack values are read for (their default monitor selectors are `release: NAME`)'
            cand --color 'When to use colours in output'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kdm;completions'= {
            cand --color 'When to use colours in output'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kdm;help'= {
            cand generate 'Write a secure, schema-valid, lint-clean DaemonSet (and what it needs) from a template'
            cand relabel-sim 'Run a scrape config''s relabel rules over sample targets, exactly as Prometheus would'
            cand lint 'Check DaemonSets, workloads and Prometheus scrape configs, with exact locations'
            cand test 'Run unit tests for scrape configs: expected targets, labels and drops, in YAML files'
            cand operator-config 'Print the Prometheus configuration prometheus-operator would generate from Prometheus resources and monitors'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kdm;help;generate'= {
            cand daemonset 'Write a DaemonSet from a built-in or user template and values'
        }
        &'kdm;help;generate;daemonset'= {
        }
        &'kdm;help;relabel-sim'= {
        }
        &'kdm;help;lint'= {
        }
        &'kdm;help;test'= {
        }
        &'kdm;help;operator-config'= {
        }
        &'kdm;help;completions'= {
        }
        &'kdm;help;help'= {
        }
    ]
    $completions[$command]
}
