#!/usr/bin/env bash
# L7 authentication benchmark on loopback: Kubeway's Ingress beside nginx with the same authentication, on the
# same core placement as ../shared/bench/kubeway-vs-anchors.py (split:1): wrk on CPU 0; the backend, the auth
# server and the proxy under test on CPU 1; one worker each (Kubeway --workers 1, nginx worker_processes 1).
#
# Rows (small keep-alive GETs with wrk, -H "Authorization: Basic ..." where the row needs it):
#   none        no authentication (the baseline of this run)
#   basic-bcrypt  Kubeway auth-type basic, htpasswd -B (bcrypt)   | nginx auth_basic_user_file, the same file
#   basic-sha     Kubeway auth-type basic, htpasswd -s ({SHA})    | nginx auth_basic_user_file, the same file
#   basic-apr1    Kubeway auth-type basic, htpasswd -m ($apr1$)   | nginx auth_basic_user_file, the same file
#   external      Kubeway auth-url (a subrequest per request)    | nginx auth_request to the same auth server
# The auth server is an nginx (`return 200`, worker_processes 1) on CPU 1 beside the backend. Both proxies open
# a new connection to it per subrequest: ingress-nginx's default (auth-keepalive 0), and Kubeway's only way (it
# does not implement auth-keepalive). Kubeway keeps
# successful basic-auth checks for 30 s (so a bcrypt hash is checked once per credential); nginx checks the
# hash on every request (crypt(3)): the bcrypt row shows that difference, not a faster bcrypt.
#
# Usage: flock /tmp/kubeway-bench.lock bench/l7-auth-bench.sh [seconds-per-run] [connections] [reps]
# Prints a markdown table: req/s (median of reps), p50/p99 ms (wrk --latency) and the proxy's CPU time per
# request (all its threads or processes, from /proc; the auth server's CPU is not included).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-env.sh"
secs="${1:-8}"; conns="${2:-32}"; reps="${3:-1}"
for t in nginx wrk htpasswd taskset curl; do
  command -v "$t" >/dev/null || { echo "missing: $t (apt-get install nginx-light wrk apache2-utils util-linux curl)" >&2; exit 1; }
done
jar="$here/target/kubeway-0.1.0-SNAPSHOT-all.jar"
[ -f "$jar" ] || (cd "$here" && mvn -B -q -o -DskipTests package)

load0=$(cut -d' ' -f1-3 /proc/loadavg)
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

BACKEND=127.0.54.1:8080
AUTH=127.0.54.2:8080
KUBEWAY=127.0.56.1:8080
NGINX=127.0.55.1:8080
LG="taskset -c 0"; SRV="taskset -c 1"
mkdir -p "$work/www" "$work/manifests"
printf 'hello\n' > "$work/www/small"

# One user per hash format, made by htpasswd as users make them.
htpasswd -cbB "$work/bcrypt.htpasswd" bench bench-secret 2>/dev/null
htpasswd -cbs "$work/sha.htpasswd" bench bench-secret 2>/dev/null
htpasswd -cbm "$work/apr1.htpasswd" bench bench-secret 2>/dev/null
CRED="Authorization: Basic $(printf 'bench:bench-secret' | base64 -w0)"

temps="client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;"
cat > "$work/backend.conf" <<NGX
worker_processes 1; daemon off; pid $work/backend.pid; error_log $work/backend.err;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 1000000; $temps
  server { listen $BACKEND reuseport backlog=4096; root $work/www; }
  server { listen $AUTH reuseport backlog=4096; location / { return 200; } } }
