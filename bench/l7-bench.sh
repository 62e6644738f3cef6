#!/usr/bin/env bash
# L7 (Ingress) benchmark, one run on loopback, each proxy with one worker/thread, wrk with one thread:
#   direct to the backend (nginx serving static files), Kubeway's Ingress, HAProxy (http mode, keep-alive
#   to the backend) and nginx (proxy with an upstream keepalive pool).
#   Small keep-alive GETs, a new connection per GET, TLS handshakes per second (a new TLS connection per
#   GET), 1 MiB downloads, and latency p50/p99 at a fixed rate (hey -q).
# Every proxy is first warmed up on every kind of request (the JVM compiles what it runs), then the runs are
# repeated REPS times, interleaved across the proxies, and the median is reported with the min-max spread: on a
# shared 2-core machine one run of one proxy can be off by 10-15%.
# Usage: bench/l7-bench.sh [seconds-per-run] [fixed-rate-req/s] [reps]
set -euo pipefail
# Pinned placement (the default, as ../shared/bench/kubeway-vs-anchors.py and issue 10): the load generator on
# CPU 0, the backend and every proxy on CPU 1, so a proxy's JVM threads (JIT, GC) compete with its own event loop
# as nginx's and HAProxy's single worker would. PIN=0 leaves placement to the scheduler (the older, unpinned view).
LG=(); SRV=()
if [ "${PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then LG=(taskset -c 0); SRV=(taskset -c 1); fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-env.sh"
secs="${1:-10}"; rate="${2:-2000}"; reps="${3:-3}"
need=()
for t in haproxy nginx wrk hey openssl; do command -v "$t" >/dev/null || need+=("$t"); done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "missing: ${need[*]} (apt-get install haproxy nginx-light wrk hey openssl)" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy nginx-light wrk hey openssl >/dev/null
fi
(cd "$here" && mvn -B -q -DskipTests package)
jar="$here/target/kubeway-0.1.0-SNAPSHOT-all.jar"

work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

BACKEND=127.0.50.1:8080
HOST=bench.local
declare -A HTTP=([kubeway]=127.0.53.1:8080 [haproxy]=127.0.51.1:8080 [nginx]=127.0.52.1:8080 [direct]=$BACKEND)
declare -A HTTPS=([kubeway]=127.0.53.1:8443 [haproxy]=127.0.51.1:8443 [nginx]=127.0.52.1:8443)
mkdir -p "$work/www" "$work/manifests"
head -c 1048576 /dev/urandom > "$work/www/1m"
printf 'hello\n' > "$work/www/small"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=$HOST" \
  -addext "subjectAltName=DNS:$HOST" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
cat "$work/cert.pem" "$work/key.pem" > "$work/haproxy.pem"

cat > "$work/backend.conf" <<NGX
worker_processes 1; daemon off; pid $work/backend.pid; error_log $work/backend.err;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 1000000; sendfile on; tcp_nopush on;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen $BACKEND reuseport backlog=4096; root $work/www; } }
NGX
cat > "$work/proxy.conf" <<NGX
worker_processes 1; daemon off; pid $work/proxy.pid; error_log $work/proxy.err;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 1000000;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  upstream be { server $BACKEND; keepalive 64; }
  server { listen ${HTTP[nginx]} backlog=4096; listen ${HTTPS[nginx]} ssl backlog=4096;
    ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem; ssl_protocols TLSv1.2 TLSv1.3;
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; } } }
NGX
cat > "$work/haproxy.cfg" <<HAP
global
  nbthread 1
  maxconn 8000
  tune.ssl.default-dh-param 2048
defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend fe
  bind ${HTTP[haproxy]}
  bind ${HTTPS[haproxy]} ssl crt $work/haproxy.pem
  default_backend be
backend be
  http-reuse always
  server s1 $BACKEND
