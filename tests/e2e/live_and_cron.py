#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""live_and_cron.py -- live writes and the cron export share one index
(TAP output).

The rule (docs/protocol.md, "Live writes and the cron export"): a document
written live (ADD, POST /documents) is the daemon's; the export's runs
(--prune every five minutes, --full at night, as config/vnsearch.crontab
does) never remove it, and a --full carries it into the new index, until
the export brings the same id, whose copy then replaces it.  And an export
run that would empty the index is refused: inputs that hold no article
(an unmounted directory, an empty file, empty stdin), or a prune or
rebuild that would remove more than --max-removal percent.  Each check
failed before: ADD then --prune lost the article, --prune emptydir/
deleted 50 of 50 documents.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from vnd import IX, Client, ok, run, start_with, stop, workdir  # noqa: E402


def indexer(idx, *args, stdin=None):
    p = subprocess.run([IX, "--index", idx, *args], capture_output=True, text=True, input=stdin)
    return p.returncode, p.stderr


def article(i, body="bài báo về thời sự"):
    return json.dumps({"id": "cms-%02d" % i, "title": "Tin số %d" % i, "date": "2026-11-%02d" % (1 + i % 28),
                       "source": "Báo Mẫu", "body": "%s, số %d." % (body, i)}, ensure_ascii=False)


def count(c):
    return int(c.cmd("STATS", multiline=True)[1].split("\t")[1])


def has(c, doc_id):
    return c.cmd("GET " + doc_id)[0].startswith("OK")


def main():
    tmp = workdir("live")
    idx = os.path.join(tmp, "index")
    export = os.path.join(tmp, "export.jsonl")
    with open(export, "w") as f:
        f.write("\n".join(article(i) for i in range(50)) + "\n")
    rc, err = indexer(idx, "--quiet", export)
    ok(rc == 0, "the export is indexed", err)
    p, addr = start_with(idx, "admin_token = s3cret-token-for-tests\nwrite_lock_wait = 10\n")
    c = Client(addr)
    ok(c.cmd("AUTH s3cret-token-for-tests")[0].startswith("OK"), "AUTH")
    live = json.dumps({"id": "live-cms-1", "title": "Tin nóng", "body": "Bão số 9 đổ bộ vào miền Trung."},
                      ensure_ascii=False)
    r = c.cmd("ADD " + live, multiline=True)
    ok(r[0] == "OK" and "committed\t1" in r, "ADD live-cms-1 is committed", r)

    # the cron line of config/vnsearch.crontab, over the same export
    rc, err = indexer(idx, "--quiet", "--prune", export)
    ok(rc == 0, "the cron --prune run exits 0", err)
    ok(has(c, "live-cms-1"), "a live write survives the cron --prune (was: deleted)")
    ok(count(c) == 51, "and nothing else was removed")

    # the nightly --full carries it over
    rc, err = indexer(idx, "--full", export)
    ok(rc == 0 and "live kept 1" in err, "--full says it kept 1 live write", err)
    c.cmd("RELOAD")
    ok(has(c, "live-cms-1"), "a live write survives a --full rebuild (was: gone after the switch)")
    ok(count(c) == 51, "the rebuilt index holds the export and the live write")

    # once the export brings the id, the export owns it: removed from the
    # export, a --prune removes it
    with open(export, "a") as f:
        f.write(live + "\n")
    rc, err = indexer(idx, "--prune", export)
    ok(rc == 0 and "replaced 1" in err, "the export's copy of a live write replaces it", err)
    with open(export, "w") as f:
        f.write("\n".join(article(i) for i in range(50)) + "\n")
    rc, err = indexer(idx, "--quiet", "--prune", export)
    c.cmd("RELOAD")
    ok(rc == 0 and not has(c, "live-cms-1"), "then it is the export's: pruned when the export drops it", err)
    # and a live write of an exported article makes it live
    r = c.cmd("ADD " + article(7, "bản sửa trực tiếp"), multiline=True)
    ok("replaced\t1" in r, "ADD of an exported id replaces it", r)
    with open(export, "w") as f:
        f.write("\n".join(article(i) for i in range(50) if i != 7) + "\n")
    rc, err = indexer(idx, "--quiet", "--prune", export)
    c.cmd("RELOAD")
    ok(rc == 0 and has(c, "cms-07"), "an exported id written live is kept when the export drops it", err)

    # inputs that hold no article change nothing
    empty_dir = os.path.join(tmp, "mnt")
    os.mkdir(empty_dir)
    empty_file = os.path.join(tmp, "empty.jsonl")
    open(empty_file, "w").close()
    before = count(c)
    for what, args, stdin in (("an empty directory", [empty_dir], None), ("a 0-byte file", [empty_file], None),
                              ("empty stdin", ["-"], "")):
        rc, err = indexer(idx, "--prune", *args, stdin=stdin)
        c.cmd("RELOAD")
        ok(rc == 1 and "hold no article" in err and count(c) == before,
           "--prune over %s is refused, exit 1, nothing deleted (was: all deleted, exit 0)" % what, (rc, err))
    gens = sorted(os.listdir(idx))
    rc, err = indexer(idx, "--full", empty_dir)
    c.cmd("RELOAD")
    ok(rc == 1 and "hold no article" in err and count(c) == before,
       "--full over an empty directory is refused, nothing switched (was: an index of 0)", (rc, err))
    ok(sorted(os.listdir(idx)) == gens, "and the refused generation is removed", os.listdir(idx))
    # a --full killed before its switch leaves a generation: the next run of
    # any kind removes it (was: only the next --full)
    os.mkdir(os.path.join(idx, "gen-%06d" % 999))
    rc, err = indexer(idx, "--quiet", export)
    ok(rc == 0 and sorted(os.listdir(idx)) == gens, "an incremental run removes a killed rebuild's generation",
       os.listdir(idx))

    # removing more than half is refused unless told
    half = os.path.join(tmp, "part.jsonl")
    with open(half, "w") as f:  # cms-07 is not in it: it stays live
        f.write("\n".join(article(i) for i in range(10, 20)) + "\n")
    rc, err = indexer(idx, "--prune", half)
    c.cmd("RELOAD")
    ok(rc == 1 and "more than 50 %" in err and count(c) == before,
       "a --prune removing 39 of 51 documents is refused (exit 1)", (rc, err))
    rc, err = indexer(idx, "--full", half)
    c.cmd("RELOAD")
    ok(rc == 1 and "more than 50 %" in err and count(c) == before, "so is such a --full", (rc, err))
    rc, err = indexer(idx, "--prune", "--max-removal", "100", half)
    c.cmd("RELOAD")
    # 10 exported + cms-07 written live
    ok(rc == 0 and count(c) == 11, "--max-removal 100 allows it", (rc, err, count(c)))
    rc, err = indexer(idx, "--full", "--allow-empty", empty_dir)
    c.cmd("RELOAD")
    ok(rc == 0 and count(c) == 1, "--allow-empty empties what the export owns (the live write stays)",
       (rc, err, count(c)))
    rc, err = indexer(idx, "--max-removal", "0", export)
    ok(rc == 2, "--max-removal 0 is a usage error", (rc, err))
    c.close()
    stop(p)


if __name__ == "__main__":
    run(main, 120)
