#!/usr/bin/env python3
"""The baseline of `bench/check.sh`: parse the manifests `vbump check` reads in a plugin catalog, nothing more.

Usage: parse_manifests.py [REPO]   (default: the current directory)

Reads `.claude-plugin/marketplace.json` (json), resolves each local plugin's folder as vbump does
(`./x` against the root, a bare name against `metadata.pluginRoot`; object sources are skipped),
then parses each manifest that exists in the folder: `.claude-plugin/plugin.json` or `plugin.json`,
`package.json` (json), `Cargo.toml` and `pyproject.toml` (tomllib). It compares nothing, reports
nothing and reads no git: the floor of any checker that has to look at every manifest, in Python.
Prints the number of files parsed.
"""

import json
import os
import sys
import tomllib

MANIFESTS = [(".claude-plugin/plugin.json", json.loads), ("plugin.json", json.loads),
             ("package.json", json.loads), ("Cargo.toml", tomllib.loads), ("pyproject.toml", tomllib.loads)]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    with open(os.path.join(root, ".claude-plugin/marketplace.json"), encoding="utf-8") as f:
        marketplace = json.load(f)
    plugin_root = (marketplace.get("metadata") or {}).get("pluginRoot")
    parsed = 1
    for entry in marketplace.get("plugins", []):
        source = entry.get("source")
        if not isinstance(source, str):
            continue
        explicit = source == "." or source.startswith(("./", "../"))
        folder = os.path.normpath(source if explicit or not plugin_root else os.path.join(plugin_root, source))
        for name, parse in MANIFESTS:
            path = os.path.join(root, folder, name)
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as f:
                    parse(f.read())
                parsed += 1
    print(parsed)


main()
