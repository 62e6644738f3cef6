#!/usr/bin/env bash
# 1 GiB up and 1 GiB down through Kubeway's Ingress with a 256 MiB heap (-Xmx256m), checked by SHA-256:
# bodies stream, they are never buffered whole. Usage: bench/l7-big-body.sh [MiB]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-env.sh"
mib="${1:-1024}"
(cd "$here" && mvn -B -q -DskipTests package)
jar="$here/target/kubeway-0.1.0-SNAPSHOT-all.jar"
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
BACKEND=127.0.54.1:8080; INGRESS=127.0.55.1:8080
head -c "$((mib * 1048576))" /dev/urandom > "$work/big"
want="$(sha256sum "$work/big" | cut -d' ' -f1)"
mkdir -p "$work/m"
cat > "$work/m/big.yaml" <<YAML
apiVersion: v1
kind: Service
metadata: {name: big}
spec:
  ports: [{name: http, port: 80, targetPort: ${BACKEND#*:}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: big-1, labels: {kubernetes.io/service-name: big}}
addressType: IPv4
ports: [{name: http, port: ${BACKEND#*:}}]
endpoints: [{addresses: ["${BACKEND%:*}"]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: big
  annotations: {nginx.ingress.kubernetes.io/proxy-body-size: "0", nginx.ingress.kubernetes.io/proxy-read-timeout: "300"}
spec:
  rules:
  - host: big.local
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: big, port: {name: http}}}}]}
YAML
python3 "$here/bench/big-body.py" "$BACKEND" "$work/big" & pids+=($!)
"$JAVA_HOME/bin/java" -Xmx256m $(kubeway_java_opts) -jar "$jar" run -f "$work/m" \
  --state-dir "$work/state" --admin-address 127.0.0.1:10289 --node-address 127.0.0.1 \
  --ingress-http-address "$INGRESS" --ingress-https-address "" > "$work/kubeway.log" 2>&1 & pids+=($!)
for i in $(seq 1 100); do curl -fs -o /dev/null -H "Host: big.local" -X PUT --data-binary x "http://$INGRESS/" && break; sleep 0.2; done

t0=$(date +%s%N)
up="$(curl -fsS -H "Host: big.local" -T "$work/big" "http://$INGRESS/up")"
t1=$(date +%s%N)
down="$(curl -fsS -H "Host: big.local" "http://$INGRESS/big" | sha256sum | cut -d' ' -f1)"
t2=$(date +%s%N)
chunked="$(curl -fsS -H "Host: big.local" -H "Transfer-Encoding: chunked" -T - "http://$INGRESS/up" < "$work/big")"
t3=$(date +%s%N)
heap=$(curl -fs "http://127.0.0.1:10289/metrics" | awk 'index($0, "jvm_memory_max_bytes{area=\"heap\"") == 1 {s+=$NF} END {printf "%.0f", s/1048576}')
echo "upload   ${mib} MiB (Content-Length): $( [ "${up%% *}" = "$want" ] && echo "sha256 ok" || echo "MISMATCH: $up") in $(( (t1-t0)/1000000 )) ms"
echo "download ${mib} MiB:                  $( [ "$down" = "$want" ] && echo "sha256 ok" || echo MISMATCH) in $(( (t2-t1)/1000000 )) ms"
echo "upload   ${mib} MiB (chunked):        $( [ "${chunked%% *}" = "$want" ] && echo "sha256 ok" || echo "MISMATCH: $chunked") in $(( (t3-t2)/1000000 )) ms"
echo "kubeway heap limit: ${heap} MiB; still serving: $(curl -fs -o /dev/null -w '%{http_code}' -H 'Host: big.local' -X PUT --data-binary x "http://$INGRESS/")"
[ "${up%% *}" = "$want" ] && [ "$down" = "$want" ] && [ "${chunked%% *}" = "$want" ]
