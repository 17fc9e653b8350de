"""Additions to sphinx-gallery: one example alone, a timeout, no orphaned pages.

One example by name
    ``POTOK_EXAMPLE=plot_gil_timeline`` (what ``nox -s docs -- --example NAME``
    sets) runs only that example, and runs it even if it is unchanged. The other
    examples keep the output of their last run; the ones never run are shown
    without output. sphinx-gallery writes an example's ``.md5`` only after it ran
    and passed, so nothing stale is left for the next full build. The name is the
    file name with or without ``.py``, or ``folder/file``; an unknown name fails
    the build listing the names that exist. An example whose figure a page
    embeds (the front page's) runs too while that figure was never made.

A timeout that names the example
    sphinx-gallery has no per-example timeout. ``example_timeout`` is called by
    sphinx-gallery before and after each example (it is listed in the gallery's
    ``reset_modules`` with ``reset_modules_order = "both"``) and arms a watchdog
    thread. If the example is still running after ``POTOK_EXAMPLE_TIMEOUT``
    seconds (default 300 in the build), the watchdog prints the example's path and
    where every thread is, ends the example's child processes and stops the build
    (exit code 124): a hung build cannot be resumed safely, since the example's
    threads cannot be killed. If the example holds the GIL in C code so the
    watchdog cannot run, ``faulthandler`` stops the process 30 s later and prints
    the same tracebacks.

An example leaves the build as it found it
    sphinx-gallery runs every example in the build's own process, so whatever
    one leaves behind reaches every example after it, and a thread or child
    process it never joined makes the build wait for it at exit, forever.
    ``example_leftovers`` (last of the gallery's ``reset_modules``, after
    sphinx-gallery's own matplotlib reset) takes a snapshot before each example
    and compares after it: live threads and child processes
    (``potok_leftovers``, shared with the tests' runner), the switch interval,
    the working directory, the environment, the multiprocessing start method
    and matplotlib's rcParams. Anything left is named with the example's path
    (a thread or process with the line that started it), the children are
    killed, and the build stops with exit code 125. An example whose page
    would hold more than ``POTOK_OUTPUT_LIMIT`` characters of output (default
    1 000 000) fails the build, named, instead of giving a page nobody can open.

No page for an example that is gone
    sphinx-gallery writes each example's page, images and downloads into
    ``docs/auto_examples/`` and never removes them, so a removed or renamed
    example left a page that no toctree includes (a strict build fails) and, in
    the built site, its old HTML, images and downloads. Before the gallery is
    generated, the files generated from a script that no longer exists are
    deleted (and said); after a successful build, so are the built HTML page, its
    images and its downloads.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import re
import shutil
import sys
import threading
from pathlib import Path

import potok_leftovers
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError, ExtensionError

EXAMPLE_ENV = "POTOK_EXAMPLE"
TIMEOUT_ENV = "POTOK_EXAMPLE_TIMEOUT"
BUILD_TIMEOUT = 300.0  # seconds; examples at default scale take ~10 s
BACKSTOP_GRACE = 30.0  # seconds the watchdog gets before faulthandler steps in
EXIT_CODE = 124  # as timeout(1)


# --- one example by name ---------------------------------------------------------


def find_example(name: str, examples_dir: Path) -> Path:
    """The ``plot_*.py`` under ``examples_dir`` that ``name`` designates."""
    wanted = name.strip().removesuffix(".py").strip("/")
    scripts = sorted(examples_dir.glob("*/plot_*.py"))
    matches = [
        s
        for s in scripts
        if wanted in (s.stem, f"{s.parent.name}/{s.stem}")
        or Path(wanted).resolve() == s.with_suffix("").resolve()
    ]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(s.stem for s in scripts) or "(none)"
    if not matches:
        raise ConfigError(
            f"{EXAMPLE_ENV}={name!r}: no example of that name in {examples_dir}; "
            f"the examples are: {names}"
        )
    both = ", ".join(f"{s.parent.name}/{s.stem}" for s in matches)
    raise ConfigError(
        f"{EXAMPLE_ENV}={name!r} names several examples ({both}); "
        "give the folder too, e.g. 04_gil/plot_gil_timeline"
    )


def _select_example(app: Sphinx, config: Config) -> None:
    timeout_seconds()  # a bad POTOK_EXAMPLE_TIMEOUT fails before any example runs
    name = os.environ.get(EXAMPLE_ENV, "").strip()
    if not name:
        return
    conf = config.sphinx_gallery_conf
    dirs = conf["examples_dirs"]
    script = find_example(name, Path(dirs if isinstance(dirs, str) else dirs[0]))
    rel = f"{script.parent.name}/{script.name}"
    conf["filename_pattern"] = re.escape(f"/{rel}") + "$"
    conf["run_stale_examples"] = True
    print(f"potok: {EXAMPLE_ENV}={name}: only {rel} runs", file=sys.stderr)


#: a gallery figure that a page embeds: <gallery>/<section>/images/sphx_glr_<stem>_NNN…
EMBEDDED = r"/([\w-]+)/images/sphx_glr_(\w+?)_\d{3}\w*\.png"


def _also_run_shown_examples(app: Sphinx, config: Config) -> None:
    """With one example by name, also run each example whose figure a page
    embeds (the front page shows one of plot_across_versions) when that figure
    was never made, as in a fresh clone: else the strict build stops on the
    missing image."""
    if not os.environ.get(EXAMPLE_ENV, "").strip():
        return
    conf = config.sphinx_gallery_conf
    docs = Path(app.srcdir)
    gallery = conf["gallery_dirs"]
    gallery = gallery if isinstance(gallery, str) else gallery[0]
    embedded = re.compile(re.escape(gallery) + EMBEDDED)
    missing = set()
    for page in sorted(docs.rglob("*.md")):
        if any(part.startswith("_") for part in page.relative_to(docs).parts):
            continue
        for m in embedded.finditer(page.read_text(encoding="utf-8")):
            if not (docs / m.group(0)).is_file():
                missing.add(f"{m.group(1)}/{m.group(2)}.py")
    for rel in sorted(missing):
        conf["filename_pattern"] += "|" + re.escape(f"/{rel}") + "$"
        print(f"potok: {rel} runs too: a page shows its figure", file=sys.stderr)


# --- timeout ---------------------------------------------------------------------


def timeout_seconds() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return BUILD_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds") from None
    if value <= 0:
        raise ConfigError(f"{TIMEOUT_ENV}={raw!r} must be a positive number of seconds")
    return value


_watchdog: threading.Timer | None = None


def _stop_build(script: str, seconds: float) -> None:
    err = sys.__stderr__
    err.write(
        f"\npotok: example {script} did not finish within {seconds:g} s "
        f"({TIMEOUT_ENV}); the build is stopped. Where each thread was "
        "(the example's own lines name its file):\n"
    )
    err.flush()
    faulthandler.dump_traceback(file=err, all_threads=True)
    for child in multiprocessing.active_children():
        child.kill()
    err.flush()
    os._exit(EXIT_CODE)


def _example_path(gallery_conf, fname: str) -> str:
    """sphinx-gallery passes the bare file name; find the example's path."""
    dirs = gallery_conf.get("examples_dirs") or []
    for examples_dir in [dirs] if isinstance(dirs, str) else dirs:
        found = sorted(Path(examples_dir).glob(f"*/{fname}"))
        if found:
            return " or ".join(
                str(p.relative_to(Path(examples_dir).parent)) for p in found
            )
    return fname


