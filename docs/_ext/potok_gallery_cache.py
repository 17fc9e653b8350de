"""No stale gallery output, examples that need another Python, and the stamp.

1. **Cache key.** sphinx-gallery re-runs an example only when the md5 of its
   script changed (``docs/auto_examples/<section>/<script>.py.md5``, written after
   a successful run). A change to ``src/potok``, to the interpreter, to the locked
   dependencies or to the machine would leave old figures on the site. Before the
   gallery is generated, this extension compares a key over all of those with the
   key the cached results were made under (``docs/auto_examples/potok-gallery.json``);
   if it differs, it deletes the ``.md5`` files, so every example runs again.
   The script itself stays sphinx-gallery's own check. A reused result is thus
   always one this build would have produced.
2. **Requirements.** An example that calls ``potok.measure.require(...)`` (with
   literal arguments, at the top level) and that this interpreter cannot run is
   left out of ``filename_pattern``: sphinx-gallery shows its code but does not
   execute it, and its page says why.
3. **Stamp.** Every example page says which Python (version, GIL or
   free-threaded) and which machine produced its output and when; the gallery
   index says when and where the gallery ran. A page is read again only when
   its stamp changed, so a rebuild with nothing changed reads nothing.

If sphinx-gallery changes how it stores the md5 (a release renames the file),
the build fails here, naming this file, instead of silently reusing old output.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging

from potok import measure

logger = logging.getLogger(__name__)

MANIFEST = "potok-gallery.json"
#: Environment variables that change what an example measures.
KEY_ENV = (
    "POTOK_QUICK",
    "POTOK_START_METHOD",
    "PYTHON_GIL",
    "POTOK_EXTRA_PYTHONS",  # other interpreters the "Python today" example uses
)


# --- the key -----------------------------------------------------------------------


def _digest_tree(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(folder).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def _digest_file(path: Path) -> str:
    if not path.is_file():
        return "absent"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def interpreter_identity() -> str:
    """Version, build (GIL or free-threaded) and executable of this Python."""
    return " | ".join(
        [
            platform.python_implementation(),
            sys.version,
            measure.python_build(),
            sys.executable,
            os.path.realpath(sys.executable),
        ]
    )


def machine_identity() -> str:
    return " | ".join(
        [
            measure.cpu_model(),
            str(os.cpu_count()),
            str(measure.usable_cpus()),
            platform.platform(),
        ]
    )


def key_parts(root: Path) -> dict[str, str]:
    """What, besides the script, decides an example's output."""
    return {
        "potok": _digest_tree(root / "src" / "potok"),
        "uv.lock": _digest_file(root / "uv.lock"),
        "python": interpreter_identity(),
        "machine": machine_identity(),
        "env": " ".join(f"{k}={os.environ.get(k, '')}" for k in KEY_ENV),
    }


