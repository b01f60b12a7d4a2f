"""Schemathesis hooks for the security suite (loaded through SCHEMATHESIS_HOOKS=fuzz_hooks).

- `no_server_error`: the check that matters here. A response fails when its status is 5xx, when
  it is not JSON, or when an error carries the code `INTERNAL`, has no stable code at all while
  data came back partially (an unmapped resolver error), or leaks SQL, driver or source text.
  Errors with the API's stable codes (`FORBIDDEN`, `NOT_FOUND`, `BAD_USER_INPUT`, ...) are the
  contract, not failures: schemathesis's own GraphQL check counts every resolver error as a
  server error.
- `NaiveDate`: dates as `YYYY-MM-DD`, which schemathesis cannot generate by itself.
"""

import json
import re

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

LEAK = re.compile(
    r"(?i)(\bselect\b.+\bfrom\b|\binsert into\b|\bsqlx\b|sqlite|postgres|syntax error|duplicate key|"
    r"violates|constraint failed|panicked|\.rs:\d|/src/|backtrace|DbErr)"
)
CODES = {
    "UNAUTHENTICATED", "FORBIDDEN", "FORBIDDEN_FIELD", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT",
    "RATE_LIMITED", "LIMIT_EXCEEDED", "BAD_REQUEST", "BATCH_REFUSED", "METHOD_NOT_ALLOWED",
    "UNSUPPORTED_MEDIA_TYPE", "TIMEOUT",
}

schemathesis.graphql.scalar(
    "NaiveDate",
    st.dates().map(lambda d: nodes.String(d.isoformat())),
)


@schemathesis.check
def no_server_error(ctx, response, case):
    """No 5xx, no INTERNAL, no unmapped resolver error, no internals in error texts."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}")
    try:
        payload = json.loads(response.text)
    except ValueError as e:
        raise AssertionError(f"not JSON: {response.text[:200]}") from e
    for error in payload.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        text = json.dumps(error)
        if code == "INTERNAL":
            raise AssertionError(f"INTERNAL: {text[:300]}")
        if LEAK.search(text):
            raise AssertionError(f"error text leaks internals: {text[:300]}")
        if error.get("path") and code not in CODES:
            raise AssertionError(f"a resolver error without a stable code: {text[:300]}")
    return None