HAP
b64() { base64 -w0 "$1"; }
cat > "$work/manifests/bench.yaml" <<YAML
apiVersion: v1
kind: Service
metadata: {name: bench}
spec:
  ports: [{name: http, port: 80, targetPort: ${BACKEND#*:}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: bench-1
  labels: {kubernetes.io/service-name: bench}
addressType: IPv4
ports: [{name: http, port: ${BACKEND#*:}}]
endpoints: [{addresses: ["${BACKEND%:*}"]}]
---
apiVersion: v1
kind: Secret
metadata: {name: bench-tls}
type: kubernetes.io/tls
data:
  tls.crt: $(b64 "$work/cert.pem")
  tls.key: $(b64 "$work/key.pem")
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: bench
  annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "false"}
spec:
  tls: [{hosts: [$HOST], secretName: bench-tls}]
  rules:
  - host: $HOST
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: bench, port: {name: http}}}}]
YAML

"${SRV[@]}" nginx -c "$work/backend.conf" & pids+=($!)
"${SRV[@]}" nginx -c "$work/proxy.conf" & pids+=($!)
"${SRV[@]}" haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 & pids+=($!)
"${SRV[@]}" "$JAVA_HOME/bin/java" -Xmx512m $(kubeway_java_opts) -jar "$jar" run -f "$work/manifests" \
  --workers 1 --state-dir "$work/state" --admin-address 127.0.0.1:10279 --node-address 127.0.0.1 \
  --ingress-http-address "${HTTP[kubeway]}" --ingress-https-address "${HTTPS[kubeway]}" \
  > "$work/kubeway.log" 2>&1 & pids+=($!)
for i in $(seq 1 100); do curl -fs -H "Host: $HOST" "http://${HTTP[kubeway]}/small" >/dev/null 2>&1 && break; sleep 0.2; done
for p in kubeway haproxy nginx; do
  curl -fsk -H "Host: $HOST" "http://${HTTP[$p]}/small" >/dev/null || { tail -20 "$work/kubeway.log"; echo "$p is not serving" >&2; exit 1; }
done

wrkrun() { # target-url conns extra... -> "req/s MiB/s"
  local url=$1 conns=$2; shift 2
  "${LG[@]}" wrk -t1 -c"$conns" -d"${secs}s" -H "Host: $HOST" "$@" "$url" > "$work/wrk.out" 2>&1 || true
  local errs; errs=$(grep -E 'Socket errors|Non-2xx' "$work/wrk.out" | tr '\n' ' ' || true)
  [ -n "$errs" ] && echo "  ($url: $errs)" >&2
  awk '/Requests\/sec/ {r=$2} /Transfer\/sec/ {v=$2; u=substr(v, length(v)-1); n=v+0; if (u=="GB") n*=1024; else if (u=="KB") n/=1024; else if (u!="MB") n/=1048576; t=n} END {printf "%.0f %.0f\n", r, t}' "$work/wrk.out"
}
latency() { # url -> "p50ms p99ms"
  "${LG[@]}" hey -z "${secs}s" -c 20 -q $((rate / 20)) -host "$HOST" "$1" > "$work/hey.out" 2>&1 || true
  awk '/ 50% in / {p50=$3} / 99% in / {p99=$3} END {printf "%.2f %.2f\n", p50*1000, p99*1000}' "$work/hey.out"
}
for p in kubeway haproxy nginx; do # warm-up: each kind of request, the same for every proxy
  "${LG[@]}" wrk -t1 -c16 -d3s -H "Host: $HOST" "http://${HTTP[$p]}/small" >/dev/null 2>&1 || true
  "${LG[@]}" wrk -t1 -c16 -d3s -H "Host: $HOST" -H "Connection: close" "http://${HTTP[$p]}/small" >/dev/null 2>&1 || true
  "${LG[@]}" wrk -t1 -c16 -d3s -H "Host: $HOST" -H "Connection: close" "https://${HTTPS[$p]}/small" >/dev/null 2>&1 || true
  "${LG[@]}" wrk -t1 -c4 -d2s -H "Host: $HOST" "http://${HTTP[$p]}/1m" >/dev/null 2>&1 || true
done

declare -A V R S
for rep in $(seq 1 "$reps"); do
  for p in direct kubeway haproxy nginx; do
    V[ka.$p]+=" $(wrkrun "http://${HTTP[$p]}/small" 32 | cut -d' ' -f1)"
    V[nc.$p]+=" $(wrkrun "http://${HTTP[$p]}/small" 32 -H "Connection: close" | cut -d' ' -f1)"
    V[mb.$p]+=" $(wrkrun "http://${HTTP[$p]}/1m" 8 | cut -d' ' -f2)"
    if [ "$p" != direct ]; then
      V[tls.$p]+=" $(wrkrun "https://${HTTPS[$p]}/small" 32 -H "Connection: close" | cut -d' ' -f1)"
    fi
    read -r p50 p99 <<<"$(latency "http://${HTTP[$p]}/small")"
    V[p50.$p]+=" $p50"; V[p99.$p]+=" $p99"
  done
done
for t in ka nc mb tls p50 p99; do
  for p in direct kubeway haproxy nginx; do
    if [ -z "${V[$t.$p]:-}" ]; then R[$t.$p]=-; S[$t.$p]=-; continue; fi
    read -r R[$t.$p] S[$t.$p] <<<"$(echo ${V[$t.$p]} | tr ' ' '\n' | sort -g |
      awk '{a[NR]=$1} END {printf "%s %s-%s\n", a[int((NR+1)/2)], a[1], a[NR]}')"
  done
done
echo "median of $reps runs of ${secs}s each (spread below)"
printf '%-34s %10s %10s %10s %10s\n' "test" direct kubeway haproxy nginx
row() { printf '%-34s %10s %10s %10s %10s\n' "$1" "${R[$2.direct]}" "${R[$2.kubeway]}" "${R[$2.haproxy]}" "${R[$2.nginx]}"; }
row "keep-alive GET (req/s)" ka
row "new connection per GET (req/s)" nc
row "TLS handshake per GET (req/s)" tls
row "1 MiB downloads (MiB/s)" mb
row "p50 at ${rate} req/s (ms)" p50
row "p99 at ${rate} req/s (ms)" p99
echo "spread (min-max)"
srow() { printf '%-34s %12s %12s %12s %12s\n' "$1" "${S[$2.direct]}" "${S[$2.kubeway]}" "${S[$2.haproxy]}" "${S[$2.nginx]}"; }
srow "keep-alive GET (req/s)" ka
srow "new connection per GET (req/s)" nc
srow "TLS handshake per GET (req/s)" tls
srow "1 MiB downloads (MiB/s)" mb
srow "p50 at ${rate} req/s (ms)" p50
srow "p99 at ${rate} req/s (ms)" p99
echo
for t in ka nc tls mb; do
  awk -v k="${R[$t.kubeway]}" -v h="${R[$t.haproxy]}" -v n="${R[$t.nginx]}" -v t="$t" \
    'BEGIN { printf "  %-4s kubeway/haproxy = %.2f (target >= 0.8)   kubeway/nginx = %.2f (target >= 1.0)\n", t, (h>0?k/h:0), (n>0?k/n:0) }'
done
awk -v k="${R[p99.kubeway]}" -v h="${R[p99.haproxy]}" \
  'BEGIN { printf "  p99  kubeway/haproxy = %.2f (target <= 1.5)\n", (h>0?k/h:0) }'
