"""Schemathesis hooks for .ci/schemathesis.sh.

Every generated Idempotency-Key is replaced by a fresh UUID, as a real client makes one
per distinct request. Generated keys repeat (hypothesis reuses simple values), and a
repeated key correctly replays the first answer: a "created" record that was deleted
since, which the stateful checks would then report as missing. Replays themselves are
covered by the integration tests (tests/api/idempotency.rs).

Positive cases (data that fits the document) are pointed at real records: a path's `id`
becomes a record made for that call (an invoice for `/invoices/{id}/…`, a reminder for
`{reminder_id}`, an accepted quote for `convert`), and the ids a body refers to
(`customer_id`, `tax_id`, `payment_term_id`, `invoice_id`) become records of this
business; a payment on an invoice takes its currency, a start after its end is
swapped, a customer gets a name and one spelling of its address (rules the document
states in words only). Random integers would name nothing, so every operation would only ever see
404s, and the rules that need a real customer or tax would never be reached. Negative
cases keep their generated ids, so 404s and refusals are still tested.
"""

import os
import uuid

import requests
import schemathesis
from schemathesis import GenerationMode

BASE = os.environ.get("KOTESHEN_BASE_URL", "")
HEADERS = {"Authorization": f"Bearer {os.environ.get('KOTESHEN_TOKEN', '')}"}
_fixtures = {}


def _post(path, body, method="POST"):
    response = requests.request(method, BASE + path, json=body, headers=HEADERS, timeout=10)
    response.raise_for_status()
    return response.json()["data"] if response.content else None


def _fixture(name, make):
    if name not in _fixtures:
        _fixtures[name] = make()
    return _fixtures[name]


def customer():
    return _fixture("customer", lambda: _post("/api/v1/customers", {"customer": {
        "name": "Fixture Co", "email": "fixture@example.com", "currency": "USD"}})["id"])


def tax():
    return _fixture("tax", lambda: _post("/api/v1/taxes", {"tax": {"name": "VAT", "rate": "15"}})["id"])


def term():
    return _fixture("term", lambda: _post("/api/v1/payment_terms", {"payment_term": {
        "name": "Net 9", "value": 9}})["id"])


# A balance larger than any amount the document allows, so a generated payment fits.
ITEMS = [{"name": "Work", "quantity": 1, "unit_price": "999999999999"}]


def invoice():
    body = lambda: {"invoice": {"customer_id": customer(), "currency": "USD", "items_attributes": ITEMS}}
    try:
        return _post("/api/v1/invoices", body())["id"]
    except requests.HTTPError:
        # A negative case may have deleted a fixture (its generated id named it): anew.
        _fixtures.clear()
        return _post("/api/v1/invoices", body())["id"]


def product():
    return _fixture("product", lambda: _post("/api/v1/products", {"product": {
        "name": "Fixture product", "unit_price": "1", "currency": "USD"}})["id"])


class _Entry:
    """One invoice of a batch, as if it were the body of `POST /invoices`."""

    def __init__(self, body):
        self.path, self.method, self.query, self.body = "/api/v1/invoices", "POST", None, body


def report_period(case):
    """A report's period as the document states in words: `from` on or before `to`, and a
    revenue report of at most 1000 intervals."""
    from datetime import date
    query = case.query or {}
    def day(key):
        try:
            return date.fromisoformat(str(query.get(key)))
        except ValueError:
            return None
    start, end = day("from"), day("to")
    if start and not end:
        query["to"], end = query["from"], start
    if start and end and start > end:
        query["from"], query["to"] = query["to"], query["from"]
        start, end = end, start
    if case.path == "/api/v1/reports/revenue" and start:
        # A long span in days or weeks would pass the cap: one day's report, by month.
        query["to"], query["interval"] = start.isoformat(), "month"


def quote(accepted=False, sent=False):
    body = lambda: {"quote": {
        "customer_id": customer(), "currency": "USD", "items_attributes": ITEMS,
        "issued_at": "2026-01-01T00:00:00Z", "expires_at": "2099-01-01T00:00:00Z"}}
    try:
        made = _post("/api/v1/quotes", body())["id"]
    except requests.HTTPError:
        _fixtures.clear()
        made = _post("/api/v1/quotes", body())["id"]
    if accepted or sent:
        for status in ("sent", "accepted") if accepted else ("sent",):
            _post(f"/api/v1/quotes/{made}/status", {"quote": {"status": status}}, "PATCH")
    return made