NGX
cat > "$work/proxy.conf" <<NGX
worker_processes 1; daemon off; pid $work/proxy.pid; error_log $work/proxy.err;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 1000000; $temps
  upstream be { server $BACKEND; keepalive 64; }
  proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off;
  server { listen $NGINX backlog=4096; server_name none.local; location / { proxy_pass http://be; } }
  server { listen $NGINX; server_name basic-bcrypt.local;
    location / { auth_basic "bench"; auth_basic_user_file $work/bcrypt.htpasswd; proxy_pass http://be; } }
  server { listen $NGINX; server_name basic-sha.local;
    location / { auth_basic "bench"; auth_basic_user_file $work/sha.htpasswd; proxy_pass http://be; } }
  server { listen $NGINX; server_name basic-apr1.local;
    location / { auth_basic "bench"; auth_basic_user_file $work/apr1.htpasswd; proxy_pass http://be; } }
  server { listen $NGINX; server_name external.local;
    location / { auth_request /_auth; proxy_pass http://be; }
    location = /_auth { internal; proxy_pass http://$AUTH/auth; proxy_pass_request_body off;
      proxy_set_header Content-Length ""; proxy_set_header X-Original-URI \$request_uri; } } }
NGX

b64() { base64 -w0 "$1"; }
{
  cat <<YAML
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
YAML
  ingress() { # name host annotations
    cat <<YAML
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: $1
  annotations: {$3}
spec:
  rules:
  - host: $2
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: bench, port: {name: http}}}}]
YAML
  }
  ingress none none.local ""
  for f in bcrypt sha apr1; do
    cat <<YAML
---
apiVersion: v1
kind: Secret
metadata: {name: htpasswd-$f}
type: Opaque
data: {auth: $(b64 "$work/$f.htpasswd")}
YAML
    ingress "basic-$f" "basic-$f.local" "nginx.ingress.kubernetes.io/auth-type: basic, nginx.ingress.kubernetes.io/auth-secret: htpasswd-$f"
  done
  ingress external external.local "nginx.ingress.kubernetes.io/auth-url: \"http://$AUTH/auth\""
} > "$work/manifests/bench.yaml"

$SRV nginx -c "$work/backend.conf" & pids+=($!)
$SRV nginx -c "$work/proxy.conf" & pids+=($!)
$SRV "$JAVA_HOME/bin/java" -Xmx512m $(kubeway_java_opts) -jar "$jar" run -f "$work/manifests" \
  --workers 1 --state-dir "$work/state" --admin-address 127.0.0.1:10281 --node-address 127.0.0.1 \
  --ingress-http-address "$KUBEWAY" --ingress-https-address "${KUBEWAY%:*}:8443" \
  > "$work/kubeway.log" 2>&1 & kpid=$!; pids+=($kpid)
for i in $(seq 1 200); do curl -fs -H "Host: none.local" "http://$KUBEWAY/small" >/dev/null 2>&1 && break; sleep 0.2; done
rows="none basic-bcrypt basic-sha basic-apr1 external"
for p in kubeway nginx; do
  addr=$KUBEWAY; [ $p = nginx ] && addr=$NGINX
  for r in $rows; do # every row answers 200 with the credentials, and 401 without them where it asks
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $r.local" -H "$CRED" "http://$addr/small")
    [ "$code" = 200 ] || { tail -20 "$work/kubeway.log" "$work/proxy.err"; echo "$p $r: $code with credentials" >&2; exit 1; }
    case $r in basic-*)
      code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $r.local" -H "Authorization: Basic $(printf 'bench:wrong' | base64 -w0)" "http://$addr/small")
      [ "$code" = 401 ] || { echo "$p $r: $code with a wrong password" >&2; exit 1; } ;;
    esac
  done
done
ngx_pids() { pgrep -P "$(cat "$work/proxy.pid")" | tr '\n' ' '; cat "$work/proxy.pid"; }
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
hz=$(getconf CLK_TCK)

wrkrun() { # addr host -> "req/s p50ms p99ms cpu_us_per_req errors"
  local addr=$1 host=$2 procs c0 c1
  if [ "$addr" = "$KUBEWAY" ]; then procs="$kpid"; else procs="$(ngx_pids)"; fi
  c0=$(cpu_ticks $procs)
  $LG wrk -t1 -c"$conns" -d"${secs}s" --latency -H "Host: $host" -H "$CRED" "http://$addr/small" > "$work/wrk.out" 2>&1 || true
  c1=$(cpu_ticks $procs)
  awk -v ticks=$((c1 - c0)) -v hz="$hz" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ {p50 = ms($2)} /^ +99%/ {p99 = ms($2)} /Requests\/sec/ {r = $2} / requests in / {n = $1}
    /Socket errors|Non-2xx/ {e = e $0}
    END {printf "%.0f %.2f %.2f %.1f %s\n", r, p50, p99, (n > 0 ? ticks / hz * 1e6 / n : 0), (e == "" ? "0" : "yes")}' "$work/wrk.out"
}
for p in kubeway nginx; do # warm-up: the JVM compiles what it runs; the same for both
  addr=$KUBEWAY; [ $p = nginx ] && addr=$NGINX
  for r in $rows; do $LG wrk -t1 -c"$conns" -d3s -H "Host: $r.local" -H "$CRED" "http://$addr/small" >/dev/null 2>&1 || true; done
done

declare -A V
for rep in $(seq 1 "$reps"); do
  for r in $rows; do
    for p in kubeway nginx; do
      addr=$KUBEWAY; [ $p = nginx ] && addr=$NGINX
      V[$r.$p]+="$(wrkrun "$addr" "$r.local")"$'\n'
    done
  done
done
med() { sort -g -k1 | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}'; }
echo "$(date -u +%F\ %H:%MZ); load at start: $load0; ${secs}s per run, $conns connections, median of $reps"
echo
echo "| row | Kubeway req/s | nginx req/s | Kubeway/nginx | Kubeway p50 / p99 ms | nginx p50 / p99 ms | Kubeway CPU µs/req | nginx CPU µs/req |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for r in $rows; do
  read -r kr k50 k99 kc ke <<<"$(printf '%s' "${V[$r.kubeway]}" | med)"
  read -r nr n50 n99 nc ne <<<"$(printf '%s' "${V[$r.nginx]}" | med)"
  flag=""; [ "$ke" != 0 ] || [ "$ne" != 0 ] && flag=" (wrk errors)"
  awk -v r="$r" -v kr="$kr" -v nr="$nr" -v k="$k50 / $k99" -v n="$n50 / $n99" -v kc="$kc" -v nc="$nc" -v f="$flag" \
    'BEGIN {printf "| %s%s | %d | %d | %.2f | %s | %s | %s | %s |\n", r, f, kr, nr, (nr > 0 ? kr / nr : 0), k, n, kc, nc}'
done