def example_timeout(gallery_conf, fname, when) -> None:
    """sphinx-gallery ``reset_modules`` hook: arm before an example, disarm after."""
    global _watchdog
    if _watchdog is not None:
        _watchdog.cancel()
        _watchdog = None
        faulthandler.cancel_dump_traceback_later()
    if when != "before" or fname is None:
        return
    seconds = timeout_seconds()
    script = _example_path(gallery_conf, str(fname))
    _watchdog = threading.Timer(seconds, _stop_build, args=(script, seconds))
    _watchdog.daemon = True
    _watchdog._potok_watchdog = True  # not a leftover of the example
    _watchdog.start()
    faulthandler.dump_traceback_later(
        seconds + BACKSTOP_GRACE, exit=True, file=sys.__stderr__
    )


# --- leftovers and huge output -----------------------------------------------------

LEFTOVER_EXIT = potok_leftovers.LEFTOVER_EXIT
OUTPUT_ENV = "POTOK_OUTPUT_LIMIT"
_before: tuple | None = None


def _state() -> dict[str, object]:
    import matplotlib

    return {
        "the switch interval": sys.getswitchinterval(),
        "the working directory": os.getcwd(),
        "the environment": dict(os.environ),
        # None until something fixes it; the platform's default is the first
        # of get_all_start_methods(), and asking for it is no change
        "the multiprocessing start method": multiprocessing.get_start_method(
            allow_none=True
        )
        or multiprocessing.get_all_start_methods()[0],
        "matplotlib's rcParams": dict(matplotlib.rcParams),
    }


