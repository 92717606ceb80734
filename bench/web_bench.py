#!/usr/bin/env python3
"""Many seats on one `triage serve` (issue #13's benchmark; bench/README.md, "The web console").

N simulated operator consoles, each its own user and its own keep-alive connection, walk calls
of the shipped rules concurrently against one server with a SQLite log: sign in (not measured:
Argon2id), then start a call, answer every stop (first option, or a random one with --random),
type the SNILS / phone a field asks for, record a callback, finish; again until the time is up.
B board streams (supervisors on /board/events) stay open meanwhile when the server has a board.

Reports per seat count: steps per second, step latency p50 / p90 / p99 (one POST and its page),
the server's resident memory with every seat in an open call, and its CPU seconds. Before the
first level the server's memory with no seat is printed. Not a test: nothing here passes or
fails on a time.

    bench/web_bench.py build/triage [--seats 20,50,100,200] [--seconds 20] [--boards 20]
"""
import argparse
import hashlib
import http.client
import os
import random
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "..", "rules")
PASSWORD = "пароль-места-1234"
SNILS = "112-233-445 95"
PHONE = "+7 912 345-67-89"

FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
LABEL = re.compile(r'aria-label="([^"]*)"')


def unescape(s):
    return s.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&")


class Seat:
    """One console: a user, one keep-alive connection, its own cookie."""

    def __init__(self, port, name, rng, cookie=""):
        self.port, self.name, self.rng = port, name, rng
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = cookie
        self.latencies = []
        self.steps = 0
        self.errors = 0
        self.page = ""

    def request(self, method, path, fields=None):
        body = urllib.parse.urlencode(fields) if fields is not None else None
        headers = {"Cookie": self.cookie}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read().decode("utf-8", "replace")
                return r, data
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    def open(self):
        """The console's first page, with the session stored for this seat."""
        _, page = self.request("GET", "/")
        return page

    def sign_in(self):
        r, page = self.request("GET", "/login")
        set_cookie = r.getheader("Set-Cookie") or ""
        self.cookie = set_cookie.split(";")[0]
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        r, _ = self.request("POST", "/login", {"name": self.name, "password": PASSWORD, "csrf": token})
        cookies = r.getheader("Set-Cookie") or ""
        self.cookie = cookies.split(";")[0]
        if r.status != 303 or not self.cookie.startswith("triage_session="):
            raise SystemExit("sign-in failed for %s: %d" % (self.name, r.status))
        _, page = self.request("GET", "/")
        return page

    def post(self, action, fields):
        t0 = time.perf_counter()
        r, page = self.request("POST", action, fields)
        self.latencies.append(time.perf_counter() - t0)
        self.steps += 1
        if r.status >= 400:
            self.errors += 1
        if r.status == 303:
            _, page = self.request("GET", "/")
        return page

    def forms(self, page):
        out = []
        for action, inner in FORM.findall(page):
            fields = dict((n, unescape(v)) for n, v in HIDDEN.findall(inner))
            label = LABEL.search(inner)
            out.append((action, fields, label.group(1) if label else "", inner))
        return out

    def next_action(self, page, random_pick):
        """The form a careful operator would press next, filled in."""
        forms = self.forms(page)
        by = {}
        for f in forms:
            by.setdefault(f[0], []).append(f)
        if "/call/callback" in by:
            action, fields, _, _ = by["/call/callback"][0]
            fields.update({"phone": PHONE, "window": "0"})
            return action, fields
        if "/call/finish" in by:
            return by["/call/finish"][0][0], by["/call/finish"][0][1]
        if "/call/answer" in by:
            pick = self.rng.randrange(len(by["/call/answer"])) if random_pick else 0
            return by["/call/answer"][pick][0], by["/call/answer"][pick][1]
        if "/call/proceed" in by:
            return by["/call/proceed"][0][0], by["/call/proceed"][0][1]
        if "/call/input" in by:
            action, fields, label, inner = by["/call/input"][0]
            if "value" not in fields:
                fields["value"] = SNILS if label == "snils" else PHONE if label == "phone" else "Иванов Иван Иванович"
            return action, fields
        if "/call/start" in by:
            action, fields, _, _ = by["/call/start"][0]
            fields.update({"case": self.rng.choice(["forgot-password", "confirm-account", "duplicate-snils",
                                                    "register", "changed-phone"]), "quarantine": "", "region": "default"})
            return action, fields
        return None, None

    def walk(self, until, random_pick):
        """Walks calls from the page it is on until `until`; a failed request counts as an error."""
        page = self.page
        try:
            while time.time() < until:
                action, fields = self.next_action(page, random_pick)
                if action is None:
                    self.errors += 1
                    _, page = self.request("GET", "/")
                    continue
                page = self.post(action, fields)
        except (OSError, http.client.HTTPException):
            self.errors += 1
            page = ""
        self.page = page or self.request("GET", "/")[1]


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def board_reader(port, cookie, stop, counts, i):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", "/board/events", headers={"Cookie": cookie, "Accept": "text/event-stream"})
        r = conn.getresponse()
        if r.status != 200:
            return
        while not stop.is_set():
            line = r.fp.readline()
            if not line:
                break
            if line.startswith(b"event:") or line == b"\n":
                counts[i] += line == b"\n"
    except (OSError, http.client.HTTPException):
        pass


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100.0 * len(xs)))] if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("triage")
    ap.add_argument("--seats", default="20,50,100,200")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--boards", type=int, default=20)
    ap.add_argument("--random", action="store_true", help="a random option at each question")
    a = ap.parse_args()
    seats = [int(s) for s in a.seats.split(",")]
    tmp = tempfile.mkdtemp(prefix="triage-web-bench-")
    db = os.path.join(tmp, "calls.db")
    print("machine: %d cores, load average %s" % (os.cpu_count(), open("/proc/loadavg").read().split()[:3]))
    # One real account through `triage user add` (its Argon2id hash), copied for every seat, and a
    # browser session per seat stored as the server stores one (the SHA-256 of the cookie token):
    # the seats start signed in. A sign-in is Argon2id and is timed apart, once.
    subprocess.run([a.triage, "user", "add", "seat000", "--role", "operator", "--db", db],
                   input=(PASSWORD + "\n").encode(), check=True, stdout=subprocess.DEVNULL)
    names = ["seat%03d" % i for i in range(max(seats))] + ["board%02d" % i for i in range(a.boards)]
    cookies = {}
    with sqlite3.connect(db) as c:
        now = int(time.time() * 1000)
        for name in names:
            role = "supervisor" if name.startswith("board") else "operator"
            if name != "seat000":
                c.execute("INSERT INTO web_users(name, role, password_hash, disabled, lang, created_at, updated_at) "
                          "SELECT ?, ?, password_hash, 0, 'ru', created_at, updated_at FROM web_users WHERE name = 'seat000'",
                          (name, role))
            token = secrets.token_hex(32)
            c.execute("INSERT INTO web_sessions(token_hash, user_name, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                      (hashlib.sha256(token.encode()).hexdigest(), name, secrets.token_hex(32), now, now + 8 * 3600 * 1000))
            cookies[name] = "triage_session=" + token
    server = subprocess.Popen([a.triage, "serve", "--listen", "127.0.0.1:0", "--db", db, "--rules", RULES],
                              stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    line = server.stderr.readline().decode()
    port = int(re.search(r":(\d+)/", line).group(1))
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
    try:
        # The boards: one stream each, open throughout (skipped when the server has none).
        stop = threading.Event()
        counts = [0] * a.boards
        readers = []
        for i in range(a.boards):
            t = threading.Thread(target=board_reader, args=(port, cookies["board%02d" % i], stop, counts, i), daemon=True)
            t.start()
            readers.append(t)
        time.sleep(1)
        print("board streams: %d asked, %d streaming" % (len(readers), sum(1 for t in readers if t.is_alive())))
        # One sign-in as a person does it (Argon2id verification on the server).
        t_sign = time.perf_counter()
        Seat(port, "seat000", random.Random(0)).sign_in()
        print("one sign-in: %.0f ms" % (1000 * (time.perf_counter() - t_sign)))
        print("server RSS with no seat: %.1f MB" % (rss_kib(server.pid) / 1024.0))
        print()
        print("| seats | steps/s | p50 ms | p90 ms | p99 ms | errors | server RSS, every seat in a call | server CPU s | board events |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
        pool = []  # seats signed in so far: a sign-in is Argon2id, so each seat signs in once
        for n in seats:
            while len(pool) < n:
                name = "seat%03d" % len(pool)
                seat = Seat(port, name, random.Random(len(pool)), cookies[name])
                seat.page = seat.open()
                pool.append(seat)
            workers = pool[:n]
            # Memory: every seat holding one open call (the first step of a call starts it).
            for w in workers:
                if "/call/start" in w.page:
                    action, fields = w.next_action(w.page, a.random)
                    w.page = w.post(action, fields)
            during = rss_kib(server.pid)
            # Throughput and latency: every seat walking calls for a.seconds.
            for w in workers:
                w.latencies, w.steps, w.errors = [], 0, 0
            events0 = sum(counts)
            cpu0 = cpu_seconds(server.pid)
            until = time.time() + a.seconds
            t_start = time.time()
            ts = [threading.Thread(target=w.walk, args=(until, a.random)) for w in workers]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            elapsed = time.time() - t_start
            lat = [x for w in workers for x in w.latencies]
            steps = sum(w.steps for w in workers)
            print("| %d | %.0f | %.1f | %.1f | %.1f | %d | %.1f MB | %.1f | %d |" % (
                n, steps / elapsed, 1000 * percentile(lat, 50), 1000 * percentile(lat, 90), 1000 * percentile(lat, 99),
                sum(w.errors for w in workers), during / 1024.0, cpu_seconds(server.pid) - cpu0, sum(counts) - events0))
            sys.stdout.flush()
        stop.set()
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
