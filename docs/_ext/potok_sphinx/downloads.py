"""Downloads that run alone: each script says what it needs (PEP 723).

sphinx-gallery offers, for each example, a copy of its script, its notebook and
an archive of both, and for the gallery an archive of all scripts and one of
all notebooks. A downloaded script ran only where potok had been installed by
hand, and an example with a module beside it (``_work.py``) not even there.
After sphinx-gallery wrote them (``builder-inited``), this module

- puts PEP 723 inline script metadata at the top of every script the pages
  offer, so that ``uv run plot_x.py`` (or ``pipx run``, ``hatch run``) installs
  what it needs by itself: the Python it needs (its ``require(python=...)``)
  and this build's potok, pinned to the release or the commit
  (:class:`.reader.Source`). A build whose potok exists only in a clone says
  that there instead, and names no package;
- puts the modules beside an example into its archive («Скачать архив») and
  into the gallery's archive of scripts, and the notebooks as they are now
  (their first cell, :func:`.reader.set_notebook_cells`) into the archive of
  notebooks.

sphinx-gallery has no hook for the text of the script it offers (it has
``first_notebook_cell`` for notebooks), hence this. The files are
sphinx-gallery's own (``docs/auto_examples``): it copies each source over its
copy again before it decides whether the example runs, so its checksums never
see the metadata. Each rewritten file gets its source's modification time and
an archive fixed dates, so that Sphinx does not read the pages linking them
again on every build.
"""

from __future__ import annotations

import os
import re
import tomllib
import zipfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from . import reader
from .gallery import gallery_dirs, requirement, siblings

#: PEP 723's regular expression for a metadata block (its reference reader)
BLOCK = re.compile(
    r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$"
)
#: what every downloaded script starts with, above its metadata
HEADER = "# Что нужно этому скрипту (PEP 723): `uv run {script}` поставит это само."


def requires_python(root: Path, script: Path) -> str:
    """The script's ``require(python=...)``, else the project's requires-python."""
    wanted = (requirement(script) or {}).get("python")
    if wanted:
        return f">={wanted}"
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
        return project["project"]["requires-python"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return ">=3.11"


def script_metadata(source: reader.Source, script: Path, root: Path) -> str:
    """The PEP 723 block a downloaded copy of ``script`` starts with."""
    lines = [
        HEADER.format(script=script.name),
        "# /// script",
        f'# requires-python = "{requires_python(root, script)}"',
    ]
    if (requirement(script) or {}).get("free_threaded"):
        lines.append(
            "# # нужна free-threaded сборка Python, например: "
            f"uv run --python 3.14t {script.name}"
        )
    if source.pinned:
        lines += ["# dependencies = [", f'#     "{source.requirement}",', "# ]"]
    else:
        lines += [
            "# # potok этой сборки сайта не опубликован: он есть только в клоне",
            "# # репозитория, из которого она собрана. Поставьте его оттуда:",
            f"# # uv run --with {reader.CLONE} {script.name}",
            "# dependencies = []",
        ]
    lines.append("# ///")
    return "\n".join(lines) + "\n"


def with_metadata(text: str, block: str, script: Path) -> str:
    """``text`` of ``script`` with ``block`` at its top."""
    if any(m["type"] == "script" for m in BLOCK.finditer(text)):
        raise ExtensionError(
            f"{script}: the script has a '# /// script' block of its own; the "
            "build writes that block into the downloads (potok_sphinx.downloads): "
            "remove it from the example"
        )
    return block + text


def _settle(path: Path, like: Path) -> None:
    """Give ``path`` the modification time of ``like``."""
    mtime = like.stat().st_mtime
    os.utime(path, (mtime, mtime))


def _write(path: Path, data: bytes, like: Path) -> None:
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
    _settle(path, like)


def _zip(members: list[tuple[str, Path]]) -> bytes:
    """An archive of ``(name, file)`` pairs, the same bytes for the same files."""
    from io import BytesIO

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, path in members:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _rezip(archive: Path, members: list[tuple[str, Path]]) -> None:
    """Write ``archive`` anew from ``members``; its time is their newest."""
    newest = max((p for _n, p in members), key=lambda p: p.stat().st_mtime)
    _write(archive, _zip(members), newest)


def write_downloads(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery and the notebooks' first cells:
    metadata into every offered script, modules and notebooks into the
    archives."""
    source = reader.build_source(app)
    root = Path(app.confdir).parent
    for src, out in gallery_dirs(app):
        if not out.is_dir():
            continue
        copies = []
        for copy in sorted(out.glob("*/plot_*.py")):
            script = src / copy.relative_to(out)
            if not script.is_file():
                continue  # an orphan: gallery.remove_orphans deals with it
            text = script.read_text(encoding="utf-8")
            block = script_metadata(source, script, root)
            data = with_metadata(text, block, script).encode("utf-8")
            _write(copy, data, script)
            copies.append((copy, script))
        modules_of = {copy: siblings(script) for copy, script in copies}
        for copy, _script in copies:
            archive = copy.with_suffix(".zip")
            if not archive.is_file():
                continue
            members = [(copy.name, copy)]
            notebook = copy.with_suffix(".ipynb")
            if notebook.is_file():
                members.append((notebook.name, notebook))
            members += [(m.name, m) for m in modules_of[copy]]
            _rezip(archive, members)
        _rezip_gallery(out, modules_of)


def _rezip_gallery(out: Path, modules_of: dict[Path, list[Path]]) -> None:
    """The gallery's two archives (``<gallery>_python.zip``, ``_jupyter.zip``)
    from the files they name, as they are now; the scripts' with the modules
    beside them."""
    for archive in (out / f"{out.name}_python.zip", out / f"{out.name}_jupyter.zip"):
        if not archive.is_file():
            continue
        with zipfile.ZipFile(archive) as old:
            names = old.namelist()
        members = [(n, out / n) for n in names if (out / n).is_file()]
        if archive.name.endswith("_python.zip"):
            for copy, modules in sorted(modules_of.items()):
                for module in modules:
                    name = f"{copy.parent.relative_to(out).as_posix()}/{module.name}"
                    if name not in names:
                        names.append(name)
                        members.append((name, module))
        if members:
            _rezip(archive, members)
