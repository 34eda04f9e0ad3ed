#!/usr/bin/env python3
"""A real, local Hugging Face hub for tests, benchmarks and `pytrack demo`.

Serves a folder laid out as <root>/<org>/<name>/<revision>/<files...> with the parts of the hub
protocol pytrack speaks (see docs in tools/testhub/README.md):

  GET  /api/models/{org}/{name}/refs
  GET  /api/models/{org}/{name}/revision/{rev}
  GET  /api/models/{org}/{name}/tree/{rev}[/{dir}]?recursive=1[&cursor=N]   (Link: rel="next" pages)
  HEAD/GET /{org}/{name}/resolve/{rev}/{path}      (302 to the CDN listener for .safetensors/.bin)
  HEAD/GET /cdn/{org}/{name}/{revdir}/{path}      (on the second listener: another host and port)

Control (API listener only):
  GET  /_control/log        JSON list of requests (listener, method, path, range, auth, status)
  DELETE /_control/log      clear the log
  POST /_control/faults     JSON list of faults (replaces the active set); GET returns it

A fault is a JSON object: {"kind": K, "match": "substring of the URL path" (optional),
"listener": "api"|"cdn" (optional), "count": N (times it fires; -1 = always, default 1), ...}
with K one of
  429        answer 429 with Retry-After: t and RateLimit: "api";r=0;t=t  ("retry_after", default 1)
  5xx        answer "status" (default 503)
  drop       send headers and "after_bytes" of the body (default half), then drop the connection
  truncate   Content-Length says the full size, send all but "missing_bytes" (default 1), then close
  corrupt    send the right length with bytes flipped (sha256 mismatch)
  throttle   send at most "bytes_per_sec" (default 1 MiB/s)
  ignore_range  answer 200 with the whole body even when a Range was asked for
  inject_entry  append the object "entry" to a tree page (e.g. a hostile path like "../x")
  missing    the revision "revision" does not exist (RevisionNotFound), whatever the folder holds
Hostile kinds (the attacks pytrack must survive; see docs/security.md, "Hostile hub"):
  5xx        also takes "retry_after" (seconds) and "error_code" (an X-Error-Code value, any text)
  oversize   a file body "extra_bytes" (default 64 MiB) longer than the file; "chunked": true sends it
             with Transfer-Encoding: chunked, else Content-Length announces the longer length
  link       a tree page's Link: rel="next" is "next", with {self} (this request's URL), {api},
             {cdn} and {n} (a counter) substituted
  big_page   append "entries" synthetic file entries to a tree page
  big_refs   append "branches" synthetic branches to the refs answer
  trickle    an API answer sent at "bytes_per_sec" (default 2)
  silence    an API answer's headers, then "seconds" (default 3600) of silence
  no_answer  accept the request, then say nothing for "seconds" (default 3600)
  redirect   a /resolve/ answer 302 to "location" (any text: gopher://..., a malformed URL)
  big_headers  an API answer with "headers" (default 100000) extra header lines of 100 bytes

Prints `READY http://127.0.0.1:PORT` once both listeners are up; exits when stdin closes (unless
--ignore-stdin) or on SIGTERM/SIGINT. File sizes and hashes are computed once per file on first use
and cached; bodies are streamed (os.sendfile or bounded chunks), never read whole.
"""
import argparse
import hashlib
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LFS_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".h5", ".msgpack", ".ckpt")
STEP_RE = re.compile(r"^step(\d+)$")
CHUNK = 1 << 20


