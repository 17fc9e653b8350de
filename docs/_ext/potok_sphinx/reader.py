"""Readers run any example at home with one command, and compare with the site.

1. **Where this build's potok comes from** (:class:`Source`). A release build
   (a tag vX.Y.Z: its potok is on PyPI) pins it, ``potok==X.Y.Z``. Any other
   build is not on PyPI, and nobody may be sent to an unpinned ``potok`` that
   whoever registers the name first decides: it pins the commit its potok was
   built from, ``potok @ git+<repository>@<commit>``, when it knows a public
   repository (``POTOK_REPOSITORY_URL``, GitHub Actions' or Read the Docs'
   variables) and ``src/potok`` is exactly that commit's; otherwise its potok
   exists only in the clone it was built from, and every command installs from
   a clone (``ПУТЬ/К/КЛОНУ``), saying so.
2. **The command.** On every example page, right where the «в конце страницы»
   link lands (above the download buttons), one folded box «Как
   воспроизвести» gives the command that runs the downloaded script (``uv run
   plot_x.py``: the script states its requirements, :mod:`.downloads`), its pip
   equivalent, the modules beside the example it needs, and ``python -m potok
   compare``. Folded, because most readers of the page do not rerun it: the
   box is sphinx-design's dropdown, an HTML ``<details>``, which opens without
   JavaScript, from the keyboard and for a screen reader (:func:`fold`). It is
   added as each page is read (``source-read``), like the gallery's stamp.
   A page is read again when the source changed since the last build.
3. **The notebook.** After sphinx-gallery ran (``builder-inited``), every
   notebook's first cell is set to this build's (``%pip install`` of the
   pinned potok, or the clone's, commented out): sphinx-gallery's own
   ``first_notebook_cell`` would reach only the notebooks of examples it ran.
4. **The site's verdicts.** When the HTML build finished, next to each example
   page the build publishes the record of its run (``<stem>.record.json``,
   :mod:`potok.records`: its claims with their numbers, the machine and the
   interpreters), and ``auto_examples/records.json`` holds all of them by
   script name. ``python -m potok compare plot_x.py --site <address>`` reads
   it (:mod:`potok.compare`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx

from potok import records

from .gallery import gallery_dirs, gallery_prefixes, siblings

INDEX = "records.json"
_RELEASE = re.compile(r"\d+\.\d+\.\d+")
_LABEL = re.compile(r"^\.\. _sphx_glr_download_(?P<label>\S+)\.py:\s*$", re.M)
#: hatch-vcs's version of an untagged commit: ``0.2.1.dev3+g1a2b3c4`` (a dirty
#: tree adds ``.d20261203``: no commit holds that code)
_COMMIT_IN_VERSION = re.compile(r"\+g(?P<sha>[0-9a-f]{7,40})$")
#: where the clone goes in a command, for the reader to replace
CLONE = "ПУТЬ/К/КЛОНУ"
#: what decides what ``potok`` installs: its code and its dependencies
PACKAGE_FILES = ("src/potok", "pyproject.toml")


def is_release(version: str) -> bool:
    """Whether ``version`` is one a tag vX.Y.Z made (so it is on PyPI)."""
    return bool(_RELEASE.fullmatch(version)) and version != "0.0.0"


@dataclass(frozen=True)
class Source:
    """Where a reader gets the potok a build ran with.

    ``kind`` is ``"release"`` (PyPI, pinned), ``"commit"`` (a public
    repository at one commit) or ``"clone"`` (nowhere public: the reader's
    clone); ``requirement`` is the PEP 508 requirement, empty for a clone.
    """

    version: str
    kind: str
    requirement: str = ""
    repository: str = ""
    commit: str = ""

    @property
    def pinned(self) -> bool:
        return bool(self.requirement)

    def install_target(self) -> str:
        """What ``pip install`` / ``uv run --with`` take, quoted for a shell."""
        if self.kind == "commit":
            return f'"{self.requirement}"'
        return self.requirement or CLONE


def repository_url(environ: Mapping[str, str]) -> str:
    """The public repository this build comes from, if the build knows it."""
    given = environ.get("POTOK_REPOSITORY_URL", "").strip()
    if given:
        return given.rstrip("/")
    server, repo = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_REPOSITORY")
    if server and repo:
        return f"{server.rstrip('/')}/{repo}"
    clone = environ.get("READTHEDOCS_GIT_CLONE_URL", "").strip()
    if clone.startswith("https://"):
        return clone.removesuffix(".git")
    return ""


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def built_commit(
    version: str, root: Path | None, environ: Mapping[str, str]
) -> str | None:
    """The commit whose potok (``src/potok``, ``pyproject.toml``) this build
    ran, or None when no commit holds it.

    In a git checkout, git says: HEAD, if those files are unchanged there (an
    installed potok's version may be older than the tree, so it is not
    asked). Elsewhere (an archive of one commit, as the multi-version build
    makes), the version hatch-vcs gave it names the commit; CI's variables
    lengthen it to the full hash.
    """
    if root is not None and _git(root, "rev-parse", "--is-inside-work-tree") == "true":
        changed = _git(root, "status", "--porcelain", "--", *PACKAGE_FILES)
        if changed is None or changed:
            return None
        return _git(root, "rev-parse", "HEAD")
    m = _COMMIT_IN_VERSION.search(version)
    if not m:
        return None
    short = m["sha"]
    for name in ("GITHUB_SHA", "READTHEDOCS_GIT_COMMIT_HASH"):
        full = environ.get(name, "").strip().lower()
        if len(full) == 40 and full.startswith(short):
            return full
    return short


def source_of(
    version: str,
    root: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Source:
    """Where readers get the potok of a build of ``version`` made in ``root``."""
    environ = os.environ if environ is None else environ
    if is_release(version):
        return Source(version, "release", f"potok=={version}")
    repository = repository_url(environ)
    commit = built_commit(version, root, environ) if repository else None
    if not repository or not commit:
        return Source(version, "clone")
    return Source(
        version, "commit", f"potok @ git+{repository}@{commit}", repository, commit
    )


def build_source(app: Sphinx) -> Source:
    """This build's :class:`Source`, found once per build."""
    state = app.potok  # type: ignore[attr-defined]
    if state.source is None:
        state.source = source_of(app.config.release, Path(app.confdir).parent)
    return state.source


