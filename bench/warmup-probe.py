#!/usr/bin/env python3
"""Kubeway's CPU per request interval by interval from a cold start, split by thread (event loop, C2 and C1
compilers, GC), with the placement of ../shared/bench/kubeway-vs-anchors.py: a 1-worker nginx backend and Kubeway
(1 worker) on CPU 1, wrk (1 thread, 64 connections) on CPU 0, nice -20. It shows how long the JIT takes to settle
on one core and what a request costs once it has (issue 10; bench/README.md). Run from the project root as root:

    bench/warmup-probe.py l7|l4 ka|close|big INTERVALS SECONDS [JVM options...]

JVM options go to KUBEWAY_JAVA_OPTS (e.g. -XX:+UseSerialGC); KW_ARGS adds kubeway run arguments
(e.g. KW_ARGS="--transport epoll"). Ports: backend 127.0.0.1:28081, ClusterIP 127.96.0.60:28090."""
import os, subprocess, sys, time, socket, signal, urllib.request, tempfile, re, collections
mode, wl, n, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ROOT = os.getcwd()
BPORT = 28081
work = tempfile.mkdtemp(prefix="i10probe-")
os.makedirs(work + "/www"); open(work + "/www/ok", "w").write("ok\n")
with open(work + "/www/1m", "wb") as f: f.write(os.urandom(1 << 20))
conf = f"""worker_processes 1; daemon off; pid {work}/nginx.pid; error_log {work}/nginx.err;
events {{ worker_connections 4096; }}
http {{ access_log off; sendfile on; tcp_nopush on; tcp_nodelay on; keepalive_timeout 75s; keepalive_requests 1000000;
 open_file_cache max=64 inactive=600s; default_type application/octet-stream;
 client_body_temp_path {work}; proxy_temp_path {work}; fastcgi_temp_path {work}; uwsgi_temp_path {work}; scgi_temp_path {work};
 server {{ listen 127.0.0.1:{BPORT} backlog=4096; root {work}/www; location = /ok {{ default_type text/plain; }} location = /1m {{ }} }} }}
"""
open(work + "/nginx.conf", "w").write(conf)
be = subprocess.Popen(["taskset", "-c", "1", "nice", "-n", "-20", "nginx", "-c", work + "/nginx.conf"], start_new_session=True)
svc = f"""apiVersion: v1
kind: Service
metadata: {{name: bench}}
spec:
  clusterIP: 127.96.0.60
  ports: [{{name: http, port: 28090, targetPort: {BPORT}}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: bench-1
  labels: {{kubernetes.io/service-name: bench}}
addressType: IPv4
ports: [{{name: http, port: {BPORT}, protocol: TCP}}]
endpoints: [{{addresses: ["127.0.0.1"], conditions: {{ready: true}}}}]
"""
ing = svc + """---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bench}
spec:
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: bench, port: {number: 28090}}}
"""
os.makedirs(work + "/m"); os.makedirs(work + "/state")
open(work + "/m/b.yaml", "w").write(ing if mode == "l7" else svc)
def fp():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
admin = fp(); port = fp()
args = os.environ.get("KW_ARGS", "").split() + ["--workers", "1", "--state-dir", work + "/state", "--admin-address", f"127.0.0.1:{admin}", "--node-address", "127.0.0.1"]
if mode == "l7":
    args += ["--ingress-http-address", f"127.0.0.19:{port}", "--ingress-https-address", f"127.0.0.19:{fp()}"]
    target = f"127.0.0.19:{port}"
else:
    target = "127.96.0.60:28090"
env = dict(os.environ)
if len(sys.argv) > 5: env["KUBEWAY_JAVA_OPTS"] = " ".join(sys.argv[5:])
log = open(work + "/kubeway.log", "wb")
kw = subprocess.Popen([ROOT + "/kubeway", "run", "-f", work + "/m"] + args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
try:
    for _ in range(240):
        try: urllib.request.urlopen(f"http://127.0.0.1:{admin}/readyz", timeout=2).read(); break
        except Exception:
            if kw.poll() is not None: sys.exit("kubeway exited: " + work)
            time.sleep(0.5)
    time.sleep(1)
    pid = kw.pid
    # java is exec'ed by the launcher; pid is java
    subprocess.run(["taskset", "-a", "-p", "-c", "1", str(pid)], capture_output=True)
    subprocess.run(["renice", "-n", "-20", "-p", str(pid)], capture_output=True)
    for t in os.listdir(f"/proc/{pid}/task"): subprocess.run(["renice", "-n", "-20", "-p", t], capture_output=True)
    print("kubeway pid", pid, "work", work, flush=True)
    path = {"ka": "/ok", "close": "/ok", "big": "/1m"}[wl]
    hdr = ["-H", "Connection: close"] if wl == "close" else []
    HZ = os.sysconf("SC_CLK_TCK")
    def threads():
        d = {}
        for t in os.listdir(f"/proc/{pid}/task"):
            try:
                s = open(f"/proc/{pid}/task/{t}/stat").read()
                name = s[s.index("(")+1:s.rindex(")")]
                f = s[s.rindex(")")+2:].split()
                d[t] = (name, int(f[11]), int(f[12]))
            except Exception: pass
        return d
    def group(name):
        name = re.sub(r"\d+$", "", name)
        return name
    for i in range(n):
        a = threads(); t0 = time.time()
        out = subprocess.run(["taskset", "-c", "0", "nice", "-n", "-20", "wrk", "-t1", "-c64", f"-d{secs}s", "--latency"] + hdr + [f"http://{target}{path}"], capture_output=True, text=True); out = out.stdout + out.stderr
        b = threads(); dt = time.time() - t0
        m = re.search(r"Requests/sec:\s+([\d.]+)", out); rps = float(m.group(1)) if m else 0
        p99 = re.search(r"99%\s+(\S+)", out); p99 = p99.group(1) if p99 else "?"
        req = rps * secs
        if not rps: print(out[-800:])
        g = collections.defaultdict(lambda: [0, 0])
        for t, (name, u, s) in b.items():
            u0, s0 = (a[t][1], a[t][2]) if t in a else (0, 0)
            g[group(name)][0] += u - u0; g[group(name)][1] += s - s0
        tu = sum(v[0] for v in g.values()); ts = sum(v[1] for v in g.values())
        us = lambda ticks: ticks / HZ * 1e6 / max(req, 1)
        parts = " ".join(f"{k}={us(v[0]+v[1]):.1f}" for k, v in sorted(g.items(), key=lambda kv: -(kv[1][0]+kv[1][1])) if v[0]+v[1] > 0)
        print(f"#{i} {rps:8.0f} req/s p99 {p99:>8}  CPU us/req {us(tu+ts):6.1f} (user {us(tu):5.1f} sys {us(ts):5.1f})  [{parts}]", flush=True)
finally:
    os.killpg(kw.pid, signal.SIGTERM)
    try: kw.wait(15)
    except Exception: os.killpg(kw.pid, signal.SIGKILL)
    os.killpg(be.pid, signal.SIGTERM)
