#!/usr/bin/env python3
"""Writes a `git fast-import` stream: a Claude Code plugin catalog of P plugins, released, then N commits.

Usage: gen_catalog.py PLUGINS COMMITS | git fast-import --quiet

The catalog is laid out as real marketplaces are (anthropics/claude-code, wshobson/agents):
`.claude-plugin/marketplace.json` lists every plugin with `metadata.pluginRoot = "./plugins"`, a
`version` per entry and the marketplace's own `metadata.version`; each plugin folder holds
`.claude-plugin/plugin.json` (with the same version), `commands/`, `agents/`, `skills/<name>/SKILL.md`,
`hooks/hooks.json` and a README.

History: the import commit, tagged `<name>--v1.0.0` for every plugin (annotated tags). Then ten release
commits, each bumping ten plugins to 1.1.0 and tagging them, so the packages' last tags sit on
different commits. Then exactly COMMITS commits, each changing one to three files in randomly chosen
plugins (2 % change only the root README and belong to no plugin). Plugins fall in three classes:
the first 80 % get a mix of feat / fix / docs / chore / refactor / test, the next 10 % only
docs / chore / test (nothing releasable), the last 10 % only fixes. About 15 % of the commits are on
topic branches merged by "Merge pull request" commits, so the history is not a straight line.
The output is deterministic for given arguments (fixed seed, fixed clock).
"""

import json
import random
import sys

import fast_import
from fast_import import data, weighted

rng = random.Random(20261201)
out = fast_import.out
clock = 1_700_000_000
mark = 0

MIXED = [("feat", 25), ("fix", 30), ("docs", 15), ("chore", 12), ("refactor", 10), ("test", 8)]
QUIET = [("docs", 50), ("chore", 30), ("test", 20)]
FIXES = [("fix", 1)]
FILES = ["commands/run.md", "agents/helper.md", "skills/main/SKILL.md", "hooks/hooks.json", "README.md"]
NOUNS = ["empty input", "unicode paths", "long prompts", "retries", "timeouts", "the hook timeout",
         "nested skills", "CRLF endings", "stale caches", "the progress output", "exit codes"]
VERBS = ["add", "handle", "support", "remove", "rename", "simplify", "document", "validate", "cache"]




def commit(ref, parents, text, files):
    """Writes one commit on `ref`; `files` maps path -> bytes. Returns its mark."""
    global mark, clock
    mark += 1
    clock += rng.randint(10, 600)
    out.write(f"commit {ref}\nmark :{mark}\n".encode())
    out.write(f"author Bench <bench@example.com> {clock} +0000\n".encode())
    out.write(f"committer Bench <bench@example.com> {clock} +0000\n".encode())
    data(text.encode())
    if parents:
        out.write(f"from :{parents[0]}\n".encode())
        for other in parents[1:]:
            out.write(f"merge :{other}\n".encode())
    for path, body in files.items():
        out.write(f"M 100644 inline {path}\n".encode())
        data(body)
    out.write(b"\n")
    return mark


def tag(name, at):
    out.write(f"tag {name}\nfrom :{at}\ntagger Bench <bench@example.com> {clock} +0000\n".encode())
    data(f"Release {name}\n".encode())


def marketplace(names, versions):
    doc = {
        "name": "bench-catalog",
        "owner": {"name": "Bench"},
        "metadata": {"description": "A synthetic plugin catalog", "version": "1.0.0", "pluginRoot": "./plugins"},
        "plugins": [{"name": n, "source": f"./plugins/{n}", "description": f"The {n} plugin",
                     "version": versions[n], "category": "development"} for n in names],
    }
    return (json.dumps(doc, indent=2) + "\n").encode()


def plugin_json(name, version):
    doc = {"name": name, "version": version, "description": f"The {name} plugin",
           "author": {"name": "Bench"}, "license": "MIT"}
    return (json.dumps(doc, indent=2) + "\n").encode()


def main():
    plugins, total = int(sys.argv[1]), int(sys.argv[2])
    names = [f"plugin-{i:03d}" for i in range(plugins)]
    classes = {}
    for i, name in enumerate(names):
        classes[name] = MIXED if i < plugins * 8 // 10 else QUIET if i < plugins * 9 // 10 else FIXES
    versions = {n: "1.0.0" for n in names}
    revisions = {}

    files = {".claude-plugin/marketplace.json": marketplace(names, versions),
             "README.md": b"# Bench catalog\n", "LICENSE": b"MIT\n"}
    for n in names:
        files[f"plugins/{n}/.claude-plugin/plugin.json"] = plugin_json(n, "1.0.0")
        for f in FILES:
            revisions[f"plugins/{n}/{f}"] = 0
            files[f"plugins/{n}/{f}"] = f"# {n} {f}\n".encode()
    tip = commit("refs/heads/main", [], "feat: import the catalog\n", files)
    for n in names:
        tag(f"{n}--v1.0.0", tip)

    # Ten release commits, each releasing a tenth of the plugins as 1.1.0.
    for group in range(10):
        released = names[group::10]
        changed = {}
        for n in released:
            versions[n] = "1.1.0"
            changed[f"plugins/{n}/.claude-plugin/plugin.json"] = plugin_json(n, "1.1.0")
        changed[".claude-plugin/marketplace.json"] = marketplace(names, versions)
        subject = ", ".join(f"{n}--v1.1.0" for n in released)
        tip = commit("refs/heads/main", [tip], f"chore(release): {subject}\n", changed)
        for n in released:
            tag(f"{n}--v1.1.0", tip)

    def change():
        """One commit's files and message: 1-3 files of plugins of one class, or the root README."""
        if rng.random() < 0.02:
            revisions["README.md"] = revisions.get("README.md", 0) + 1
            return {"README.md": f"# Bench catalog\nrev {revisions['README.md']}\n".encode()}, "docs: touch the readme\n"
        first = rng.choice(names)
        kinds = classes[first]
        same = [n for n in names if classes[n] is kinds]
        touched = {}
        for _ in range(rng.randint(1, 3)):
            n = first if not touched else rng.choice(same)
            path = f"plugins/{n}/{rng.choice(FILES)}"
            revisions[path] += 1
            touched[path] = f"# {path}\nrev {revisions[path]}\n".encode()
        kind = weighted(rng, kinds)
        scope = first if rng.random() < 0.5 else ""
        subject = f"{kind}({scope}): " if scope else f"{kind}: "
        return touched, f"{subject}{rng.choice(VERBS)} {rng.choice(NOUNS)}\n"

    made, pr = 0, 0
    while made < total:
        left = total - made
        if left >= 5 and rng.random() < 0.05:
            pr += 1
            side = tip
            for _ in range(rng.randint(2, 3)):
                files, text = change()
                side = commit(f"refs/heads/topic{pr % 8}", [side], text, files)
                made += 1
            text = f"Merge pull request #{pr} from bench/topic-{pr}\n"
            tip = commit("refs/heads/main", [tip, side], text, {})
            made += 1
        else:
            files, text = change()
            tip = commit("refs/heads/main", [tip], text, files)
            made += 1
    out.write(b"done\n")


main()
