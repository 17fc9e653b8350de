"""The gallery's results: never stale, skipped with a reason, stamped, no orphans.

1. **Cache key.** sphinx-gallery re-runs an example only when its script
   changed (it keeps an md5 beside each result). A change to ``src/potok``, to
   the interpreter, to the locked dependencies or to the machine would leave old
   figures on the site. So a key over all of those is compared with the key the
   cached results were made under (``docs/auto_examples/potok-gallery.json``);
   if it differs, sphinx-gallery's own ``run_stale_examples`` makes every
   example run again. The script itself stays sphinx-gallery's own check. A
   reused result is thus always one this build would have produced; until all
   examples ran under the new key (one example run by name does not), the
   record keeps the old key.
2. **Requirements.** An example that calls ``potok.machine.require(...)`` (with
   literal arguments, at the top level) and that this interpreter cannot run is
   left out of ``filename_pattern``: sphinx-gallery shows its code but does not
   execute it, and its page says why.
3. **The record and the stamp.** What ran in this build and what was reused,
   sphinx-gallery says (``passing_examples``, ``stale_examples``). Every example
   page says which Python (version, GIL or free-threaded) and which machine
   produced its output and when; the gallery index says when and where the
   gallery ran. A page is read again only when its stamp changed, so a rebuild
   with nothing changed reads nothing.
4. **No page for an example that is gone.** sphinx-gallery writes each
   example's page, images and downloads into ``docs/auto_examples/`` and never
   removes them, so a removed or renamed example left a page that no toctree
   includes (a strict build fails) and, in the built site, its old HTML, images
   and downloads. Before the gallery is generated, the files generated from a
   script that no longer exists are deleted (and said); after a successful
   build, so are the built HTML page, its images and its downloads.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
import re
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from potok import machine, records

from .figures import dark_path, drawn_together

logger = logging.getLogger(__name__)

MANIFEST = "potok-gallery.json"
#: Environment variables that change what an example measures.
KEY_ENV = ("POTOK_QUICK", "POTOK_START_METHOD", "PYTHON_GIL")
#: The description of the other interpreters the examples may measure in (the
#: noxfile writes it, tools/pythons.py): its content is part of the key.
INTERPRETERS_ENV = "POTOK_INTERPRETERS"


# --- the key -----------------------------------------------------------------------


def _digest_tree(folder: Path) -> str:
    """The Python sources under ``folder`` (not caches, records or other files
    a run may leave there)."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
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
            machine.python_build(),
            sys.executable,
            os.path.realpath(sys.executable),
        ]
    )


