#!/usr/bin/env python3
"""A hostile stand-in for Pensieve's REST API, for RecallFS tests (standard library only).

usage: hostile_http.py --listen 127.0.0.1:PORT [--upstream http://127.0.0.1:UP] [--mode M] [--pidfile F]

Threaded HTTP/1.1 on 127.0.0.1 only; answers every /api/... route RecallFS calls (health, libraries,
folder listings, entities/ID, search, by-filepaths) in the current mode and prints "hostile_http
listening on ..." once ready. /api/health answers {"status": "ok"} at once (the client keeps trusting
the API) unless the mode was set with ?health=1. SIGTERM/SIGINT stop it and remove the pidfile.
Control: GET /__mode/<mode>[?count=N][&health=1] sets the mode and zeroes the counts; GET /__mode;
GET /__stats gives {"mode", "requests": {route kind: count}}.
Modes:
    pass       forward to --upstream unchanged.
    hugecount  forward, but with X-Total-Count: N (default 99999999999999999999999; or 9223372036854775807, -1).
    endless    200, application/json, no Content-Length, an array of entity objects that never closes,
               as fast as the socket takes it, until the client hangs up.
    garbage    200, application/json, a correct Content-Length, a body that is not JSON.
    slowdrip   200 and headers at once, then the body (the upstream's, or small JSON) one byte a second.
"""
import argparse, http.client, json, os, signal, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MODES = ("pass", "hugecount", "endless", "garbage", "slowdrip")
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server", "x-total-count"}
state = {"mode": "pass", "count": "99999999999999999999999", "health": False, "requests": {}}
lock = threading.Lock()
UPSTREAM = None
ENTITY = (b'{"id": 1, "filepath": "/endless/1.webp", "filename": "1.webp", "size": 10, "file_type": "webp", '
          b'"file_type_group": "image", "library_id": 1, "folder_id": 1, "file_created_at": "2026-01-01T00:00:00", '
          b'"tags": [], "metadata_entries": [{"key": "ocr_result", "value": "endless endless endless", '
          b'"source": "ocr", "data_type": "text"}]}, ')
CHUNK = ENTITY * ((1 << 20) // len(ENTITY))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def head(self, status, headers, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()

    def reply(self, status, body, headers=(), ctype="application/json"):
        self.head(status, list(headers) + [("Content-Length", str(len(body)))], ctype)
        self.wfile.write(body)

    def upstream(self, body):
        """(status, headers, body) from the upstream, or a 502 when there is none or it fails."""
        if UPSTREAM is None:
            return 502, [], b'{"detail": "no upstream"}'
        try:
            conn = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port or 80, timeout=30)
            headers = {"Content-Type": "application/json"} if body else {}
            conn.request(self.command, self.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            conn.close()
            return resp.status, [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP], data
        except (OSError, http.client.HTTPException) as e:
            return 502, [], json.dumps({"detail": "upstream error: %s" % e}).encode()

    def control(self, url):
        parts = [p for p in url.path.split("/") if p]
        if parts[0] == "__stats":
            with lock:
                return self.reply(200, json.dumps({"mode": state["mode"], "requests": state["requests"]}).encode())
        if len(parts) == 1:
            return self.reply(200, state["mode"].encode(), ctype="text/plain")
        if parts[1] not in MODES:
            return self.reply(400, ("unknown mode; one of: " + " ".join(MODES)).encode(), ctype="text/plain")
        q = parse_qs(url.query)
        with lock:
            state["mode"] = parts[1]
            state["count"] = q.get("count", ["99999999999999999999999"])[0]
            state["health"] = q.get("health", ["0"])[0] == "1"
            state["requests"] = {}
        self.reply(200, parts[1].encode(), ctype="text/plain")

    def handle_any(self):
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if url.path.startswith("/__"):
            return self.control(url)
        kind = ("folder-listing" if "/folders/" in url.path else "by-filepaths" if "by-filepaths" in url.path
                else (url.path.split("/") + ["", ""])[2])
        with lock:
            state["requests"][kind] = state["requests"].get(kind, 0) + 1
            mode, count, hostile_health = state["mode"], state["count"], state["health"]
        if url.path.rstrip("/") == "/api/health" and not hostile_health:
            return self.reply(200, b'{"status": "ok"}')
        if mode in ("pass", "hugecount"):
            status, headers, data = self.upstream(body)
            if mode == "hugecount":
                headers.append(("X-Total-Count", count))
            return self.reply(status, data, headers)
        if mode == "garbage":
            return self.reply(200, b"<html><body>502 Bad Gateway</body></html>\x00\xff{not json" + os.urandom(256))
        if mode == "endless":
            self.head(200, [("Connection", "close")])
            self.close_connection = True
            try:
                self.wfile.write(b"[")
                while True:
                    self.wfile.write(CHUNK)
            except OSError:
                return  # the client hung up
        if mode == "slowdrip":
            status, headers, data = self.upstream(body)
            if status >= 300:
                data = b'{"status": "ok", "hits": []}'
            self.head(200, [("Content-Length", str(len(data)))])
            try:
                for i in range(len(data)):
                    self.wfile.write(data[i:i + 1])
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                self.close_connection = True

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients hanging up mid-body is the point


def main():
    global UPSTREAM
    ap = argparse.ArgumentParser(description="hostile Pensieve API stand-in (see module docstring)")
    ap.add_argument("--listen", required=True, help="127.0.0.1:PORT")
    ap.add_argument("--upstream", help="http://127.0.0.1:PORT of a real Pensieve (for pass, hugecount, slowdrip)")
    ap.add_argument("--mode", default="pass", choices=MODES)
    ap.add_argument("--pidfile")
    args = ap.parse_args()
    host, _, port = args.listen.rpartition(":")
    if host not in ("127.0.0.1", ""):
        ap.error("--listen must be on 127.0.0.1")
    UPSTREAM = urlsplit(args.upstream) if args.upstream else None
    state["mode"] = args.mode
    server = Server(("127.0.0.1", int(port)), Handler)

    def stop(*_): raise SystemExit(0)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)
    if args.pidfile:
        open(args.pidfile, "w").write(str(os.getpid()))
    print("hostile_http listening on 127.0.0.1:%d mode %s" % (server.server_address[1], state["mode"]), flush=True)
    try:
        server.serve_forever()
    finally:
        if args.pidfile and os.path.exists(args.pidfile):
            os.remove(args.pidfile)


if __name__ == "__main__":
    main()
