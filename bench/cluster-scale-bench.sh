#!/usr/bin/env bash
# In-cluster scale benchmark: fabric8's mock API server (its own JVM) with 10,000 ClusterIP Services and one
# EndpointSlice of 10 endpoints each (100,000 endpoints), Kubeway in-process with --kubeconfig and the given roles.
# Measures the time to every listener bound and to /readyz 200, the heap after a full GC, and 1,000 EndpointSlice
# updates from the API write to the data plane using it (io.kubeway.bench.ClusterScaleBench says how).
# As root it runs in a network namespace of its own (loopback only; the 10,000 Service IPs go on that namespace's
# lo, labelled lo:kubeway, and go away with it); otherwise without the proxy role.
# Usage: bench/cluster-scale-bench.sh [services] [endpoints-per-slice] [updates] [roles] [ingresses (default 0)]
# Heap: BENCH_HEAP (default 1g: with 512m the ~320 MiB live set leaves the Parallel collector's old generation full,
# and it runs back-to-back full collections; see bench/README.md). Extra JVM options (e.g. JFR):
# BENCH_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/scale.jfr,settings=profile"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-env.sh"
n="${1:-10000}"; e="${2:-10}"; u="${3:-1000}"
if [ "$(id -u)" = 0 ]; then roles="${4:-proxy,loadbalancer,ingress}"; else roles="${4:-loadbalancer,ingress}"; fi
cp_file="$here/target/bench.classpath"
(cd "$here" && mvn -B -o -q test-compile && mvn -B -o -q dependency:build-classpath -Dmdep.outputFile="$cp_file")
cp="$here/target/classes:$here/target/test-classes:$(cat "$cp_file")"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; roles $roles; heap ${BENCH_HEAP:-1g}"
log="$(mktemp /tmp/cluster-scale-bench.XXXXXX.log)"
cmd=("$JAVA_HOME/bin/java" -Xmx"${BENCH_HEAP:-1g}" $(kubeway_java_opts) -Xlog:gc:file="$log.gc" ${BENCH_JAVA_OPTS:-}
  -Dlogback.configurationFile="$here/src/main/resources/logback.xml" -cp "$cp"
  io.kubeway.bench.ClusterScaleBench "$n" "$e" "$u" "$roles" "${5:-0}")
if [ "$(id -u)" = 0 ]; then
  netns="kwbench$$"
  cleanup() { ip netns pids "$netns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; ip netns del "$netns" 2>/dev/null || true; }
  trap cleanup EXIT
  ip netns add "$netns"
  ip netns exec "$netns" ip link set lo up
  timeout 900 ip netns exec "$netns" "${cmd[@]}" > "$log" 2>&1 || { tail -30 "$log"; exit 1; }
  left=$(ip netns exec "$netns" ip -4 -o addr show dev lo label lo:kubeway | wc -l)
  echo "service addresses left on lo:kubeway after the bench: $left"
else
  timeout 900 "${cmd[@]}" > "$log" 2>&1 || { tail -30 "$log"; exit 1; }
fi
grep '^BENCH ' "$log" | sed 's/^BENCH //'
grep -E "sync #1:" "$log" | head -n 1 | sed 's/^/  /' || true
awk '/Pause Full/ && !/System.gc/ {f++; sub("ms","",$NF); ft+=$NF} /Pause Young/ {y++; sub("ms","",$NF); yt+=$NF; if ($NF+0>ym) ym=$NF+0}
  END {printf "GC: %d young pauses (%.0f ms, longest %.0f ms), %d full (%.0f ms)\n", y, yt, ym, f, ft}' "$log.gc"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); full log: $log"
