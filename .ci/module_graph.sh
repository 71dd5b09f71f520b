#!/usr/bin/env bash
# Prints the dependency edges between the crate's top-level modules (src/X.rs or
# src/X/**, an edge X -> Y for each `crate::Y` they mention outside comments, grouped
# `use crate::{Y::.., Z::..}` included) and fails if the edges form a cycle, naming one
# cycle per strongly connected component. `super::` paths are not followed: code reaches
# other top-level modules through `crate::`. main.rs and lib.rs are the roots, not nodes.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 - <<'EOF'
import pathlib, re, sys

src = pathlib.Path("src")
modules = {p.stem for p in src.glob("*.rs")} | {p.name for p in src.iterdir() if p.is_dir()}
modules -= {"main", "lib"}

edges = {}
for path in sorted(src.rglob("*.rs")):
    top = path.relative_to(src).parts[0].removesuffix(".rs")
    if top not in modules:
        continue
    # Comments (doc comments too) are dropped: prose naming a module is no dependency.
    text = "\n".join(re.sub(r"//.*", "", line) for line in path.read_text().splitlines())
    names = set(re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", text))
    for group in re.finditer(r"\bcrate::\{", text):
        depth, start = 1, group.end()
        i = start
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        # Only the group's top-level items name modules.
        inner, depth, flat = text[start:i - 1], 0, ""
        for ch in inner:
            depth += {"{": 1, "}": -1}.get(ch, 0)
            flat += ch if depth == 0 and ch != "}" else ""
        names |= {m.group(1) for m in re.finditer(r"(?:^|,)\s*([a-z_][a-z0-9_]*)", flat)}
    for name in names:
        if name in modules and name != top:
            edges.setdefault(top, set()).add(name)

for a in sorted(edges):
    for b in sorted(edges[a]):
        print(f"{a} -> {b}")

# Tarjan's strongly connected components; every component of two or more is a cycle.
index, low, stack, on_stack, sccs = {}, {}, [], set(), []
def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v); on_stack.add(v)
    for w in sorted(edges.get(v, ())):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        scc = set()
        while True:
            w = stack.pop(); on_stack.discard(w); scc.add(w)
            if w == v:
                break
        if len(scc) > 1:
            sccs.append(scc)
sys.setrecursionlimit(10000)
for v in sorted(modules):
    if v not in index:
        visit(v)

def path(scc, start, goal):
    """A shortest path from start to goal inside the component (breadth first)."""
    paths, queue = {start: [start]}, [start]
    while queue:
        v = queue.pop(0)
        if v == goal:
            return paths[v]
        for w in sorted(edges.get(v, ())):
            if w in scc and w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)

if sccs:
    print(f"\nFAIL: {len(sccs)} group(s) of top-level modules in a cycle:", file=sys.stderr)
    for scc in sorted(sccs, key=min):
        print(f"  {{{', '.join(sorted(scc))}}}; a shortest cycle through each edge:", file=sys.stderr)
        # One line per distinct cycle, each rotated to start at its smallest module.
        seen = []
        for a in sorted(scc):
            for b in sorted(w for w in edges.get(a, ()) if w in scc):
                cycle = [a] + path(scc, b, a)[:-1]
                i = cycle.index(min(cycle))
                cycle = cycle[i:] + cycle[:i]
                if cycle not in seen:
                    seen.append(cycle)
        for cycle in sorted(seen, key=lambda c: (len(c), c)):
            print(f"    {' -> '.join(cycle + cycle[:1])}", file=sys.stderr)
    sys.exit(1)
print("\nOK: the top-level module graph is acyclic")
EOF