def machine_identity() -> str:
    return " | ".join(
        [
            machine.cpu_model(),
            str(os.cpu_count()),
            str(machine.usable_cpus()),
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
        "interpreters": _digest_file(Path(given))
        if (given := os.environ.get(INTERPRETERS_ENV, "").strip())
        else "none",
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
                'e.g. machine.require(python="3.14")'
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


def gallery_dirs(app: Sphinx) -> list[tuple[Path, Path]]:
    """(examples folder, gallery folder) pairs, absolute: the one place that reads
    ``examples_dirs`` and ``gallery_dirs`` (each may be a str or a list)."""
    conf = app.config.sphinx_gallery_conf
    srcs, outs = as_list(conf["examples_dirs"]), as_list(conf["gallery_dirs"])
    confdir = Path(app.confdir)
    return [(confdir / s, confdir / o) for s, o in zip(srcs, outs, strict=True)]


def as_list(value: str | list[str]) -> list[str]:
    """sphinx-gallery takes one folder as a str, several as a list."""
    return [value] if isinstance(value, str) else list(value)


def gallery_prefixes(app: Sphinx) -> list[str]:
    """The docname prefix of every gallery ("auto_examples/")."""
    dirs = as_list(app.config.sphinx_gallery_conf["gallery_dirs"])
    return [d.strip("/") + "/" for d in dirs]


def unrunnable(app: Sphinx) -> dict[str, str]:
    """Script path -> why this interpreter cannot run it (its ``require(...)``)."""
    skipped: dict[str, str] = {}
    for script in _examples([src for src, _out in gallery_dirs(app)]):
        wanted = requirement(script)
        if wanted is None:
            continue
        try:
            reason = machine.unmet(**wanted)
        except TypeError as exc:
            raise ExtensionError(f"{script}: require(): {exc}") from None
        if reason:
            skipped[script.as_posix()] = reason
    return skipped


# --- before and after sphinx-gallery runs the examples -------------------------------


def prepare_run(app: Sphinx) -> None:
    """builder-inited, before sphinx-gallery: what runs, and whether all runs again.

    An example whose figure a page shows (the front page's) is added to
    ``filename_pattern`` while that figure is missing: with one example run by
    name in a fresh clone, the strict build would stop on the missing image.
    An example this interpreter cannot run is left out of ``filename_pattern``.
    If a result sphinx-gallery would reuse was made under another key (or no
    record says what it was made under), ``run_stale_examples`` makes it run
    every example again.
    """
    state = app.potok  # type: ignore[attr-defined]
    conf = app.config.sphinx_gallery_conf
    for rel in shown_but_missing(app):
        if not re.search(conf["filename_pattern"], rel):
            conf["filename_pattern"] = (
                rf"(?:{conf['filename_pattern']})|/{re.escape(rel)}$"
            )
            logger.info(
                f"potok_sphinx.gallery: {rel} runs too: a page shows its figure"
            )
    state.skipped = unrunnable(app)
    if state.skipped:
        names = "|".join(re.escape(s) for s in state.skipped)
        pattern = conf["filename_pattern"]
        conf["filename_pattern"] = rf"^(?=.*(?:{pattern}))(?!(?:{names})$)"
        for script, reason in state.skipped.items():
            logger.info(f"potok_sphinx.gallery: {script} is not executed: {reason}")
    state.key_parts = key_parts(Path(app.confdir).parent)
    state.key = cache_key(state.key_parts)
    for src, out in gallery_dirs(app):
        for script, missing in incomplete_results(src, out):
            forget_result(out, script)
            logger.info(
                f"potok_sphinx.gallery: {script} runs again: its generated "
                f"{missing} is missing (a build stopped half-way, or deleted)"
            )
        ran = read_manifest(out).get("examples", {})
        for rel, entry in ran.items():
            if (
                "siblings" in entry  # (a record older than this check has none)
                and (src / rel).is_file()
                and entry["siblings"] != siblings_digest(src / rel)
            ):
                forget_result(out, rel)
                logger.info(
                    f"potok_sphinx.gallery: {rel} runs again: a module beside "
                    "it that it imports changed"
                )
        why = _stale(read_manifest(out), out, state)
        if why and not conf["run_stale_examples"]:
            logger.info(f"potok_sphinx.gallery: {why}: every example runs again")
            conf["run_stale_examples"] = True


#: an image a generated example page shows (``image-sg``, ``:srcset:``, thumbnails)
_PAGE_IMAGE = re.compile(r"/?((?:[\w.-]+/)*images/(?:thumb/)?sphx_glr_[\w.-]+?\.png)")


def incomplete_results(src: Path, out: Path) -> list[tuple[str, str]]:
    """``(section/plot_x.py, what is missing)`` for each result sphinx-gallery
    would reuse (its checksum is there) although a file it needs is not: the
    page, the thumbnail, or an image the page shows. sphinx-gallery would then
    fail on every build ("could not find thumbnail", a raw FileNotFoundError).
    A figure without its dark variant (:mod:`.figures`) is missing too, and so
    is one whose light and dark files were not saved by that scraper in one
    run (a light figure from sphinx-gallery's own scraper beside an older dark
    one: the two would show different measurements)."""
    found = []
    docs = out.parent
    for md5 in sorted(out.glob("*/*.py.md5")):
        section, stem = md5.parent.name, md5.name.removesuffix(".py.md5")
        rel = f"{section}/{stem}.py"
        if not (src / rel).is_file():
            continue  # an orphan: remove_orphans deletes it
        page = md5.parent / f"{stem}.rst"
        thumb = md5.parent / "images" / "thumb" / f"sphx_glr_{stem}_thumb.png"
        if not page.is_file():
            found.append((rel, page.name))
            continue
        if not thumb.is_file():
            found.append((rel, f"images/thumb/{thumb.name}"))
            continue
        try:
            records.load(run_record(out, rel))
        except records.RecordError:
            found.append((rel, run_record(out, rel).name))
            continue
        for m in _PAGE_IMAGE.finditer(
            page.read_text(encoding="utf-8", errors="replace")
        ):
            path = m.group(1)
            image = docs / path if path.startswith(out.name + "/") else out / path
            if not image.is_file() and not (md5.parent / path).is_file():
                found.append((rel, path))
                break
            if "/thumb/" not in path and not dark_path(image).is_file():
                found.append((rel, dark_path(path)))  # made before dark variants
                break
            if "/thumb/" not in path and not drawn_together(image):
                # one of the two saved by another scraper or another run
                found.append((rel, f"{dark_path(path)} of the same run"))
                break
    return found


#: a gallery figure a page embeds: <section>/images/sphx_glr_<stem>_NNN….png
_SHOWN = r"/([\w-]+)/images/sphx_glr_(\w+?)_\d{3}[\w.]*\.png"


def shown_but_missing(app: Sphinx) -> list[str]:
    """``section/plot_x.py`` of each example whose figure a page shows (by the
    path under the gallery folder) and that figure, or its dark variant, does
    not exist yet."""
    docs = Path(app.srcdir)
    outs = {out for _src, out in gallery_dirs(app)}
    pages = []
    for folder, dirs, files in os.walk(docs):  # not into _build, nor the gallery
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(("_", ".")) and Path(folder, d) not in outs
        ]
        pages += [Path(folder, f) for f in files if f.endswith(".md")]
    missing = set()
    for out in sorted(outs):
        shown = re.compile(re.escape(out.relative_to(docs).as_posix()) + _SHOWN)
        for page in sorted(pages):
            for m in shown.finditer(page.read_text(encoding="utf-8")):
                image = docs / m.group(0)
                if not (image.is_file() and dark_path(image).is_file()):
                    missing.add(f"{m.group(1)}/{m.group(2)}.py")
    return sorted(missing)


def _stale(manifest: dict, out: Path, state) -> str:
    """Why the results in ``out`` may not be reused under this build's key
    (``state``: the BuildState), or "" if they may."""
    if not manifest:
        if any(out.glob("*/plot_*.rst")):
            return f"nothing records what produced the cached results in {out}"
        return ""
    old = [e for e in manifest.get("examples", {}).values() if "ran_at" in e]
    stale = [e for e in old if e.get("key") != state.key]
    if not stale:
        return ""
    was, parts = manifest.get("parts", {}), state.key_parts
    changed = [k for k in parts if was.get(k) != parts[k]] or ["the key"]
    return (
        f"{', '.join(changed)} changed since {len(stale)} of the cached results "
        f"in {out} were made"
    )


def record_runs(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery: who ran what, where, when, under what.

    sphinx-gallery lists what it ran and passed (``passing_examples``) and what
    it reused (``stale_examples``, the copies in the gallery folder). An example
    in neither was not executed in this build (another one was chosen by name,
    or ``plot_gallery`` is off) and keeps its record, with the key it ran under.
    """
    state = app.potok  # type: ignore[attr-defined]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    conf = app.config.sphinx_gallery_conf
    ran = {os.path.normpath(p) for p in conf["passing_examples"]}
    for src, out in gallery_dirs(app):
        old = read_manifest(out).get("examples", {})
        examples: dict[str, dict] = {}
        for script in _examples([src]):
            rel = script.relative_to(src).as_posix()
            if script.as_posix() in state.skipped:
                examples[rel] = {"skipped": state.skipped[script.as_posix()]}
            elif os.path.normpath(script) in ran:
                mine = old.get(rel, {})  # record_example's, as it finished
                if mine.get("key") != state.key or "ran_at" not in mine:
                    mine = {"ran_at": now, "key": state.key}
                examples[rel] = mine
            elif "ran_at" in old.get(rel, {}):
                examples[rel] = old[rel]
        record = {"key": state.key, "parts": state.key_parts, "examples": examples}
        _write_manifest(out, record)


def read_manifest(out: Path) -> dict:
    """The gallery's record, or ``{}`` (no record: every result runs again)
    when it is missing, unreadable or not of the shape this module writes."""
    path = out / MANIFEST
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        logger.info(f"potok_sphinx.gallery: {path} cannot be read ({exc})")
        return {}
    problem = _shape_problem(record)
    if problem:
        logger.info(f"potok_sphinx.gallery: {path} is not a gallery record: {problem}")
        return {}
    return record


def _shape_problem(record) -> str:
    """Why ``record`` is not ``{"examples": {"section/plot_x.py": {...}}, ...}``."""
    if not isinstance(record, dict):
        return f"a JSON {type(record).__name__}, not an object"
    examples = record.get("examples")
    if not isinstance(examples, dict):
        return '"examples" is not an object of example -> record'
    for rel, entry in examples.items():
        if not isinstance(entry, dict):
            return f'the entry of "{rel}" is not an object'
        for field in ("ran_at", "key", "skipped", "siblings"):
            if field in entry and not isinstance(entry[field], str):
                return f'"{field}" of "{rel}" is not a string'
        if "ran_at" in entry:
            try:
                datetime.fromisoformat(entry["ran_at"])
            except ValueError:
                return f'"ran_at" of "{rel}" is not a date'
    if not isinstance(record.get("parts", {}), dict):
        return '"parts" is not an object'
    return ""


def _write_manifest(out: Path, record: dict) -> None:
    """Replace the record at once: a build killed mid-write leaves the old one."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out / MANIFEST)


# --- one example at a time (the guards call these) -------------------------------


def siblings(script: Path) -> list[Path]:
    """The modules beside ``script`` that it imports (``import _work``, ``from
    _work import f``): where code that another process must import lives."""
    try:
        tree = ast.parse(script.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return []
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return sorted(
        path for name in names if (path := script.parent / f"{name}.py").is_file()
    )


def siblings_digest(script: Path) -> str:
    """What the modules beside ``script`` that it imports hold, as one digest:
    sphinx-gallery's checksum covers the script alone."""
    h = hashlib.sha256()
    for path in siblings(script):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _siblings_of_gallery(app: Sphinx):
    """(module beside an example, its copy beside the generated page)."""
    for src, out in gallery_dirs(app):
        for module in sorted(src.glob("*/_*.py")):
            if module.name != "__init__.py":
                yield module, out / module.relative_to(src)


def hide_siblings(app: Sphinx) -> None:
    """builder-inited, before sphinx-gallery: the copies of the modules beside
    examples leave the gallery folder while sphinx-gallery works: its
    download-all archives take every ``.py`` there for an example and look for
    ``_work.ipynb``, which is never made."""
    for _src, out in gallery_dirs(app):
        for copy in out.glob("*/_*.py"):
            if copy.name != "__init__.py":
                copy.unlink()


def copy_siblings(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery: each module beside an example
    (``_work.py``) is copied beside the generated page, which shows it whole
    (``literalinclude``) and links it for download. The copy keeps the
    module's time, so a page that includes it is read again only when the
    module changed.

    Not sphinx-gallery's ``copyfile_regex``: see :func:`hide_siblings`.
    """
    for module, target in _siblings_of_gallery(app):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(module, target)


def run_record(out: Path, rel: str) -> Path:
    """Where the run of ``section/plot_x.py`` leaves its record
    (:mod:`potok.records`): beside its generated page."""
    return out / (rel.removesuffix(".py") + records.SUFFIX)


def forget_result(out: Path, rel: str) -> None:
    """Delete the checksum sphinx-gallery reuses ``rel``'s result by, so that
    ``section/plot_x.py`` runs again in the next build (sphinx-gallery writes
    it anew once the example has run to its end), and the run's record."""
    (out / f"{rel}.md5").unlink(missing_ok=True)
    run_record(out, rel).unlink(missing_ok=True)


def record_example(app: Sphinx, out: Path, rel: str) -> bool:
    """Right after ``rel`` ran: whether it passed (sphinx-gallery wrote its
    checksum); if it did, record at once that its result was made under this
    build's key, so that a build stopped later never leaves it under the key of
    the older record."""
    from sphinx_gallery.gen_rst import md5sum_is_current

    target = out / rel
    if not (target.is_file() and md5sum_is_current(target, mode="t")):
        return False
    state = app.potok  # type: ignore[attr-defined]
    record = read_manifest(out) or {"key": "", "parts": {}, "examples": {}}
    src = dict((o, s_) for s_, o in gallery_dirs(app)).get(out)
    record["examples"][rel] = {
        "ran_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "key": state.key,
        "siblings": siblings_digest(src / rel) if src else "",
    }
    _write_manifest(out, record)
    return True


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
    raise ExtensionError(f"potok_sphinx.gallery: no title found in {docname} to stamp")


def read_run(out: Path, rel: str) -> records.Record | None:
    """The record the last run of ``section/plot_x.py`` left, if it is there
    and readable."""
    try:
        return records.load(run_record(out, rel))
    except records.RecordError:
        return None


def _stamps(app: Sphinx, docnames) -> dict[str, list[str]]:
    """The lines stamped under the title of each gallery page among ``docnames``.

    Section indexes and pages outside the gallery get no stamp. The time comes
    from the gallery's manifest, the machine and interpreters from each run's
    record.
    """
    stamps: dict[str, list[str]] = {}
    for _src, out in gallery_dirs(app):
        prefix = out.relative_to(Path(app.srcdir)).as_posix() + "/"
        examples = read_manifest(out).get("examples", {})
        runs = {rel: read_run(out, rel) for rel, e in examples.items() if "ran_at" in e}
        for docname in docnames:
            if not docname.startswith(prefix):
                continue
            rel = docname.removeprefix(prefix) + ".py"
            if docname == f"{prefix}index":
                stamps[docname] = _index_stamp(examples, runs)
            elif rel in examples:
                stamps[docname] = _page_stamp(examples[rel], runs.get(rel))
    return stamps


def stamp_pages(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: put the stamp under the title of every gallery page."""
    block = _stamps(app, [docname]).get(docname)
    if block is not None:
        source[0] = "\n".join(_after_title(source[0].splitlines(), block, docname))


def _page_stamp(entry: dict, run: records.Record | None) -> list[str]:
    if "skipped" in entry:
        return [
            ".. admonition:: Этот пример при сборке не выполнялся",
            "   :class: warning potok-stamp",
            "",
            f"   Причина: {entry['skipped']}. Поэтому ниже только код — без",
            "   вывода и графиков; скачайте пример и запустите его на подходящем",
            "   интерпретаторе.",
        ]
    text = (
        "Вывод и графики на этой странице получены при сборке сайта "
        f"{_when(entry['ran_at'])}."
    )
    if run is not None:
        text += f" Машина и интерпретатор: {run.python}."
        others = [i.label for i in run.interpreters]
        if others:
            text += f" Части измерены в других интерпретаторах: {', '.join(others)}."
    return [".. rst-class:: potok-stamp", "", text]


def _index_stamp(examples: dict[str, dict], runs: dict) -> list[str]:
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
    stamps = sorted({str(r.python) for r in runs.values() if r is not None})
    text = f"Примеры выполнены при сборке сайта {when}."
    if stamps:
        text += f" Машина и интерпретатор: {' / '.join(stamps)}."
    skipped = [e for e in examples.values() if "skipped" in e]
    if skipped:
        text += (
            f" Не выполнялись (нужен другой интерпретатор): {len(skipped)}; "
            "причина — на их страницах."
        )
    return [".. rst-class:: potok-stamp", "", text]


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


# --- no orphans -------------------------------------------------------------------


def _generated_images(folder: Path, stem: str) -> list[Path]:
    # sphinx-gallery's figures, their 2x copies and thumbnails; the dark
    # variants and the key panels potok_sphinx.figures saves beside them
    pattern = re.compile(
        rf"sphx_glr_{re.escape(stem)}_(\d{{3}}|thumb)(_panel)?(_\d+_\d+x)?(_dark)?"
        r"\.\w+$"
    )
    return [p for p in folder.rglob("sphx_glr_*") if pattern.match(p.name)]


def _generated_stems(section_dir: Path) -> set[str]:
    """Stems of the examples sphinx-gallery generated files from in a section:
    ``plot_x`` of ``plot_x.py`` (its copy), ``plot_x.py.md5``, ``plot_x.rst``,
    ``plot_x.ipynb``, ``plot_x.zip``, ``plot_x.codeobj.json`` and the like."""
    stems = set()
    for path in section_dir.iterdir():
        stem, _, rest = path.name.partition(".")
        if path.is_file() and rest and stem != "index" and not stem.startswith("sg_"):
            stems.add(stem)
    return stems


def remove_orphans(app: Sphinx) -> None:
    """builder-inited: delete what sphinx-gallery generated from removed scripts:
    every ``<stem>.*`` and image of a script that is gone, whether its page was
    written or a build stopped before (a copy, a checksum, a notebook left
    alone would break the next build's download-all archive)."""
    for src, out in gallery_dirs(app):
        if not out.is_dir():
            continue
        # a section holds generated files; the gallery's own images/ holds
        # only folders
        sections = sorted(
            p
            for p in out.iterdir()
            if p.is_dir() and any(f.is_file() for f in p.iterdir())
        )
        for section_dir in sections:
            section = src / section_dir.name
            if not section.is_dir():
                shutil.rmtree(section_dir)
                print(
                    f"potok: {section} is gone: removed its gallery pages "
                    f"in {section_dir}",
                    file=sys.stderr,
                )
                continue
            for stem in sorted(_generated_stems(section_dir)):
                script = section / f"{stem}.py"
                if script.exists():
                    continue
                gone = [
                    p
                    for p in section_dir.iterdir()
                    if p.is_file() and p.name.partition(".")[0] == stem
                ]
                gone += _generated_images(section_dir / "images", stem)
                for path in gone:
                    path.unlink()
                print(
                    f"potok: {script} is gone: removed its generated page, images "
                    f"and downloads in {section_dir}",
                    file=sys.stderr,
                )


def note_removed(app: Sphinx, env, added, changed, removed) -> list[str]:
    """env-get-outdated: remember which pages were removed."""
    app.potok.removed = set(removed)  # type: ignore[attr-defined]
    return []


def note_page(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    """html-page-context: a page this build writes (documents and the builder's
    own pages, such as the index, search and 404)."""
    app.potok.pages.add(pagename)  # type: ignore[attr-defined]


def _built_orphans(app: Sphinx) -> set[str]:
    """Pages in the output folder that no source and no writer of this build
    accounts for. Sphinx's list of removed documents is empty after a failed
    build (it starts a new environment then), so the folder itself is read."""
    out = Path(app.outdir)
    suffix = app.builder.out_suffix
    known = set(app.env.found_docs) | app.potok.pages  # type: ignore[attr-defined]
    orphans = set()
    for page in out.rglob(f"*{suffix}"):
        rel = page.relative_to(out)
        if any(part.startswith(("_", ".")) for part in rel.parts[:-1]):
            continue  # _static, _images, _downloads, _sources ...
        docname = rel.as_posix().removesuffix(suffix)
        if docname not in known:
            orphans.add(docname)
    return orphans


def remove_built_orphans(app: Sphinx, exception) -> None:
    """build-finished: the built page, images and downloads of removed pages
    (not in the EPUB build: its folder is made anew each time, and holds pages
    no document accounts for, such as nav.xhtml)."""
    if exception is not None or app.builder.format != "html":
        return
    if app.builder.name == "epub":
        return
    removed = app.potok.removed | _built_orphans(app)  # type: ignore[attr-defined]
    out = Path(app.outdir)
    for docname in sorted(removed):
        stem = Path(docname).name
        gone = [
            out / (docname + app.builder.out_suffix),
            out / (docname + records.SUFFIX),  # reader's copy of the run's record
            out / "_sources" / (docname + ".rst.txt"),
            out / "_sources" / (docname + ".md.txt"),
            Path(app.doctreedir) / (docname + ".doctree"),
        ]
        if docname.startswith(tuple(gallery_prefixes(app))):
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