def fresh_path_ids(case):
    parts = case.path.split("/")
    resource = parts[3] if len(parts) > 3 else ""
    if "id" not in (case.path_parameters or {}):
        return
    if resource == "customers":
        made = _post("/api/v1/customers", {"customer": {"name": "Fresh", "email": "fresh@example.com"}})["id"]
    elif resource == "taxes":
        made = _post("/api/v1/taxes", {"tax": {"name": "Fresh", "rate": "5"}})["id"]
    elif resource == "payment_terms":
        made = _post("/api/v1/payment_terms", {"payment_term": {"name": "Fresh", "value": 3}})["id"]
    elif resource == "invoices":
        made = invoice()
        if "{reminder_id}" in case.path:
            case.path_parameters["reminder_id"] = _post(
                f"/api/v1/invoices/{made}/invoices_reminders",
                {"invoices_reminder": {"days": 3, "when": "after_due"}})["id"]
        if case.path.endswith(("/send_reminder", "/public_link/reissue", "/credit_notes",
                               "/apply_credit")):
            # A draft needs no reminder, has no page link and is not credited: use an
            # invoice that was sent.
            _post(f"/api/v1/invoices/{made}/status", {"invoice": {"status": "sent"}}, "PATCH")
        fields = _inner(case.body)
        needs_schedule = case.path.endswith("/recurring") and not (
            isinstance(fields, dict) and fields.get("frequency"))
        if case.path.endswith("/invoices_subscription") or needs_schedule:
            # Only a new schedule needs a frequency: a body without one changes the
            # invoice's existing schedule.
            _post(f"/api/v1/invoices/{made}/recurring",
                  {"invoices_subscription": {"frequency": "monthly"}}, "PATCH")
    elif resource == "quotes":
        # Converting needs an accepted quote; a status change, a sent one (a draft
        # can only be sent).
        made = quote(accepted=case.path.endswith("/convert"),
                     sent=case.path.endswith(("/status", "/public_link/reissue")))
    elif resource == "payments":
        # As large and as early as a payment may be, so a generated refund fits in it.
        made = _post("/api/v1/payments", {"payment": {
            "invoice_id": invoice(), "amount": "999999999999", "payment_method": "cash",
            "paid_at": "2000-01-01T00:00:00Z"}})["id"]
        if "{refund_id}" in case.path:
            case.path_parameters["refund_id"] = _post(
                f"/api/v1/payments/{made}/refunds", {"refund": {"amount": "1"}})["id"]
    elif resource == "credit_notes":
        issued = invoice()
        _post(f"/api/v1/invoices/{issued}/status", {"invoice": {"status": "sent"}}, "PATCH")
        made = _post(f"/api/v1/invoices/{issued}/credit_notes", {"amount": "1", "reason": "Fixture"})["id"]
    elif resource == "webhook_endpoints":
        made = _post("/api/v1/webhook_endpoints", {"webhook_endpoint": {
            "url": "https://example.com/hook", "enabled_events": ["*"]}})["id"]
    elif resource == "events":
        customer()
        made = requests.get(BASE + "/api/v1/events?per_page=1", headers=HEADERS, timeout=10).json()["data"][0]["id"]
    else:
        return
    case.path_parameters["id"] = made


def _text(value):
    return isinstance(value, str) and value.strip() != ""


def _instant(text):
    from datetime import datetime, timezone
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


WRAPPERS = ("customer", "tax", "payment_term", "invoice", "quote", "payment",
            "invoices_reminder", "reminder", "invoices_subscription", "recurring",
            "subscription", "webhook_endpoint", "business", "credit_note", "credit",
            "product", "bulk", "batch")


def _inner(body):
    """The fields the server reads: a wrapper key holding an object wins, as it does
    in the server's reading of a body."""
    if isinstance(body, dict):
        for key in WRAPPERS:
            if isinstance(body.get(key), dict):
                return body[key]
    return body


