#!/usr/bin/env bash
# ../shared/bench/kubeway-vs-anchors.py with Kubeway warmed up first: Kubeway is started with the same manifests and
# placement (CPU 1, wrk on CPU 0), driven for WARM seconds per workload (keep-alive, new connections, 1 MiB) against
# a backend of its own on the anchors' port, which is then stopped, and only then does anchors.sh measure every
# target, Kubeway included, with its usual 5 s warm-up. The difference from kubeway-vs-anchors.py is the JIT: on one
# core C2 needs about 30 s of load to settle (bench/README.md, issue 10), which a 5 s warm-up does not give.
# Run from the project root as root: bench/anchors-warm.sh l7|l4 [WARM seconds, default 20]
# ANCHORS_DIR: where anchors.sh and kubeway-vs-anchors.py are (default ../shared/bench).
set -euo pipefail
mode=${1:-l7}; warm=${2:-20}
ROOT=$(pwd); work=$(mktemp -d /tmp/kubeway-anchors-warm-XXXX)
AD=$(cd "${ANCHORS_DIR:-../shared/bench}" && pwd)
mkdir -p $work/www $work/m $work/state; echo ok > $work/www/ok; head -c 1048576 /dev/urandom > $work/www/1m
cat > $work/nginx.conf <<NG
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 4096; }
http { access_log off; sendfile on; tcp_nopush on; tcp_nodelay on; keepalive_timeout 75s; keepalive_requests 1000000;
 client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
 server { listen 127.0.0.1:18081 backlog=4096; root $work/www; location = /ok { default_type text/plain; } location = /1m { } } }
NG
python3 - "$mode" "$work/m/b.yaml" "$AD/kubeway-vs-anchors.py" <<'PY'
import sys, importlib.util
spec = importlib.util.spec_from_file_location("k", sys.argv[3]); k = importlib.util.module_from_spec(spec); spec.loader.exec_module(k)
open(sys.argv[2], "w").write(k.INGRESS if sys.argv[1] == "l7" else k.SERVICE)
PY
taskset -c 1 nginx -c $work/nginx.conf & ngx=$!
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
admin=$(fp); port=$(fp)
args=(--workers 1 --state-dir $work/state --admin-address 127.0.0.1:$admin --node-address 127.0.0.1)
if [ $mode = l7 ]; then args+=(--ingress-http-address 127.0.0.9:$port --ingress-https-address 127.0.0.9:$(fp)); target=127.0.0.9:$port; anchor=haproxy-http
else target=127.96.0.50:18090; anchor=haproxy-tcp; fi
setsid $ROOT/kubeway run -f $work/m "${args[@]}" > $work/kubeway.log 2>&1 & kw=$!
trap 'kill $kw 2>/dev/null; kill $ngx 2>/dev/null; true' EXIT
for i in $(seq 1 240); do curl -fs http://127.0.0.1:$admin/readyz >/dev/null && break; sleep 0.5; done
taskset -a -p -c 1 $kw >/dev/null
for wl in "/ok" "/ok -H Connection:close" "/1m"; do set -- $wl; taskset -c 0 wrk -t1 -c64 -d${warm}s ${2:+-H "Connection: close"} http://$target$1 | grep Requests/sec; done
kill $ngx; wait $ngx 2>/dev/null || true; sleep 1
out=$work/out
bash "$AD/anchors.sh" -m split:1 -o "" -r 1 -d 5 -w 5 -T "direct haproxy-tcp haproxy-http nginx-http nginx-stream" -O $out -R $work/report.md "kubeway=$target@$kw" > $work/anchors.log 2>&1 || { tail -20 $work/anchors.log; exit 1; }
python3 - $out/results.csv $anchor <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]))); fig = {(r["target"], r["workload"]): r for r in rows}
for r in rows: print(f"{r['workload']:6} {r['target']:13} {float(r['rps']):9.0f} {float(r['mibps']):7.0f} {r['proxy_cpu_us_per_req'] or '-':>9} {int(r['p99_us'])/1000:7.2f} other={r['other_cpu_pct']}")
for wl in ("ka", "close", "big"):
    k, a = fig[("kubeway", wl)], fig[(sys.argv[2], wl)]; key = "mibps" if wl == "big" else "rps"
    print(f"  {wl:6} throughput {float(k[key])/float(a[key]):.2f}x  CPU/req {float(k['proxy_cpu_us_per_req'])/float(a['proxy_cpu_us_per_req']):.2f}x  p99 {int(k['p99_us'])/max(1,int(a['p99_us'])):.2f}x")
PY
echo "raw: $out"
