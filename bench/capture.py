#!/usr/bin/env python3
"""Turns the statements PostgreSQL logged for one request per workload into pgbench
scripts (bench/sql/<workload>.sql). Called by `bench/run.sh --capture` (see
bench/capture.sh), which runs each request once against a database with
`log_statement = 'all'` and hands over the slice of the server log it produced.

Every statement the server ran is kept, in order, with its text unchanged; each bound
parameter is replaced by:
  - a pgbench variable where the value names the workload's moving parts (the business,
    the token, the tax, the invoice picked at random, the customer, an id RETURNING gave
    back earlier in the same request), or
  - the literal value the server sent (timestamps, amounts, names, the event JSON).
Only the event id is rewritten into an expression (`'evt_' || :evt`): it is a primary key
the server makes up per call, so a constant would fail on the second transaction.
"""

import argparse
import json
import os
import re
import sys

ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[(\d+)\] (\S*)@(\S*) (\w+):  (.*)$")
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
PLACEHOLDER = re.compile(r"\$(\d+)\b")


def entries(path, db):
    """(kind, text) of each log entry of the database, continuation lines joined."""
    out = []
    current = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = ENTRY.match(line)
            if m:
                current = None
                if m.group(3) == db:
                    current = [m.group(4), m.group(5)]
                    out.append(current)
            elif current is not None:
                current[1] += "\n" + line[1:] if line.startswith("\t") else "\n" + line
    return out


def statements(path, db):
    """[(sql, {n: value-literal-or-None})] in the order the server ran them."""
    result = []
    for kind, text in entries(path, db):
        if kind == "LOG":
            m = re.match(r"(?:execute [^:]+|statement): (.*)$", text, re.S)
            if m:
                result.append([m.group(1), {}])
        elif kind == "DETAIL" and text.startswith("parameters: ") and result:
            for n, value in PARAM.findall(text):
                result[-1][1][int(n)] = None if value == "NULL" else value
    return result


def unquote(literal):
    return literal[1:-1].replace("''", "'")


def convert(stmts, mapping, gsets, sets):
    """pgbench script text. mapping: value -> expression; gsets: (regex, prefix)."""
    lines = [l for l in sets]
    events = {}
    done_gsets = set()
    for sql, params in stmts:
        def sub(m):
            n = int(m.group(1))
            if n not in params:
                return m.group(0)
            literal = params[n]
            if literal is None:
                return "NULL"
            value = unquote(literal)
            if value in mapping:
                return mapping[value]
            arr = re.fullmatch(r"\{(-?\d+(?:,-?\d+)*)\}", value)
            if arr and any(v in mapping for v in arr.group(1).split(",")):
                elems = [mapping.get(v, v) for v in arr.group(1).split(",")]
                return "ARRAY[" + ", ".join(elems) + "]::bigint[]"
            if re.fullmatch(r"evt_[0-9a-f]{32}", value):
                # One made-up id per event of the call, the same wherever it is reused.
                n = events.setdefault(value, len(events))
                return f"('evt_' || :evt || '{chr(ord('a') + n)}')"
            return literal
        text = PLACEHOLDER.sub(sub, sql).rstrip().rstrip(";")
        terminator = ";"
        for i, (pattern, prefix) in enumerate(gsets):
            if i not in done_gsets and re.search(pattern, sql, re.S):
                terminator = "\n\\gset " + prefix
                done_gsets.add(i)
                break
        lines.append(text + terminator)
    missing = set(range(len(gsets))) - done_gsets
    if missing:
        sys.exit(f"capture: no statement matched {[gsets[i][0] for i in missing]}")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser()
    for name in ["db", "work", "out", "business-id", "tax-id", "token-hash", "customer-min",
                 "customer-max", "show-id", "pay-id", "create-customer"]:
        p.add_argument("--" + name, required=True)
    a = p.parse_args()
    base = {a.business_id: ":business_id", a.tax_id: ":tax_id", a.token_hash: ":token_hash"}
    pick = "\\set id random(:id_min, :id_max)"
    header = "-- Captured by bench/capture.sh from the server's query log: {}.\n" \
             "-- Regenerate, don't edit by hand.\n\\set evt random(1, 999999999999999)"

    def response(name):
        with open(os.path.join(a.work, name + ".response.json")) as f:
            return json.load(f)["data"]

    def load(name):
        stmts = statements(os.path.join(a.work, name + ".log"), a.db)
        if not stmts:
            sys.exit(f"capture: no statement logged for {name}")
        return stmts

    def write(name, what, text):
        body = header.format(what) + "\n" + text
        with open(os.path.join(a.out, name + ".sql"), "w") as f:
            f.write(body)
        count = sum(1 for line in text.splitlines() if line.endswith(";") or line.startswith("\\gset"))
        print(f"{name}: {count} statements", file=sys.stderr)

    write("show", "GET /api/v1/invoices/{id}",
          convert(load("show"), {**base, a.show_id: ":id"}, [], [pick]))
    # wrk asks for pages 1 to 10; so does pgbench: the captured OFFSET (page 1's) becomes
    # a random page's. Every other value stays as captured.
    # The second statement reads the invoices whose ids the first gave (\gset l_).
    page_ids = "{" + ",".join(str(i["id"]) for i in response("list")) + "}"
    listed = convert(load("list"), {**base, page_ids: ":l_ids"},
                     [(r"ARRAY\(SELECT i\.id", "l_")], ["\\set offset 20 * random(0, 9)"])
    listed, offsets = re.subn(r"OFFSET '0'", "OFFSET :offset", listed)
    if offsets != 1:
        sys.exit(f"capture: expected one OFFSET in the list statements, found {offsets}")
    write("list", "GET /api/v1/invoices?page=P&per_page=20, P in 1..10", listed)

    created = response("create")
    # The counter statement answers the formatted number (`\gset n_` makes it
    # :n_number), which the statements after it use as a bound parameter (-M prepared).
    number = created["number"]
    write("create", "POST /api/v1/invoices (5 items, a tax, a percent discount)",
          convert(load("create"),
                  {**base, a.create_customer: ":customer_id", str(created["id"]): ":new_id",
                   number: ":n_number"},
                  [(r"INSERT INTO document_counters", "n_"),
                   (r"^\s*INSERT INTO invoices\b.*RETURNING id", "new_")],
                  ["\\set customer_id random(:customer_min, :customer_max)"]))

    paid = response("payment")
    write("payment", "POST /api/v1/invoices/{id}/payments",
          convert(load("payment"), {**base, a.pay_id: ":id", str(paid["id"]): ":new_id"},
                  [(r"^\s*INSERT INTO payments\b.*RETURNING", "new_")], [pick]))


if __name__ == "__main__":
    main()
