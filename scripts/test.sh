#!/usr/bin/env bash
# Runs the whole test suite (what .ci/run runs). Root-only tests (network namespaces, low ports)
# run when this runs as root and are skipped with a reason otherwise.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-env.sh"
cd "$here"
# Root-only tests need iproute2, curl, python3, openssl and arping (network namespaces, gratuitous ARP), and the
# basic auth tests htpasswd (apache2-utils) to make password files as users do; as root in CI, install what is
# missing (Debian), so they run rather than skip.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  need=""
  command -v ip >/dev/null 2>&1 || need="$need iproute2"
  command -v curl >/dev/null 2>&1 || need="$need curl"
  command -v arping >/dev/null 2>&1 || need="$need iputils-arping"
  command -v python3 >/dev/null 2>&1 || need="$need python3"
  command -v openssl >/dev/null 2>&1 || need="$need openssl"
  command -v htpasswd >/dev/null 2>&1 || need="$need apache2-utils"
  if [ -n "$need" ]; then
    echo "installing$need ..." >&2
    (apt-get install -y -qq $need >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq $need; }) >&2 || true
  fi
fi
# not -q: Surefire's "Tests run: N, Failures: 0" summary is what CI reads
exec mvn -B package "$@"
