#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check_layers.py -- make check-layers: the layers of common/layers.mk hold.

  tests/check_layers.py BUILD

Three checks, each printing every offence it finds, exit 1 on any:
  1. includes: a file of common/LAYER/ includes only headers of the
     layers LAYER_x allows (and of include/ or the system);
  2. calls: each object of common/ (nm of BUILD/obj/common/...) calls
     only functions defined in its own layer or in those it may use;
  3. circles: no two files reach each other through the functions they
     call (the graph of files, not only of layers), in common/ and in
     each program (searchd/, indexer/, client/).
The compiler enforces the first too (each folder is compiled with its
layers' include paths); this script also catches a header included by a
relative path and a call through a declaration written by hand.
The programs sit above every layer; the client library (client/) may
include only include/ and the header-only base.
Prints "ok" and one line of counts when all hold."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def layers():
    """{layer: set of layers it may use} from common/layers.mk."""
    allowed = {}
    order = []
    with open(os.path.join(ROOT, "common", "layers.mk")) as f:
        for line in f:
            m = re.match(r"^LAYERS\s*:=\s*(.*)$", line)
            if m:
                order = m.group(1).split()
            m = re.match(r"^LAYER_(\w+)\s*:=\s*(.*)$", line)
            if m:
                allowed[m.group(1)] = set(m.group(2).split())
    if not order or set(order) != set(allowed):
        sys.exit("check_layers: common/layers.mk: LAYERS and LAYER_x do not agree")
    return order, allowed


# The programs sit above every layer of common/: they may use all of them,
# and the circle check covers their own files too.
PROGRAMS = ("searchd", "indexer", "client")


def sources(order):
    """[(layer, path)] of every source and header of common/ and of the
    programs (their folder is their layer)."""
    out = []
    for layer in order:
        d = os.path.join(ROOT, "common", layer)
        for name in sorted(os.listdir(d)):
            if name.endswith((".c", ".cc", ".h")):
                out.append((layer, os.path.join(d, name)))
    for prog in PROGRAMS:
        d = os.path.join(ROOT, prog)
        for name in sorted(os.listdir(d)):
            if name.endswith((".c", ".h", ".def", ".inc")):
                out.append((prog, os.path.join(d, name)))
    return out


def check_includes(order, allowed, files):
    where = {}  # header name -> layer
    for layer, path in files:
        if path.endswith((".h", ".def", ".inc")):
            where[os.path.basename(path)] = layer
    public = set(os.listdir(os.path.join(ROOT, "include")))
    bad = []
    for layer, path in files:
        with open(path) as f:
            for no, line in enumerate(f, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                inc = m.group(1)
                rel = os.path.relpath(path, ROOT)
                if "/" in inc:
                    bad.append(f"{rel}:{no}: includes \"{inc}\" by a path: name the header, the layer's include path finds it")
                elif inc in public:
                    continue
                elif inc not in where:
                    bad.append(f"{rel}:{no}: includes \"{inc}\", which no layer of common/ has")
                elif where[inc] not in allowed[layer]:
                    bad.append(f"{rel}:{no}: {layer} includes {inc} of {where[inc]}, a layer it may not use")
    return bad


def symbols(obj, flag):
    out = subprocess.run(["nm", flag, obj], capture_output=True, text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if flag == "-u" and parts:
            names.add(parts[-1])
        elif len(parts) == 3 and parts[1] in "TDBRWV":
            names.add(parts[2])
    return names


def check_calls(build, order, allowed, files):
    objs = {}
    for layer, path in files:
        if path.endswith((".c", ".cc")):
            rel = os.path.relpath(path, ROOT)
            obj = os.path.join(build, "obj", os.path.splitext(rel)[0] + ".o")
            if not os.path.exists(obj):
                sys.exit(f"check_layers: {obj} missing: build first (make BUILD={build})")
            objs[rel] = (layer, obj)
    owner = {}
    for rel, (layer, obj) in objs.items():
        for s in symbols(obj, "--defined-only"):
            owner.setdefault(s, rel)
    graph = {rel: set() for rel in objs}
    bad = []
    for rel, (layer, obj) in objs.items():
        for s in sorted(symbols(obj, "-u")):
            if s not in owner or owner[s] == rel:
                continue
            dep = owner[s]
            graph[rel].add(dep)
            if objs[dep][0] not in allowed[layer]:
                bad.append(f"{rel}: {layer} calls {s} of {dep} ({objs[dep][0]}), a layer it may not use")
    return bad, graph


def circles(graph):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build = sys.argv[1]
    order, allowed = layers()
    for prog in PROGRAMS:
        allowed[prog] = set(order) | {prog}
    # the client library speaks the protocol only: the header-only base
    allowed["client"] = {"base", "client"}
    files = sources(order)
    bad = check_includes(order, allowed, files)
    call_bad, graph = check_calls(build, order, allowed, files)
    bad += call_bad
    for comp in circles(graph):
        bad.append("circle: " + " -> ".join(comp) + " call each other")
    for b in bad:
        print(b)
    if bad:
        print(f"check_layers: {len(bad)} offence(s)")
        return 1
    edges = sum(len(v) for v in graph.values())
    print(f"ok: {len(order)} layers, {len(files)} files, {edges} calls between files, no circle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