def real_references(case):
    if case.method == "GET" and case.query and "sort" in case.query and "s" in case.query:
        # `sort` and Ransack's `s` are two ways to say one thing: giving both is a 422.
        del case.query["s"]
    if case.path.startswith("/api/v1/reports/"):
        report_period(case)
    fields = _inner(case.body)
    if not isinstance(fields, dict):
        return
    if case.path == "/api/v1/invoices/batch":
        for entry in fields.get("invoices") or []:
            if isinstance(entry, dict):
                real_references(_Entry(entry))
        return
    if case.path.startswith("/api/v1/products"):
        # SKUs are unique per business; default taxes must be this business's.
        if isinstance(fields.get("sku"), str) and fields["sku"].strip():
            fields["sku"] = fields["sku"][:50] + "-" + uuid.uuid4().hex[:8]
        if fields.get("tax_ids"):
            fields["tax_ids"] = [tax()]
    if isinstance(fields.get("number"), str) and fields["number"].strip():
        # Numbers are unique per business; a generated one is often taken already.
        fields["number"] = fields["number"][:50] + "-" + uuid.uuid4().hex[:8]
    if "customer_id" in fields:
        fields["customer_id"] = customer()
    if "payment_term_id" in fields:
        fields["payment_term_id"] = term()
    if case.path.startswith("/api/v1/customers"):
        # `address` and `address_attributes` are one field in two spellings (both: 422),
        # and a new customer needs a name or a company.
        if "address" in fields and "address_attributes" in fields:
            del fields["address_attributes"]
        if case.method == "POST" and not (_text(fields.get("name")) or _text(fields.get("company"))):
            fields["name"] = "Generated Co"
    if case.path == "/api/v1/business":
        # Formats the document states in words only (an IANA zone, a BCP 47 tag, a VAT
        # number's country shape, IBAN check digits); `logo` only removes or keeps.
        for key, valid in (("time_zone", "Europe/Berlin"), ("locale", "en-GB"),
                           ("tax_id", "DE123456789")):
            if isinstance(fields.get(key), str):
                fields[key] = valid
        if isinstance(fields.get("logo"), str):
            del fields["logo"]
        pay = fields.get("payment_instructions")
        if isinstance(pay, dict):
            for key, valid in (("iban", "DE89370400440532013000"), ("bic", "DEUTDEFF")):
                if isinstance(pay.get(key), str):
                    pay[key] = valid
    if case.path.startswith("/api/v1/customers") and isinstance(fields.get("tax_id"), str):
        fields["tax_id"] = "DE123456789"
    if case.path == "/api/v1/payments" and case.method == "POST" and "invoice_id" not in fields:
        # A payment without an invoice needs a currency (the document says so in words:
        # an either-or `required` defeats client generators).
        fields.setdefault("currency", "USD")
    if "invoice_id" in fields:
        fields["invoice_id"] = invoice()
        if "currency" in fields:
            # A payment on an invoice is in the invoice's currency.
            fields["currency"] = "USD"
    # An end before its start is refused by a rule the document states in words only.
    for start, end in (("issued_at", "due_at"), ("issued_at", "expires_at"), ("starts_at", "ends_at")):
        a, b = fields.get(start), fields.get(end)
        if isinstance(a, str) and isinstance(b, str) and _instant(b) < _instant(a):
            fields[start], fields[end] = b, a
    for key in ("invoice_taxes_attributes", "quote_taxes_attributes"):
        for entry in fields.get(key) or []:
            if isinstance(entry, dict):
                entry.pop("id", None)
                entry.pop("_destroy", None)
                entry["tax_id"] = tax()
    # An end alone may fall before the record's start: the start goes with it.
    for start, end in (("issued_at", "due_at"), ("issued_at", "expires_at"), ("starts_at", "ends_at")):
        if isinstance(fields.get(end), str) and fields[end] and start not in fields:
            fields[start] = fields[end]
    for item in fields.get("items_attributes") or []:
        if isinstance(item, dict) and item.get("product_id") is not None:
            # A product of this business, priced by the item (its currency is the document's).
            item["product_id"] = product()
            item.setdefault("unit_price", "1")
            if item.get("unit_price") is None:
                item["unit_price"] = "1"
        if isinstance(item, dict) and all(k in item for k in ("name", "quantity", "unit_price")):
            item.pop("id", None)
            item.pop("_destroy", None)
            if item.get("tax_ids"):
                item["tax_ids"] = [tax()]


FORM = "application/x-www-form-urlencoded"


@schemathesis.hook
def before_call(context, case, **kwargs):
    if case.media_type == FORM:
        # A form body generated from a nested schema is not a Rails form: OpenAPI's form
        # style has no brackets for nested objects, so `invoice=a&invoice=b` comes out,
        # which Rails (and this server) answers 400. The same data goes as JSON; Rails
        # forms are tested from the pages' own examples (tests/api/pages/bodies.rs).
        case.media_type = "application/json"
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    meta = case.meta
    if BASE and meta is not None and meta.generation.mode == GenerationMode.POSITIVE:
        fresh_path_ids(case)
        real_references(case)
