#!/usr/bin/env python3
"""The benchmark's driver (started by bench/run after the builds). Standard library only.

For each operation of the mix it runs wrk at the chosen concurrency and records throughput,
p50/p95/p99 latency, SQL statements per request (from /metrics) and the server's peak RSS.
Then the baselines: the bench-no-authz build on the same queries, pgbench on hand-written SQL for
case by id, recordIncident on a 1% dataset, and a memory soak under mixed load. It writes
BENCHMARKS.md (the machine, the commit, every figure, the targets, a profile).
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
PG = "postgres://postgres@127.0.0.1:5432"
SECRET = "bench-signing-secret-0123456789abcdef-not-for-production"
PASSWORD = "asb-demo-2026"
OFFICER = "officer@police.demo"
SUPERVISOR = "supervisor@police.demo"
COUNCIL = "asb.officer@council.demo"
READS = ["case_by_id", "page_of_cases", "worklists", "dashboard", "dashboard_cold"]


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def psql(db, sql):
    out = sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-X", "-q", "-tA",
              "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql])
    return [line.split("\t") for line in out.splitlines() if line]


def db_exists(db):
    return bool(psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'"))


def incidents_in(db):
    try:
        return int(psql(db, "SELECT count(*) FROM incident")[0][0])
    except subprocess.CalledProcessError:
        return -1


# The planner's cost of a random page read, as set for SSDs (PostgreSQL's default, 4.0, models
# spinning disks and prefers reading whole tables to index probes). Set on the bench databases
# only, as a production database on SSDs would have it; BENCHMARKS.md says so.
RANDOM_PAGE_COST = "1.1"


def tune(db):
    psql("postgres", f"ALTER DATABASE {db} SET random_page_cost = {RANDOM_PAGE_COST}")


def load(db, scale, expected, reload):
    """Creates and seeds `db` unless it already holds this scale. Returns seconds taken or None."""
    # The run itself adds incidents (recordIncident), so "at least" the loaded number.
    if db_exists(db) and not reload and incidents_in(db) >= expected + 48:
        log(f"{db}: already loaded at scale {scale}")
        return None
    log(f"{db}: loading scale {scale}")
    if db_exists(db):
        sh(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", db])
    sh(["createdb", "-h", "127.0.0.1", "-U", "postgres", db])
    started = time.time()
    env = server_env(db, 0)
    out = sh([str(WORK / "asb-hub"), "seed", "--scale", str(scale)], env=env)
    took = time.time() - started
    log(out.strip().splitlines()[-1])
    return took


def server_env(db, port):
    env = dict(os.environ)
    env.update({
        "ASB_HUB_DATABASE_URL": f"{PG}/{db}",
        "ASB_HUB_BIND": f"127.0.0.1:{port}",
        "ASB_HUB_DATA_DIR": str(WORK / "data"),
        "ASB_HUB_JWT_SECRET": SECRET,
        "ASB_HUB_RATE_LIMIT_PER_USER": "100000000",
        "ASB_HUB_RATE_LIMIT_PER_CLIENT": "100000000",
        "ASB_HUB_ACCESS_TOKEN_TTL_SECONDS": "14400",
        "ASB_HUB_LOG_FORMAT": "json",
        "ASB_HUB_GRAPHIQL": "false",
    })
    return env


class Server:
    def __init__(self, binary, db, port):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        (WORK / "data").mkdir(parents=True, exist_ok=True)
        self.logfile = open(WORK / f"server-{binary.name}-{db}.log", "w")
        self.proc = subprocess.Popen([str(binary), "serve"], env=server_env(db, port),
                                     stdout=self.logfile, stderr=subprocess.STDOUT)
        for _ in range(600):
            if self.proc.poll() is not None:
                raise SystemExit(f"bench: the server exited ({self.proc.returncode}); "
                                 f"see {self.logfile.name}")
            try:
                with urllib.request.urlopen(self.url + "/health/ready", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("bench: the server did not become ready")

    def status(self, key):
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
        return 0.0

    def hwm(self):
        return self.status("VmHWM")

    def rss(self):
        return self.status("VmRSS")

    def statements(self):
        with urllib.request.urlopen(self.url + "/metrics", timeout=5) as r:
            for line in r.read().decode().splitlines():
                if line.startswith("asb_hub_db_statements_total "):
                    return float(line.split()[1])
        return 0.0

    def gql(self, query, variables=None, token=None):
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        req = urllib.request.Request(self.url + "/graphql", data=body, method="POST")
        req.add_header("content-type", "application/json")
        if token:
            req.add_header("authorization", "Bearer " + token)
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def login(self, email):
        a = self.gql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) "
                     "{ accessToken } }", {"e": email, "p": PASSWORD})
        return a["data"]["login"]["accessToken"]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.logfile.close()


def line(token, query, variables=None):
    return token + "\t" + json.dumps({"query": query, "variables": variables or {}})


CASE_BY_ID = """query($id: ID!) { case(id: $id) { id reference title status riskLevel nextReviewAt
  parties { role person { id givenName familyName dateOfBirth phone address } } } }"""
PAGE = """query { cases(first: 50) { edges { node { id reference title status riskLevel
  parties { role person { givenName familyName } } incidents { occurredAt category subType }
  actions { description dueDate status } } } pageInfo { hasNextPage endCursor } } }"""
REPEAT = """query($from: DateTime) { repeatVictims(from: $from, first: 20) { edges { node {
  incidentCount occurredAt person { givenName familyName } incident { occurredAt category } } } } }"""
OVERDUE = """query { overdueReviews(first: 20) { edges { node { reference title riskLevel
  nextReviewAt owner { displayName } } } } }"""
AWAITING = """query($from: DateTime) { victimsAwaitingAssessment(from: $from, first: 20) {
  edges { node { recordedAt person { givenName familyName } incident { occurredAt } } } } }"""
ACTIONS = """query { overdueActions(first: 20) { edges { node { count oldestDueDate
  owner { displayName } actions { description dueDate } } } } }"""
DASHBOARD = """query($from: DateTime!, $to: DateTime!) { dashboard(from: $from, to: $to) {
  incidentsByCategory { category count } openCasesByRisk { riskLevel count } repeatVictims
  medianDaysToFirstContact highRiskVictimsContacted overdueReviews averageSatisfaction
  satisfactionResponses caseReviewActivations assessmentsRequired assessmentsDone
  assessmentRate } }"""
RECORD = """mutation($i: RecordIncidentInput!) { recordIncident(input: $i) { id isRepeatVictim
  repeatVictimCount isRepeatLocation caseReviewEligible } }"""
UPDATE = """mutation($i: UpdateCaseInput!) { updateCase(input: $i) { id version } }"""


def police_id(db):
    return psql(db, "SELECT id FROM agency WHERE name = 'Northshire Police'")[0][0]


def ops_lines(db, tokens, n_updates, seed=1):
    """Request lines per operation, from the data in `db`."""
    rnd = random.Random(seed)
    police = police_id(db)
    visible = f"""(c.lead_agency_id = '{police}' OR c.id IN (SELECT case_id FROM case_share
        WHERE agency_id = '{police}' AND revoked_at IS NULL))"""
    ids = [r[0] for r in psql(db, f"SELECT c.id FROM asb_case c WHERE {visible} "
                                  "ORDER BY md5(c.id::text) LIMIT 5000")]
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    month = (now - dt.timedelta(days=30)).isoformat().replace("+00:00", "Z")
    iso_now = now.isoformat().replace("+00:00", "Z")
    o, s, c = tokens[OFFICER], tokens[SUPERVISOR], tokens[COUNCIL]
    # Victims the officer may name: people the police recorded.
    victims = psql(db, f"""SELECT ip.person_id, i.location_id FROM incident_party ip
        JOIN incident i ON i.id = ip.incident_id JOIN person p ON p.id = ip.person_id
        WHERE ip.part = 'victim' AND p.created_by_agency_id = '{police}'
        ORDER BY md5(ip.id::text) LIMIT 20000""")
    kinds = [("PERSONAL", "harassment"), ("NUISANCE", "noise"), ("ENVIRONMENTAL", "graffiti")]
    records = []
    for k, (person, location) in enumerate(victims):
        cat, sub = kinds[k % 3]
        at = (now - dt.timedelta(minutes=rnd.randint(30, 600))).isoformat().replace("+00:00", "Z")
        records.append(line(o, RECORD, {"i": {
            "occurredAt": at, "channel": "PHONE", "category": cat, "subType": sub,
            "description": "Benchmark call: caller reports a repeat of last week's behaviour",
            "locationId": location, "parties": [{"part": "VICTIM", "personId": person}]}}))
    return {
        "case_by_id": [line(o, CASE_BY_ID, {"id": i}) for i in ids],
        "page_of_cases": [line(o, PAGE)],
        "worklists": [line(o, REPEAT, {"from": month}), line(s, OVERDUE),
                      line(o, AWAITING, {"from": month}), line(o, ACTIONS)],
        "dashboard": [line(s, DASHBOARD, {"from": month, "to": iso_now}),
                      line(c, DASHBOARD, {"from": month, "to": iso_now})],
        # A different period each request (its start moved by seconds): never a held answer.
        "dashboard_cold": [line(t, DASHBOARD, {"from": shifted(now, k), "to": iso_now})
                           for k in range(1, 3001) for t in (s, c)],
        "record_incident": records,
        "update_case": update_lines(db, o, police, n_updates),
    }


def shifted(now, k):
    """The start of a 30-day period moved back by `k` seconds."""
    at = now - dt.timedelta(days=30, seconds=k)
    return at.isoformat().replace("+00:00", "Z")


def update_lines(db, token, police, n):
    rows = psql(db, f"""SELECT id, version FROM asb_case WHERE lead_agency_id = '{police}'
        AND status <> 'closed' ORDER BY md5(id::text || version::text) LIMIT {n}""")
    return [line(token, UPDATE, {"i": {"id": i, "version": int(v),
                                       "summary": f"Benchmark update {k}"}})
            for k, (i, v) in enumerate(rows)]


def wrk(server, name, lines, duration, conns, threads=2):
    path = WORK / f"bodies-{name}.txt"
    path.write_text("\n".join(lines) + "\n")
    env = dict(os.environ, BENCH_BODIES=str(path), BENCH_THREADS=str(threads))
    before = server.statements()
    out = sh(["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "--timeout", "10s",
              "-s", str(ROOT / "bench" / "bodies.lua"), server.url], env=env)
    after = server.statements()
    drain(server)
    result = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
    secs = result["duration_us"] / 1e6
    result.update({
        "op": name,
        "rps": result["requests"] / secs if secs else 0.0,
        "stmts": (after - before) / result["requests"] if result["requests"] else 0.0,
        "hwm_mb": server.hwm(),
    })
    log(f"{name}: {result['rps']:.0f} req/s, p50 {result['p50_us']/1000:.1f} ms, "
        f"p99 {result['p99_us']/1000:.1f} ms, {result['stmts']:.1f} statements/request, "
        f"errors {result['errors']}, conflicts {result['conflicts']}")
    return result


def drain(server, limit=240):
    """Waits until requests still running when wrk stopped have finished (the statement
    counter stands still for 2 s), so a slow operation's backlog does not land on the next."""
    last, still = server.statements(), 0
    for _ in range(limit * 2):
        time.sleep(0.5)
        now = server.statements()
        still = still + 1 if now == last else 0
        if still >= 4:
            return
        last = now