#: an install command of a potok requirement: ``pip install X``,
#: ``uv run --with X``, ``uv pip install X``, ``%pip install X``, ``uv add X``
_INSTALL = re.compile(
    r"(?:pip\s+install|--with|uv\s+add)\s+(?P<req>\"[^\"]*\"|'[^']*'|\S+)"
)
_PINNED = re.compile(
    r"potok(?:==\d+\.\d+\.\d+|\s*@\s*git\+\S+@[0-9a-f]{7,40})",
)


def unpinned(requirements) -> list[str]:
    """Those of ``requirements`` that name potok without pinning it to a
    release or a commit (a path to a clone is not a name: it is fine)."""
    found = []
    for req in requirements:
        req = req.strip().rstrip(";,.)»").strip("\"'")
        name = re.match(r"[A-Za-z0-9._-]+", req)
        if name and name[0].lower() == "potok" and not _PINNED.fullmatch(req):
            found.append(req)
    return found


def unpinned_installs(text: str) -> list[str]:
    """The install commands in ``text`` that send readers to an unpinned potok."""
    return unpinned(m["req"] for m in _INSTALL.finditer(text))


def notebook_cell(source: Source) -> str:
    """The notebook's first cell: it installs the matching potok."""
    if source.pinned:
        return f"%pip install {source.install_target()}"
    return (
        "# Эта сборка сайта сделана не из выпуска, и её potok есть только в клоне\n"
        "# репозитория, из которого она собрана. Поставьте potok оттуда (вместо\n"
        f"# {CLONE} — путь к клону) и перезапустите ядро:\n"
        f"# %pip install {CLONE}"
    )


