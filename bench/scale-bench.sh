#!/usr/bin/env bash
# Scale benchmark: 5,000 services x 10 pod endpoints from files, heap capped at 512 MiB.
# Measures: time from start until every ClusterIP listener is bound, heap after a full GC, and how long
# one endpoint change takes from the changed snapshot to the data plane (kubeway_sync_latency).
# Usage: bench/scale-bench.sh [services] [endpoints-per-service]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-env.sh"
n="${1:-5000}"; e="${2:-10}"
(cd "$here" && mvn -B -q -DskipTests package)
jar="$here/target/kubeway-0.1.0-SNAPSHOT-all.jar"
work="$(mktemp -d)"; pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
python3 "$here/bench/gen-scale.py" "$work/m" "$n" "$e"
admin=127.0.0.1:10269
metric() { curl -fs "http://$admin/metrics" 2>/dev/null | awk -v m="$1" '$1==m {print $NF}'; }

start=$(date +%s%N)
"$JAVA_HOME/bin/java" -Xmx512m $(kubeway_java_opts) -jar "$jar" run -f "$work/m" \
  --state-dir "$work/state" --admin-address "$admin" --node-address 127.0.0.1 > "$work/log" 2>&1 &
pid=$!
while :; do
  l=$(metric kubeway_listeners || true)
  [ -n "$l" ] && [ "${l%.*}" -ge "$n" ] && break
  kill -0 "$pid" 2>/dev/null || { tail -20 "$work/log"; exit 1; }
  [ $(( ($(date +%s%N) - start) / 1000000000 )) -lt 120 ] || { echo "timeout"; tail -5 "$work/log"; exit 1; }
  sleep 0.1
done
served_ms=$(( ($(date +%s%N) - start) / 1000000 ))
jcmd "$pid" GC.run >/dev/null 2>&1 || "$JAVA_HOME/bin/jcmd" "$pid" GC.run >/dev/null
sleep 1
heap=$(curl -fs "http://$admin/metrics" | awk 'index($0, "jvm_memory_used_bytes{area=\"heap\"") == 1 {s+=$NF} END {printf "%.0f", s/1048576}')
echo "services: $n x $e endpoints, all $n ClusterIP listeners serving after ${served_ms} ms (JVM start included)"
echo "heap used after full GC: ${heap} MiB (-Xmx512m)"
grep -E "sync #1:" "$work/log" | sed 's/^/  /' | head -n 1

# one endpoint change at a time: move one pod of svc-0 to a new IP, wait, then read the sync latency
# (from the changed snapshot to the data plane) from the metrics once. Polling /metrics in a tight loop
# would itself load the machine: a scrape of 5,000 services' meters is not free.
lat=()
for round in $(seq 1 15); do
  c0=$(metric kubeway_sync_latency_seconds_count); s0=$(metric kubeway_sync_latency_seconds_sum)
  sed -i "0,/podIP: 127\.[0-9.]*/s//podIP: 127.200.0.$round/" "$work/m/part-000.yaml"
  sleep 1.5
  c1=$(metric kubeway_sync_latency_seconds_count); s1=$(metric kubeway_sync_latency_seconds_sum)
  ms=$(awk -v s0="$s0" -v s1="$s1" -v c0="$c0" -v c1="$c1" 'BEGIN { printf "%.1f", (c1>c0 ? (s1-s0)*1000/(c1-c0) : -1) }')
  lat+=("$ms")
  echo "endpoint change $round: snapshot -> data plane ${ms} ms ($((${c1%.*} - ${c0%.*})) sync)"
  [ "$round" -le 2 ] && grep -E "sync #" "$work/log" | tail -n 1 | sed 's/^/  /' || true
done
printf '%s\n' "${lat[@]:5}" | sort -n | awk '{a[NR]=$1} END {printf "after warm-up (changes 6-15): median %.1f ms, max %.1f ms (file poll interval 200 ms not included)\n", a[int((NR+1)/2)], a[NR]}'