def tokens_for(server):
    return {e: server.login(e) for e in (OFFICER, SUPERVISOR, COUNCIL)}


def pgbench(db, duration, conns):
    police = police_id(db)
    psql(db, """CREATE SCHEMA IF NOT EXISTS bench; DROP TABLE IF EXISTS bench.case_ids;
        CREATE TABLE bench.case_ids (n int PRIMARY KEY, id uuid NOT NULL)""")
    psql(db, f"""INSERT INTO bench.case_ids SELECT row_number() OVER (ORDER BY md5(c.id::text)),
        c.id FROM asb_case c WHERE c.lead_agency_id = '{police}' OR c.id IN (SELECT case_id
        FROM case_share WHERE agency_id = '{police}' AND revoked_at IS NULL) LIMIT 5000""")
    n = int(psql(db, "SELECT count(*) FROM bench.case_ids")[0][0])
    script = WORK / "case_by_id.sql"
    script.write_text(f"""\\set n random(1, {n})
SELECT c.* FROM asb_case c JOIN bench.case_ids b ON b.id = c.id WHERE b.n = :n
  AND (c.lead_agency_id = '{police}' OR c.id IN (SELECT case_id FROM case_share
  WHERE agency_id = '{police}' AND revoked_at IS NULL));
SELECT cp.* FROM case_party cp JOIN bench.case_ids b ON b.id = cp.case_id WHERE b.n = :n;
SELECT p.* FROM person p JOIN case_party cp ON cp.person_id = p.id
  JOIN bench.case_ids b ON b.id = cp.case_id WHERE b.n = :n;
""")
    out = sh(["pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-M", "prepared",
              "-f", str(script), "-c", str(conns), "-j", "2", "-T", str(duration), db])
    tps = float(re.search(r"tps = ([0-9.]+)", out).group(1))
    lat = re.search(r"latency average = ([0-9.]+) ms", out)
    log(f"pgbench case by id: {tps:.0f} tps")
    return {"tps": tps, "latency_ms": float(lat.group(1)) if lat else None,
            "script": script.read_text()}