def _intro(source: Source) -> list[str]:
    uv = "`uv <https://docs.astral.sh/uv/>`__"
    if source.kind == "release":
        return [
            "Скачайте скрипт кнопкой ниже. В его начале записано, что ему нужно "
            f"(PEP 723): potok той же версии ({source.version}), с которой собрана "
            f"эта страница. Одна команда ставит всё и запускает его (нужен {uv}):",
        ]
    if source.kind == "commit":
        return [
            "Эта сборка сайта сделана не из выпуска: её potok — код коммита "
            f"``{source.commit[:9]}`` репозитория {source.repository}, и скачанный "
            "скрипт ставит potok оттуда — это записано в его начале (PEP 723). "
            "Скачайте скрипт кнопкой ниже; одна команда ставит всё и запускает "
            f"его (нужны {uv} и git):",
        ]
    return [
        f"Эта сборка сайта сделана не из выпуска (версия potok «{source.version}») "
        "и не из опубликованного коммита, поэтому её potok есть только в клоне "
        "репозитория, из которого она собрана: команды ниже ставят potok оттуда "
        f"(вместо ``{CLONE}`` — путь к клону). Скачайте скрипт кнопкой ниже и "
        f"запустите (нужен {uv}):",
    ]


def _sibling_lines(modules: list[str]) -> list[str]:
    if not modules:
        return []
    links = ", ".join(f":download:`{m} <{m}>`" for m in modules)
    many = len(modules) > 1
    which = "нужны модули рядом с ним" if many else "нужен модуль рядом с ним"
    return [
        f"Примеру {which} — код, который импортирует другой процесс или "
        f"интерпретатор: {links}. Скачайте {'их' if many else 'его'} в ту же "
        "папку, что и скрипт, или "
        "скачайте архив примера (кнопка «Скачать архив» ниже): в нём скрипт, "
        "модули и блокнот.",
        "",
    ]


def run_block(source: Source, script: str, modules: list[str] = ()) -> list[str]:
    """reST of the commands that rerun ``script`` (``modules``: the modules
    beside it that it imports), under the heading «Запустить у себя» that
    :func:`fold` turns into its box's title «Как воспроизвести»."""
    target = source.install_target()
    run = f"uv run {script}" if source.pinned else f"uv run --with {target} {script}"
    return [
        ".. rubric:: Запустить у себя",
        "   :class: potok-run",
        "",
        *_intro(source),
        "",
        ".. code-block:: sh",
        "",
        f"   {run}",
        "",
        *_sibling_lines(list(modules)),
        "То же через pip (лучше в отдельном виртуальном окружении):",
        "",
        ".. code-block:: sh",
        "",
        f"   python -m pip install {target} && python {script}",
        "",
        "Сравнить вердикты утверждений у вас и на сайте (вместо адреса — адрес "
        "этой страницы; ``--quick`` — быстрый масштаб):",
        "",
        ".. code-block:: sh",
        "",
        f"   uv run --with {target} python -m potok compare {script} --site АДРЕС",
        "",
    ]


#: the title of the folded box, and the class readers' tests find it by
BOX_TITLE = "Как воспроизвести"
BOX_CLASS = "potok-run"


def fold(block: list[str]) -> list[str]:
    """reST of the folded box «Как воспроизвести» holding ``block``
    (:func:`run_block`'s text, without its own heading, if it has one)."""
    lines = list(block)
    if lines and lines[0].startswith(".. rubric::"):
        lines.pop(0)
        while lines and lines[0].startswith("   :"):
            lines.pop(0)
    while lines and not lines[0].strip():
        lines.pop(0)
    return [
        f".. dropdown:: {BOX_TITLE}",
        f"   :class-container: {BOX_CLASS}",
        "",
        *(f"   {line}" if line.strip() else "" for line in lines),
    ]


