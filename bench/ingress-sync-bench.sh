#!/usr/bin/env bash
# The Ingress part of one sync at scale, in one JVM without sockets (io.kubeway.sync.IngressSyncBench says how):
# 10,000 Services with one EndpointSlice of 10 endpoints each and 1,000 Ingresses of four paths (every tenth merged
# into another's host, every fourth with TLS), then one EndpointSlice, Ingress or TLS Secret change at a time.
# Usage: bench/ingress-sync-bench.sh [services] [endpoints-per-slice] [ingresses] [rounds]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-env.sh"
cp_file="$here/target/bench.classpath"
(cd "$here" && mvn -B -o -q test-compile && mvn -B -o -q dependency:build-classpath -Dmdep.outputFile="$cp_file")
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
"$JAVA_HOME/bin/java" -Xmx1g $(kubeway_java_opts) -Dlogback.configurationFile="$here/src/main/resources/logback.xml" \
  -cp "$here/target/classes:$here/target/test-classes:$(cat "$cp_file")" \
  io.kubeway.sync.IngressSyncBench "${1:-10000}" "${2:-10}" "${3:-1000}" "${4:-200}" 2>&1 | grep '^BENCH ' | sed 's/^BENCH //'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
