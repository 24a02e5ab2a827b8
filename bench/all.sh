#!/usr/bin/env bash
# Every benchmark in one run, for the README's performance section:
# relabel-sim vs promtool at 1k, 10k and 100k pod targets, lint (vs checkov
# when CHECKOV is set) on the corpus repeated to 10k documents, start-up,
# generate, and the binary size.
#
# Usage: bench/all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for n in 1000 10000 100000; do
    bench/relabel.sh "$n"
    echo
done
bench/lint.sh 10000
echo
bench/startup.sh
