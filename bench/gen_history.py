#!/usr/bin/env python3
"""Writes a `git fast-import` stream: a small project released as `v1.0.0`, then N commits.

Usage: gen_history.py N | git fast-import --quiet

The N commits after the tag (merge commits included) are a realistic Conventional Commits mix:
feat / fix / chore / docs / refactor / test / perf / ci / build, scopes on most of them, bodies of one
to three paragraphs on about a third, trailers (`Refs:`, `Co-authored-by:`), a few `!` and
`BREAKING CHANGE:` footers, a few non-conventional subjects, and a merge commit ("Merge pull request
#n from ...") closing each topic branch of 2-4 commits, so the history is not a straight line.
Every commit changes one source file, so trees and blobs differ as in a real repository.
The output is deterministic for a given N (fixed seed, fixed clock).
"""

import random
import sys

import fast_import
from fast_import import data, weighted

TYPES = [("feat", 24), ("fix", 30), ("chore", 14), ("docs", 10), ("refactor", 8), ("test", 6),
         ("perf", 3), ("ci", 3), ("build", 2)]
SCOPES = ["parser", "cli", "api", "config", "core", "io", "net", "deps", "ui", "db", "auth", "docs"]
VERBS = ["add", "handle", "support", "remove", "rename", "simplify", "document", "validate", "cache",
         "stream", "retry", "log", "report", "skip", "guard against"]
NOUNS = ["empty input", "unicode paths", "the config loader", "long lines", "retries", "timeouts",
         "the lockfile", "nested tables", "CRLF endings", "symlinks", "stale caches", "large files",
         "the progress bar", "exit codes", "the JSON output", "proxy settings", "shallow clones"]
WORDS = ("the of to and a in is it that for on was with as be this by are not from or have an "
         "which when we can parser config value file line read write error path cache request retry "
         "handle return result option field table version release commit branch tag merge remote "
         "previously now because so users should never always still without").split()
NON_CONVENTIONAL = ["Update README.md", "WIP", "Fix typo", "Bump dependencies", "Initial import of docs",
                    "Revert \"experimental change\"", "address review comments"]
AUTHORS = [("Ada Lovelace", "ada@example.com"), ("Linus T", "linus@example.com"),
           ("Grace Hopper", "grace@example.com"), ("Ken Thompson", "ken@example.com"),
           ("Barbara Liskov", "barbara@example.com")]
FILES = [f"src/{name}.rs" for name in ("lib", "main", "parser", "cli", "config", "io", "net", "db", "ui",
                                       "auth", "cache", "error", "report", "retry", "json", "path")]

rng = random.Random(20261122)
out = fast_import.out
clock = 1_700_000_000  # advances 10-600 s per commit
mark = 0
contents = {f: 0 for f in FILES}



def sentence(lo, hi):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return " ".join(words).capitalize() + "."


def paragraph():
    # Wrapped at ~72 columns, as people (and editors) write them.
    text, line, lines = " ".join(sentence(6, 16) for _ in range(rng.randint(1, 4))), "", []
    for word in text.split():
        if len(line) + len(word) > 72:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def message():
    if rng.random() < 0.02:
        return rng.choice(NON_CONVENTIONAL) + "\n"
    kind = weighted(rng, TYPES)
    scope = f"({rng.choice(SCOPES)})" if rng.random() < 0.6 else ""
    bang = "!" if rng.random() < 0.0005 else ""
    subject = f"{kind}{scope}{bang}: {rng.choice(VERBS)} {rng.choice(NOUNS)}"
    parts = [subject]
    if rng.random() < 0.35:
        parts += [paragraph() for _ in range(rng.randint(1, 3))]
    trailers = []
    if rng.random() < 0.0005:
        trailers.append(f"BREAKING CHANGE: {rng.choice(NOUNS)} {rng.choice(['moved', 'renamed', 'removed'])}")
    if rng.random() < 0.2:
        trailers.append(f"Refs: #{rng.randint(1, 9999)}")
    if rng.random() < 0.05:
        name, email = rng.choice(AUTHORS)
        trailers.append(f"Co-authored-by: {name} <{email}>")
    if trailers:
        parts.append("\n".join(trailers))
    return "\n\n".join(parts) + "\n"



def commit(ref, parents, text, change=True):
    """Writes one commit on `ref` with the given parent marks; returns its mark."""
    global mark, clock
    mark += 1
    clock += rng.randint(10, 600)
    name, email = rng.choice(AUTHORS)
    out.write(f"commit {ref}\nmark :{mark}\n".encode())
    out.write(f"author {name} <{email}> {clock} +0000\n".encode())
    out.write(f"committer {name} <{email}> {clock} +0000\n".encode())
    data(text.encode())
    if parents:
        out.write(f"from :{parents[0]}\n".encode())
        for other in parents[1:]:
            out.write(f"merge :{other}\n".encode())
    if change:
        path = rng.choice(FILES)
        contents[path] += 1
        body = f"// {path}\n" + "".join(f"pub const C{i}: u32 = {i};\n" for i in range(contents[path] % 40))
        body += f"pub const REVISION: u32 = {contents[path]};\n"
        out.write(f"M 100644 inline {path}\n".encode())
        data(body.encode())
    out.write(b"\n")
    return mark


def main():
    total = int(sys.argv[1])
    # The released project: a few commits, then the annotated tag v1.0.0.
    tip = None
    for text in ["chore: initial commit\n", "feat: first feature\n", "fix: first fix\n", "docs: readme\n"]:
        tip = commit("refs/heads/main", [tip] if tip else [], text)
    out.write(f"tag v1.0.0\nfrom :{tip}\ntagger Ada Lovelace <ada@example.com> {clock} +0000\n".encode())
    data(b"Release 1.0.0\n")

    made, pr = 0, 0
    while made < total:
        left = total - made
        if left >= 6 and rng.random() < 0.15:
            # A topic branch of 2-4 commits from the current tip, one commit on main meanwhile, then
            # the merge of the pull request.
            pr += 1
            side = tip
            for _ in range(rng.randint(2, 4)):
                side = commit(f"refs/heads/topic{pr % 8}", [side], message())
                made += 1
            tip = commit("refs/heads/main", [tip], message())
            who = rng.choice(["ada", "linus", "grace", "ken"])
            text = f"Merge pull request #{pr} from {who}/topic-{pr}\n\n{rng.choice(NOUNS).capitalize()}\n"
            tip = commit("refs/heads/main", [tip, side], text, change=False)
            made += 2
        else:
            tip = commit("refs/heads/main", [tip], message())
            made += 1
    out.write(b"done\n")


main()