def cache_key(parts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


# --- requirements --------------------------------------------------------------------


def requirement(script: Path) -> dict | None:
    """The arguments of the script's top-level ``require(...)`` call, if any."""
    source = script.read_text(encoding="utf-8")
    if "require(" not in source:
        return None
    try:
        tree = ast.parse(source, str(script))
    except SyntaxError:
        return None  # sphinx-gallery reports it, naming the file and line
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name != "require":
            continue
        if call.args:
            raise ExtensionError(
                f"{script}:{call.lineno}: require() takes keyword arguments only, "
                'e.g. measure.require(python="3.14")'
            )
        try:
            return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
        except ValueError:
            raise ExtensionError(
                f"{script}:{call.lineno}: the arguments of require() must be "
                "literals: the docs build reads them without running the script"
            ) from None
    return None


def _examples(src_dirs: list[Path]) -> list[Path]:
    """Every script under the example folders, as sphinx-gallery names them."""
    found = (p for d in src_dirs for p in d.rglob("*.py"))
    return sorted(
        Path(os.path.normpath(p)) for p in found if "__pycache__" not in p.parts
    )


def _gallery_dirs(app: Sphinx) -> list[tuple[Path, Path]]:
    conf = app.config.sphinx_gallery_conf
    srcs = conf["examples_dirs"]
    outs = conf["gallery_dirs"]
    srcs = [srcs] if isinstance(srcs, str) else list(srcs)
    outs = [outs] if isinstance(outs, str) else list(outs)
    confdir = Path(app.confdir)
    return [(confdir / s, confdir / o) for s, o in zip(srcs, outs, strict=True)]


def leave_out_unrunnable(app: Sphinx, config) -> None:
    """config-inited, before sphinx-gallery: don't execute what can't run here."""
    conf = config.sphinx_gallery_conf
    srcs = conf.get("examples_dirs", [])
    srcs = [srcs] if isinstance(srcs, str) else list(srcs)
    skipped: dict[str, str] = {}
    for script in _examples([Path(app.confdir) / s for s in srcs]):
        wanted = requirement(script)
        if wanted is None:
            continue
        try:
            reason = measure.unmet(**wanted)
        except TypeError as exc:
            raise ExtensionError(f"{script}: require(): {exc}") from None
        if reason:
            skipped[script.as_posix()] = reason
    app.potok_skipped = skipped  # type: ignore[attr-defined]
    if skipped:
        pattern = conf.get("filename_pattern", r"/plot")
        names = "|".join(re.escape(s) for s in skipped)
        conf["filename_pattern"] = rf"^(?=.*(?:{pattern}))(?!(?:{names})$)"
        for script, reason in skipped.items():
            logger.info(f"potok_gallery_cache: {script} is not executed: {reason}")


# --- before and after sphinx-gallery runs the examples -------------------------------


def invalidate_stale(app: Sphinx) -> None:
    """builder-inited, before sphinx-gallery: drop results of another key."""
    parts = key_parts(Path(app.confdir).parent)
    app.potok_key_parts = parts  # type: ignore[attr-defined]
    app.potok_key = cache_key(parts)  # type: ignore[attr-defined]
    app.potok_started = time.time()  # type: ignore[attr-defined]
    for _src, out in _gallery_dirs(app):
        manifest = _read_manifest(out)
        if manifest.get("key") == app.potok_key:
            continue
        old = manifest.get("parts", {})
        changed = [k for k in parts if old.get(k) != parts[k]]
        why = (
            f"{', '.join(changed)} changed since the cached results in {out}"
            if old
            else f"nothing records what produced the cached results in {out}"
        )
        md5s = sorted(out.rglob("*.py.md5")) if out.is_dir() else []
        if md5s:
            logger.info(f"potok_gallery_cache: {why}: every example runs again")
        for md5 in md5s:
            md5.unlink()


def record_runs(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery: who ran what, where and when."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    stamp = str(measure.machine_stamp())
    skipped = app.potok_skipped  # type: ignore[attr-defined]
    conf = app.config.sphinx_gallery_conf
    for src, out in _gallery_dirs(app):
        old = _read_manifest(out).get("examples", {})
        examples: dict[str, dict] = {}
        expected = cached = 0
        for script in _examples([src]):
            rel = script.relative_to(src).as_posix()
            if not (
                conf["plot_gallery"]
                and re.search(conf["filename_pattern"], str(script))
            ):
                if script.as_posix() in skipped:
                    examples[rel] = {
                        "skipped": skipped[script.as_posix()],
                        "python": stamp,
                    }
                continue
            expected += 1
            md5 = out / (rel + ".md5")
            if not md5.exists():
                continue  # it failed: sphinx-gallery fails the build and names it
            cached += 1
            if md5.stat().st_mtime >= app.potok_started - 1 or rel not in old:
                examples[rel] = {"ran_at": now, "stamp": stamp}
            else:
                examples[rel] = old[rel]
        if expected and not cached and not conf.get("failing_examples"):
            raise ExtensionError(
                "sphinx-gallery ran the examples but wrote no <script>.py.md5 "
                f"next to them in {out}: its cache layout changed, and "
                "docs/_ext/potok_gallery_cache.py (which deletes those files to "
                "invalidate them) must be updated to match"
            )
        out.mkdir(parents=True, exist_ok=True)
        manifest = {
            "key": app.potok_key,  # type: ignore[attr-defined]
            "parts": app.potok_key_parts,  # type: ignore[attr-defined]
            "examples": examples,
        }
        (out / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )


def _read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# --- the stamp on the pages ----------------------------------------------------------


def _when(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%d.%m.%Y в %H:%M UTC")


def _after_title(lines: list[str], block: list[str], docname: str) -> list[str]:
    for i in range(len(lines) - 1):
        title, under = lines[i].rstrip(), lines[i + 1].rstrip()
        if (
            title
            and not title.startswith("..")
            and len(under) >= len(title)
            and re.fullmatch(r"([=\-~^\"'`#*+<>_:.])\1*", under)
        ):
            return [*lines[: i + 2], "", *block, "", *lines[i + 2 :]]
    raise ExtensionError(f"potok_gallery_cache: no title found in {docname} to stamp")


def _stamps(app: Sphinx, docnames) -> dict[str, list[str]]:
    """The lines stamped under the title of each gallery page among ``docnames``.

    Section indexes and pages outside the gallery get no stamp. Each gallery's
    record is read once per call.
    """
    stamps: dict[str, list[str]] = {}
    for _src, out in _gallery_dirs(app):
        prefix = out.relative_to(Path(app.srcdir)).as_posix() + "/"
        examples = _read_manifest(out).get("examples", {})
        for docname in docnames:
            if not docname.startswith(prefix):
                continue
            rel = docname.removeprefix(prefix) + ".py"
            if docname == f"{prefix}index":
                stamps[docname] = _index_stamp(examples)
            elif rel in examples:
                stamps[docname] = _page_stamp(examples[rel])
    return stamps


def stamp_pages(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: put the stamp under the title of every gallery page."""
    block = _stamps(app, [docname]).get(docname)
    if block is not None:
        source[0] = "\n".join(_after_title(source[0].splitlines(), block, docname))


def _page_stamp(entry: dict) -> list[str]:
    if "skipped" in entry:
        return [
            ".. admonition:: Этот пример при сборке не выполнялся",
            "   :class: warning potok-stamp",
            "",
            f"   Причина: {entry['skipped']}. Поэтому ниже только код — без",
            "   вывода и графиков; скачайте пример и запустите его на подходящем",
            "   интерпретаторе.",
        ]
    return [
        ".. rst-class:: potok-stamp",
        "",
        f"Вывод и графики на этой странице получены при сборке сайта "
        f"{_when(entry['ran_at'])}. Машина и интерпретатор: {entry['stamp']}.",
    ]


def _index_stamp(examples: dict[str, dict]) -> list[str]:
    ran = [e for e in examples.values() if "ran_at" in e]
    if not ran:
        return [
            ".. rst-class:: potok-stamp",
            "",
            "При этой сборке примеры не выполнялись.",
        ]
    times = sorted(e["ran_at"] for e in ran)
    when = (
        _when(times[0])
        if times[0] == times[-1]
        else (f"с {_when(times[0])} по {_when(times[-1])}")
    )
    stamps = sorted({e["stamp"] for e in ran})
    lines = [
        ".. rst-class:: potok-stamp",
        "",
        f"Примеры выполнены при сборке сайта {when}. "
        f"Машина и интерпретатор: {' / '.join(stamps)}.",
    ]
    skipped = [e for e in examples.values() if "skipped" in e]
    if skipped:
        lines[-1] += (
            f" Не выполнялись (нужен другой интерпретатор): {len(skipped)}; "
            "причина — на их страницах."
        )
    return lines


def outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """env-get-outdated: re-read the gallery pages whose stamp changed.

    The stamps each page was last read with are kept in the environment; a page
    whose stamp is the same (nothing ran, nothing new skipped) is not read again,
    so a rebuild with no change reads nothing.
    """
    old: dict[str, list[str]] = getattr(env, "potok_stamps", {})
    new = _stamps(app, env.found_docs)
    env.potok_stamps = new
    return sorted(d for d, block in new.items() if old.get(d) != block)


def setup(app: Sphinx) -> dict:
    if "sphinx_gallery.gen_gallery" not in app.extensions:
        raise ConfigError(
            "potok_gallery_cache must come after sphinx_gallery.gen_gallery"
        )
    # sphinx-gallery fills its defaults at config-inited priority 10 and generates
    # the gallery at builder-inited priority 500: run before and after those.
    app.connect("config-inited", leave_out_unrunnable, priority=5)
    app.connect("builder-inited", invalidate_stale, priority=100)
    app.connect("builder-inited", record_runs, priority=900)
    app.connect("source-read", stamp_pages)
    app.connect("env-get-outdated", outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