def profile(server, lines, seconds):
    """CPU profile of the whole machine while the page of cases runs: which process, then which
    functions of the server."""
    data = WORK / "perf.data"
    path = WORK / "bodies-profile.txt"
    path.write_text("\n".join(lines) + "\n")
    env = dict(os.environ, BENCH_BODIES=str(path), BENCH_THREADS="2")
    load_gen = subprocess.Popen(["wrk", "-t2", "-c32", f"-d{seconds + 4}s", "-s",
                                 str(ROOT / "bench" / "bodies.lua"), server.url], env=env,
                                stdout=subprocess.DEVNULL)
    time.sleep(2)
    try:
        sh(["perf", "record", "-e", "cpu-clock", "-F", "499", "-a", "-g", "-o", str(data),
            "--", "sleep", str(seconds)])
        by_process = sh(["perf", "report", "-i", str(data), "--stdio", "--no-children",
                         "--sort", "comm", "-g", "none", "--percent-limit", "1"])
        server_syms = sh(["perf", "report", "-i", str(data), "--stdio", "--no-children",
                          "--comm", ",".join(server_comms(server)), "--sort", "dso,symbol",
                          "-g", "none", "--percent-limit", "0.7"])
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        by_process, server_syms = f"perf unavailable: {e}", ""
    load_gen.wait()
    strip = lambda t: "\n".join(l for l in t.splitlines() if l.strip() and not l.startswith("#"))
    return strip(by_process), strip(server_syms)