def _modules_of(app: Sphinx, docname: str) -> list[str]:
    """The modules beside the example of the gallery page ``docname``."""
    for src, out in gallery_dirs(app):
        prefix = out.relative_to(Path(app.srcdir)).as_posix() + "/"
        if docname.startswith(prefix):
            script = src / (docname.removeprefix(prefix) + ".py")
            return [p.name for p in siblings(script)]
    return []


def add_run_block(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: the folded box «Как воспроизвести» above the download
    buttons."""
    if not docname.startswith(tuple(gallery_prefixes(app))):
        return
    m = _LABEL.search(source[0])
    if m is None:
        return  # a section index or the gallery index: no script of its own
    script = Path(docname).name + ".py"
    lines = run_block(build_source(app), script, _modules_of(app, docname))
    block = "\n".join(fold(lines))
    text = source[0]
    source[0] = f"{text[: m.end()]}\n\n{block}\n{text[m.end() :]}"


def _is_potok_cell(cell: dict) -> bool:
    text = "".join(cell.get("source", []))
    return cell.get("cell_type") == "code" and (
        text.startswith("%pip install potok")
        or text.startswith('%pip install "potok')
        or text.startswith("# Эта сборка сайта")
    )


def outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """env-get-outdated: the example pages are read again when this build's
    :class:`Source` differs from the last one's (a commit, a repository, a
    release): their box «Как воспроизвести» names it."""
    source = build_source(app)
    old = getattr(env, "potok_source", None)
    env.potok_source = source
    if old is None or old == source:
        return []
    prefixes = tuple(gallery_prefixes(app))
    return sorted(d for d in env.found_docs if d.startswith(prefixes))


def set_notebook_cells(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery: every notebook installs this potok."""
    cell = notebook_cell(build_source(app))
    for src, out in gallery_dirs(app):
        for nb_path in sorted(out.glob("*/plot_*.ipynb")):
            script = src / nb_path.relative_to(out).with_suffix(".py")
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
            cells = nb.get("cells", [])
            first = cells[0] if cells else {}
            if _is_potok_cell(first):
                if "".join(first["source"]) == cell:
                    _settle(nb_path, script)
                    continue
                first["source"] = [cell]
            else:
                cells.insert(
                    0,
                    {
                        "cell_type": "code",
                        "execution_count": None,
                        "metadata": {"collapsed": False},
                        "outputs": [],
                        "source": [cell],
                    },
                )
            nb["cells"] = cells
            nb_path.write_text(
                json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            _settle(nb_path, script)


def _settle(notebook: Path, script: Path) -> None:
    """The notebook gets its script's modification time: sphinx-gallery writes
    the notebook of an example it does not run again on every build, and a
    fresh time would make Sphinx read the page that offers it (and its
    archive, :mod:`.downloads`) again on every build."""
    if script.is_file():
        mtime = script.stat().st_mtime
        os.utime(notebook, (mtime, mtime))


def site_records(out: Path) -> dict[str, dict]:
    """Script name -> the record of its last run (potok.records' JSON), for
    every example under gallery ``out`` that left one."""
    found: dict[str, dict] = {}
    for path in sorted(out.glob(f"*/plot_*{records.SUFFIX}")):
        try:
            record = records.load(path)
        except records.RecordError:
            continue
        found[record.example] = record.to_json()
    return found


def write_claims(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: each example's run record beside its page, and all of
    them in ``auto_examples/records.json``, for readers to compare with."""
    if exception is not None or app.builder.format != "html":
        return
    if app.builder.name == "epub":
        return  # the book holds no files to compare with
    outdir = Path(app.outdir)
    for _src, out in gallery_dirs(app):
        gallery = outdir / out.relative_to(Path(app.srcdir))
        if not gallery.is_dir():
            continue
        found = site_records(out)
        for record in found.values():
            target = (
                gallery
                / record["section"]
                / (Path(record["example"]).stem + records.SUFFIX)
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                json.dumps(record, ensure_ascii=False, indent=1) + "\n",
                encoding="utf-8",
            )
        (gallery / INDEX).write_text(
            json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
