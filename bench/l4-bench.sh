#!/usr/bin/env bash
# L4 benchmark, one run on loopback: a small fast backend (nginx, 1 worker) measured directly, through a
# Kubeway ClusterIP (1 worker thread) and through HAProxy in TCP mode (1 thread), with wrk (1 thread):
#   small keep-alive requests, a new connection per request, 1 MiB downloads.
# Every path is warmed up first, then each test runs REPS times, interleaved; medians and spreads are printed.
# Usage: bench/l4-bench.sh [seconds-per-run] [reps]     (needs haproxy, nginx, wrk: installed when run as root)
set -euo pipefail
# Pinned placement (the default, as ../shared/bench/kubeway-vs-anchors.py and issue 10): the load generator on
# CPU 0, the backend and every proxy on CPU 1, so a proxy's JVM threads (JIT, GC) compete with its own event loop
# as nginx's and HAProxy's single worker would. PIN=0 leaves placement to the scheduler (the older, unpinned view).
LG=(); SRV=()
if [ "${PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then LG=(taskset -c 0); SRV=(taskset -c 1); fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-env.sh"
secs="${1:-10}"; reps="${2:-3}"
need=()
for t in haproxy nginx wrk; do command -v "$t" >/dev/null || need+=("$t"); done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "missing: ${need[*]} (apt-get install haproxy nginx-light wrk)" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy nginx-light wrk >/dev/null
fi
(cd "$here" && mvn -B -q -DskipTests package)
jar="$here/target/kubeway-0.1.0-SNAPSHOT-all.jar"

work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

BACKEND=127.0.50.1:8080; HAPROXY=127.0.51.1:8080; KUBEWAY=127.96.0.50:8080
mkdir -p "$work/www" "$work/manifests"
head -c 1048576 /dev/urandom > "$work/www/1m"
printf 'hello\n' > "$work/www/small"
cat > "$work/nginx.conf" <<NGX
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; sendfile on; tcp_nopush on;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen $BACKEND reuseport backlog=4096; root $work/www; } }
NGX
cat > "$work/haproxy.cfg" <<HAP
global
  nbthread 1
  maxconn 8000
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend fe
  bind $HAPROXY
  default_backend be
backend be
  server s1 $BACKEND
HAP
cat > "$work/manifests/bench.yaml" <<YAML
apiVersion: v1
kind: Service
metadata: {name: bench}
spec:
  clusterIP: ${KUBEWAY%:*}
  ports: [{port: ${KUBEWAY#*:}, targetPort: ${BACKEND#*:}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: bench-1
  labels: {kubernetes.io/service-name: bench}
addressType: IPv4
ports: [{port: ${BACKEND#*:}}]
endpoints: [{addresses: ["${BACKEND%:*}"]}]
YAML

"${SRV[@]}" nginx -c "$work/nginx.conf" & pids+=($!)
"${SRV[@]}" haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 & pids+=($!)
"${SRV[@]}" "$JAVA_HOME/bin/java" -Xmx512m $(kubeway_java_opts) -jar "$jar" run -f "$work/manifests" \
  --workers 1 --transport "${KUBEWAY_TRANSPORT:-auto}" --state-dir "$work/state" --admin-address 127.0.0.1:10259 --node-address 127.0.0.1 \
  > "$work/kubeway.log" 2>&1 & pids+=($!)
for i in $(seq 1 100); do curl -fs "http://$KUBEWAY/small" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "http://$KUBEWAY/small" >/dev/null || { cat "$work/kubeway.log"; echo "kubeway did not come up" >&2; exit 1; }
for i in $(seq 1 50); do grep -q 'data plane: ' "$work/kubeway.log" && break; sleep 0.1; done
transport="$(grep -o 'data plane: [a-z_]*' "$work/kubeway.log" | head -n1 || true)"

# value of "Requests/sec" (or Transfer/sec in MiB) from one wrk run
run() { # name target path conns extra...
  local target=$2 path=$3 conns=$4; shift 4
  "${LG[@]}" wrk -t1 -c"$conns" -d"${secs}s" "$@" "http://$target$path" > "$work/wrk.out" 2>&1 || true
  local rps xfer
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  xfer=$(awk '/Transfer\/sec/ {v=$2; u=substr(v, length(v)-1); n=v+0; if (u=="GB") n*=1024; else if (u=="KB") n/=1024; else if (u!="MB") n/=1048576; print n}' "$work/wrk.out")
  local errs; errs=$(grep -E 'Socket errors|Non-2xx' "$work/wrk.out" | tr '\n' ' ' || true)
  echo "${rps:-0} ${xfer:-0} ${errs}"
}

# warm-up (JIT): every kind of request, the same for both proxies
for t in $KUBEWAY $HAPROXY; do
  "${LG[@]}" wrk -t1 -c16 -d3s "http://$t/small" >/dev/null 2>&1 || true
  "${LG[@]}" wrk -t1 -c16 -d3s -H "Connection: close" "http://$t/small" >/dev/null 2>&1 || true
  "${LG[@]}" wrk -t1 -c4 -d2s "http://$t/1m" >/dev/null 2>&1 || true
done

# REPS rounds, interleaved across direct/kubeway/haproxy; the median of each is reported, with its spread
declare -A V R S
for rep in $(seq 1 "$reps"); do
  for test in keepalive newconn 1mib; do
    for which in direct kubeway haproxy; do
      case $which in direct) t=$BACKEND;; kubeway) t=$KUBEWAY;; haproxy) t=$HAPROXY;; esac
      case $test in
        keepalive) out=$(run "$which" "$t" /small 32) ; v=$(echo "$out" | awk '{print $1}');;
        newconn)   out=$(run "$which" "$t" /small 32 -H "Connection: close"); v=$(echo "$out" | awk '{print $1}');;
        1mib)      out=$(run "$which" "$t" /1m 8); v=$(echo "$out" | awk '{printf "%.0f", $2}');;
      esac
      V[$test.$which]+=" $v"
      extra=$(echo "$out" | cut -d' ' -f3-)
      [ -n "$extra" ] && echo "  ($test $which: $extra)" >&2
    done
  done
done
printf '%-26s %14s %14s %14s   (median of %s runs of %ss)\n' "test" "direct" "kubeway" "haproxy" "$reps" "$secs"
for test in keepalive newconn 1mib; do
  for which in direct kubeway haproxy; do
    read -r R[$test.$which] S[$test.$which] <<<"$(echo ${V[$test.$which]} | tr ' ' '\n' | sort -g |
      awk '{a[NR]=$1} END {printf "%s %s-%s\n", a[int((NR+1)/2)], a[1], a[NR]}')"
  done
  unit="req/s"; [ "$test" = 1mib ] && unit="MiB/s"
  printf '%-26s %14s %14s %14s\n' "$test ($unit)" "${R[$test.direct]}" "${R[$test.kubeway]}" "${R[$test.haproxy]}"
  printf '%-26s %14s %14s %14s\n' "  spread" "${S[$test.direct]}" "${S[$test.kubeway]}" "${S[$test.haproxy]}"
done
echo
echo "kubeway/haproxy ratios ($transport, wrk -t1, ${secs}s per run):"
for test in keepalive newconn 1mib; do
  awk -v k="${R[$test.kubeway]}" -v h="${R[$test.haproxy]}" -v d="${R[$test.direct]}" -v n="$test" \
    'BEGIN { printf "  %-10s kubeway/haproxy = %.2f   kubeway/direct = %.2f   haproxy/direct = %.2f\n", n, (h>0?k/h:0), (d>0?k/d:0), (d>0?h/d:0) }'
done