def server_comms(server):
    names = set()
    for task in Path(f"/proc/{server.proc.pid}/task").iterdir():
        try:
            names.add((task / "comm").read_text().strip())
        except OSError:
            pass
    return sorted(names) or ["asb-hub"]


def soak(server, lines, seconds, conns):
    path = WORK / "bodies-soak.txt"
    path.write_text("\n".join(lines) + "\n")
    env = dict(os.environ, BENCH_BODIES=str(path), BENCH_THREADS="2")
    start = server.rss()
    samples = [(0, start)]
    proc = subprocess.Popen(["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s",
                             "-s", str(ROOT / "bench" / "bodies.lua"), server.url], env=env,
                            stdout=subprocess.PIPE, text=True)
    t0 = time.time()
    while proc.poll() is None:
        time.sleep(5)
        samples.append((round(time.time() - t0), server.rss()))
    out = proc.stdout.read()
    time.sleep(5)
    after = server.rss()
    result = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
    log(f"soak: RSS start {start:.0f} MB, peak {server.hwm():.0f} MB, end {samples[-1][1]:.0f} MB")
    return {"start": start, "peak": server.hwm(), "end": samples[-1][1], "after": after,
            "samples": samples, "requests": result["requests"], "errors": result["errors"],
            "conflicts": result["conflicts"], "seconds": seconds}


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text()
                .splitlines() if l.startswith("model name")), "unknown")
    mem = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines()
               if l.startswith("MemTotal"))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": mem / 1024 / 1024,
        "postgres": psql("postgres", "SHOW server_version")[0][0],
        "kernel": os.uname().release,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--small-scale", type=float, default=0.01)
    p.add_argument("--duration", type=int, default=15, help="seconds per operation")
    p.add_argument("--soak", type=int, default=180, help="seconds of mixed load")
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--port", type=int, default=18080)
    p.add_argument("--reload", action="store_true", help="reload the data even if present")
    p.add_argument("--quick", action="store_true", help="scale 0.05, 5 s per op, 30 s soak")
    p.add_argument("--skip-build", action="store_true", help="(bench/run) reuse the binaries")
    p.add_argument("--out", default=None, help="where to write the report")
    a = p.parse_args()
    if a.quick:
        a.scale, a.duration, a.soak = 0.05, 5, 30
    out = Path(a.out) if a.out else (WORK / "BENCHMARKS.quick.md" if a.quick
                                     else ROOT / "BENCHMARKS.md")
    WORK.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.timezone.utc)
    loadavg = Path("/proc/loadavg").read_text().split()[:3]
    big, small = "asb_bench", "asb_bench_small"
    full = round(1_000_000 * a.scale)
    seed_big = load(big, a.scale, full, a.reload)
    seed_small = load(small, a.small_scale, round(1_000_000 * a.small_scale), a.reload)
    tune(big)
    tune(small)
    counts = {t: int(psql(big, f"SELECT count(*) FROM {t}")[0][0]) for t in
              ["asb_case", "incident", "person", "case_party", "case_action", "location"]}
    c = a.concurrency
    results = {}

    server = Server(WORK / "asb-hub", big, a.port)
    tokens = tokens_for(server)
    lines = ops_lines(big, tokens, 60000)
    for name in READS + ["record_incident", "update_case"]:
        results[name] = wrk(server, name, lines[name], a.duration, c)
    hwm_ops = server.hwm()
    by_process, server_syms = profile(server, lines["page_of_cases"], 10)
    server.stop()

    server = Server(WORK / "asb-hub-noauthz", big, a.port)
    bypass = {name: wrk(server, "bypass_" + name, lines[name], a.duration, c)
              for name in ["page_of_cases", "case_by_id"]}
    server.stop()

    floor = pgbench(big, a.duration, c)

    server = Server(WORK / "asb-hub", small, a.port)
    small_tokens = tokens_for(server)
    small_lines = ops_lines(small, small_tokens, 100)
    small_record = wrk(server, "record_incident_small", small_lines["record_incident"],
                       a.duration, c)
    server.stop()

    server = Server(WORK / "asb-hub", big, a.port)
    tokens = tokens_for(server)
    fresh = ops_lines(big, tokens, 60000, seed=2)
    mixed = []
    for name in READS:
        mixed += (fresh[name] * 100)[:400]
    mixed += fresh["record_incident"][:200] + fresh["update_case"][:200]
    random.Random(3).shuffle(mixed)
    soaked = soak(server, mixed, a.soak, c)
    server.stop()

    report = {
        "started": started, "finished": dt.datetime.now(dt.timezone.utc), "loadavg": loadavg,
        "machine": machine(), "commit": commit(), "random_page_cost": RANDOM_PAGE_COST, "scale": a.scale, "small_scale": a.small_scale,
        "duration": a.duration, "concurrency": c, "counts": counts, "seed_big": seed_big,
        "seed_small": seed_small, "results": results, "bypass": bypass, "floor": floor,
        "small_record": small_record, "soak": soaked, "hwm_ops": hwm_ops,
        "by_process": by_process, "server_syms": server_syms,
        "loadavg_end": Path("/proc/loadavg").read_text().split()[:3],
    }
    (WORK / "results.json").write_text(json.dumps(report, default=str, indent=1))
    sys.path.insert(0, str(ROOT / "bench"))
    import report as rep
    out.write_text(rep.render(report))
    log(f"wrote {out}")


def commit():
    head = sh(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]).strip()
    dirty = sh(["git", "-C", str(ROOT), "status", "--porcelain", "--", "api", "entity",
                "migration", "bench"]).strip()
    return head + (" (with uncommitted changes)" if dirty else "")


if __name__ == "__main__":
    main()
