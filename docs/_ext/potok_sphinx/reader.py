"""Readers run any example at home with one command, and compare with the site.

1. **The command.** On every example page, right where the «в конце страницы»
   link lands (above the download buttons), one folded box «Как воспроизвести»
   gives the one command that runs the downloaded script with the matching
   potok (``uv run --with potok==X.Y.Z plot_x.py``) and its pip equivalent.
   Folded, because most readers of the page do not rerun it: the box is
   sphinx-design's dropdown, an HTML ``<details>``, which opens without
   JavaScript, from the keyboard and for a screen reader (:func:`fold` gives
   the commands of :func:`run_block` that presentation).
   A build from an untagged tree (version 0.0.0 or a dev version) is not a
   release: the page says so and gives the command for the latest release and
   for installing from a clone, never a made-up version. It is added as each
   page is read (``source-read``), like the gallery's stamp.
2. **The notebook.** :func:`notebook_cell` is the ``first_notebook_cell`` of
   ``sphinx_gallery_conf`` (``%pip install potok==X.Y.Z``). sphinx-gallery does
   not rewrite the notebook of an example whose output it reuses, so after it
   ran (``builder-inited``), every notebook's first cell is set to this build's.
3. **The site's verdicts.** When the HTML build finished, next to each example
   page the build publishes the record of its run (``<stem>.record.json``,
   :mod:`potok.records`: its claims with their numbers, the machine and the
   interpreters), and ``auto_examples/records.json`` holds all of them by
   script name. ``python -m potok compare plot_x.py --site <address>`` reads
   it (:mod:`potok.compare`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sphinx.application import Sphinx

from potok import records

from .gallery import gallery_dirs, gallery_prefixes

INDEX = "records.json"
_RELEASE = re.compile(r"\d+\.\d+\.\d+")
_LABEL = re.compile(r"^\.\. _sphx_glr_download_(?P<label>\S+)\.py:\s*$", re.M)


def is_release(version: str) -> bool:
    """Whether ``version`` is one a tag vX.Y.Z made (so it is on PyPI)."""
    return bool(_RELEASE.fullmatch(version)) and version != "0.0.0"


def requirement(version: str) -> str:
    """What to install: this release exactly, or else the latest release."""
    return f"potok=={version}" if is_release(version) else "potok"


def notebook_cell(version: str) -> str:
    """The notebook's first cell: it installs the matching potok."""
    return f"%pip install {requirement(version)}"


def run_block(version: str, script: str) -> list[str]:
    """reST of the section «Запустить у себя» for ``script``."""
    req = requirement(version)
    if is_release(version):
        intro = [
            f"Скачайте скрипт кнопкой ниже. Одна команда запускает его с potok "
            f"той же версии ({version}), с которой собрана эта страница (нужен "
            "`uv <https://docs.astral.sh/uv/>`__):",
        ]
    else:
        intro = [
            f"Эта сборка сайта сделана не из выпуска (версия potok «{version}»), "
            "поэтому её код может отличаться от любого выпуска. Команды ниже "
            "ставят последний выпуск potok; чтобы запустить в точности этот код, "
            "поставьте potok из клона репозитория: ``python -m pip install .`` в "
            "его корне. Скачайте скрипт кнопкой ниже и запустите (нужен "
            "`uv <https://docs.astral.sh/uv/>`__):",
        ]
    return [
        ".. rubric:: Запустить у себя",
        "   :class: potok-run",
        "",
        *intro,
        "",
        ".. code-block:: sh",
        "",
        f"   uv run --with {req} {script}",
        "",
        "То же через pip (лучше в отдельном виртуальном окружении):",
        "",
        ".. code-block:: sh",
        "",
        f"   python -m pip install {req} && python {script}",
        "",
        "Сравнить вердикты утверждений у вас и на сайте (вместо адреса — адрес "
        "этой страницы; ``--quick`` — быстрый масштаб):",
        "",
        ".. code-block:: sh",
        "",
        f"   python -m potok compare {script} --site АДРЕС",
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


def add_run_block(app: Sphinx, docname: str, source: list[str]) -> None:
    """source-read: the folded box «Как воспроизвести» above the download
    buttons."""
    if not docname.startswith(tuple(gallery_prefixes(app))):
        return
    m = _LABEL.search(source[0])
    if m is None:
        return  # a section index or the gallery index: no script of its own
    script = Path(docname).name + ".py"
    block = "\n".join(fold(run_block(app.config.release, script)))
    text = source[0]
    source[0] = f"{text[: m.end()]}\n\n{block}\n{text[m.end() :]}"


def set_notebook_cells(app: Sphinx) -> None:
    """builder-inited, after sphinx-gallery: every notebook installs this potok."""
    cell = app.config.sphinx_gallery_conf.get("first_notebook_cell")
    if not cell:
        return
    for _src, out in gallery_dirs(app):
        for nb_path in sorted(out.glob("*/plot_*.ipynb")):
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
            cells = nb.get("cells", [])
            first = cells[0] if cells else {}
            if first.get("cell_type") == "code" and "".join(
                first.get("source", [])
            ).startswith("%pip install potok"):
                if "".join(first["source"]) == cell:
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