def _changed(before: dict, after: dict) -> list[str]:
    found = []
    for what, old in before.items():
        new = after[what]
        if new == old:
            continue
        if what == "the environment":
            keys = sorted(
                k for k in old.keys() | new.keys() if old.get(k) != new.get(k)
            )
            found.append(f"changed {what} ({', '.join(keys)})")
        elif what == "matplotlib's rcParams":
            keys = sorted(k for k in old if old[k] != new.get(k))
            found.append(f"changed {what} ({', '.join(keys[:5])})")
        else:
            found.append(f"changed {what} ({old!r} -> {new!r})")
    return found


def _restore(before: dict) -> None:
    import matplotlib

    sys.setswitchinterval(before["the switch interval"])
    os.chdir(before["the working directory"])
    os.environ.clear()
    os.environ.update(before["the environment"])
    multiprocessing.set_start_method(
        before["the multiprocessing start method"], force=True
    )
    matplotlib.rcParams.update(before["matplotlib's rcParams"])


def example_leftovers(gallery_conf, fname, when) -> None:
    """sphinx-gallery ``reset_modules`` hook: snapshot before, compare after."""
    global _before
    if when == "before" or fname is None:
        potok_leftovers.record_where_started()
        _before = (potok_leftovers.snapshot(), _state())
        return
    if _before is None:
        return
    (threads_children, state), _before = _before, None
    problems = [f"left {x}" for x in potok_leftovers.leftovers(threads_children)]
    problems += _changed(state, _state())
    if not problems:
        return
    script = _example_path(gallery_conf, str(fname))
    potok_leftovers.kill_children(threads_children[1])
    _restore(state)
    err = sys.__stderr__
    err.write(
        f"\npotok: example {script} {'; '.join(problems)}. An example must "
        "join every thread and process it starts and put back what it changes; "
        "the build is stopped (the leftovers were killed).\n"
    )
    err.flush()
    os._exit(LEFTOVER_EXIT)


def output_limit() -> int:
    raw = os.environ.get(OUTPUT_ENV, "").strip() or "1000000"
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(
            f"{OUTPUT_ENV}={raw!r} is not a number of characters"
        ) from None


