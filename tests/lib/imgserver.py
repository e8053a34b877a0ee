#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small HTTP server for vmdesk's image tests and benchmarks.

Serves the files of a folder on 127.0.0.1 with Range support, and bad
servers under path prefixes:
  /stall/F      sends half of F, then nothing (the connection stays open)
  /truncate/F   declares F's full length, sends half, closes
  /flaky/F      like /truncate the first time, then serves F with ranges
  /slow/F       serves F at about 2 MiB/s
  /trickle/F    declares F's full length, then sends 2 bytes a second
  /status/N     answers HTTP N
  /redirect/P   answers 302 with Location /P (a "latest" link)
A folder is served as its index.html (an autoindex page), if it has one.
Files carry an ETag; a Range whose If-Range differs gets the whole file.
Every request is logged as "METHOD PATH RANGE IF-RANGE" to the log file.
Usage: imgserver.py ROOT PORTFILE LOGFILE
"""
import http.server
import os
import sys
import threading
import time

ROOT, PORTFILE, LOGFILE = sys.argv[1], sys.argv[2], sys.argv[3]
seen = set()
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_file(self, path, mode):
        st = os.stat(path)
        size = st.st_size
        etag = '"%x-%x"' % (st.st_mtime_ns, size)
        start, end, code = 0, size, 200
        rng = self.headers.get("Range")
        ifr = self.headers.get("If-Range")
        if ifr is not None and ifr != etag:
            rng = None      # changed since: the whole file
        if rng and rng.startswith("bytes=") and mode in ("", "flaky", "slow"):
            a, _, b = rng[6:].partition("-")
            start = int(a)
            end = int(b) + 1 if b else size
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            code = 206
        self.send_response(code)
        self.send_header("Content-Length", str(end - start))
        if code == 206:
            self.send_header("Content-Range",
                             "bytes %d-%d/%d" % (start, end - 1, size))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.flush()
        with open(path, "rb") as f:
            if mode == "stall":
                f.seek(start)
                self.wfile.write(f.read((end - start) // 2))
                self.wfile.flush()
                time.sleep(3600)
                return
            if mode == "truncate":
                f.seek(start)
                self.wfile.write(f.read((end - start) // 2))
                self.wfile.flush()
                self.close_connection = True
                return
            if mode == "trickle":
                f.seek(start)
                left = end - start
                while left > 0:
                    chunk = f.read(min(left, 2))
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    left -= len(chunk)
                    time.sleep(1)
                return
            if mode == "slow":
                f.seek(start)
                left = end - start
                while left > 0:
                    chunk = f.read(min(left, 65536))
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    left -= len(chunk)
                    time.sleep(0.03)
                return
            self.connection.sendfile(f, start, end - start)

    def do_HEAD(self):
        with open(LOGFILE, "a") as log:
            log.write("HEAD %s - -\n" % self.path)
        rest = self.path.lstrip("/")
        if rest.startswith("redirect/"):
            self.redirect(rest[len("redirect/"):])
            return
        path = os.path.join(ROOT, rest)
        ok = ".." not in rest.split("/") and os.path.isfile(path)
        self.send_response(200 if ok else 404)
        self.send_header("Content-Length",
                         str(os.stat(path).st_size if ok else 0))
        self.end_headers()

    def redirect(self, target):
        self.send_response(302)
        self.send_header("Location", "http://%s:%d/%s" % (
            self.server.server_address[0], self.server.server_address[1],
            target))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        with open(LOGFILE, "a") as log:
            log.write("GET %s %s %s\n" % (self.path,
                                         self.headers.get("Range", "-"),
                                         self.headers.get("If-Range", "-")))
        parts = self.path.lstrip("/").split("/", 1)
        mode, rest = "", self.path.lstrip("/")
        if len(parts) == 2 and parts[0] in ("stall", "truncate", "flaky",
                                            "slow", "trickle", "status",
                                            "redirect"):
            mode, rest = parts
        if mode == "redirect":
            self.redirect(rest)
            return
        if mode == "status":
            self.send_response(int(rest))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "flaky":
            with lock:
                first = rest not in seen
                seen.add(rest)
            if first:
                mode = "truncate"
        path = os.path.join(ROOT, rest)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if ".." in rest.split("/") or not os.path.isfile(path):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            self.send_file(path, mode)
        except (BrokenPipeError, ConnectionResetError):
            pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
