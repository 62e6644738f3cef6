#!/usr/bin/env python3
"""A backend for bench/l7-big-body.sh: PUT returns the sha256 of the body it streamed in; GET /big streams
the file given on the command line. Bodies are never held whole."""
import hashlib
import http.server
import sys

FILE = sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_PUT(self):
        h = hashlib.sha256()
        n = 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                left = size
                while left:
                    b = self.rfile.read(min(left, 1 << 20))
                    h.update(b)
                    left -= len(b)
                    n += len(b)
                self.rfile.readline()
        else:
            left = int(self.headers["Content-Length"])
            while left:
                b = self.rfile.read(min(left, 1 << 20))
                h.update(b)
                left -= len(b)
                n += len(b)
        body = ("%s %d\n" % (h.hexdigest(), n)).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        import os
        size = os.path.getsize(FILE)
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        with open(FILE, "rb") as f:
            while True:
                b = f.read(1 << 20)
                if not b:
                    break
                self.wfile.write(b)


http.server.ThreadingHTTPServer((sys.argv[1].split(":")[0], int(sys.argv[1].split(":")[1])), Handler).serve_forever()
