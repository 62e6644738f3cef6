#!/usr/bin/env python3
"""Writes N services with E pod endpoints each (selector-based) into DIR, 100 services a file."""
import os
import sys

def main():
    out, services, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    ip = 0
    for f in range(0, services, 100):
        docs = []
        for i in range(f, min(f + 100, services)):
            docs.append(f"""apiVersion: v1
kind: Service
metadata: {{name: svc-{i}, namespace: ns-{i % 10}}}
spec:
  selector: {{app: app-{i}}}
  ports: [{{name: http, port: 80, targetPort: http}}]""")
            for e in range(per):
                ip += 1
                addr = f"127.{1 + ip // 65536}.{(ip // 256) % 256}.{ip % 256}"
                docs.append(f"""apiVersion: v1
kind: Pod
metadata: {{name: pod-{i}-{e}, namespace: ns-{i % 10}, labels: {{app: app-{i}, tier: web}}}}
spec:
  containers: [{{name: app, image: app, ports: [{{name: http, containerPort: 8080}}]}}]
status:
  podIP: {addr}
  conditions: [{{type: Ready, status: "True"}}]""")
        with open(os.path.join(out, f"part-{f // 100:03d}.yaml"), "w") as fh:
            fh.write("\n---\n".join(docs) + "\n")

if __name__ == "__main__":
    main()
