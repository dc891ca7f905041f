#!/usr/bin/env python3
"""Test helpers around the registry (standard library only).

    regtool.py freeport
    regtool.py wait URL SECONDS            poll until URL answers HTTP (any status), bounded
    regtool.py token-server PORT KEY CERT ISSUER SERVICE USER PASSWORD LOG
                                           the Bearer token endpoint: RS256 JWTs with an x5c chain, as
                                           docker/distribution's token auth expects; logs one line per request
    regtool.py stall-proxy PORT UPSTREAM CONTROL_DIR
                                           HTTP proxy in front of a registry; while CONTROL_DIR/stall exists, blob
                                           downloads stop halfway (CONTROL_DIR/stalled is created) and hang
    regtool.py verify-store DIR            every blob's content matches its name; prints the count
"""

import base64
import hashlib
import http.client
import http.server
import json
import os
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


def freeport():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait(url, seconds):
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1, context=ssl._create_unverified_context()).read()
            return 0
        except urllib.error.HTTPError:
            return 0  # it answers: up
        except Exception:
            time.sleep(0.05)
    print(f"timeout waiting for {url}", file=sys.stderr)
    return 1


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def token_server(port, key, cert, issuer, service, user, password, log):
    der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"], stdout=subprocess.PIPE,
                         check=True).stdout
    x5c = base64.b64encode(der).decode()

    def sign(claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing_input,
                             stdout=subprocess.PIPE, check=True).stdout
        return signing_input.decode() + "." + b64url(sig)

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(url.query)
            auth = self.headers.get("Authorization", "")
            who = ""
            if auth.startswith("Basic "):
                u, _, p = base64.b64decode(auth[6:]).decode().partition(":")
                if (u, p) != (user, password):
                    with open(log, "a") as f:
                        f.write(f"denied {u}\n")
                    self.send_response(401)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}')
                    return
                who = u
            access = []
            for scope in q.get("scope", []):
                parts = scope.split(":")
                if len(parts) >= 3 and who:
                    access.append({"type": parts[0], "name": ":".join(parts[1:-1]),
                                   "actions": parts[-1].split(",")})
            now = int(time.time())
            claims = {"iss": issuer, "sub": who, "aud": q.get("service", [service])[0], "exp": now + 300,
                      "nbf": now - 10, "iat": now, "jti": b64url(os.urandom(12)), "access": access}
            token = sign(claims)
            with open(log, "a") as f:
                f.write(f"token user={who or '-'} scope={','.join(q.get('scope', []))}\n")
            body = json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    ThreadingServer(("127.0.0.1", int(port)), Handler).serve_forever()


def stall_proxy(port, upstream, control):
    host, _, uport = upstream.partition(":")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def handle(self):
            # A TLS ClientHello (vxn probes HTTPS first) has no request line: hang up instead of waiting for one.
            if self.connection.recv(1, socket.MSG_PEEK) == b"\x16":
                return
            super().handle()

        def _forward(self, method):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            conn = http.client.HTTPConnection(host, int(uport), timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            conn.request(method, self.path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            stall = ("/blobs/sha256:" in self.path and method == "GET" and r.status == 200
                     and os.path.exists(os.path.join(control, "stall")) and len(data) > 1024)
            self.send_response(r.status)
            for k, v in r.getheaders():
                if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if not stall:
                self.wfile.write(data)
                return
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            open(os.path.join(control, "stalled"), "w").close()
            while os.path.exists(os.path.join(control, "stall")):
                time.sleep(0.1)
            self.close_connection = True

        def do_GET(self):
            self._forward("GET")

        def do_HEAD(self):
            self._forward("HEAD")

    ThreadingServer(("127.0.0.1", int(port)), Handler).serve_forever()


def verify_store(d):
    blobs = os.path.join(d, "blobs", "sha256")
    n = 0
    for name in os.listdir(blobs):
        with open(os.path.join(blobs, name), "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != name:
                print(f"bad blob {name}", file=sys.stderr)
                return 1
        n += 1
    print(n)
    return 0


def main(argv):
    cmd = argv[0]
    if cmd == "freeport":
        print(freeport())
        return 0
    if cmd == "wait":
        return wait(argv[1], argv[2])
    if cmd == "token-server":
        token_server(*argv[1:9])
    if cmd == "stall-proxy":
        stall_proxy(*argv[1:4])
    if cmd == "verify-store":
        return verify_store(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
