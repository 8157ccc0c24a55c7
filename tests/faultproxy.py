#!/usr/bin/env python3
"""Fault-injecting HTTP reverse proxy for RecallFS tests (standard library only).

Usage:
    python3 tests/faultproxy.py --listen 127.0.0.1:PORT \
        --upstream http://127.0.0.1:UPSTREAM_PORT [--pidfile FILE] [-v]

Listens on 127.0.0.1 only (PORT 0 picks a free port) and forwards every request
(GET/POST/PATCH/PUT/DELETE/HEAD: method, path+query, body, end-to-end headers) to
the Pensieve upstream, relaying status, headers (X-Total-Count, Content-Type, ...;
Content-Length recomputed, hop-by-hop headers dropped) and body.  Client
connections are HTTP/1.1 keep-alive.  Once listening it prints one line
"faultproxy listening on 127.0.0.1:PORT -> UPSTREAM" to stdout.
SIGTERM/SIGINT shut it down cleanly (and remove the pidfile).

Control endpoints on the same port (never forwarded):
    GET /__fault/<mode>[?paths=/api/search,/api/entities][&delay=SECONDS]
        set the mode for all later requests; replies 200 with the mode name.
        paths: only requests whose path starts with one of these prefixes are
        faulted, the rest pass through.  delay: for slow (default 5 seconds).
    GET /__fault    current mode (plain text)
    GET /__stats    {"mode": ..., "requests": N, "faulted": M}  (proxied requests)

Modes:
    pass       forward normally (the default).
    500        reply 500 {"detail":"injected fault"} without contacting upstream.
    garbage    reply 200, Content-Type application/json, body "<html>not json"
               plus random bytes (correct Content-Length).
    truncated  forward, but send only the first half of the upstream body while
               declaring the full Content-Length, then close the connection.
    slow       sleep `delay` seconds before sending anything, then forward.
    hang       accept the request and never answer (until the client gives up);
               other requests and the control endpoint are not blocked.
    reset      close the socket immediately (TCP RST) without any response.
    empty200   reply 200 with [] (or an empty search result for /api/search).
"""
import argparse, http.client, json, os, select, signal, socket, struct, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MODES = ("pass", "500", "garbage", "truncated", "slow", "hang", "reset", "empty200")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authenticate",
              "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"}
EMPTY_SEARCH = b'{"hits":[],"found":0,"facet_counts":[],"out_of":0,"page":1}'

state = {"mode": "pass", "paths": [], "delay": 5.0, "requests": 0, "faulted": 0}
lock = threading.Lock()
UPSTREAM = urlsplit("http://127.0.0.1:8000")
VERBOSE = False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if VERBOSE:
            super().log_message(fmt, *args)

    def reply(self, status, body, ctype="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # skip trailers
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def control(self, url):
        parts = url.path.strip("/").split("/")
        if parts[0] == "__stats":
            with lock:
                stats = {k: state[k] for k in ("mode", "requests", "faulted")}
            return self.reply(200, json.dumps(stats).encode())
        if len(parts) == 1:
            return self.reply(200, state["mode"].encode(), "text/plain")
        if parts[1] not in MODES:
            return self.reply(400, b"unknown mode; one of: " + " ".join(MODES).encode(), "text/plain")
        q = parse_qs(url.query)
        with lock:
            state["mode"] = parts[1]
            state["paths"] = [p for p in ",".join(q.get("paths", [])).split(",") if p]
            state["delay"] = float(q.get("delay", ["5"])[0])
        self.reply(200, parts[1].encode(), "text/plain")

    def handle_any(self):
        url = urlsplit(self.path)
        body = self.read_body()
        if url.path in ("/__fault", "/__stats") or url.path.startswith("/__fault/"):
            return self.control(url)
        with lock:
            state["requests"] += 1
            mode, paths, delay = state["mode"], state["paths"], state["delay"]
            if mode != "pass" and paths and not any(url.path.startswith(p) for p in paths):
                mode = "pass"
            if mode != "pass":
                state["faulted"] += 1
        if mode == "500":
            return self.reply(500, b'{"detail":"injected fault"}')
        if mode == "garbage":
            return self.reply(200, b"<html>not json" + os.urandom(64))
        if mode == "empty200":
            return self.reply(200, EMPTY_SEARCH if url.path.startswith("/api/search") else b"[]")
        if mode == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if mode == "hang":
            deadline = time.monotonic() + 3600
            while time.monotonic() < deadline:  # until the client hangs up
                if select.select([self.connection], [], [], 1.0)[0]:
                    try:
                        if not self.connection.recv(1, socket.MSG_PEEK):
                            break
                    except OSError:
                        break
            self.close_connection = True
            return
        if mode == "slow":
            time.sleep(delay)
        self.forward(body, truncate=(mode == "truncated"))

    def forward(self, body, truncate=False):
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in HOP_BY_HOP | {"host", "content-length", "accept-encoding"}}
        headers["Host"] = UPSTREAM.netloc
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body))
        try:
            conn = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port or 80, timeout=60)
            conn.request(self.command, self.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            resp_headers = resp.getheaders()
            conn.close()
        except (OSError, http.client.HTTPException) as e:
            return self.reply(502, json.dumps({"detail": "upstream error: %s" % e}).encode())
        self.send_response(resp.status, resp.reason)
        for k, v in resp_headers:
            if k.lower() not in HOP_BY_HOP | {"content-length", "date", "server"}:
                self.send_header(k, v)
        length = resp.getheader("Content-Length", "0") if self.command == "HEAD" else str(len(data))
        self.send_header("Content-Length", length)
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        if truncate:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
        else:
            self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        if VERBOSE:  # client went away etc.; stay quiet by default
            super().handle_error(request, client_address)


def main():
    global UPSTREAM, VERBOSE
    ap = argparse.ArgumentParser(description="fault-injecting reverse proxy (see module docstring)")
    ap.add_argument("--listen", required=True, help="127.0.0.1:PORT")
    ap.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT")
    ap.add_argument("--pidfile")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    host, _, port = args.listen.rpartition(":")
    if host not in ("127.0.0.1", "localhost", ""):
        ap.error("--listen must be on 127.0.0.1")
    UPSTREAM, VERBOSE = urlsplit(args.upstream), args.verbose
    server = Server(("127.0.0.1", int(port)), Handler)

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    print("faultproxy listening on 127.0.0.1:%d -> %s" % (server.server_address[1], args.upstream), flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if args.pidfile:
            try:
                os.remove(args.pidfile)
            except OSError:
                pass


if __name__ == "__main__":
    main()
