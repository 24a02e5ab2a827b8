
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kdm' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kdm'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kdm' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours in output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write a secure, schema-valid, lint-clean DaemonSet (and what it needs) from a template')
            [CompletionResult]::new('relabel-sim', 'relabel-sim', [CompletionResultType]::ParameterValue, 'Run a scrape config''s relabel rules over sample targets, exactly as Prometheus would')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check DaemonSets, workloads and Prometheus scrape configs, with exact locations')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run unit tests for scrape configs: expected targets, labels and drops, in YAML files')
            [CompletionResult]::new('operator-config', 'operator-config', [CompletionResultType]::ParameterValue, 'Print the Prometheus configuration prometheus-operator would generate from Prometheus resources and monitors')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kdm;generate' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours in output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('daemonset', 'daemonset', [CompletionResultType]::ParameterValue, 'Write a DaemonSet from a built-in or user template and values')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kdm;generate;daemonset' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Built-in template name or template directory')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'Built-in template name or template directory')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Values file (YAML; repeatable, later files win)')
            [CompletionResult]::new('--values', '--values', [CompletionResultType]::ParameterName, 'Values file (YAML; repeatable, later files win)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set one value: a dotted path with optional [index], e.g. image.tag=v1.9.1 (repeatable)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name of the DaemonSet and its objects (sets `name`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (sets `namespace`)')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Container image, REPOSITORY[:TAG][@DIGEST] (sets `image`)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Metrics/HTTP port number (sets `port.containerPort`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the manifests to FILE (atomically) instead of stdout; `-o` names a file here, as in curl (the other commands choose a report with --format)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the manifests to FILE (atomically) instead of stdout; `-o` names a file here, as in curl (the other commands choose a report with --format)')
            [CompletionResult]::new('--scrape-with', '--scrape-with', [CompletionResultType]::ParameterName, 'How Prometheus finds the pods, one way only so that nothing is scraped twice (sets `metrics.scrapeWith`; default: annotations)')
            [CompletionResult]::new('--scrape-config', '--scrape-config', [CompletionResultType]::ParameterName, 'Write a Prometheus scrape job for the DaemonSet to FILE (- for stdout); implies --scrape-with scrape-config')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Kubernetes version whose schemas the output is checked against')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours in output')
            [CompletionResult]::new('--list-templates', '--list-templates', [CompletionResultType]::ParameterName, 'List the built-in templates and exit')
            [CompletionResult]::new('--show-values', '--show-values', [CompletionResultType]::ParameterName, 'Print the template''s values (after --values/--set) with their documentation, and exit')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing output files (regular files only; a symbolic link is written through to its file, the link kept)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Write nothing: print each output file''s contents on stdout, after a `# would write FILE` line, and on stderr where each would go')
            [CompletionResult]::new('--allow-findings', '--allow-findings', [CompletionResultType]::ParameterName, 'Write the output even when kdm lint finds errors in it (they are still reported); without it, such output is refused with exit 1')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kdm;generate;help' {
            [CompletionResult]::new('daemonset', 'daemonset', [CompletionResultType]::ParameterValue, 'Write a DaemonSet from a built-in or user template and values')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kdm;generate;help;daemonset' {
            break
        }
        'kdm;generate;help;help' {
            break
        }
        'kdm;relabel-sim' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Prometheus config, scrape config, or relabel rule list (YAML); or prometheus-operator resources (a file or directory of Prometheus resources and monitors)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Prometheus config, scrape config, or relabel rule list (YAML); or prometheus-operator resources (a file or directory of Prometheus resources and monitors)')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'With prometheus-operator resources: the Prometheus (or PrometheusAgent) whose jobs to simulate, by name or namespace/name, when the input has several')
            [CompletionResult]::new('--helm-release', '--helm-release', [CompletionResultType]::ParameterName, 'The Helm release kube-prometheus-stack values are read for (their default monitor selectors are `release: NAME`)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Discovered targets to relabel (`-` for stdin; repeatable, e.g. pods and services); format detected from content')
            [CompletionResult]::new('--targets', '--targets', [CompletionResultType]::ParameterName, 'Discovered targets to relabel (`-` for stdin; repeatable, e.g. pods and services); format detected from content')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Workload manifests (files or directories): simulate their pods and Services and report which job scrapes each workload and port')
            [CompletionResult]::new('--manifests', '--manifests', [CompletionResultType]::ParameterName, 'Workload manifests (files or directories): simulate their pods and Services and report which job scrapes each workload and port')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Simulated nodes for --manifests (DaemonSets get one pod per node; the manifests'' Node objects, when they hold some, are used instead)')
            [CompletionResult]::new('--series', '--series', [CompletionResultType]::ParameterName, 'Sample series to run through metric_relabel_configs, one per line')
            [CompletionResult]::new('--remote-write', '--remote-write', [CompletionResultType]::ParameterName, 'With --series: also run the series each job keeps through this remote_write''s write_relabel_configs (by name, or by its index from 0), as they would be sent')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Only simulate this job (repeatable)')
            [CompletionResult]::new('--job', '--job', [CompletionResultType]::ParameterName, 'Only simulate this job (repeatable)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Only report targets whose discovered labels match: matchers `name=value`, `name!=value`, `name=~regex`, `name!~regex` separated by commas (e.g. `pod=web-0,namespace=~team-.*`); repeatable, any may match. With --manifests: the workload ports whose pods match')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Kubernetes SD role used when Kubernetes objects meet a bare rule list')
            [CompletionResult]::new('--prometheus-version', '--prometheus-version', [CompletionResultType]::ParameterName, 'Reproduce this Prometheus major version (2: as 2.55 reads configs and relabels; fields 3.x added are errors) [default: 3, for lint the `.kdm.yaml` `prometheus-version`]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format (`--output` and `-o` are older names for this flag)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (`--output` and `-o` are older names for this flag)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (`--output` and `-o` are older names for this flag)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours in output')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Show every rule applied to every target: the labels it added, changed and removed, and why (source value, regex, match, groups, value written)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kdm;lint' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--fail-level', '--fail-level', [CompletionResultType]::ParameterName, 'Findings at or above this severity make the exit code 1 [default: error, or the config''s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Lint configuration [default: .kdm.yaml if present]')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Treat every input as a Prometheus config (default: detected by `scrape_configs`)')
            [CompletionResult]::new('--kubernetes-version', '--kubernetes-version', [CompletionResultType]::ParameterName, 'Kubernetes version whose schemas the schema rule uses')
            [CompletionResult]::new('--helm-release', '--helm-release', [CompletionResultType]::ParameterName, 'The Helm release kube-prometheus-stack values are read for (their default monitor selectors are `release: NAME`) [default: kps, or the config''s]')
            [CompletionResult]::new('--prometheus-version', '--prometheus-version', [CompletionResultType]::ParameterName, 'Reproduce this Prometheus major version (2: as 2.55 reads configs and relabels; fields 3.x added are errors) [default: 3, for lint the `.kdm.yaml` `prometheus-version`]')
            [CompletionResult]::new('--crds', '--crds', [CompletionResultType]::ParameterName, 'CustomResourceDefinitions (files or directories) to check custom resources against, besides those of the input; read for CRDs only, not linted [also: the config''s `crds`]')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Report only findings not accepted in this baseline file (matched by rule, file, object and field path, not by line)')
            [CompletionResult]::new('--write-baseline', '--write-baseline', [CompletionResultType]::ParameterName, 'Write every finding to FILE as a baseline for --baseline, and exit 0 (2 on input errors, writing nothing)')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain a rule and exit')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours in output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Let --write-baseline replace an existing file')
            [CompletionResult]::new('--no-suppressions', '--no-suppressions', [CompletionResultType]::ParameterName, 'Audit mode: report every finding, ignoring annotations, kdm-ignore comments, .kdm.yaml exemptions and --baseline')
            [CompletionResult]::new('--show-suppressed', '--show-suppressed', [CompletionResultType]::ParameterName, 'List the suppressed findings, each with what suppressed it and why')
            [CompletionResult]::new('--list-rules', '--list-rules', [CompletionResultType]::ParameterName, 'List the rules and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kdm;test' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours in output')
            [CompletionResult]::new('--update', '--update', [CompletionResultType]::ParameterName, 'Rewrite the failing expectations with the current results (in place, atomically; label subsets stay subsets, the rest of each file is kept), then run the updated files again and report that run')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kdm;operator-config' {
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Only the Prometheus (or PrometheusAgent) with this name or namespace/name')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Write the configuration shard N runs: `$(SHARD)` replaced by N, as prometheus-config-reloader does in that pod (without it, the sharding rules keep `$(SHARD)` and drop every target when the output is simulated)')
            [CompletionResult]::new('--helm-release', '--helm-release', [CompletionResultType]::ParameterName, 'The Helm release kube-prometheus-stack values are read for (their default monitor selectors are `release: NAME`)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours in output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kdm;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours in output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kdm;help' {
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write a secure, schema-valid, lint-clean DaemonSet (and what it needs) from a template')
            [CompletionResult]::new('relabel-sim', 'relabel-sim', [CompletionResultType]::ParameterValue, 'Run a scrape config''s relabel rules over sample targets, exactly as Prometheus would')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check DaemonSets, workloads and Prometheus scrape configs, with exact locations')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run unit tests for scrape configs: expected targets, labels and drops, in YAML files')
            [CompletionResult]::new('operator-config', 'operator-config', [CompletionResultType]::ParameterValue, 'Print the Prometheus configuration prometheus-operator would generate from Prometheus resources and monitors')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kdm;help;generate' {
            [CompletionResult]::new('daemonset', 'daemonset', [CompletionResultType]::ParameterValue, 'Write a DaemonSet from a built-in or user template and values')
            break
        }
        'kdm;help;generate;daemonset' {
            break
        }
        'kdm;help;relabel-sim' {
            break
        }
        'kdm;help;lint' {
            break
        }
        'kdm;help;test' {
            break
        }
        'kdm;help;operator-config' {
            break
        }
        'kdm;help;completions' {
            break
        }
        'kdm;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
