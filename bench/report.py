#!/usr/bin/env python3
"""Turns bench/out/results/<size>/<command>.{json,rss,out} into the markdown report.

Usage: report.py RESULTS_DIR "SIZES" DATE NPROC CPU GIT_VERSION HYPERFINE VBUMP_COMMIT LOADAVG
"""

import json
import pathlib
import sys

results, sizes = pathlib.Path(sys.argv[1]), sys.argv[2].split()
date, nproc, cpu, git, hyperfine, commit, loadavg = sys.argv[3:10]
ORDER = ["floor", "vbump", "git-cliff", "cog", "convco", "cz"]
LABEL = {
    "floor": "`git log --format=%B v1.0.0..HEAD` (floor)",
    "vbump": "`vbump next`",
    "git-cliff": "`git-cliff --bumped-version`",
    "cog": "`cog bump --auto --dry-run`",
    "convco": "`convco version --bump`",
    "cz": "`cz bump --get-next`",
}


def load(size, name):
    base = results / size / name
    if not (base.with_suffix(".json")).exists():
        return None
    run = json.loads(base.with_suffix(".json").read_text())["results"][0]
    rss = base.with_suffix(".rss")
    out = base.with_suffix(".out")
    return {
        "mean": run["mean"],
        # hyperfine's mean user + system time: CPU work, steadier than wall time on a shared machine.
        "cpu": run["user"] + run["system"] if "user" in run else None,
        "stddev": run.get("stddev") or 0.0,
        "runs": len(run.get("times", [])),
        "rss": int(rss.read_text()) if rss.exists() else None,
        "out": out.read_text().strip().splitlines()[-1:] if out.exists() else [],
    }


def human(n):
    return f"{int(n) // 1000}k" if int(n) % 1000 == 0 else n


def seconds(s):
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"


data = {size: {name: load(size, name) for name in ORDER} for size in sizes}
present = [name for name in ORDER if any(data[s][name] for s in sizes)]

print("## vbump history benchmark\n")
print("| date | machine | load average (1/5/15 min, at start) | git | hyperfine | vbump |")
print("|---|---|---|---|---|---|")
print(f"| {date} | {nproc} × {cpu} | {loadavg} | {git} | {hyperfine} | {commit} |\n")

def table(title, cell, with_floor=True):
    """One markdown table: a row per command present, a column per size; `cell(run, floor)` fills
    a cell from the command's and the floor's results at that size (`run` is never None)."""
    print(f"### {title}\n")
    print("| command | " + " | ".join(f"{human(s)} commits" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in present:
        if name == "floor" and not with_floor:
            continue
        cells = []
        for size in sizes:
            run, floor = data[size][name], data[size]["floor"]
            cells.append(cell(name, run, floor) if run else "–")
        print(f"| {LABEL[name]} | " + " | ".join(cells) + " |")
    print()


def wall(name, run, floor):
    ratio = f" (**{run['mean'] / floor['mean']:.2f}×**)" if floor and name != "floor" else ""
    return f"{seconds(run['mean'])} ± {seconds(run['stddev'])}{ratio}"


def cpu(name, run, floor):
    if run["cpu"] is None:
        return "–"
    ratio = f" (**{run['cpu'] / floor['cpu']:.2f}×**)" if floor and floor["cpu"] and name != "floor" else ""
    return f"{seconds(run['cpu'])}{ratio}"


table("Time (mean ± σ) and ratio to the floor", wall)
table("CPU time (user + system, mean) and ratio to the floor", cpu)
table("Peak resident memory (`/usr/bin/time -v`, highest of 3 runs)",
      lambda name, run, floor: f"{run['rss'] / 1024:.1f} MB" if run["rss"] else "–")
table("What each command printed (last line of stdout)",
      lambda name, run, floor: f"`{run['out'][0]}`" if run["out"] else "–", with_floor=False)

biggest = sizes[-1]
vb, floor = data[biggest]["vbump"], data[biggest]["floor"]
if vb and floor:
    ratio = vb["mean"] / floor["mean"]
    cpu_ratio = f", CPU time {vb['cpu'] / floor['cpu']:.2f}×" if vb["cpu"] and floor["cpu"] else ""
    rss = [data[s]["vbump"]["rss"] for s in sizes if data[s]["vbump"] and data[s]["vbump"]["rss"]]
    print(f"Targets at {human(biggest)} commits: wall time {ratio:.2f}× the floor{cpu_ratio} (target ≤ 1.5×: "
          f"{'met' if ratio <= 1.5 else 'MISSED'}); peak RSS {vb['rss'] / 1024:.1f} MB (target < 30 MB: "
          f"{'met' if vb['rss'] < 30 * 1024 else 'MISSED'}); RSS from {min(rss) / 1024:.1f} to "
          f"{max(rss) / 1024:.1f} MB across sizes.")
