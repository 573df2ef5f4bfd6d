#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkman.py -- the two man pages written from the documents they describe,
so that they cannot drift from them:

  mkman.py conf config/vnsearch.conf > docs/man/vnsearch.conf.5
  mkman.py protocol docs/protocol.md > docs/man/vnsearch-protocol.7

vnsearch.conf(5) takes each key, its default and the comment above it from
the shipped settings file (every key is listed there with its default);
vnsearch-protocol(7) is docs/protocol.md in man(7) markup (the subset of
Markdown that file uses: headings, paragraphs, lists, tables, code).
`make man` writes both; tests/e2e/cli.sh checks that the committed pages
are what this script writes.  Standard library only."""
import re
import sys

VERSION = re.search(r'#define VNSEARCH_VERSION "(.*)"', open("include/vnsearch.h").read()).group(1)
DATE = "2026-11-25"


def esc(s):
    """Text as roff: backslashes, leading dots and quotes, dashes."""
    s = s.replace("\\", "\\e").replace("-", "\\-")
    if s.startswith((".", "'")):
        s = "\\&" + s
    return s


def installed(s):
    """Files of the source tree named by their installed paths: the man
    pages are read where the package put them."""
    s = re.sub(r"\bdocs/([a-z-]+\.md)\b", r"/usr/share/doc/vnsearch/\1", s)
    return s.replace("config/aliases.txt", "/etc/vnsearch/aliases.txt")


def inline(s):
    """Markdown inline markup as roff: `code` bold, **strong** bold."""
    s = installed(s)
    out = []
    for part in re.split(r"(`[^`]*`|\*\*[^*]*\*\*)", s):
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append("\\fB" + esc(part[1:-1]) + "\\fR")
        elif part.startswith("**") and part.endswith("**") and len(part) > 3:
            out.append("\\fB" + esc(part[2:-2]) + "\\fR")
        else:
            out.append(esc(part))
    line = "".join(out)
    return ("\\&" + line) if line.startswith((".", "'")) else line


def conf(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    out = ['.\\" SPDX-License-Identifier: GPL-2.0-or-later',
           '.\\" Written by docs/man/mkman.py from config/vnsearch.conf: edit that file, then make man.',
           '.TH VNSEARCH.CONF 5 %s "vnsearch %s" "vnsearch manual"' % (DATE, VERSION),
           ".SH NAME", "vnsearch.conf \\- settings of vnsearch\\-indexer and vnsearchd",
           ".SH SYNOPSIS", "/etc/vnsearch/vnsearch.conf",
           ".SH DESCRIPTION",
           "One setting per line, \\fIkey\\fR = \\fIvalue\\fR; \\fB#\\fR starts a comment, also after a value. "
           "Quote a value that holds \\fB#\\fR or edge spaces: key = \"value # kept\". Command\\-line flags override "
           "the file. Both programs read it (\\-\\-config \\fIFILE\\fR; by default /etc/vnsearch/vnsearch.conf "
           "for the installed programs, config/vnsearch.conf in a build tree, when it exists). An unknown key or "
           "a bad value is an error (exit 2). The defaults below are the program's (and the build tree's file); "
           "the installed file sets index = /var/lib/vnsearch/index, input = /var/lib/vnsearch/incoming, "
           "aliases = /etc/vnsearch/aliases.txt, web_root = /usr/share/vnsearch/web and "
           "http_listen = 127.0.0.1:7701.",
           ".SH SETTINGS"]
    comment, section = [], None
    for l in lines[1:]:
        if l.startswith("# ---"):
            section = l.strip("# -")
            out += [".SS " + esc(section)]
            comment = []
        elif l.startswith("#"):
            comment.append(l[1:].strip())
        elif "=" in l:
            key, value = (x.strip() for x in l.split("=", 1))
            out += [".TP", "\\fB%s\\fR (default: %s)" % (esc(key), esc(value) if value else "empty")]
            if comment and not comment[0].startswith(("SPDX", "vnsearch.conf --")):
                out.append(inline(" ".join(comment)))
            comment = []
        elif not l.strip():
            if comment and comment[0].startswith(("SPDX", "vnsearch.conf --", '"key')):
                comment = []
    out += [".SH FILES", ".TP", "/etc/vnsearch/vnsearch.conf", "the settings of the packaged programs (a conffile)",
            ".TP", "/etc/vnsearch/aliases.txt", "the newsroom aliases (a conffile)",
            ".TP", "/var/lib/vnsearch/index", "the index of the packaged daemon",
            ".TP", "/var/lib/vnsearch/incoming", "articles dropped here are indexed every five minutes "
            "(vnsearch\\-indexer.timer, or /etc/cron.d/vnsearch without systemd)",
            ".SH SEE ALSO", ".BR vnsearchd (1),", ".BR vnsearch\\-indexer (1),", ".BR vnsearch\\-protocol (7)"]
    return "\n".join(out) + "\n"


def protocol(path):
    src = open(path, encoding="utf-8").read().splitlines()
    out = ['.\\" SPDX-License-Identifier: GPL-2.0-or-later',
           '.\\" Written by docs/man/mkman.py from docs/protocol.md: edit that file, then make man.',
           '.TH VNSEARCH\\-PROTOCOL 7 %s "vnsearch %s" "vnsearch manual"' % (DATE, VERSION),
           ".SH NAME", "vnsearch\\-protocol \\- the line protocol and HTTP API of vnsearchd", ".SH DESCRIPTION"]
    i, para = 0, []

    def flush():
        if para:
            out.append(".PP")
            out.append(inline(" ".join(para)))
            para.clear()
    while i < len(src):
        l = src[i]
        if l.startswith("```"):
            flush()
            out += [".PP", ".nf", ".RS 4"]
            i += 1
            while i < len(src) and not src[i].startswith("```"):
                out.append(esc(src[i]) if src[i] else "")
                i += 1
            out += [".RE", ".fi"]
        elif l.startswith("# "):
            flush()
        elif l.startswith("## "):
            flush()
            out.append(".SH " + esc(l[3:].upper()))
        elif l.startswith("### "):
            flush()
            out.append(".SS " + inline(l[4:]))
        elif l.startswith("|"):
            flush()
            rows = []
            while i < len(src) and src[i].startswith("|"):
                cells = [c.strip() for c in src[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                    rows.append(cells)
                i += 1
            i -= 1
            for r in rows:  # a table as a list: the first cell as the tag
                out += [".TP", inline(r[0]), inline("; ".join(r[1:]))]
        elif re.match(r"^\s*[-*] ", l):
            flush()
            item = [re.sub(r"^\s*[-*] ", "", l)]
            while i + 1 < len(src) and src[i + 1].startswith("  ") and not re.match(r"^\s*[-*] ", src[i + 1]):
                i += 1
                item.append(src[i].strip())
            out += [".IP \\(bu 2", inline(" ".join(item))]
        elif not l.strip():
            flush()
        else:
            para.append(l.strip())
        i += 1
    flush()
    out += [".SH SEE ALSO", ".BR vnsearchd (1),", ".BR vnsearch.conf (5),", ".BR nc (1)"]
    return "\n".join(out) + "\n"


def main():
    kind, path = sys.argv[1], sys.argv[2]
    sys.stdout.write(conf(path) if kind == "conf" else protocol(path))


if __name__ == "__main__":
    main()