def check_output_size(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery: no page with a flood of output."""
    limit = output_limit()
    conf = app.config.sphinx_gallery_conf
    outs = conf["gallery_dirs"]
    too_big = []
    for out in [outs] if isinstance(outs, str) else outs:
        for page in sorted((Path(app.confdir) / out).rglob("plot_*.rst")):
            size = page.stat().st_size
            if size > limit:
                too_big.append(f"{page.with_suffix('.py').name} ({size:_} bytes)")
    if too_big:
        raise ExtensionError(
            f"example output over the limit of {limit:_} characters "
            f"({OUTPUT_ENV}): {', '.join(too_big)}; print less (a summary, a "
            "table of the key numbers) so that the page can be read"
        )


# --- no orphans -------------------------------------------------------------------


def _generated_images(folder: Path, stem: str) -> list[Path]:
    pattern = re.compile(
        rf"sphx_glr_{re.escape(stem)}_(\d{{3}}|thumb)(_\d+_\d+x)?\.\w+$"
    )
    return [p for p in folder.rglob("sphx_glr_*") if pattern.match(p.name)]


def remove_orphans(app: Sphinx) -> None:
    """builder-inited: delete what sphinx-gallery generated from removed scripts."""
    conf = app.config.sphinx_gallery_conf
    srcs, outs = conf["examples_dirs"], conf["gallery_dirs"]
    srcs = [srcs] if isinstance(srcs, str) else list(srcs)
    outs = [outs] if isinstance(outs, str) else list(outs)
    confdir = Path(app.confdir)
    for src, out in zip(srcs, outs, strict=True):
        src, out = confdir / src, confdir / out
        if not out.is_dir():
            continue
        for page in sorted(out.glob("*/*.rst")):  # examples live in sections
            rel = page.relative_to(out).with_suffix("")
            if rel.name == "index" or rel.name.startswith("sg_"):
                section = src / rel.parent
                if rel.parent != Path(".") and not section.is_dir():
                    shutil.rmtree(out / rel.parent)
                    print(
                        f"potok: {section} is gone: removed its gallery pages "
                        f"in {out / rel.parent}",
                        file=sys.stderr,
                    )
                continue
            if (src / rel).with_suffix(".py").exists() or not page.exists():
                continue
            # <stem>.rst, .py, .ipynb, .zip, .py.md5, .codeobj.json, .cost.json ...
            gone = list((out / rel.parent).glob(rel.name + ".*"))
            gone += _generated_images(out / rel.parent / "images", rel.name)
            for path in gone:
                path.unlink()
            print(
                f"potok: {(src / rel).with_suffix('.py')} is gone: removed its "
                f"generated page, images and downloads in {out / rel.parent}",
                file=sys.stderr,
            )


def _note_removed(app: Sphinx, env, added, changed, removed) -> list[str]:
    app.potok_removed = set(removed)  # type: ignore[attr-defined]
    return []


def remove_built_orphans(app: Sphinx, exception) -> None:
    """build-finished: the built page, images and downloads of removed pages."""
    removed = getattr(app, "potok_removed", set())
    if exception is not None or not removed or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for docname in sorted(removed):
        stem = Path(docname).name
        gone = [
            out / (docname + app.builder.out_suffix),
            out / (docname + ".claims.json"),  # potok_reader's verdicts
            out / "_sources" / (docname + ".rst.txt"),
            out / "_sources" / (docname + ".md.txt"),
            Path(app.doctreedir) / (docname + ".doctree"),
        ]
        if docname.startswith(tuple(f"{o}/" for o in _gallery_outs(app))):
            gone += _generated_images(out / "_images", stem)
            gone += [
                p
                for p in (out / "_downloads").glob("*/*")
                if p.name in (f"{stem}.py", f"{stem}.ipynb", f"{stem}.zip")
            ]
        for path in gone:
            if path.exists():
                path.unlink()
                if path.parent.name != "_downloads" and not any(path.parent.iterdir()):
                    path.parent.rmdir()
        print(
            f"potok: removed the built page of {docname} (its source is gone)",
            file=sys.stderr,
        )


def _gallery_outs(app: Sphinx) -> list[str]:
    outs = app.config.sphinx_gallery_conf["gallery_dirs"]
    return [outs] if isinstance(outs, str) else list(outs)


def setup(app: Sphinx) -> dict:
    # before sphinx-gallery fills in its defaults (priority 500)
    app.connect("config-inited", _select_example, priority=400)
    app.connect("config-inited", _also_run_shown_examples, priority=401)
    app.connect("builder-inited", remove_orphans, priority=50)
    app.connect("builder-inited", check_output_size, priority=950)
    app.connect("env-get-outdated", _note_removed)
    app.connect("build-finished", remove_built_orphans)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
