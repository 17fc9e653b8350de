"""How long the site takes to build and rebuild on this machine.

Run it as ``nox -s bench`` (or with the docs environment's Python). It copies the
working tree's files (tracked and untracked, not ignored: what you have, edits
included) into a temporary folder and builds there, so the working tree, its
``docs/_build`` and its gallery cache are never touched. Each figure is measured
several times; the table gives the median, the min–max spread and the CPU time
(user + system of sphinx-build and the examples' child processes), which moves
less than wall time when other jobs share the machine.

Figures:

cold build         no docs/_build, no gallery cache (every example runs)
Σ examples         the examples' own run times, as sphinx-gallery recorded them
overhead           cold build − Σ examples (Sphinx, MyST, furo, gallery pages)
no-change rebuild  build again, nothing edited
prose edit         one chapter's text edited
example edit       one example's code edited (the fastest, or ``--example``);
                   its target is its own run time + 3 s, so the excess is shown
startup            start Python and import Sphinx, the extensions conf.py lists
                   and matplotlib (sphinx-gallery imports it as it starts): the
                   part of every rebuild that happens before any page is looked at
one-page site      a no-change rebuild of a site of one MyST page with furo, in
                   the same environment: what Sphinx itself costs. Timed in
                   turns with the site's no-change rebuild; "no-change ÷ one-page"
                   is the median of the paired ratios (target ≤ 1.5, issue 26)

Options: ``--repeats N`` (rebuilds, default 5), ``--cold-repeats N`` (default 3),
``--example NAME``, ``--parallel`` (also time cold and prose builds with
``sphinx-build -j 2``: Sphinx reads and writes pages in two processes, the examples
still run one after another), ``--keep`` (leave the copy), ``--json FILE``.
``POTOK_QUICK=1`` runs the examples at quick scale (a rough, fast check; the
targets are for the default scale).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
from potok_sphinx.limits import SPHINX_STRICT  # noqa: E402

SPHINX = [*SPHINX_STRICT, "-b", "html", "-q", "docs", "docs/_build/html"]

TARGETS = {  # seconds, on a 2-core machine (issue 7)
    "no-change rebuild": 2.0,
    "prose edit": 3.0,
    "overhead (cold − Σ)": 10.0,
    "Σ examples": 120.0,
}
EXAMPLE_SLACK = 3.0  # "one example edited" may take its own run time + this
#: a no-change rebuild may cost this many times a one-page MyST + furo site's
BASELINE_RATIO = 1.5

ONE_PAGE_CONF = """\
project = "one page"
extensions = ["myst_parser"]
html_theme = "furo"
"""
ONE_PAGE = "# Одна страница\n\nТекст в одну строку.\n"


@dataclass
class Figure:
    name: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    target: str = ""
    met: bool | None = None

    def row(self) -> str:
        med = statistics.median(self.wall)
        spread = f"{min(self.wall):.1f}–{max(self.wall):.1f}"
        cpu = f"{statistics.median(self.cpu):.1f}" if self.cpu else "—"
        met = {True: "yes", False: "NO", None: "—"}[self.met]
        return (
            f"| {self.name} | {med:.1f} | {spread} | {cpu} | {len(self.wall)} "
            f"| {self.target or '—'} | {met} |"
        )


def copy_tree(dest: Path) -> None:
    """The working tree's files that git knows or would add, edits included."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(
            f"bench: cannot list the tree's files with git: {exc}"
        ) from None
    for rel in filter(None, out.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def timed(site: Path, args: list[str], what: str) -> tuple[float, float]:
    """Run ``python ARGS`` in the copy; wall and CPU seconds. Fails loudly.

    As `nox -s docs` builds: Python's inventory from the network if it answers (a
    cold build fetches it), else the checked-in copy. POTOK_OFFLINE=1 in the
    caller's environment is passed on.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *args],
        cwd=site,
        env=dict(os.environ, MPLBACKEND="Agg"),
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(
            f"bench: {what} failed in {site}:\n"
            f"{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def build(site: Path, *extra: str) -> tuple[float, float]:
    """Run sphinx-build once; wall and CPU seconds."""
    return timed(site, ["-m", "sphinx", *SPHINX, *extra], "the build")


STARTUP = """
import importlib, runpy
import sphinx.cmd.build, sphinx.application, sphinx.builders.html
conf = runpy.run_path("docs/conf.py")
for name in conf["extensions"]:
    importlib.import_module(name)
import matplotlib.pyplot  # sphinx-gallery imports it while Sphinx starts
"""


def one_page_site(tmp: Path) -> Path:
    """A site of one MyST page with furo: what Sphinx alone costs."""
    site = tmp / "one-page"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "conf.py").write_text(ONE_PAGE_CONF, encoding="utf-8")
    (site / "docs" / "index.md").write_text(ONE_PAGE, encoding="utf-8")
    return site


def startup(site: Path) -> tuple[float, float]:
    """Start Python and import what sphinx-build imports before it reads a page."""
    return timed(site, ["-c", STARTUP], "the startup probe")


def example_times(site: Path) -> dict[str, float]:
    """Each example's run time, from sphinx-gallery's sg_execution_times.rst."""
    text = (site / "docs" / "sg_execution_times.rst").read_text(encoding="utf-8")
    times = {}
    for path, mm, ss in re.findall(
        r"\(``([^`]+\.py)``\)\s*\n\s*- (\d+):(\d+(?:\.\d+)?)", text
    ):
        times[Path(path).stem] = int(mm) * 60 + float(ss)
    return times


def clean(site: Path) -> None:
    for rel in ("docs/_build", "docs/auto_examples"):
        shutil.rmtree(site / rel, ignore_errors=True)
    (site / "docs" / "sg_execution_times.rst").unlink(missing_ok=True)


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--cold-repeats", type=int, default=3)
    ap.add_argument("--example", help="the example to edit (default: the fastest)")
    ap.add_argument("--parallel", action="store_true", help="also time -j 2")
    ap.add_argument("--keep", action="store_true", help="keep the temporary copy")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT / "src"))
    from potok.machine import stamp as machine_stamp
    from potok.measure import quick

    tmp = Path(tempfile.mkdtemp(prefix="potok-bench-"))
    site = tmp / "potok"
    copy_tree(site)
    examples = sorted((site / "examples").glob("*/plot_*.py"))
    chapters = sorted((site / "docs" / "chapters").glob("*.md")) or [
        site / "docs" / "index.md"
    ]
    print(f"bench: copy of the tree in {site}", file=sys.stderr)
    print(f"bench: {len(examples)} examples: {', '.join(e.stem for e in examples)}")
    load_before = os.getloadavg()

    figs = {
        n: Figure(n)
        for n in (
            "cold build",
            "Σ examples",
            "overhead (cold − Σ)",
            "no-change rebuild",
            "prose edit",
            "example edit",
            "example edit − its run time",
            "startup",
            "one-page site, no-change rebuild",
            "no-change ÷ one-page",
        )
    }
    baseline = one_page_site(tmp)
    build(baseline)  # its first build; the rebuilds below are timed
    last_times: dict[str, float] = {}
    try:
        for i in range(args.cold_repeats):
            clean(site)
            wall, cpu = build(site)
            last_times = example_times(site)
            total = sum(last_times.values())
            figs["cold build"].wall.append(wall)
            figs["cold build"].cpu.append(cpu)
            figs["Σ examples"].wall.append(total)
            figs["overhead (cold − Σ)"].wall.append(wall - total)
            print(f"bench: cold #{i + 1}: {wall:.1f} s, Σ examples {total:.1f} s")

        if args.example:
            target = next((e for e in examples if e.stem == args.example), None)
            if target is None:
                raise SystemExit(f"bench: no example {args.example!r}")
        else:
            target = min(examples, key=lambda e: last_times.get(e.stem, 1e9))
        chapter = chapters[0]
        for i in range(args.repeats):
            # the pair, in turns: the site's no-change rebuild and the one page's
            wall, cpu = build(site)
            figs["no-change rebuild"].wall.append(wall)
            figs["no-change rebuild"].cpu.append(cpu)
            base, base_cpu = build(baseline)
            figs["one-page site, no-change rebuild"].wall.append(base)
            figs["one-page site, no-change rebuild"].cpu.append(base_cpu)
            figs["no-change ÷ one-page"].wall.append(wall / base)
            for name, edit in (
                ("prose edit", (chapter, f"\nПравка для замера {i}.\n")),
                ("example edit", (target, f"\n# bench edit {i}\n")),
            ):
                if edit:
                    append(*edit)
                wall, cpu = build(site)
                figs[name].wall.append(wall)
                figs[name].cpu.append(cpu)
                if name == "example edit":
                    own = example_times(site).get(target.stem, 0.0)
                    figs["example edit − its run time"].wall.append(wall - own)
            wall, cpu = startup(site)
            figs["startup"].wall.append(wall)
            figs["startup"].cpu.append(cpu)
            print(f"bench: rebuilds #{i + 1} done")

        if args.parallel:
            for name in ("cold build, -j 2", "prose edit, -j 2"):
                figs[name] = Figure(name)
            for _ in range(args.cold_repeats):
                clean(site)
                wall, cpu = build(site, "-j", "2")
                figs["cold build, -j 2"].wall.append(wall)
                figs["cold build, -j 2"].cpu.append(cpu)
            for i in range(args.repeats):
                append(chapter, f"\nПравка для замера -j {i}.\n")
                wall, cpu = build(site, "-j", "2")
                figs["prose edit, -j 2"].wall.append(wall)
                figs["prose edit, -j 2"].cpu.append(cpu)
    finally:
        if args.keep:
            print(f"bench: the copy is kept in {site}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    for name, limit in TARGETS.items():
        figs[name].target = f"≤ {limit:g}"
        figs[name].met = statistics.median(figs[name].wall) <= limit
    ratio = figs["no-change ÷ one-page"]
    ratio.target = f"≤ ×{BASELINE_RATIO:g}"
    ratio.met = statistics.median(ratio.wall) <= BASELINE_RATIO
    slack = figs["example edit − its run time"]
    slack.target = f"≤ {EXAMPLE_SLACK:g}"
    slack.met = statistics.median(slack.wall) <= EXAMPLE_SLACK
    figs["example edit"].name = f"example edit ({target.stem})"

    load_after = os.getloadavg()
    print()
    print(f"Machine: {machine_stamp()}")
    scale = "quick (POTOK_QUICK=1)" if quick() else "default"
    print(
        f"Load average (1 min) before/after: {load_before[0]:.1f} / "
        f"{load_after[0]:.1f}; scale: {scale}"
    )
    print()
    print("| figure | median, s | min–max, s | CPU, s | n | target, s | met |")
    print("|---|---|---|---|---|---|---|")
    for fig in figs.values():
        print(fig.row())
    if args.json:
        data = {
            f.name: {"wall": f.wall, "cpu": f.cpu, "met": f.met} for f in figs.values()
        }
        args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
