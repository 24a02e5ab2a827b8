
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
            cand relabel-sim 'Run a scrape config''s relabel rules over sample targets, exactly as Prometheus would'
            cand lint 'Check DaemonSets, workloads and Prometheus scrape configs, with exact locations'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kdm;relabel-sim'= {
            cand -c 'Prometheus config, scrape config, or relabel rule list (YAML)'
            cand --config 'Prometheus config, scrape config, or relabel rule list (YAML)'
            cand -t 'Discovered targets to relabel (`-` for stdin; repeatable, e.g. pods and services); format detected from content'
            cand --targets 'Discovered targets to relabel (`-` for stdin; repeatable, e.g. pods and services); format detected from content'
            cand --series 'Sample series to run through metric_relabel_configs, one per line'
            cand -j 'Only simulate this job (repeatable)'
            cand --job 'Only simulate this job (repeatable)'
            cand --role 'Kubernetes SD role used when Kubernetes objects meet a bare rule list'
            cand --prometheus-version 'Reproduce this Prometheus major version''s behaviour'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours in output'
            cand --trace 'Show every rule applied to every target, with the labels it added, changed and removed'
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
            cand --explain 'Explain a rule and exit'
            cand --color 'When to use colours in output'
            cand --list-rules 'List the rules and exit'
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
            cand relabel-sim 'Run a scrape config''s relabel rules over sample targets, exactly as Prometheus would'
            cand lint 'Check DaemonSets, workloads and Prometheus scrape configs, with exact locations'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kdm;help;relabel-sim'= {
        }
        &'kdm;help;lint'= {
        }
        &'kdm;help;completions'= {
        }
        &'kdm;help;help'= {
        }
    ]
    $completions[$command]
}
