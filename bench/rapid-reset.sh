#!/usr/bin/env bash
# HTTP/2 rapid reset spread over many connections (issue 7, defect 5), against a fresh `kubeway run` on loopback:
# 200 cleartext HTTP/2 connections x 190 HEADERS+RST_STREAM in 9 s, plus a probe GET every 100 ms. Prints the
# probe's p50/p99/max and failures, and Kubeway's fd peak (io.kubeway.bench.RapidResetBench).
# The backend is `kubeway echo` in a JVM of its own, so Kubeway's fd count holds only its own sockets.
# Usage: bench/rapid-reset.sh [kubeway-jar] [conns] [streams] [seconds]   (jar: to measure another build)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-env.sh"
[ -f "$here/target/kubeway-0.1.0-SNAPSHOT-all.jar" ] || (cd "$here" && mvn -B -q -o -DskipTests package)
bench_jar="$here/target/kubeway-0.1.0-SNAPSHOT-all.jar"
jar="${1:-$bench_jar}"; conns="${2:-200}"; streams="${3:-190}"; secs="${4:-9}"

work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

BACKEND=127.0.62.1:8080
INGRESS=127.0.62.2:8080
HOST=rr.bench.local
admin_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/manifests"
cat > "$work/manifests/bench.yaml" <<YAML
apiVersion: v1
kind: Service
metadata: {name: rr}
spec:
  ports: [{name: http, port: 80, targetPort: ${BACKEND#*:}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: rr-1
  labels: {kubernetes.io/service-name: rr}
addressType: IPv4
ports: [{name: http, port: ${BACKEND#*:}}]
endpoints: [{addresses: ["${BACKEND%:*}"]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: rr}
spec:
  rules:
  - host: $HOST
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: rr, port: {name: http}}}}]
YAML

"$JAVA_HOME/bin/java" -Xmx256m $(kubeway_java_opts) -jar "$bench_jar" echo --listen "$BACKEND" --name rr \
  > "$work/echo.log" 2>&1 & pids+=($!)
"$JAVA_HOME/bin/java" -Xmx512m $(kubeway_java_opts) -jar "$jar" run -f "$work/manifests" \
  --state-dir "$work/state" --admin-address "127.0.0.1:$admin_port" --node-address 127.0.62.3 \
  --ingress-http-address "$INGRESS" --ingress-https-address "" > "$work/kubeway.log" 2>&1 & kpid=$!; pids+=($kpid)
for i in $(seq 1 150); do curl -fs -H "Host: $HOST" "http://$INGRESS/" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs -H "Host: $HOST" "http://$INGRESS/" >/dev/null || { tail -20 "$work/kubeway.log"; echo "kubeway is not serving" >&2; exit 1; }
grep -a "open files" "/proc/$kpid/limits" | sed 's/^/kubeway /'
"$JAVA_HOME/bin/java" -cp "$bench_jar" io.kubeway.bench.RapidResetBench "$INGRESS" "$HOST" "$kpid" "$conns" "$streams" "$secs"
echo "kubeway log lines during the run: $(wc -l < "$work/kubeway.log") ($(grep -c 'Exception' "$work/kubeway.log" || true) mentioning an exception)"
[ -z "${KEEP_LOG:-}" ] || cp "$work/kubeway.log" "$KEEP_LOG"
