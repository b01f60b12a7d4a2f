#!/usr/bin/env python3
"""Attacks a running ASB Partnership Hub and reports what it tried and what held.

Each attack records what it tried, what it expected, what happened, and whether the server held.
The report is printed and written as Markdown (``--report``); the exit status is 1 when anything
failed. Every response is also checked for a 5xx status, an ``INTERNAL`` error, and error texts
that leak SQL, driver or source details.

It expects the demo data (``serve --demo``) and the demo permission matrix
(``tests/golden/policy.txt``). It writes data (it is an attack): never point it at production.
``security/run`` starts a throwaway server and runs it; see the README's "Security suite".
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    build_client_schema,
    build_schema,
    get_introspection_query,
    get_named_type,
)

ROOT = Path(__file__).resolve().parent.parent
USERS = {
    "police_officer": "officer@police.demo",
    "police_supervisor": "supervisor@police.demo",
    "housing_officer": "housing.officer@housing.demo",
    "council_asb_officer": "asb.officer@council.demo",
    "victim_caseworker": "caseworker@victimsupport.demo",
    "administrator": "admin@hub.demo",
    "auditor": "auditor@hub.demo",
}
CASE_ROLES = ["police_officer", "housing_officer", "council_asb_officer", "victim_caseworker"]
# Error texts that must never reach a client.
LEAK_MARKERS = re.compile(
    r"(?i)(\bselect\b.+\bfrom\b|\binsert into\b|\bsqlx\b|sqlite|postgres|\bpg_|syntax error|"
    r"duplicate key|violates|constraint failed|panicked|\.rs:\d|/src/|backtrace|DbErr|"
    r"RecordNotFound|Custom\(|Did you mean)"
)


# ---------------------------------------------------------------------------------------------
# Reporting


class Report:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.requests = 0
        self.server_errors: list[str] = []
        self.fuzz: dict = {}

    def add(self, category: str, name: str, tried: str, expected: str, happened: str, held: bool):
        self.rows.append(
            dict(category=category, name=name, tried=tried, expected=expected,
                 happened=happened, held=bool(held))
        )
        mark = "held  " if held else "FAILED"
        print(f"  [{mark}] {category}: {name} -> {happened[:160]}", flush=True)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.rows if not r["held"])

    def markdown(self, meta: dict) -> str:
        cell = lambda s: str(s).replace("|", "\\|").replace("\n", " ")[:300]
        out = ["# Security suite: last run", ""]
        for k, v in meta.items():
            out.append(f"- **{k}**: {v}")
        out += [
            f"- **attacks**: {len(self.rows)} tried, {len(self.rows) - self.failed} held, "
            f"{self.failed} failed",
            f"- **HTTP requests sent by the attacks**: {self.requests}",
            f"- **5xx responses or INTERNAL errors during the attacks**: {len(self.server_errors)}",
        ]
        if self.fuzz:
            out.append(
                f"- **fuzzing (schemathesis {self.fuzz.get('version', '?')})**: "
                f"{self.fuzz.get('summary', 'not run')}"
            )
        out.append("")
        categories: list[str] = []
        for r in self.rows:
            if r["category"] not in categories:
                categories.append(r["category"])
        out += ["| category | attacks | held | failed |", "|---|---|---|---|"]
        for c in categories:
            rows = [r for r in self.rows if r["category"] == c]
            bad = sum(1 for r in rows if not r["held"])
            out.append(f"| {c} | {len(rows)} | {len(rows) - bad} | {bad} |")
        for c in categories:
            out += ["", f"## {c}", "", "| attack | tried | expected | happened | result |",
                    "|---|---|---|---|---|"]
            for r in self.rows:
                if r["category"] == c:
                    out.append(
                        f"| {cell(r['name'])} | {cell(r['tried'])} | {cell(r['expected'])} | "
                        f"{cell(r['happened'])} | {'held' if r['held'] else '**FAILED**'} |"
                    )
        if self.server_errors:
            out += ["", "## 5xx and INTERNAL responses", ""]
            out += [f"- {cell(e)}" for e in self.server_errors[:50]]
        if self.fuzz.get("output"):
            out += ["", "## Fuzzing output (tail)", "", "```", self.fuzz["output"], "```"]
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# HTTP


class Resp:
    def __init__(self, status: int, text: str, headers) -> None:
        self.status = status
        self.text = text
        self.headers = headers
        try:
            self.json = json.loads(text)
        except ValueError:
            self.json = None

    @property
    def body(self) -> dict:
        return self.json if isinstance(self.json, dict) else {}

    @property
    def errors(self) -> list:
        e = self.body.get("errors")
        return e if isinstance(e, list) else []

    @property
    def codes(self) -> list:
        return [(e.get("extensions") or {}).get("code") for e in self.errors]

    @property
    def data(self):
        return self.body.get("data")

    def short(self) -> str:
        counts: dict = {}
        for c in self.codes:
            counts[str(c)] = counts.get(str(c), 0) + 1
        codes = ",".join(c if n == 1 else f"{c} x{n}" for c, n in sorted(counts.items())) or "-"
        return f"HTTP {self.status}, codes [{codes}]"


class Client:
    def __init__(self, url: str, report: Report, password: str) -> None:
        self.url = url.rstrip("/")
        self.report = report
        self.password = password
        self.http = requests.Session()
        self.tokens: dict[str, str] = {}

    def raw(self, method: str, path: str = "/graphql", **kw) -> Resp:
        kw.setdefault("timeout", 60)
        for _ in range(5):
            r = self.http.request(method, self.url + path, **kw)
            self.report.requests += 1
            if r.status_code == 429:
                time.sleep(min(int(r.headers.get("retry-after", "1") or 1), 10))
                continue
            break
        resp = Resp(r.status_code, r.text, r.headers)
        self.scan(resp, f"{method} {path}")
        return resp

    def scan(self, resp: Resp, what: str) -> None:
        if resp.status >= 500 or "INTERNAL" in resp.codes:
            self.report.server_errors.append(f"{what}: {resp.short()} {resp.text[:200]}")
        for e in resp.errors:
            text = json.dumps(e)
            if LEAK_MARKERS.search(text):
                self.report.server_errors.append(f"{what}: error text leaks internals: {text[:200]}")

    def gql(self, query: str, variables=None, token=None, accept=None, extensions=None) -> Resp:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        if accept:
            headers["accept"] = accept
        body: dict = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if extensions is not None:
            body["extensions"] = extensions
        return self.raw("POST", data=json.dumps(body), headers=headers)

    def login(self, role: str) -> str:
        if role not in self.tokens:
            r = self.gql(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
                {"e": USERS[role], "p": self.password},
            )
            token = ((r.data or {}).get("login") or {}).get("accessToken")
            if not token:
                raise SystemExit(f"cannot sign in as {USERS[role]}: {r.text[:300]}")
            self.tokens[role] = token
        return self.tokens[role]

    def as_(self, role: str, query: str, variables=None) -> Resp:
        return self.gql(query, variables, token=self.login(role))


def healthy(resp: Resp) -> bool:
    return resp.status < 500 and "INTERNAL" not in resp.codes


# ---------------------------------------------------------------------------------------------
# JWT forging


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64json(value) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def sign(header: dict, claims: dict, key: bytes, digest=hashlib.sha256) -> str:
    head = f"{b64json(header)}.{b64json(claims)}"
    mac = hmac.new(key, head.encode(), digest).digest()
    return f"{head}.{b64url(mac)}"


def payload_of(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class JwksHoneypot(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        JwksHoneypot.hits.append(self.path)
        body = json.dumps({"keys": [{"kty": "oct", "kid": "attacker", "alg": "HS256",
                                     "k": b64url(b"attacker-key-attacker-key-attacker")}]})
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


# ---------------------------------------------------------------------------------------------
# The suite


class Suite:
    def __init__(self, args, report: Report) -> None:
        self.args = args
        self.r = report
        self.c = Client(args.url, report, args.password)
        self.schema = self.load_schema()
        self.policy = self.load_policy()
        self.ids: dict = {}
        self.collect_ids()

    # -- helpers ------------------------------------------------------------------------------

    def load_schema(self):
        r = self.c.gql(get_introspection_query())
        if r.data and r.data.get("__schema"):
            return build_client_schema(r.data)
        print("  (introspection is off on the target: using schema.graphql)")
        return build_schema((ROOT / "schema.graphql").read_text())

    def load_policy(self) -> dict:
        """role -> {"ops": set, "read": set of "Type.field", "restricted": set}"""
        policy: dict = {}
        restricted: set = set()
        role = None
        for line in (ROOT / "tests/golden/policy.txt").read_text().splitlines():
            m = re.match(r"^\[(\w+)\]\s*(.*)$", line)
            if m:
                role = m.group(1)
                policy[role] = {"ops": set(m.group(2).split()), "read": set()}
                continue
            m = re.match(r"^([R-])([W-]) (\w+\.\w+)$", line)
            if m and role:
                restricted.add(m.group(3))
                if m.group(1) == "R":
                    policy[role]["read"].add(m.group(3))
        for p in policy.values():
            p["restricted"] = restricted
        return policy

    def may_read(self, role: str, type_field: str, through_victim: bool = True) -> bool:
        p = self.policy[role]
        if type_field not in p["restricted"]:
            return True
        if type_field in p["read"]:
            return True
        # Victim grants let a role read a victim's details through Person (never filter by them).
        t, f = type_field.split(".")
        return through_victim and t == "Person" and f"Victim.{f}" in p["read"]

    def check(self, category, name, tried, expected, resp: Resp | None, held: bool, happened=None):
        if resp is not None and not healthy(resp):
            held = False
        if happened is None:
            happened = resp.short() if resp is not None else "-"
        self.r.add(category, name, tried, expected, happened, held)

    def visible_cases(self, role: str) -> dict:
        """reference -> id of every case the role can list."""
        out, after = {}, None
        while True:
            r = self.c.as_(role, "query($a: String) { cases(first: 100, after: $a, sort: { field: REFERENCE, direction: ASC }) "
                                 "{ pageInfo { hasNextPage endCursor } edges { node { id reference } } } }",
                           {"a": after})
            conn = (r.data or {}).get("cases") or {}
            for e in conn.get("edges") or []:
                out[e["node"]["reference"]] = e["node"]["id"]
            info = conn.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return out
            after = info.get("endCursor")

    def selection(self, type_name: str, fields: list[str], alias: str = "") -> str:
        t = self.schema.get_type(type_name)
        parts = []
        for f in fields:
            ft = get_named_type(t.fields[f].type)
            sub = " { __typename }" if isinstance(ft, GraphQLObjectType) else ""
            parts.append(f"{alias + f + ': ' if alias else ''}{f}{sub}")
        return " ".join(parts)

    # -- JWT ------------------------------------------------------------------------------------

    def jwt(self) -> None:
        cat = "JWT attacks"
        viewer = "{ viewer { user { email } roles } }"
        good = self.c.login("police_officer")
        claims = payload_of(good)
        head, body, sig = good.split(".")
        secret = (self.args.jwt_secret or "").encode()
        now = int(time.time())
        wrong = b"another-secret-that-is-long-enough-0123456789"
        hs = {"alg": "HS256", "typ": "JWT"}

        honeypot = http.server.HTTPServer(("127.0.0.1", 0), JwksHoneypot)
        threading.Thread(target=honeypot.serve_forever, daemon=True).start()
        pot = f"http://127.0.0.1:{honeypot.server_address[1]}"
        attacker_key = b"attacker-key-attacker-key-attacker"

        def w(**changes):
            c = dict(claims)
            for k, v in changes.items():
                if v is ...:
                    c.pop(k, None)
                else:
                    c[k] = v
            return c

        cases = [
            ("alg none", f"{b64json({'alg': 'none', 'typ': 'JWT'})}.{body}."),
            ("alg None (case variant)", f"{b64json({'alg': 'None'})}.{body}."),
            ("alg NONE with the original signature", f"{b64json({'alg': 'NONE'})}.{body}.{sig}"),
            ("signature stripped", f"{head}.{body}."),
            ("tampered payload (sub of another user), original signature",
             f"{head}.{b64json(w(sub=str(uuid.uuid4())))}.{sig}"),
            ("tampered payload (roles claim added), original signature",
             f"{head}.{b64json(w(roles=['administrator'], role='administrator'))}.{sig}"),
            ("signed with a wrong secret", sign(hs, claims, wrong)),
            ("signed with an empty key", sign(hs, claims, b"")),
            ("HS/RS confusion: RS256 header, HMAC signature", sign({"alg": "RS256"}, claims, secret or wrong)),
            ("RS256 header with garbage signature", f"{b64json({'alg': 'RS256'})}.{body}.{sig}"),
            ("ES256 header", f"{b64json({'alg': 'ES256'})}.{body}.{sig}"),
            ("kid path traversal (../../dev/null, empty key)",
             sign({"alg": "HS256", "kid": "../../../../../../dev/null"}, claims, b"")),
            ("kid SQL injection", sign({"alg": "HS256", "kid": "x' UNION SELECT 'k'--"}, claims, b"k")),
            ("jku to the attacker's JWKS", sign({"alg": "HS256", "kid": "attacker", "jku": f"{pot}/jwks.json"}, claims, attacker_key)),
            ("x5u to the attacker's certificate", sign({"alg": "HS256", "x5u": f"{pot}/cert.pem"}, claims, attacker_key)),
            ("embedded jwk with the attacker's key",
             sign({"alg": "HS256", "jwk": {"kty": "oct", "k": b64url(attacker_key)}}, claims, attacker_key)),
            ("garbage", "not-a-token"),
            ("empty bearer", ""),
            ("two segments", f"{head}.{body}"),
        ]
        if secret:
            cases += [
                ("expired (valid signature)", sign(hs, w(exp=now - 120, nbf=now - 600, iat=now - 600), secret)),
                ("not yet valid (nbf in the future)", sign(hs, w(nbf=now + 600), secret)),
                ("wrong issuer", sign(hs, w(iss="someone-else"), secret)),
                ("wrong audience", sign(hs, w(aud="another-api"), secret)),
                ("missing exp", sign(hs, w(exp=...), secret)),
                ("missing iss", sign(hs, w(iss=...), secret)),
                ("missing aud", sign(hs, w(aud=...), secret)),
                ("exp as a string (type confusion)", sign(hs, w(exp=str(now + 3600)), secret)),
                ("HS512 with the right secret (algorithm pinned)",
                 sign({"alg": "HS512"}, claims, secret, hashlib.sha512)),
                ("unknown session id", sign(hs, w(sid=str(uuid.uuid4())), secret)),
                ("unknown user id", sign(hs, w(sub=str(uuid.uuid4())), secret)),
            ]
        for name, token in cases:
            r = self.c.raw("POST", data=json.dumps({"query": viewer}),
                           headers={"content-type": "application/json", "authorization": f"Bearer {token}"})
            held = r.codes == ["UNAUTHENTICATED"] and not (r.data or {}).get("viewer")
            self.check(cat, name, "viewer query with a forged bearer token", "UNAUTHENTICATED, no data", r, held)
        self.check(cat, "jku/x5u never fetched", f"tokens pointing at {pot}", "no request reaches the attacker's server",
                   None, not JwksHoneypot.hits, happened=f"{len(JwksHoneypot.hits)} fetches: {JwksHoneypot.hits}")
        honeypot.shutdown()

        if secret:
            # A correctly signed token with role claims: roles come from the database, not the token.
            forged = sign(hs, w(roles=["administrator"], role="administrator", scope="MANAGE_USERS"), secret)
            r = self.c.gql("{ viewer { roles } users(first: 5) { totalCount } }", token=forged)
            roles = ((r.data or {}).get("viewer") or {}).get("roles")
            held = roles == ["police_officer"] and "FORBIDDEN" in r.codes and not (r.data or {}).get("users")
            self.check(cat, "role claims in a validly signed token are ignored",
                       "viewer.roles and users() with roles=[administrator] in the token",
                       "roles [police_officer]; users FORBIDDEN", r, held, f"{r.short()}, roles {roles}")
        # Odd Authorization headers: never anonymous, never another user.
        for name, value in [("lower-case scheme", f"bearer {good}"), ("Basic scheme", "Basic YWRtaW46YWRtaW4="),
                            ("token without scheme", good), ("two tokens", f"Bearer {good} Bearer {good}")]:
            r = self.c.raw("POST", data=json.dumps({"query": viewer}),
                           headers={"content-type": "application/json", "authorization": value})
            email = (((r.data or {}).get("viewer") or {}).get("user") or {}).get("email")
            held = email in (None, USERS["police_officer"])
            self.check(cat, f"Authorization header: {name}", value[:40], "refused or the same user", r, held,
                       f"{r.short()}, user {email}")
        r = self.c.raw("POST", f"/graphql?access_token={good}", data=json.dumps({"query": viewer}),
                       headers={"content-type": "application/json"})
        held = r.codes == ["UNAUTHENTICATED"] or not (r.data or {}).get("viewer")
        self.check(cat, "token in the query string is ignored", "?access_token=<token>", "treated as anonymous", r, held)

    # -- fields ---------------------------------------------------------------------------------

    def field_leaks(self) -> None:
        cat = "Field leaks"
        refs = self.visible_cases("police_officer")
        for role in CASE_ROLES + ["administrator", "auditor"]:
            token = self.c.login(role)
            for type_name, list_query, nested_prefix in [
                ("Case", "root: cases(first: 50)", "root: case(id: $id)"),
                ("Person", "root: people(first: 50)", "root: case(id: $id) { parties { person"),
                ("Incident", "root: incidents(first: 50)", "root: case(id: $id) { incidents"),
            ]:
                t = self.schema.get_type(type_name)
                forbidden = sorted(f for f in t.fields if not self.may_read(role, f"{type_name}.{f}"))
                if not forbidden:
                    continue
                sel = self.selection(type_name, forbidden)
                aliased = self.selection(type_name, forbidden, alias="x_")
                closers = "}" * nested_prefix.count("{")
                own = self.visible_cases(role) if "VIEW_CASES" in self.policy[role]["ops"] else {}
                case_id = next(iter(own.values()), next(iter(refs.values()), str(uuid.uuid4())))
                paths = [
                    ("list", f"{{ {list_query} {{ edges {{ node {{ id {sel} }} }} }} }}"),
                    ("alias", f"{{ {list_query} {{ edges {{ node {{ id {aliased} }} }} }} }}"),
                    ("fragment", f"{{ {list_query} {{ edges {{ node {{ id ...F }} }} }} }} fragment F on {type_name} {{ {sel} }}"),
                    ("inline fragment", f"{{ {list_query} {{ edges {{ node {{ id ... on {type_name} {{ {sel} }} }} }} }} }}"),
                    ("nested under a case", f"query($id: ID!) {{ {nested_prefix} {{ id {sel} }} {closers} }}"),
                ]
                if type_name == "Case":
                    paths.append(("through a person's other cases",
                                  f"query($id: ID!) {{ root: case(id: $id) {{ parties {{ person {{ cases {{ c: case {{ id {sel} }} }} }} }} }} }}"))
                for how, q in paths:
                    r = self.c.gql(q, {"id": case_id} if "$id" in q else None, token=token)
                    leaked = sorted(set(non_null_keys(r.data, set(forbidden) | {f"x_{f}" for f in forbidden})))
                    codes = set(r.codes)
                    held = not leaked and codes <= {"FORBIDDEN_FIELD", "FORBIDDEN", "NOT_FOUND", None} and (
                        bool(r.errors) or not r.data)
                    self.check(cat, f"{role}: {type_name} forbidden fields by {how}",
                               f"{len(forbidden)} fields: {', '.join(forbidden)[:120]}",
                               "every one null, FORBIDDEN_FIELD (or the root refused)", r, held,
                               f"{r.short()}, non-null forbidden: {leaked or 'none'}")

        # Victim support reads a person's details only when the person is a victim in a case it
        # can see: never a perpetrator's or a witness's, by any path.
        r = self.c.as_("victim_caseworker",
                       "{ cases(first: 100) { edges { node { parties { role person { id phone email address "
                       "dateOfBirth vulnerabilityPersonal } } } } } people(first: 100) { edges { node { id phone "
                       "email address } } } }")
        parties = [p for e in (((r.data or {}).get("cases") or {}).get("edges") or [])
                   for p in (e["node"].get("parties") or [])]
        victims = {p["person"]["id"] for p in parties if p.get("person") and str(p.get("role")).lower() == "victim"}
        others = [p["person"] for p in parties if p.get("person") and p["person"]["id"] not in victims]
        others += [e["node"] for e in (((r.data or {}).get("people") or {}).get("edges") or [])
                   if e["node"]["id"] not in victims]
        shown = sorted({k for person in others for k, v in person.items() if k != "id" and v is not None})
        self.check(cat, "victim_caseworker: details of people who are not victims",
                   f"phone, email, address, ... of {len(others)} non-victim parties and people "
                   f"({len(victims)} victims seen)", "all null", r,
                   bool(victims) and bool(others) and not shown, f"{r.short()}, non-null: {shown or 'none'}")

        # Values a role may not read never appear anywhere in its answers (error texts included).
        secrets = self.secret_values()
        for role in ["housing_officer", "council_asb_officer", "victim_caseworker", "administrator", "auditor"]:
            token = self.c.login(role)
            bodies = []
            for q in [
                "{ cases(first: 100) { edges { node { id title summary policeIntelligence tenancyDetails healthSafeguardingNotes "
                "notes { body } parties { person { givenName familyName phone email address } } } } } }",
                "{ people(first: 100) { edges { node { id givenName familyName phone email address dateOfBirth "
                "cases { case { policeIntelligence } } } } } }",
                "{ incidents(first: 100) { edges { node { id description policeReference } } } }",
            ]:
                bodies.append(self.c.gql(q, token=token).text)
            text = "\n".join(bodies)
            own = {v for (f, v) in secrets if self.may_read(role, f)}
            seen = sorted({f for (f, v) in secrets if v in text and v not in own})
            self.check(cat, f"{role}: no forbidden value in any answer or error text",
                       f"{len(secrets)} values of fields it may not read, searched in 3 broad answers",
                       "none present", None, not seen, happened=f"present: {seen or 'none'}")

    def secret_values(self) -> list[tuple[str, str]]:
        out = []
        r = self.c.as_("police_officer",
                       "{ cases(first: 100) { edges { node { policeIntelligence healthSafeguardingNotes tenancyDetails } } } "
                       "incidents(first: 100) { edges { node { policeReference } } } }")
        for e in ((r.data or {}).get("cases") or {}).get("edges") or []:
            for f, v in e["node"].items():
                if isinstance(v, str) and len(v) >= 8:
                    out.append((f"Case.{f}", v))
        for e in ((r.data or {}).get("incidents") or {}).get("edges") or []:
            v = e["node"].get("policeReference")
            if isinstance(v, str) and len(v) >= 6:
                out.append(("Incident.policeReference", v))
        r = self.c.as_("police_officer", "{ people(first: 100) { edges { node { phone email dateOfBirth } } } }")
        for e in ((r.data or {}).get("people") or {}).get("edges") or []:
            for f, v in e["node"].items():
                if isinstance(v, str) and len(v) >= 8:
                    out.append((f"Person.{f}", v))
        return out

    # -- rows -----------------------------------------------------------------------------------

    def row_leaks(self) -> None:
        cat = "Row leaks"
        visible = {role: self.visible_cases(role) for role in CASE_ROLES}
        everything = {}
        for v in visible.values():
            everything.update(v)
        year = dt.date.today().year
        police_only = f"ASB-{year}-000004"
        for role in CASE_ROLES:
            mine = visible[role]
            token = self.c.login(role)
            if role != "police_officer":
                self.check(cat, f"{role}: the police-only case is not listed", f"cases(first: 100) as {role}",
                           f"{police_only} absent", None, police_only not in mine,
                           happened=f"{len(mine)} cases listed; {police_only} {'present' if police_only in mine else 'absent'}")
            r = self.c.gql("{ cases { totalCount } }", token=token)
            total = ((r.data or {}).get("cases") or {}).get("totalCount")
            self.check(cat, f"{role}: totalCount counts visible rows only", "cases { totalCount }",
                       f"{len(mine)} (the cases it can list)", r, total == len(mine), f"{r.short()}, totalCount {total}")
            missing = str(uuid.uuid4())
            ref_nf = self.c.gql("query($id: ID!) { case(id: $id) { id } }", {"id": missing}, token=token)
            for ref, cid in sorted(everything.items()):
                if ref in mine:
                    continue
                a = self.c.gql("query($id: ID!) { case(id: $id) { id reference title } }", {"id": cid}, token=token)
                same = [e.get("message") for e in a.errors] == [e.get("message") for e in ref_nf.errors]
                held = a.codes == ["NOT_FOUND"] and not (a.data or {}).get("case") and same
                self.check(cat, f"{role}: case {ref} by id", "case(id) of a case it may not see",
                           "NOT_FOUND, same text as a missing id", a, held)
                b = self.c.gql("query($r: String!) { caseByReference(reference: $r) { id } }", {"r": ref}, token=token)
                self.check(cat, f"{role}: case {ref} by reference", "caseByReference", "NOT_FOUND",
                           b, b.codes == ["NOT_FOUND"] and not (b.data or {}).get("caseByReference"))
                s = self.c.gql("query($s: String!) { cases(filter: { search: $s }) { totalCount } }", {"s": ref}, token=token)
                n = ((s.data or {}).get("cases") or {}).get("totalCount")
                self.check(cat, f"{role}: case {ref} by search", "cases(filter: {search: reference}) { totalCount }",
                           "0", s, n == 0, f"{s.short()}, totalCount {n}")
            # Nested paths: a person's other cases and an incident's case stay within scope.
            nested = self.c.gql(
                "{ people(first: 100) { edges { node { cases { case { reference } } } } } "
                "incidents(first: 100) { edges { node { case { reference } } } } }", token=token)
            refs = set(re.findall(r'"reference":\s*"([^"]+)"', nested.text))
            outside = sorted(refs - set(mine))
            self.check(cat, f"{role}: cases reached through people and incidents",
                       "people { cases { case } } and incidents { case }", "only cases it can list",
                       nested, not outside, f"{nested.short()}, outside scope: {outside or 'none'}")
        # Roles without VIEW_CASES see no case at all.
        for role in ["administrator", "auditor"]:
            r = self.c.as_(role, "{ cases { totalCount edges { node { id } } } }")
            self.check(cat, f"{role}: cases refused", "cases as a role without VIEW_CASES", "FORBIDDEN, no data",
                       r, "FORBIDDEN" in r.codes and not (r.data or {}).get("cases"))

    # -- filters and sorts ----------------------------------------------------------------------

    CASE_FILTER_READS = {
        "status": (["OPEN"], ["Case.status"]),
        "category": (["PERSONAL"], ["Case.category"]),
        "riskLevel": (["HIGH"], ["Case.riskLevel"]),
        "leadAgencyId": (None, ["Case.leadAgency"]),
        "ownerId": (None, ["Case.owner"]),
        "created": ({"from": "2000-01-01T00:00:00Z"}, ["Case.createdAt"]),
        "nextReview": ({"from": "2000-01-01T00:00:00Z"}, ["Case.nextReviewAt"]),
        "ward": ("Central", ["Case.locations", "Location.ward"]),
        "postcode": ("EB1", ["Case.locations", "Location.postcode"]),
        "search": ("a", ["Case.title", "Case.parties", "Person.givenName", "Person.familyName"]),
        "mine": (True, ["Case.owner"]),
        "myAgency": (True, ["Case.leadAgency"]),
        "sharedWithMyAgency": (True, ["Case.leadAgency"]),
    }

    def filter_leaks(self) -> None:
        cat = "Filters, sorts and counts on forbidden fields"
        for role in CASE_ROLES:
            token = self.c.login(role)
            for key, (value, reads) in self.CASE_FILTER_READS.items():
                if value is None:
                    value = str(uuid.uuid4())
                allowed = all(self.may_read(role, f) for f in reads)
                r = self.c.gql("query($f: CaseFilter) { cases(filter: $f) { totalCount } }", {"f": {key: value}}, token=token)
                if allowed:
                    held = not r.errors
                    exp = "answered (the role reads " + ", ".join(reads) + ")"
                else:
                    held = r.codes == ["FORBIDDEN"] and not (r.data or {}).get("cases")
                    exp = "FORBIDDEN, no count (the role may not read " + ", ".join(f for f in reads if not self.may_read(role, f)) + ")"
                self.check(cat, f"{role}: cases filtered by {key}", f"cases(filter: {{{key}: {json.dumps(value)}}}) {{ totalCount }}",
                           exp, r, held)
            for field, read in [("CREATED_AT", "Case.createdAt"), ("UPDATED_AT", "Case.updatedAt")]:
                r = self.c.gql(f"{{ cases(sort: {{ field: {field} }}) {{ totalCount }} }}", token=token)
                allowed = self.may_read(role, read)
                held = (not r.errors) if allowed else (r.codes == ["FORBIDDEN"])
                self.check(cat, f"{role}: cases sorted by {field}", f"cases(sort: {{field: {field}}})",
                           "answered" if allowed else "FORBIDDEN", r, held)
        # People and incidents: filters by fields the caseworker may not read.
        for role in ["victim_caseworker"]:
            token = self.c.login(role)
            for q, v, needs in [
                ("query($v: String) { people(filter: { postcode: $v }) { totalCount } }", "EB1", "Person.postcode"),
                ("query($v: [AsbCategory!]) { incidents(filter: { category: $v }) { totalCount } }", ["PERSONAL"], "Incident.category"),
                ("query($v: [Channel!]) { incidents(filter: { channel: $v }) { totalCount } }", None, "Incident.channel"),
            ]:
                if v is None:
                    enum = self.schema.get_type("Channel")
                    v = [next(iter(enum.values))] if isinstance(enum, GraphQLEnumType) else []
                r = self.c.gql(q, {"v": v}, token=token)
                allowed = self.may_read(role, needs, through_victim=False)
                held = (not r.errors) if allowed else ("FORBIDDEN" in r.codes and not any(
                    (r.data or {}).get(k) for k in ("people", "incidents")))
                self.check(cat, f"{role}: filter needing {needs}", q.split("{", 1)[1][:80],
                           "answered" if allowed else "FORBIDDEN, no count", r, held)

    # -- subscriptions --------------------------------------------------------------------------

    def subscriptions(self) -> None:
        cat = "Subscriptions over WebSocket"
        try:
            from websockets.sync.client import connect
        except ImportError as e:  # pragma: no cover
            self.check(cat, "websocket client", "import websockets", "available", None, False, str(e))
            return
        ws_url = self.c.url.replace("http", "ws", 1) + "/graphql"

        def open_ws(token):
            ws = connect(ws_url, subprotocols=["graphql-transport-ws"], open_timeout=10, legacy=True)
            ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
            return ws

        def recv(ws, timeout):
            deadline = time.time() + timeout
            while time.time() < deadline:
                try:
                    msg = json.loads(ws.recv(timeout=max(0.05, deadline - time.time())))
                except TimeoutError:
                    return None
                except Exception:
                    return None
                if msg.get("type") in ("ping", "pong"):
                    continue
                return msg
            return None

        # Forged and missing tokens get no connection.
        for name, token in [("forged token", "a.b.c"), ("no token", "")]:
            try:
                ws = open_ws(token)
                msg = recv(ws, 5)
                ws.close()
            except Exception as e:
                msg = {"closed": str(e)[:80]}
            held = not msg or msg.get("type") != "connection_ack"
            self.check(cat, f"connection with a {name}", "connection_init", "no connection_ack", None, held,
                       happened=json.dumps(msg)[:160] if msg else "closed without ack")
        # Queries and mutations do not run over the socket.
        ws = open_ws(self.c.login("housing_officer"))
        recv(ws, 5)
        ws.send(json.dumps({"id": "q", "type": "subscribe", "payload": {
            "query": "{ cases(first: 100) { edges { node { reference policeIntelligence } } } }"}}))
        msg = recv(ws, 5) or {}
        data = ((msg.get("payload") or {}) if isinstance(msg.get("payload"), dict) else {}).get("data")
        self.check(cat, "a query sent over the socket", "cases query as a subscription message",
                   "refused, no data", None, not data and "Intelligence" not in json.dumps(msg),
                   happened=json.dumps(msg)[:160])
        ws.close()

        # An alert about a case the housing association cannot see does not reach it.
        police_ws = open_ws(self.c.login("police_officer"))
        housing_ws = open_ws(self.c.login("housing_officer"))
        for w in (police_ws, housing_ws):
            recv(w, 5)
            w.send(json.dumps({"id": "a", "type": "subscribe", "payload": {
                "query": "subscription { alerts { kind caseId message } }"}}))
        time.sleep(0.5)
        year = dt.date.today().year
        ref = f"ASB-{year}-000004"
        case = (self.c.as_("police_officer", "query($r: String!) { caseByReference(reference: $r) { id version riskLevel } }",
                           {"r": ref}).data or {}).get("caseByReference") or {}
        level = "MEDIUM" if (case.get("riskLevel") or "").lower() == "high" else "HIGH"
        upd = self.c.as_("police_officer", "mutation($i: UpdateCaseInput!) { updateCase(input: $i) { riskLevel } }",
                         {"i": {"id": case.get("id"), "version": case.get("version"), "riskLevel": level}})
        police_msg = recv(police_ws, 5)
        housing_msg = recv(housing_ws, 3)
        if level == "HIGH":
            self.check(cat, "control: the lead agency hears the alert", f"police raise {ref} to high",
                       "an alert for the police", upd, bool(police_msg and police_msg.get("type") == "next"),
                       happened=json.dumps(police_msg)[:160])
        self.check(cat, "an alert about an unshared case does not reach housing", f"police raise {ref} to {level.lower()}",
                   "nothing on the housing officer's socket", upd, housing_msg is None,
                   happened=json.dumps(housing_msg)[:160] if housing_msg else "nothing")
        police_ws.close()
        housing_ws.close()

    # -- limits ---------------------------------------------------------------------------------

    def bombs(self) -> None:
        cat = "Depth, alias and cost bombs"
        token = self.c.login("police_officer")

        def run(name, query, expect_code, expect_text=None, variables=None):
            t0 = time.time()
            r = self.c.gql(query, variables, token=token)
            took = time.time() - t0
            held = expect_code in r.codes and not r.data and took < 10
            if expect_text:
                held = held and expect_text in r.text
            self.check(cat, name, query[:90] + ("..." if len(query) > 90 else ""),
                       f"{expect_code}{' naming ' + expect_text if expect_text else ''}, no data, fast", r, held,
                       f"{r.short()} in {took:.2f}s")

        deep = "{ cases { edges { node { " + "parties { person { cases { case { " * 8 + "id" + " } } } }" * 8 + " } } } }"
        run("depth bomb (35 levels)", deep, "LIMIT_EXCEEDED", "max_depth")
        run("alias bomb (1000 aliases)", "{ viewer { " + " ".join(f"a{i}: roles" for i in range(1000)) + " } }",
            "LIMIT_EXCEEDED", "max_aliases")
        run("root field bomb (50 root fields)", "{ " + " ".join(["viewer { roles }"] * 50) + " }",
            "LIMIT_EXCEEDED", "max_root_fields")
        nested = ("{ cases(first: 100) { edges { node { parties { person { cases { case { parties { person { "
                  "familyName incidents { part } } } } } } } incidents { parties { person { familyName } } } actions { description } } } } }")
        run("complexity bomb (first: 100 of nested lists)", nested, "LIMIT_EXCEEDED", "max_complexity")
        wide = "{ " + " ".join(f"c{i}: cases(first: 100) {{ edges {{ node {{ id title parties {{ role person {{ familyName }} }} "
                               f"actions {{ description }} }} }} }}" for i in range(10)) + " }"
        run("ten aliased pages of 100 with nested lists", wide, "LIMIT_EXCEEDED", "max_complexity")
        frags = "query { ...F0 } " + " ".join(
            f"fragment F{i} on Query {{ ...F{i + 1} a{i}: cases(first: 100) {{ totalCount }} }}" for i in range(30)) + \
            " fragment F30 on Query { __typename }"
        run("fragment chain (30 fragments, 30 aliased pages)", frags, "LIMIT_EXCEEDED")
        run("depth bomb through fragments (40 levels)",
            "{ cases { edges { node { ...P0 } } } } " + " ".join(
                f"fragment P{i} on Case {{ parties {{ person {{ cases {{ case {{ ...P{i + 1} }} }} }} }} }}" for i in range(10))
            + " fragment P10 on Case { id }", "LIMIT_EXCEEDED", "max_depth")
        cyc = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
        r = self.c.gql(cyc, token=token)
        self.check(cat, "fragment cycle", cyc, "a validation error, no data", r, bool(r.errors) and not r.data)
        directives = "{ __typename " + "@skip(if: false) " * 100 + "}"
        r = self.c.gql(directives, token=token)
        self.check(cat, "directive bomb (100 directives)", directives[:80], "refused, no data", r, bool(r.errors) and not r.data)
        braces = "{ a" * 5000 + " }" * 5000
        r = self.c.gql(braces, token=token)
        self.check(cat, "parser recursion (5000 nested braces)", "{ a { a { a ...", "400-class refusal, server alive", r,
                   bool(r.errors) and r.status < 500)
        deep_json = '{"query": "{ __typename }", "variables": {"v": ' + "[" * 20000 + "]" * 20000 + "}}"
        r = self.c.raw("POST", data=deep_json, headers={"content-type": "application/json"})
        self.check(cat, "deeply nested JSON variables (20000 levels)", "variables: [[[[...]]]]", "400, server alive", r,
                   r.status == 400)
        batch = json.dumps([{"query": "{ __typename }"}] * 100)
        r = self.c.raw("POST", data=batch, headers={"content-type": "application/json", "authorization": f"Bearer {token}"})
        self.check(cat, "batch of 100 operations", "JSON array of 100 requests", "BATCH_REFUSED", r,
                   "BATCH_REFUSED" in r.codes)
        alive = self.c.gql("{ __typename }")
        self.check(cat, "server alive after the bombs", "{ __typename }", "200", alive, alive.status == 200)

    # -- HTTP -----------------------------------------------------------------------------------

    def http_attacks(self) -> None:
        cat = "HTTP: bodies, methods and content types"
        token = self.c.login("police_officer")
        big = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * (3 * 1024 * 1024)}})
        r = self.c.raw("POST", data=big, headers={"content-type": "application/json"})
        self.check(cat, "oversized body (3 MiB)", "POST 3 MiB JSON", "413", r, r.status == 413)
        r = self.c.raw("GET", params={"query": "{ __typename }" + " " * (3 * 1024 * 1024)})
        self.check(cat, "oversized GET query (3 MiB)", "GET ?query=<3 MiB>", "414 or 413 or 431, no 5xx", r,
                   r.status in (413, 414, 431))
        r = self.c.raw("POST", data=json.dumps({"query": "{ __typename }"}),
                       headers={"content-type": "application/json", "x-pad": "y" * 256 * 1024})
        self.check(cat, "oversized header (256 KiB)", "x-pad: <256 KiB>", "431", r, r.status == 431)

        # Mutations over GET change nothing: the token stays valid afterwards.
        victim = self.c.gql(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
            {"e": USERS["police_officer"], "p": self.args.password})
        vt = ((victim.data or {}).get("login") or {}).get("accessToken")
        for name, params in [
            ("mutation", {"query": "mutation { logout }"}),
            ("mutation named among queries", {"query": "query A { __typename } mutation B { logout }", "operationName": "B"}),
            ("subscription", {"query": "subscription { alerts { kind } }"}),
        ]:
            r = self.c.raw("GET", params=params, headers={"authorization": f"Bearer {vt}"})
            self.check(cat, f"{name} over GET", f"GET ?query={params['query'][:50]}", "405 with Allow: POST", r,
                       r.status == 405 and "POST" in r.headers.get("allow", ""))
        still = self.c.gql("{ viewer { roles } }", token=vt)
        self.check(cat, "nothing ran over GET", "the token used for `logout` over GET", "still valid", still, not still.errors)
        for method in ["PUT", "DELETE", "PATCH"]:
            r = self.c.raw(method, data=json.dumps({"query": "{ __typename }"}), headers={"content-type": "application/json"})
            self.check(cat, f"{method} /graphql", method, "405", r, r.status == 405)

        # Content-type confusion: a browser could send these cross-site without a preflight.
        q = json.dumps({"query": "mutation { logout }"})
        for name, kwargs in [
            ("text/plain", dict(data=q, headers={"content-type": "text/plain"})),
            ("form", dict(data={"query": "mutation { logout }"})),
            ("multipart", dict(files={"operations": (None, q, "application/json")})),
            ("no content type", dict(data=q.encode(), headers={"content-type": ""})),
            ("application/graphql", dict(data="mutation { logout }", headers={"content-type": "application/graphql"})),
            ("application/jsonx", dict(data=q, headers={"content-type": "application/jsonx"})),
            ("application/json-patch+json", dict(data=q, headers={"content-type": "application/json-patch+json"})),
        ]:
            kwargs.setdefault("headers", {})
            kwargs["headers"]["authorization"] = f"Bearer {vt}"
            r = self.c.raw("POST", **kwargs)
            self.check(cat, f"content type: {name}", f"POST logout as {name}", "415", r, r.status == 415)
        still = self.c.gql("{ viewer { roles } }", token=vt)
        self.check(cat, "nothing ran under a wrong content type", "the token used for `logout` above",
                   "still valid", still, not still.errors)
        r = self.c.raw("POST", data=json.dumps({"query": "{ __typename }"}),
                       headers={"content-type": "application/json; charset=utf-8"})
        self.check(cat, "control: application/json; charset=utf-8", "POST", "200", r, r.status == 200)
        r = self.c.raw("POST", data='{"query": "{ __typename }", "variables": "\\ud800"}',
                       headers={"content-type": "application/json"})
        self.check(cat, "lone surrogate in JSON", '"\\ud800"', "400 or a GraphQL error, no 5xx", r, r.status < 500)
        r = self.c.raw("POST", data=b'{"query": "{ __typename \xff\xfe }"}', headers={"content-type": "application/json"})
        self.check(cat, "invalid UTF-8 body", "bytes ff fe", "400, no 5xx", r, r.status == 400)
        del token

    # -- text filters ---------------------------------------------------------------------------

    def text_filters(self) -> None:
        cat = "SQL and LIKE metacharacters in text filters"
        targets = []  # (root field, argument path, other required args)
        q = self.schema.query_type
        for fname, field in q.fields.items():
            for aname, arg in field.args.items():
                t = get_named_type(arg.type)
                if t.name == "String":
                    targets.append((fname, [aname]))
                elif isinstance(t, GraphQLInputObjectType):
                    for iname, ifield in t.fields.items():
                        if get_named_type(ifield.type).name == "String":
                            targets.append((fname, [aname, iname]))
        metas = ["%", "_", "%%", "%_%", "\\", "\\%", "*", "[a-z]%", "'", "''", "' OR '1'='1", "' OR 1=1 --",
                 "'; DROP TABLE asb_case; --", "\" OR \"\"=\"", "1) OR (1=1", "%' UNION SELECT NULL--",
                 "\u0000", "a\u0000%", "\u202e%"]
        match_all = {"%", "_", "%%", "%_%", "*", "[a-z]%", "\\%"}
        baseline = {}
        for fname, path in targets:
            field = q.fields[fname]
            role = self.role_for(fname)
            conn = "totalCount" in (getattr(get_named_type(field.type), "fields", {}) or {})
            sel = "{ totalCount }" if conn else self.min_selection(get_named_type(field.type))
            args_sig, args_use, base_vars = self.required_args(field, skip=path[0])
            arg_type = str(field.args[path[0]].type)
            query = f"query($v: {arg_type}{args_sig}) {{ {fname}({path[0]}: $v{args_use}) {sel} }}"
            key = (fname, path[0])
            if conn and key not in baseline and not args_sig:
                b = self.c.as_(role, f"{{ {fname} {{ totalCount }} }}")
                baseline[key] = ((b.data or {}).get(fname) or {}).get("totalCount")
            for m in metas:
                value = m if len(path) == 1 else {path[1]: m}
                r = self.c.as_(role, query, {"v": value, **base_vars})
                count = ((r.data or {}).get(fname) or {}).get("totalCount") if conn and isinstance((r.data or {}).get(fname), dict) else None
                ok_codes = set(r.codes) <= {"BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN", None}
                held = ok_codes
                if count is not None and m in match_all:
                    held = held and count == 0
                happened = r.short() + (f", totalCount {count} of {baseline.get(key)}" if count is not None else "")
                self.check(cat, f"{fname}({'.'.join(path)}) = {m!r}", f"as {role}",
                           "no 5xx; BAD_USER_INPUT or no match-everything (0 rows for pure wildcards)", r, held, happened)
        after = self.c.as_("police_officer", "{ cases { totalCount } }")
        self.check(cat, "tables intact after the injections", "cases { totalCount }", "answered", after, not after.errors)

    def role_for(self, fname: str) -> str:
        for role in ["police_supervisor", "police_officer", "auditor", "administrator", "council_asb_officer"]:
            ops = self.policy[role]["ops"]
            if fname in ("auditLog", "accessHistory") and "READ_AUDIT_LOG" in ops:
                return role
            if fname in ("users", "user", "roles", "role", "agencies") and "MANAGE_USERS" in ops:
                return role
            if fname not in ("auditLog", "accessHistory", "users", "user", "roles", "role", "agencies") and "VIEW_CASES" in ops:
                return role
        return "police_supervisor"

    def min_selection(self, t) -> str:
        if isinstance(t, GraphQLObjectType):
            return "{ __typename }"
        return ""

    def required_args(self, field, skip):
        sig, use, vals = "", "", {}
        for aname, arg in field.args.items():
            if aname == skip or not isinstance(arg.type, GraphQLNonNull):
                continue
            sig += f", ${aname}: {arg.type}"
            use += f", {aname}: ${aname}"
            vals[aname] = self.sample(arg.type, aname)
        return sig, use, vals

    # -- mutation inputs ------------------------------------------------------------------------

    def sample(self, t, name="", depth=0):
        if isinstance(t, GraphQLNonNull):
            return self.sample(t.of_type, name, depth)
        if isinstance(t, GraphQLList):
            return [self.sample(t.of_type, name, depth)]
        if isinstance(t, GraphQLEnumType):
            return next(iter(t.values))
        if isinstance(t, GraphQLInputObjectType):
            out = {}
            for fname, f in t.fields.items():
                if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined and depth < 4:
                    out[fname] = self.sample(f.type, fname, depth + 1)
            return out
        n = name.lower()
        tn = t.name
        if tn == "ID":
            return self.ids.get(name) or self.ids.get(n.removesuffix("id") + "Id") or str(uuid.uuid4())
        if tn == "Int":
            return 1
        if tn == "Float":
            return 1.0
        if tn == "Boolean":
            return False
        if tn == "DateTime":
            return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        if tn == "NaiveDate":
            return (dt.date.today() + dt.timedelta(days=7)).isoformat()
        if "email" in n:
            return f"sec.{uuid.uuid4().hex[:8]}@example.org"
        if "password" in n:
            return "Sufficiently-long-passw0rd!"
        if "postcode" in n:
            return "EB1 1AA"
        if "base64" in n:
            return "aGVsbG8="
        if "contenttype" in n:
            return "text/plain"
        if n in ("operation",):
            return "VIEW_CASES"
        if "legalbasis" in n:
            return "Crime and Disorder Act 1998 s.115"
        return "Security suite value"

    def string_paths(self, t, prefix=(), depth=0):
        """Every String input reachable in an argument type (lists walked through their item)."""
        t0 = t.of_type if isinstance(t, GraphQLNonNull) else t
        if isinstance(t0, GraphQLList):
            yield from self.string_paths(t0.of_type, prefix + (0,), depth)
            return
        if isinstance(t0, GraphQLInputObjectType) and depth < 3:
            for fname, f in t0.fields.items():
                yield from self.string_paths(f.type, prefix + (fname,), depth + 1)
            return
        if getattr(t0, "name", None) == "String":
            yield prefix

    def set_path(self, value, t, path, attack):
        if not path:
            return attack
        t0 = t.of_type if isinstance(t, GraphQLNonNull) else t
        head, rest = path[0], path[1:]
        if isinstance(t0, GraphQLList):
            items = list(value) if isinstance(value, list) and value else [self.sample(t0.of_type, "")]
            items[0] = self.set_path(items[0], t0.of_type, rest, attack)
            return items
        obj = dict(value) if isinstance(value, dict) else self.sample(t0, "")
        ft = t0.fields[head].type
        obj[head] = self.set_path(obj.get(head, self.sample(ft, head)), ft, rest, attack)
        return obj

    def mutation_inputs(self) -> None:
        cat = "Unicode and very long strings in every mutation input"
        payloads = [
            ("RTL override", "\u202eevil\u202c"),
            ("zero-width", "a\u200bb\u200c\u200d\ufeffc"),
            ("NUL", "a\u0000b"),
            ("emoji", "\U0001F3E0\U0001F469\u200d\U0001F469\u200d\U0001F467 \U0001F1EC\U0001F1E7"),
            ("combining marks", "e" + "\u0301" * 500),
            ("control characters", "line1\nline2\r\t\u0007\u001b[31m"),
            ("SQL", "'; DROP TABLE person; --"),
            ("10 000 characters", "x" * 10_000),
            ("200 000 characters", "y" * 200_000),
        ]
        # Not GRAPHQL_VALIDATION_FAILED: the sampled companion arguments must validate, or the
        # payload never reaches a resolver and the attack proves nothing.
        allowed = {"BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN", "CONFLICT", "UNAUTHENTICATED", "RATE_LIMITED",
                   "FORBIDDEN_FIELD"}
        for mname, field in self.schema.mutation_type.fields.items():
            paths = [(aname, p) for aname, arg in field.args.items() for p in self.string_paths(arg.type)]
            if not paths or mname == "logout":
                continue
            role = self.mutation_role(mname, field)
            token = self.c.login(role)
            sel = self.min_selection(get_named_type(field.type))
            sig = ", ".join(f"${a}: {arg.type}" for a, arg in field.args.items())
            use = ", ".join(f"{a}: ${a}" for a in field.args)
            query = f"mutation({sig}) {{ {mname}({use}) {sel} }}"
            tried = held_n = 0
            worst = None
            outcomes: dict = {}
            for aname, path in paths:
                for pname, attack in payloads:
                    variables = {a: self.sample(arg.type, a) for a, arg in field.args.items()}
                    variables[aname] = self.set_path(variables[aname], field.args[aname].type, path, attack)
                    headers = {"content-type": "application/json"}
                    if mname not in ("login", "refreshToken"):
                        headers["authorization"] = f"Bearer {token}"
                    r = self.c.raw("POST", data=json.dumps({"query": query, "variables": variables}), headers=headers)
                    tried += 1
                    outcome = ",".join(sorted({str(c) for c in r.codes})) or "ok"
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
                    ok = healthy(r) and set(r.codes) <= allowed
                    if ok:
                        held_n += 1
                    elif worst is None:
                        worst = f"{'.'.join(map(str, (aname,) + path))} = {pname}: {r.short()} {r.text[:400]}"
            self.check(cat, f"{mname} ({len(paths)} string inputs x {len(payloads)} payloads)", f"as {role}",
                       "BAD_USER_INPUT or success (or NOT_FOUND/FORBIDDEN/CONFLICT), never 5xx or INTERNAL",
                       None, held_n == tried, happened=f"{held_n}/{tried} held ("
                       + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) + ")"
                       + (f"; first failure: {worst}" if worst else ""))
        # The server still answers and demo sign-in works.
        r = self.c.as_("police_officer", "{ viewer { roles } }")
        self.check(cat, "server healthy afterwards", "viewer as the police officer", "answered", r, not r.errors)

    def mutation_role(self, mname, field) -> str:
        admin_ops = ("Agency", "User", "Role", "Operation", "FieldPermission", "Password", "Questionnaire", "SafetyRules")
        if any(k.lower() in mname.lower() for k in admin_ops):
            return "administrator"
        if mname in ("reviewCase",):
            return "police_supervisor"
        return "police_officer"

    def collect_ids(self) -> None:
        r = self.c.as_("police_officer",
                       "{ viewer { agency { id } user { id } } cases(first: 5, filter: { myAgency: true }) { edges { node { id "
                       "parties { id person { id } } actions { id } } } } incidents(first: 1) { edges { node { id } } } }")
        d = r.data or {}
        try:
            case = d["cases"]["edges"][0]["node"]
            self.ids.update(caseId=case["id"], agencyId=d["viewer"]["agency"]["id"],
                            ownerAgencyId=d["viewer"]["agency"]["id"], ownerId=d["viewer"]["user"]["id"],
                            incidentId=d["incidents"]["edges"][0]["node"]["id"])
            if case.get("parties"):
                self.ids["personId"] = case["parties"][0]["person"]["id"]
                self.ids["partyId"] = case["parties"][0]["id"]
            if case.get("actions"):
                self.ids["actionId"] = case["actions"][0]["id"]
        except (KeyError, IndexError, TypeError):
            pass

    # -- pagination -----------------------------------------------------------------------------

    def pagination(self) -> None:
        cat = "Negative and huge pagination arguments"
        q = self.schema.query_type
        for fname, field in q.fields.items():
            if "first" not in field.args:
                continue
            role = self.role_for(fname)
            sig, use, base = self.required_args(field, skip="first")
            for value, expect in [(-1, "BAD_USER_INPUT"), (0, "BAD_USER_INPUT"), (101, "BAD_USER_INPUT"),
                                  (2**31 - 1, "BAD_USER_INPUT"), (-(2**31), "BAD_USER_INPUT"),
                                  (2**31, "error"), (10**20, "error"), ("10", "error"), (1.5, "error")]:
                r = self.c.as_(role, f"query($n: Int{sig}) {{ {fname}(first: $n{use}) {{ totalCount }} }}", {"n": value, **base})
                held = (expect in r.codes) if expect != "error" else (bool(r.errors) and not (r.data or {}).get(fname))
                if expect == "BAD_USER_INPUT":
                    held = held and any((e.get("extensions") or {}).get("field") == "first" for e in r.errors)
                self.check(cat, f"{fname}(first: {value})", f"as {role}", f"{expect} naming first" if expect != "error" else
                           "a validation error, no data", r, held)
            for value in ["", "garbage", "A" * 5000, b64url(b"' OR 1=1 --"), b64url(b"\x01" + b"\x00" * 16 + b"' OR 1=1 --"),
                          b64url(b"\x02" + os.urandom(40))]:
                r = self.c.as_(role, f"query($a: String{sig}) {{ {fname}(after: $a{use}) {{ totalCount }} }}", {"a": value, **base})
                # FORBIDDEN: a role without the list's operation is refused before the cursor.
                held = not r.errors or set(r.codes) <= {"BAD_USER_INPUT", "FORBIDDEN"}
                self.check(cat, f"{fname}(after: {value[:24]!r}{'...' if len(value) > 24 else ''})", f"as {role}",
                           "BAD_USER_INPUT naming after, or an empty page", r, held)

    # -- introspection --------------------------------------------------------------------------

    def introspection(self) -> None:
        cat = "Introspection and suggestions"
        url = self.args.url_no_introspection
        if not url:
            self.check(cat, "introspection when disabled", "no --url-no-introspection given", "skipped", None, True,
                       happened="skipped")
            return
        other = Client(url, self.r, self.args.password)
        token = other.login("police_officer")
        for name, q in [("__schema", "{ __schema { types { name } } }"),
                        ("__type(Case)", '{ __type(name: "Case") { name fields { name } } }'),
                        ("__schema in a fragment", "{ ...F } fragment F on Query { __schema { queryType { name } } }"),
                        ("aliased __schema", "{ s: __schema { types { name } } }")]:
            for who, tok in [("anonymous", None), ("signed in", token)]:
                r = other.gql(q, token=tok)
                held = "policeIntelligence" not in r.text and '"Case"' not in r.text and '"CaseFilter"' not in r.text
                self.check(cat, f"{name} ({who}) with introspection off", q[:60], "no schema disclosed", r, held)
        r = other.gql("{ __typename }")
        self.check(cat, "control: __typename still answers", "{ __typename }", "Query", r,
                   (r.data or {}).get("__typename") == "Query")
        for c, label in [(self.c, "introspection on"), (other, "introspection off")]:
            tok = c.login("police_officer")
            r = c.gql("{ cases { edges { node { polceIntelligence titel } } } }", token=tok)
            held = bool(r.errors) and "Did you mean" not in r.text and "policeIntelligence" not in r.text
            self.check(cat, f"no 'did you mean' suggestions ({label})", "misspelt field names",
                       "an error without suggestions", r, held)

    # -- fuzzing --------------------------------------------------------------------------------

    def fuzz(self) -> None:
        """Schema-driven fuzzing with schemathesis, as a case-working role and as the administrator.

        Its own GraphQL check counts every resolver error as a server error, FORBIDDEN and
        NOT_FOUND included; `fuzz_hooks.py` replaces it with one that fails on 5xx, INTERNAL, a
        resolver error without a stable code, or internals in an error text.
        """
        if self.args.no_fuzz:
            self.r.fuzz = {"summary": "not run (--no-fuzz)"}
            return
        st = Path(sys.executable).with_name("schemathesis")
        version = subprocess.run([str(st), "--version"], capture_output=True, text=True).stdout.strip()
        env = dict(os.environ, PYTHONPATH=str(ROOT / "security"), SCHEMATHESIS_HOOKS="fuzz_hooks")
        total, failed, outputs, seconds = 0, 0, [], 0.0
        ops = sum(len(t.fields) for t in (self.schema.query_type, self.schema.mutation_type, self.schema.subscription_type) if t)
        for role in ["police_officer", "administrator"]:
            token = self.c.login(role)
            cmd = [str(st), "run", f"{self.c.url}/graphql", "--checks", "no_server_error",
                   "--max-examples", str(self.args.fuzz_examples), "--header", f"Authorization: Bearer {token}",
                   "--no-color", "--suppress-health-check", "all", "--request-timeout", "30",
                   "--generation-database", "none", "--workers", "1"]
            print(f"\n== schema-driven fuzzing as {role} ({self.args.fuzz_examples} examples per operation)", flush=True)
            t0 = time.time()
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT / "security")
            took = time.time() - t0
            seconds += took
            out = proc.stdout + proc.stderr
            summary = out[out.rfind("SUMMARY"):] if "SUMMARY" in out else out[-3000:]
            print(summary.strip())
            gen = re.search(r"(\d+) generated", out)
            fails = re.search(r"(\d+) (?:unique )?failures?", out)
            n = int(gen.group(1)) if gen else 0
            total += n
            failed += int(fails.group(1)) if fails else (0 if proc.returncode == 0 else 1)
            outputs.append(f"--- as {role}: exit {proc.returncode}, {took:.0f} s\n{summary.strip()}")
            self.check("Schema-driven fuzzing", f"schemathesis as {role}",
                       f"{n} generated queries and mutations over all {ops} operations (fuzzing and stateful phases)",
                       "no 5xx, no INTERNAL, no unmapped resolver error, no internals in error texts",
                       None, proc.returncode == 0 and n > 0,
                       happened=f"exit {proc.returncode}; {fails.group(0) if fails else 'no failures'}; {took:.0f} s")
        self.r.fuzz = {
            "version": version.split()[-1] if version else "?",
            "summary": f"{total} test cases generated ({self.args.fuzz_examples} examples per operation, two roles), "
                       f"{failed} failures, {seconds:.0f} s",
            "output": "\n".join(outputs)[-6000:],
        }


def non_null_keys(data, keys: set) -> list[str]:
    found = []

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if k in keys and x not in (None, [], {}):
                    found.append(k)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(data)
    return found


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True, help="base URL of the server under attack (introspection on)")
    p.add_argument("--url-no-introspection", help="a second server started with ASB_HUB_INTROSPECTION=false")
    p.add_argument("--jwt-secret", default=os.environ.get("ASB_SECURITY_JWT_SECRET"),
                   help="the target's signing secret, to forge validly signed tokens with bad claims")
    p.add_argument("--password", default=os.environ.get("ASB_HUB_DEMO_PASSWORD", "asb-demo-2026"))
    p.add_argument("--report", default=str(ROOT / "security/last-run.md"))
    p.add_argument("--fuzz-examples", type=int, default=int(os.environ.get("ASB_SECURITY_FUZZ_EXAMPLES", "25")))
    p.add_argument("--no-fuzz", action="store_true")
    p.add_argument("--only", help="comma-separated sections to run (default: all)")
    p.add_argument("--meta", action="append", default=[], help="key=value lines for the report header")
    args = p.parse_args()

    report = Report()
    suite = Suite(args, report)
    sections = [
        ("jwt", suite.jwt), ("fields", suite.field_leaks), ("rows", suite.row_leaks),
        ("filters", suite.filter_leaks), ("subscriptions", suite.subscriptions), ("bombs", suite.bombs),
        ("http", suite.http_attacks), ("text", suite.text_filters), ("pagination", suite.pagination),
        ("introspection", suite.introspection), ("inputs", suite.mutation_inputs), ("fuzz", suite.fuzz),
    ]
    only = set(args.only.split(",")) if args.only else None
    started = time.time()
    for name, fn in sections:
        if only and name not in only:
            continue
        print(f"\n== {name}", flush=True)
        try:
            fn()
        except Exception as e:  # an attack that crashes is a failure to report, not a pass
            import traceback
            traceback.print_exc()
            report.add(name, "the attack itself", name, "runs to the end", f"crashed: {e!r}"[:300], False)
    server_errors = len(report.server_errors)
    report.add("Every response", "no 5xx, no INTERNAL, no internals in error texts",
               f"all {report.requests} requests above", "none", f"{server_errors} found", server_errors == 0)
    meta = dict(kv.split("=", 1) for kv in args.meta if "=" in kv)
    meta.setdefault("date", dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    meta["target"] = args.url
    meta["duration"] = f"{time.time() - started:.0f} s"
    Path(args.report).write_text(report.markdown(meta))
    held = len(report.rows) - report.failed
    print(f"\n== {len(report.rows)} attacks, {held} held, {report.failed} FAILED; "
          f"{report.requests} requests; 5xx/INTERNAL: {server_errors}; fuzzing: {report.fuzz.get('summary', '-')}")
    print(f"report: {args.report}")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