class HubState:
    """Everything shared between the two listeners: the tree, hash cache, faults and log."""

    def __init__(self, root, page_size, faults):
        self.root = os.path.realpath(root)
        self.page_size = page_size
        self.lock = threading.Lock()
        self.faults = list(faults)
        self.log = []
        self.hash_cache = {}  # (abs path, size, mtime_ns) -> (sha256, git sha1)
        self.api_base = ""
        self.cdn_base = ""
        self.link_counter = 0

    # ---- repository layout -------------------------------------------------------------
    def repo_dir(self, repo):
        parts = repo.split("/")
        if len(parts) != 2 or any(p in ("", ".", "..") for p in parts):
            return None
        d = os.path.join(self.root, *parts)
        return d if os.path.isdir(d) else None

    def revisions(self, repo):
        d = self.repo_dir(repo)
        if d is None:
            return []
        hidden = self.hidden_revisions(repo)
        return sorted(r for r in os.listdir(d) if os.path.isdir(os.path.join(d, r)) and r not in hidden)

    def hidden_revisions(self, repo):
        with self.lock:
            return {f.get("revision") for f in self.faults
                    if f.get("kind") == "missing" and f.get("count", -1) != 0
                    and f.get("repo") in (None, repo)}

    def revision_dir(self, repo, rev):
        """Maps a revision (branch name, `main`, or commit sha) to its folder name, or None."""
        revs = self.revisions(repo)
        if rev in revs:
            return rev
        if rev == "main":
            steps = [(int(m.group(1)), r) for r in revs for m in [STEP_RE.match(r)] if m]
            if steps:
                return max(steps)[1]
            return None
        if re.fullmatch(r"[0-9a-f]{40}", rev or ""):
            for r in revs:
                if self.commit(repo, r) == rev:
                    return r
        return None

    def files(self, repo, revdir):
        base = os.path.join(self.repo_dir(repo), revdir)
        out = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for fn in sorted(filenames):
                full = os.path.join(dirpath, fn)
                out.append(os.path.relpath(full, base).replace(os.sep, "/"))
        return sorted(out)

    def file_path(self, repo, revdir, path):
        base = os.path.realpath(os.path.join(self.repo_dir(repo), revdir))
        full = os.path.realpath(os.path.join(base, path))
        if not full.startswith(base + os.sep) or not os.path.isfile(full):
            return None
        return full

    def hashes(self, full):
        st = os.stat(full)
        key = (full, st.st_size, st.st_mtime_ns)
        with self.lock:
            if key in self.hash_cache:
                return self.hash_cache[key]
        sha256 = hashlib.sha256()
        sha1 = hashlib.sha1(b"blob %d\0" % st.st_size)
        with open(full, "rb") as f:
            while True:
                b = f.read(CHUNK)
                if not b:
                    break
                sha256.update(b)
                sha1.update(b)
        value = (sha256.hexdigest(), sha1.hexdigest())
        with self.lock:
            self.hash_cache[key] = value
        return value

    def is_lfs(self, path):
        return path.endswith(LFS_SUFFIXES)

    def entry(self, repo, revdir, path):
        full = self.file_path(repo, revdir, path)
        size = os.path.getsize(full)
        sha256, sha1 = self.hashes(full)
        e = {"type": "file", "path": path, "size": size, "oid": sha1}
        if self.is_lfs(path):
            pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n" % (sha256, size)
            e["oid"] = hashlib.sha1(b"blob %d\0" % len(pointer) + pointer.encode()).hexdigest()
            e["lfs"] = {"oid": sha256, "size": size, "pointerSize": len(pointer)}
        return e

    def commit(self, repo, revdir):
        h = hashlib.sha1()
        for p in self.files(repo, revdir):
            sha256, _ = self.hashes(self.file_path(repo, revdir, p))
            h.update(("%s\0%s\n" % (p, sha256)).encode())
        return h.hexdigest()

    # ---- faults and log ----------------------------------------------------------------
    def take_fault(self, listener, path, kinds):
        with self.lock:
            for f in self.faults:
                if f.get("kind") not in kinds or f.get("count", 1) == 0:
                    continue
                if f.get("listener") not in (None, listener):
                    continue
                if f.get("match") and f["match"] not in path:
                    continue
                if f.get("count", 1) > 0:
                    f["count"] = f.get("count", 1) - 1
                return dict(f)
        return None

    def record(self, item):
        with self.lock:
            self.log.append(item)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pytrack-testhub/1"
    listener = "api"

    def log_message(self, fmt, *args):  # quiet: the request log is in /_control/log
        pass

    @property
    def state(self):
        return self.server.state

    # ---- plumbing ----------------------------------------------------------------------
    def _log(self, status):
        self.state.record({
            "listener": self.listener, "method": self.command, "path": self.path,
            "range": self.headers.get("Range"), "auth": self.headers.get("Authorization") is not None,
            "status": status, "time": time.time(),
        })

    def send_json(self, status, obj, extra=None):
        body = json.dumps(obj).encode()
        slow = None
        if self.listener == "api" and not self.path.startswith("/_control/"):
            slow = self.state.take_fault(self.listener, urllib.parse.unquote(self.path), ("trickle", "silence"))
        big = None
        if self.listener == "api" and not self.path.startswith("/_control/"):
            big = self.state.take_fault(self.listener, urllib.parse.unquote(self.path), ("big_headers",))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if big:
            for i in range(int(big.get("headers", 100000))):
                self.send_header("X-Junk-%d" % i, "j" * 80)
        for k, v in (extra or {}).items():
            # Header values may carry hostile text (control characters); only CR/LF would break framing.
            self.send_header(k, str(v).replace("\r", "").replace("\n", ""))
        self._log(status)  # before the headers leave: a client may hang up on them
        self.end_headers()
        if self.command == "HEAD":
            return
        if slow and slow["kind"] == "silence":
            self.wfile.flush()
            time.sleep(float(slow.get("seconds", 3600)))
            self.close_connection = True
            return
        if slow and slow["kind"] == "trickle":
            rate = max(1, int(slow.get("bytes_per_sec", 2)))
            for i in range(0, len(body), rate):
                self.wfile.write(body[i:i + rate])
                self.wfile.flush()
                time.sleep(1)
            return
        self.wfile.write(body)

    def send_error_code(self, status, code, message):
        self.send_json(status, {"error": message}, {"X-Error-Code": code} if code else None)

    def early_fault(self, path):
        f = self.state.take_fault(self.listener, path, ("429", "5xx", "no_answer"))
        if f is None:
            return False
        if f["kind"] == "no_answer":
            self._log(0)
            time.sleep(float(f.get("seconds", 3600)))
            self.close_connection = True
            return True
        if f["kind"] == "429":
            t = str(f.get("retry_after", 1))
            self.send_json(429, {"error": "rate limited"},
                           {"Retry-After": t, "RateLimit": '"api";r=0;t=%s' % t,
                            "RateLimit-Policy": '"fixed window";"api";q=1000;w=300'})
        else:
            extra = {}
            if "retry_after" in f:
                extra["Retry-After"] = str(f["retry_after"])
            if "error_code" in f:
                extra["X-Error-Code"] = str(f["error_code"])
            self.send_json(int(f.get("status", 503)), {"error": "server fault"}, extra)
        return True

    def do_HEAD(self):
        self.route()

    def do_GET(self):
        self.route()

    def do_POST(self):
        self.route()

    def do_DELETE(self):
        self.route()

    def route(self):
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _route(self):
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        query = urllib.parse.parse_qs(url.query)
        if self.listener == "api" and path.startswith("/_control/"):
            return self.control(path)
        if self.early_fault(path):
            return
        if self.listener == "cdn":
            m = re.match(r"^/cdn/([^/]+/[^/]+)/([^/]+)/(.+)$", path)
            if not m or self.command not in ("GET", "HEAD"):
                return self.send_error_code(404, None, "not found")
            return self.serve_file(m.group(1), m.group(2), m.group(3))
        m = re.match(r"^/api/models/([^/]+/[^/]+)/(refs|revision|tree)(?:/(.*))?$", path)
        if m and self.command == "GET":
            repo, kind, rest = m.group(1), m.group(2), m.group(3) or ""
            if self.state.repo_dir(repo) is None:
                return self.send_error_code(404, "RepoNotFound", "Repository %s not found" % repo)
            if kind == "refs":
                return self.refs(repo)
            rev, _, sub = rest.partition("/")
            revdir = self.state.revision_dir(repo, rev)
            if revdir is None:
                return self.send_error_code(404, "RevisionNotFound", "Invalid rev id: %s" % rev)
            if kind == "revision":
                return self.revision(repo, revdir)
            return self.tree(repo, revdir, rev, sub.strip("/"), query)
        m = re.match(r"^/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$", path)
        if m and self.command in ("GET", "HEAD"):
            repo, rev, fpath = m.groups()
            if self.state.repo_dir(repo) is None:
                return self.send_error_code(404, "RepoNotFound", "Repository %s not found" % repo)
            revdir = self.state.revision_dir(repo, rev)
            if revdir is None:
                return self.send_error_code(404, "RevisionNotFound", "Invalid rev id: %s" % rev)
            full = self.state.file_path(repo, revdir, fpath)
            if full is None:
                return self.send_error_code(404, "EntryNotFound", "%s does not exist at %s" % (fpath, rev))
            commit = self.state.commit(repo, revdir)
            redirect = self.state.take_fault(self.listener, path, ("redirect",))
            if redirect:
                self.send_response(302)
                self.send_header("Location", str(redirect.get("location", "")).replace("\r", "").replace("\n", ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                self._log(302)
                return
            if self.state.is_lfs(fpath):
                sha256, _ = self.state.hashes(full)
                size = os.path.getsize(full)
                loc = "%s/cdn/%s/%s/%s" % (self.state.cdn_base, repo, urllib.parse.quote(revdir),
                                           urllib.parse.quote(fpath))
                body = b""
                self.send_response(302)
                self.send_header("Location", loc)
                self.send_header("X-Repo-Commit", commit)
                self.send_header("X-Linked-Etag", '"%s"' % sha256)
                self.send_header("X-Linked-Size", str(size))
                self.send_header("ETag", '"%s"' % self.state.entry(repo, revdir, fpath)["oid"])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self._log(302)
                return
            return self.serve_file(repo, revdir, fpath, commit=commit)
        return self.send_error_code(404, None, "not found: %s" % path)

    # ---- API ---------------------------------------------------------------------------
    def refs(self, repo):
        branches = [{"name": r, "ref": "refs/heads/%s" % r, "targetCommit": self.state.commit(repo, r)}
                    for r in self.state.revisions(repo)]
        if "main" not in self.state.revisions(repo):
            main = self.state.revision_dir(repo, "main")
            if main:
                branches.append({"name": "main", "ref": "refs/heads/main",
                                 "targetCommit": self.state.commit(repo, main)})
        big = self.state.take_fault(self.listener, self.path, ("big_refs",))
        if big:
            branches += [{"name": "junk%d" % i, "ref": "refs/heads/junk%d" % i, "targetCommit": "0" * 40}
                         for i in range(int(big.get("branches", 1000)))]
        self.send_json(200, {"branches": branches, "converts": [], "tags": []})

    def revision(self, repo, revdir):
        self.send_json(200, {
            "id": repo, "modelId": repo, "sha": self.state.commit(repo, revdir), "private": False,
            "siblings": [{"rfilename": p} for p in self.state.files(repo, revdir)],
        })

    def tree(self, repo, revdir, rev, sub, query):
        recursive = query.get("recursive", ["0"])[0] in ("1", "true", "True")
        entries, dirs = [], set()
        for p in self.state.files(repo, revdir):
            if sub and not p.startswith(sub + "/"):
                continue
            rel = p[len(sub) + 1:] if sub else p
            if "/" in rel and not recursive:
                d = (sub + "/" if sub else "") + rel.split("/")[0]
                if d not in dirs:
                    dirs.add(d)
                    entries.append({"type": "directory", "path": d, "size": 0, "oid": "0" * 40})
                continue
            parts = p.split("/")
            for i in range(1, len(parts)):
                d = "/".join(parts[:i])
                if recursive and d not in dirs and (not sub or d.startswith(sub + "/")):
                    dirs.add(d)
                    entries.append({"type": "directory", "path": d, "size": 0,
                                    "oid": hashlib.sha1(d.encode()).hexdigest()})
            entries.append(self.state.entry(repo, revdir, p))
        try:
            cursor = max(0, int(query.get("cursor", ["0"])[0]))
        except ValueError:
            return self.send_error_code(400, None, "bad cursor")
        page = entries[cursor:cursor + self.state.page_size]
        inject = self.state.take_fault(self.listener, self.path, ("inject_entry",))
        if inject and isinstance(inject.get("entry"), dict):
            page = page + [inject["entry"]]
        big = self.state.take_fault(self.listener, self.path, ("big_page",))
        if big:
            page = page + [{"type": "file", "path": "junk/%07d.txt" % i, "size": 1, "oid": "%040x" % i}
                           for i in range(int(big.get("entries", 1000)))]
        extra = {}
        if cursor + self.state.page_size < len(entries):
            q = {"cursor": str(cursor + self.state.page_size)}
            if recursive:
                q["recursive"] = "1"
            nxt = "%s/api/models/%s/tree/%s%s?%s" % (
                self.state.api_base, repo, urllib.parse.quote(rev, safe=""),
                ("/" + urllib.parse.quote(sub)) if sub else "", urllib.parse.urlencode(q))
            extra["Link"] = '<%s>; rel="next"' % nxt
        link = self.state.take_fault(self.listener, self.path, ("link",))
        if link:
            with self.state.lock:
                self.state.link_counter += 1
                n = self.state.link_counter
            nxt = (str(link.get("next", "{self}")).replace("{self}", self.state.api_base + self.path)
                   .replace("{api}", self.state.api_base).replace("{cdn}", self.state.cdn_base).replace("{n}", str(n)))
            extra["Link"] = '<%s>; rel="next"' % nxt
        self.send_json(200, page, extra)

    # ---- files -------------------------------------------------------------------------
    def serve_file(self, repo, revdir, fpath, commit=None):
        if self.state.repo_dir(repo) is None or revdir not in self.state.revisions(repo):
            return self.send_error_code(404, "RevisionNotFound", "Invalid rev id: %s" % revdir)
        full = self.state.file_path(repo, revdir, fpath)
        if full is None:
            return self.send_error_code(404, "EntryNotFound", "%s does not exist" % fpath)
        size = os.path.getsize(full)
        sha256, sha1 = self.state.hashes(full)
        key = self.path
        f = None
        if self.command == "GET":
            f = self.state.take_fault(self.listener, urllib.parse.unquote(key),
                                      ("drop", "truncate", "corrupt", "throttle", "ignore_range", "oversize"))
        if f and f["kind"] == "oversize":
            return self.serve_oversize(full, size, f)
        start, end = 0, size - 1
        status = 200
        rng = self.headers.get("Range")
        if rng and not (f and f["kind"] == "ignore_range"):
            m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng.strip())
            if not m:
                return self.send_error_code(416, None, "bad range")
            start = int(m.group(1))
            if m.group(2):
                end = min(int(m.group(2)), size - 1)
            if start >= size or start > end:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self._log(416)
                return
            status = 206
        length = end - start + 1 if size > 0 else 0
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", '"%s"' % (sha256 if self.state.is_lfs(fpath) else sha1))
        if commit:
            self.send_header("X-Repo-Commit", commit)
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        self._log(status)
        if self.command == "HEAD" or length == 0:
            return
        send = length
        if f and f["kind"] == "drop":
            send = min(length, int(f.get("after_bytes", length // 2)))
        elif f and f["kind"] == "truncate":
            send = max(0, length - int(f.get("missing_bytes", 1)))
        with open(full, "rb") as fh:
            if f is None or f["kind"] == "ignore_range":
                self.connection.sendfile(fh, start, send)
            else:
                self.stream(fh, start, send, f)
        if send < length:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def serve_oversize(self, full, size, fault):
        """The file, then "extra_bytes" more: a body longer than the size the tree declared."""
        extra = int(fault.get("extra_bytes", 64 << 20))
        chunked = bool(fault.get("chunked", False))
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size + extra))
        self.end_headers()
        self._log(200)
        self.close_connection = True

        def emit(b):
            if chunked:
                self.wfile.write(b"%x\r\n" % len(b) + b + b"\r\n")
            else:
                self.wfile.write(b)
        try:
            with open(full, "rb") as fh:
                while True:
                    b = fh.read(CHUNK)
                    if not b:
                        break
                    emit(b)
            junk = b"\xa5" * CHUNK
            left = extra
            while left > 0:
                emit(junk[:min(CHUNK, left)])
                left -= min(CHUNK, left)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def stream(self, fh, start, count, fault):
        fh.seek(start)
        rate = int(fault.get("bytes_per_sec", 1 << 20)) if fault["kind"] == "throttle" else 0
        chunk = min(CHUNK, max(1024, rate // 20)) if rate else CHUNK
        sent, t0, flipped = 0, time.monotonic(), False
        while sent < count:
            b = fh.read(min(chunk, count - sent))
            if not b:
                break
            if fault["kind"] == "corrupt" and not flipped:
                b = bytes([b[0] ^ 0xFF]) + b[1:]
                flipped = True
            self.wfile.write(b)
            sent += len(b)
            if rate:
                ahead = sent / rate - (time.monotonic() - t0)
                if ahead > 0:
                    time.sleep(ahead)

    # ---- control -----------------------------------------------------------------------
    def control(self, path):
        if path == "/_control/log":
            if self.command == "DELETE":
                with self.state.lock:
                    self.state.log.clear()
                return self.send_json(200, [])
            with self.state.lock:
                items = list(self.state.log)
            return self.send_json(200, items)
        if path == "/_control/faults":
            if self.command == "POST":
                n = int(self.headers.get("Content-Length", "0"))
                try:
                    faults = json.loads(self.rfile.read(n) or b"[]")
                    if isinstance(faults, dict):
                        faults = [faults]
                    assert isinstance(faults, list) and all(isinstance(x, dict) for x in faults)
                except Exception:
                    return self.send_error_code(400, None, "faults must be a JSON list of objects")
                with self.state.lock:
                    self.state.faults = faults
            with self.state.lock:
                faults = [dict(x) for x in self.state.faults]
            return self.send_json(200, faults)
        return self.send_error_code(404, None, "unknown control endpoint")


class CDNHandler(Handler):
    listener = "cdn"


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, handler, state):
        super().__init__(addr, handler)
        self.state = state


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True, help="folder with <org>/<name>/<revision>/<files>")
    ap.add_argument("--port", type=int, default=0, help="API port on 127.0.0.1 (0 = ephemeral)")
    ap.add_argument("--cdn-port", type=int, default=0, help="CDN port on localhost (0 = ephemeral)")
    ap.add_argument("--cdn-host", default="localhost", help="host name the 302 Location uses")
    ap.add_argument("--page-size", type=int, default=1000, help="tree entries per page")
    ap.add_argument("--fault", action="append", default=[], metavar="JSON",
                    help="a fault object (repeatable), e.g. '{\"kind\":\"429\",\"count\":2}'")
    ap.add_argument("--ignore-stdin", action="store_true", help="do not exit when stdin closes")
    return ap.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    if not os.path.isdir(args.root):
        print("hub_server: error: %s is not a folder" % args.root, file=sys.stderr)
        return 1
    faults = []
    for text in args.fault:
        try:
            obj = json.loads(text)
        except ValueError as e:
            print("hub_server: error: --fault %r: %s" % (text, e), file=sys.stderr)
            return 2
        faults.extend(obj if isinstance(obj, list) else [obj])
    state = HubState(args.root, max(1, args.page_size), faults)
    api = Server(("127.0.0.1", args.port), Handler, state)
    cdn_addr = "127.0.0.1" if args.cdn_host in ("localhost", "127.0.0.1") else args.cdn_host
    cdn = Server((cdn_addr, args.cdn_port), CDNHandler, state)
    state.api_base = "http://127.0.0.1:%d" % api.server_address[1]
    state.cdn_base = "http://%s:%d" % (args.cdn_host, cdn.server_address[1])
    for srv in (api, cdn):
        threading.Thread(target=srv.serve_forever, daemon=True).start()

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    if not args.ignore_stdin:
        def watch_stdin():
            try:
                while sys.stdin.buffer.read1(4096) if hasattr(sys.stdin.buffer, "read1") else sys.stdin.read(1):
                    pass
            except (OSError, ValueError):
                pass
            done.set()
        threading.Thread(target=watch_stdin, daemon=True).start()
    print("READY %s" % state.api_base, flush=True)
    while not done.wait(0.5):
        pass
    api.shutdown()
    cdn.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
