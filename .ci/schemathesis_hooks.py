"""Schemathesis hooks for .ci/schemathesis.sh.

Every generated Idempotency-Key is replaced by a fresh UUID, as a real client makes one
per distinct request. Generated keys repeat (hypothesis reuses simple values), and a
repeated key correctly replays the first answer: a "created" record that was deleted
since, which the stateful checks would then report as missing. Replays themselves are
covered by the integration tests (tests/api/idempotency.rs).
"""

import uuid

import schemathesis


@schemathesis.hook
def before_call(context, case, **kwargs):
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
