"""One example by name: sphinx-gallery's pair of ``-D`` options.

``nox -s docs -- --example plot_gil_timeline`` builds the site running only
that example, even if it is unchanged, the way sphinx-gallery documents it
("Rerunning stale examples"): ``-D sphinx_gallery_conf.filename_pattern=...``
and ``-D sphinx_gallery_conf.run_stale_examples=True``. The other examples keep
the output of their last run; one never run is shown without output. The name
is the file name with or without ``.py``, or ``folder/file``; an unknown name
is an error listing the names that exist. Standard library only (the noxfile
imports it).
"""

from __future__ import annotations

import re
from pathlib import Path


def find(name: str, examples_dir: Path) -> Path:
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
        raise LookupError(
            f"--example {name!r}: no example of that name in {examples_dir}; "
            f"the examples are: {names}"
        )
    both = ", ".join(f"{s.parent.name}/{s.stem}" for s in matches)
    raise LookupError(
        f"--example {name!r} names several examples ({both}); "
        "give the folder too, e.g. 04_gil/plot_gil_timeline"
    )


def sphinx_options(script: Path) -> list[str]:
    """The ``sphinx-build`` options that run ``script`` alone, even if unchanged."""
    rel = f"{script.parent.name}/{script.name}"
    return [
        "-D",
        f"sphinx_gallery_conf.filename_pattern={re.escape('/' + rel)}$",
        "-D",
        "sphinx_gallery_conf.run_stale_examples=True",
    ]
