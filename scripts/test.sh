#!/usr/bin/env bash
# Runs the whole test suite (what .ci/run runs). Root-only tests (network namespaces, low ports)
# run when this runs as root and are skipped with a reason otherwise.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-env.sh"
cd "$here"
# not -q: Surefire's "Tests run: N, Failures: 0" summary is what CI reads
exec mvn -B package "$@"
