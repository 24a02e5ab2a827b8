# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kdm_global_optspecs
    string join \n color= h/help V/version
end

function __fish_kdm_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kdm_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kdm_using_subcommand
    set -l cmd (__fish_kdm_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kdm -n "__fish_kdm_needs_command" -l color -d 'When to use colours in output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kdm -n "__fish_kdm_needs_command" -s h -l help -d 'Print help'
complete -c kdm -n "__fish_kdm_needs_command" -s V -l version -d 'Print version'
complete -c kdm -n "__fish_kdm_needs_command" -f -a "generate" -d 'Write a secure, schema-valid, lint-clean DaemonSet (and what it needs) from a template'
complete -c kdm -n "__fish_kdm_needs_command" -f -a "relabel-sim" -d 'Run a scrape config\'s relabel rules over sample targets, exactly as Prometheus would'
complete -c kdm -n "__fish_kdm_needs_command" -f -a "lint" -d 'Check DaemonSets, workloads and Prometheus scrape configs, with exact locations'
complete -c kdm -n "__fish_kdm_needs_command" -f -a "test" -d 'Run unit tests for scrape configs: expected targets, labels and drops, in YAML files'
complete -c kdm -n "__fish_kdm_needs_command" -f -a "operator-config" -d 'Print the Prometheus configuration prometheus-operator would generate from Prometheus resources and monitors'
complete -c kdm -n "__fish_kdm_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c kdm -n "__fish_kdm_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and not __fish_seen_subcommand_from daemonset help" -l color -d 'When to use colours in output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kdm -n "__fish_kdm_using_subcommand generate; and not __fish_seen_subcommand_from daemonset help" -s h -l help -d 'Print help'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and not __fish_seen_subcommand_from daemonset help" -s V -l version -d 'Print version'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and not __fish_seen_subcommand_from daemonset help" -f -a "daemonset" -d 'Write a DaemonSet from a built-in or user template and values'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and not __fish_seen_subcommand_from daemonset help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -s t -l template -d 'Built-in template name or template directory' -r
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -s f -l values -d 'Values file (YAML; repeatable, later files win)' -r
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l set -d 'Set one value: a dotted path with optional [index], e.g. image.tag=v1.9.1 (repeatable)' -r
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l name -d 'Name of the DaemonSet and its objects (sets `name`)' -r
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l namespace -d 'Namespace (sets `namespace`)' -r
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l image -d 'Container image, REPOSITORY[:TAG][@DIGEST] (sets `image`)' -r
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l port -d 'Metrics/HTTP port number (sets `port.containerPort`)' -r
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -s o -l output -d 'Write the manifests to FILE (atomically) instead of stdout; `-o` names a file here, as in curl (the other commands choose a report with --format)' -r
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l scrape-with -d 'How Prometheus finds the pods, one way only so that nothing is scraped twice (sets `metrics.scrapeWith`; default: annotations)' -r -f -a "annotations\t'prometheus.io/* pod annotations (the default)'
scrape-config\t'a scrape job written to --scrape-config FILE'
pod-monitor\t'a prometheus-operator PodMonitor'
service-monitor\t'a headless Service and a prometheus-operator ServiceMonitor'"
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l scrape-config -d 'Write a Prometheus scrape job for the DaemonSet to FILE (- for stdout); implies --scrape-with scrape-config' -r
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l kubernetes-version -d 'Kubernetes version whose schemas the output is checked against' -r
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l color -d 'When to use colours in output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l list-templates -d 'List the built-in templates and exit'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l show-values -d 'Print the template\'s values (after --values/--set) with their documentation, and exit'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l force -d 'Replace existing output files (regular files only; a symbolic link is written through to its file, the link kept)'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l dry-run -d 'Write nothing: print each output file\'s contents on stdout, after a `# would write FILE` line, and on stderr where each would go'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -l allow-findings -d 'Write the output even when kdm lint finds errors in it (they are still reported); without it, such output is refused with exit 1'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from daemonset" -s V -l version -d 'Print version'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "daemonset" -d 'Write a DaemonSet from a built-in or user template and values'
complete -c kdm -n "__fish_kdm_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -s c -l config -d 'Prometheus config, scrape config, or relabel rule list (YAML); or prometheus-operator resources (a file or directory of Prometheus resources and monitors)' -r
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -l prometheus -d 'With prometheus-operator resources: the Prometheus (or PrometheusAgent) whose jobs to simulate, by name or namespace/name, when the input has several' -r
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -l helm-release -d 'The Helm release kube-prometheus-stack values are read for (their default monitor selectors are `release: NAME`)' -r
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -s t -l targets -d 'Discovered targets to relabel (`-` for stdin; repeatable, e.g. pods and services); format detected from content' -r
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -s m -l manifests -d 'Workload manifests (files or directories): simulate their pods and Services and report which job scrapes each workload and port' -r
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -l nodes -d 'Simulated nodes for --manifests (DaemonSets get one pod per node; the manifests\' Node objects, when they hold some, are used instead)' -r
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -l series -d 'Sample series to run through metric_relabel_configs, one per line' -r
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -l remote-write -d 'With --series: also run the series each job keeps through this remote_write\'s write_relabel_configs (by name, or by its index from 0), as they would be sent' -r
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -s j -l job -d 'Only simulate this job (repeatable)' -r
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -l target -d 'Only report targets whose discovered labels match: matchers `name=value`, `name!=value`, `name=~regex`, `name!~regex` separated by commas (e.g. `pod=web-0,namespace=~team-.*`); repeatable, any may match. With --manifests: the workload ports whose pods match' -r
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -l role -d 'Kubernetes SD role used when Kubernetes objects meet a bare rule list' -r -f -a "pod\t''
node\t''
service\t''
endpoints\t''
endpointslice\t''
ingress\t''"
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -l prometheus-version -d 'Reproduce this Prometheus major version (2: as 2.55 reads configs and relabels; fields 3.x added are errors) [default: 3, for lint the `.kdm.yaml` `prometheus-version`]' -r -f -a "2\t''
3\t''"
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -s f -l format -l output -d 'Output format (`--output` and `-o` are older names for this flag)' -r -f -a "human\t''
json\t''
yaml\t''"
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -l color -d 'When to use colours in output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -l trace -d 'Show every rule applied to every target: the labels it added, changed and removed, and why (source value, regex, match, groups, value written)'
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -s h -l help -d 'Print help'
complete -c kdm -n "__fish_kdm_using_subcommand relabel-sim" -s V -l version -d 'Print version'
complete -c kdm -n "__fish_kdm_using_subcommand lint" -s f -l format -d 'Output format' -r -f -a "human\t''
json\t''
sarif\t''
github\t''
junit\t''"
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l fail-level -d 'Findings at or above this severity make the exit code 1 [default: error, or the config\'s]' -r -f -a "info\t''
warning\t''
error\t''"
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l config -d 'Lint configuration [default: .kdm.yaml if present]' -r
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l kind -d 'Treat every input as a Prometheus config (default: detected by `scrape_configs`)' -r -f -a "auto\t''
prometheus\t''"
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l kubernetes-version -d 'Kubernetes version whose schemas the schema rule uses' -r
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l helm-release -d 'The Helm release kube-prometheus-stack values are read for (their default monitor selectors are `release: NAME`) [default: kps, or the config\'s]' -r
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l prometheus-version -d 'Reproduce this Prometheus major version (2: as 2.55 reads configs and relabels; fields 3.x added are errors) [default: 3, for lint the `.kdm.yaml` `prometheus-version`]' -r -f -a "2\t''
3\t''"
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l crds -d 'CustomResourceDefinitions (files or directories) to check custom resources against, besides those of the input; read for CRDs only, not linted [also: the config\'s `crds`]' -r
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l baseline -d 'Report only findings not accepted in this baseline file (matched by rule, file, object and field path, not by line)' -r
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l write-baseline -d 'Write every finding to FILE as a baseline for --baseline, and exit 0 (2 on input errors, writing nothing)' -r
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l explain -d 'Explain a rule and exit' -r
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l color -d 'When to use colours in output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l force -d 'Let --write-baseline replace an existing file'
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l no-suppressions -d 'Audit mode: report every finding, ignoring annotations, kdm-ignore comments, .kdm.yaml exemptions and --baseline'
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l show-suppressed -d 'List the suppressed findings, each with what suppressed it and why'
complete -c kdm -n "__fish_kdm_using_subcommand lint" -l list-rules -d 'List the rules and exit'
complete -c kdm -n "__fish_kdm_using_subcommand lint" -s h -l help -d 'Print help'
complete -c kdm -n "__fish_kdm_using_subcommand lint" -s V -l version -d 'Print version'
complete -c kdm -n "__fish_kdm_using_subcommand test" -s f -l format -d 'Output format' -r -f -a "human\t''
json\t''
junit\t''"
complete -c kdm -n "__fish_kdm_using_subcommand test" -l color -d 'When to use colours in output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kdm -n "__fish_kdm_using_subcommand test" -l update -d 'Rewrite the failing expectations with the current results (in place, atomically; label subsets stay subsets, the rest of each file is kept), then run the updated files again and report that run'
complete -c kdm -n "__fish_kdm_using_subcommand test" -s h -l help -d 'Print help'
complete -c kdm -n "__fish_kdm_using_subcommand test" -s V -l version -d 'Print version'
complete -c kdm -n "__fish_kdm_using_subcommand operator-config" -l prometheus -d 'Only the Prometheus (or PrometheusAgent) with this name or namespace/name' -r
complete -c kdm -n "__fish_kdm_using_subcommand operator-config" -l shard -d 'Write the configuration shard N runs: `$(SHARD)` replaced by N, as prometheus-config-reloader does in that pod (without it, the sharding rules keep `$(SHARD)` and drop every target when the output is simulated)' -r
complete -c kdm -n "__fish_kdm_using_subcommand operator-config" -l helm-release -d 'The Helm release kube-prometheus-stack values are read for (their default monitor selectors are `release: NAME`)' -r
complete -c kdm -n "__fish_kdm_using_subcommand operator-config" -l color -d 'When to use colours in output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kdm -n "__fish_kdm_using_subcommand operator-config" -s h -l help -d 'Print help'
complete -c kdm -n "__fish_kdm_using_subcommand operator-config" -s V -l version -d 'Print version'
complete -c kdm -n "__fish_kdm_using_subcommand completions" -l color -d 'When to use colours in output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kdm -n "__fish_kdm_using_subcommand completions" -s h -l help -d 'Print help'
complete -c kdm -n "__fish_kdm_using_subcommand completions" -s V -l version -d 'Print version'
complete -c kdm -n "__fish_kdm_using_subcommand help; and not __fish_seen_subcommand_from generate relabel-sim lint test operator-config completions help" -f -a "generate" -d 'Write a secure, schema-valid, lint-clean DaemonSet (and what it needs) from a template'
complete -c kdm -n "__fish_kdm_using_subcommand help; and not __fish_seen_subcommand_from generate relabel-sim lint test operator-config completions help" -f -a "relabel-sim" -d 'Run a scrape config\'s relabel rules over sample targets, exactly as Prometheus would'
complete -c kdm -n "__fish_kdm_using_subcommand help; and not __fish_seen_subcommand_from generate relabel-sim lint test operator-config completions help" -f -a "lint" -d 'Check DaemonSets, workloads and Prometheus scrape configs, with exact locations'
complete -c kdm -n "__fish_kdm_using_subcommand help; and not __fish_seen_subcommand_from generate relabel-sim lint test operator-config completions help" -f -a "test" -d 'Run unit tests for scrape configs: expected targets, labels and drops, in YAML files'
complete -c kdm -n "__fish_kdm_using_subcommand help; and not __fish_seen_subcommand_from generate relabel-sim lint test operator-config completions help" -f -a "operator-config" -d 'Print the Prometheus configuration prometheus-operator would generate from Prometheus resources and monitors'
complete -c kdm -n "__fish_kdm_using_subcommand help; and not __fish_seen_subcommand_from generate relabel-sim lint test operator-config completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c kdm -n "__fish_kdm_using_subcommand help; and not __fish_seen_subcommand_from generate relabel-sim lint test operator-config completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kdm -n "__fish_kdm_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "daemonset" -d 'Write a DaemonSet from a built-in or user template and values'
