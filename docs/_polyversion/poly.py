"""Build main and every release tag into one site: ``nox -s versions``.

    python docs/_polyversion/poly.py [--keep DIR] [--archives DIR] [OUTPUT]

OUTPUT defaults to ``docs/_build/versions``. sphinx-polyversion does the
orchestration: it finds the versions in git, checks each one out into a
temporary folder, and passes the list of versions to each build in the
``POLYVERSION_DATA`` environment variable (read by
``docs/_ext/potok_sphinx/versions.py``, which draws the selector and the banner).
What this file adds to it:

- the versions: tags ``vX.Y.Z`` and the branch ``main`` (local, or ``origin/main``
  in a CI checkout of a tag, where no local main exists);
- each version builds in its own environment, synced from *its own* ``uv.lock``
  with the ``docs`` group, with the package version that hatch-vcs would give it
  (``SETUPTOOLS_SCM_PRETEND_VERSION_FOR_POTOK``: the checkout has no ``.git``);
- builds run one after another (examples time themselves), strictly (``-n -W``);
  a failed version fails the whole command, naming it, and so does one that
  exited before its end (no ``FINISHED_MARK`` in its doctrees);
- a release is built once: ``--keep DIR`` names its published build, a folder
  ``DIR/vX.Y.Z/`` (an earlier OUTPUT is such a DIR) or an archive
  ``DIR/potok-site-vX.Y.Z.tar.gz``, and that build is put into OUTPUT as it is,
  byte for byte, instead of being built again (its figures were measured when it
  was released, on the machine that built it). ``main`` is always built, and so
  is a release that has no published build yet, saying so. A published build of a
  tag that git does not have, or one that is not a whole site, stops the command;
- ``--archives DIR`` writes ``DIR/potok-site-vX.Y.Z.tar.gz`` for each release
  built this time: what the deploy publishes, for ``--keep`` to find next time;
- the root: ``index.html`` redirecting to the latest release (main if there is
  none yet), ``404.html`` and ``sitemap.xml`` of the latest release,
  ``.nojekyll`` and ``versions.json`` (the latest release and every version: the
  selector of a kept release's pages reads it in the browser, so it lists the
  releases that came after it).

Environment: ``POTOK_SITE_URL`` is the public address of the root (e.g.
``https://owner.github.io/potok/``): canonical URLs, the sitemap, OpenGraph and
the 404 page's links use it. ``POTOK_QUICK=1`` builds the examples at quick scale.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

from sphinx_polyversion.builder import BuildError
from sphinx_polyversion.driver import DefaultDriver
from sphinx_polyversion.environment import Environment
from sphinx_polyversion.git import Git, GitRef, GitRefType, _get_all_refs
from sphinx_polyversion.sphinx import CommandBuilder, Placeholder

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TAG = re.compile(r"v(\d+)\.(\d+)\.(\d+)")
BRANCH = "main"
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
from potok_sphinx.limits import FINISHED_MARK, SPHINX_STRICT  # noqa: E402

#: Sphinx's pickled doctrees stay in the version's temporary checkout: they are
#: a cache of the build, not part of the site (nor of a release's archive).
DOCTREES = "docs/_build/doctrees"
SPHINX = ["python", "-m", "sphinx", *SPHINX_STRICT, "-b", "html", "-d", DOCTREES]
#: After a version's build, in its checkout: it counts only if it ran to its end
#: (potok_sphinx.build writes FINISHED_MARK then; an example that ended Sphinx
#: with code 0 did not). A release is kept as built for ever, so a half-built
#: one must fail here. A version from before that mark has nothing to check.
FINISHED_CHECK = [
    "python",
    "-c",
    "import pathlib, sys\n"
    "if pathlib.Path('docs/_ext/potok_sphinx/build.py').is_file() "
    "and not pathlib.Path(sys.argv[1]).is_file():\n"
    "    sys.exit(f'potok versions: the build did not finish (no {sys.argv[1]})')",
    f"{DOCTREES}/{FINISHED_MARK}",
]
#: The published build of a release, as the deploy keeps it (a release asset).
ARCHIVE = "potok-site-{}.tar.gz"


class Stop(Exception):
    """The command cannot go on; the message says why."""


def tag_key(name: str) -> tuple[int, ...]:
    return tuple(int(x) for x in TAG.fullmatch(name).groups())


class Versions(Git):
    """Release tags vX.Y.Z, and main: local if it exists, else origin/main."""

    def __init__(self) -> None:
        super().__init__(branch_regex=BRANCH, tag_regex=TAG)

    async def retrieve(self, root: Path) -> tuple[GitRef, ...]:
        tags: list[GitRef] = []
        branches: dict[str | None, GitRef] = {}
        async for ref in _get_all_refs(root):
            if ref.type_ == GitRefType.TAG and TAG.fullmatch(ref.name):
                tags.append(ref)
            elif ref.type_ == GitRefType.BRANCH and ref.name == BRANCH:
                branches[ref.remote] = ref
        main = branches.get(None) or branches.get("origin")
        tags.sort(key=lambda r: tag_key(r.name), reverse=True)
        return (*([main] if main else []), *tags)


def package_version(root: Path, ref: GitRef) -> str:
    """The version hatch-vcs gives this ref (its guess-next-dev scheme)."""
    if ref.type_ == GitRefType.TAG:
        return ref.name[1:]
    out = subprocess.run(
        ["git", "describe", "--tags", "--long", "--match", "v[0-9]*", ref.obj],
        cwd=root,
        capture_output=True,
        text=True,
    )
    m = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)-(\d+)-g([0-9a-f]+)", out.stdout.strip())
    if not m:
        return "0.0.0"
    major, minor, patch, distance, sha = m.groups()
    if distance == "0":
        return f"{major}.{minor}.{patch}"
    return f"{major}.{minor}.{int(patch) + 1}.dev{distance}+g{sha}"


def published(keep: Path) -> dict[str, Path]:
    """Release -> its published build in ``keep``: a folder or an archive."""
    if not keep.is_dir():
        raise Stop(f"--keep {keep}: no such folder")
    found: dict[str, Path] = {}
    for path in sorted(keep.iterdir()):
        if path.is_dir() and TAG.fullmatch(path.name):
            tag = path.name
        elif path.is_file() and path.name.startswith("potok-site-"):
            tag = path.name.removeprefix("potok-site-").removesuffix(".tar.gz")
            if ARCHIVE.format(tag) != path.name or not TAG.fullmatch(tag):
                raise Stop(f"--keep: {path.name} is not potok-site-vX.Y.Z.tar.gz")
        else:
            continue  # main, the root's files: built again every time
        if tag in found:
            raise Stop(f"--keep: two published builds of {tag}: {found[tag]}, {path}")
        found[tag] = path
    return found


def check(source: Path, tag: str) -> None:
    """Stop unless ``source`` is a whole built site of ``tag``, and nothing else."""
    if source.is_dir():
        if not (source / "index.html").is_file():
            raise Stop(f"--keep: {source} has no index.html: not a built site")
        return
    try:
        with tarfile.open(source) as archive:
            names = archive.getnames()
    except (tarfile.TarError, OSError) as exc:
        raise Stop(f"--keep: {source.name} cannot be read: {exc}") from None
    outside = [n for n in names if n != tag and not n.startswith(f"{tag}/")]
    if outside or f"{tag}/index.html" not in names:
        raise Stop(
            f"--keep: {source.name} must hold the folder {tag}/ with its "
            f"index.html and nothing else; it holds {sorted(names)[:5]}"
        )


def restore(source: Path, tag: str, out: Path) -> None:
    """Put the published build of ``tag`` into ``out/tag`` unchanged."""
    if source.is_dir():
        shutil.copytree(source, out / tag)
    else:
        with tarfile.open(source) as archive:
            archive.extractall(out, filter="data")


def pack(out: Path, tag: str, archives: Path) -> Path:
    """``archives/potok-site-<tag>.tar.gz`` of the built ``out/tag``."""
    archives.mkdir(parents=True, exist_ok=True)
    path = archives / ARCHIVE.format(tag)
    with tarfile.open(path, "w:gz") as archive:
        archive.add(out / tag, arcname=tag)  # folders are added sorted
    return path


class UvEnvironment(Environment):
    """A checkout with its own venv, synced from its own uv.lock (docs group)."""

    def __init__(self, path: Path, name: str, *, version: str) -> None:
        super().__init__(path, name)
        self.venv = self.path / ".venv"
        self.version = version

    def _env(self, env: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if env is None else env)
        env.update(
            UV_PROJECT_ENVIRONMENT=str(self.venv),
            VIRTUAL_ENV=str(self.venv),
            PATH=f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            SETUPTOOLS_SCM_PRETEND_VERSION_FOR_POTOK=self.version,
            SETUPTOOLS_SCM_PRETEND_VERSION=self.version,
            MPLBACKEND="Agg",
        )
        env.pop("PYTHONHOME", None)
        return env

    async def __aenter__(self) -> UvEnvironment:
        cmd = ["uv", "sync", "--locked", "--no-default-groups", "--group", "docs"]
        # uv caches the built project by its files, not by the pretend version
        cmd += ["--python", sys.executable, "--reinstall-package", "potok"]
        proc = await asyncio.create_subprocess_exec(
            *cmd, cwd=self.path, env=self._env()
        )
        if await proc.wait():
            raise BuildError(f"{' '.join(cmd)} failed in {self.path}")
        return self

    async def run(self, *cmd: str, decode: bool = True, **kwargs: Any):
        kwargs["env"] = self._env(kwargs.get("env"))
        kwargs.setdefault("cwd", self.path)
        return await super().run(*cmd, decode=decode, **kwargs)


class Driver(DefaultDriver):
    """Sequential, strict: a failed version fails the command.

    ``keep`` maps releases to their published builds (see :func:`published`):
    those are restored, not built. With ``keep`` (even empty), every release
    that is built is named as one that had no published build.
    """

    def __init__(self, output_dir: Path, keep: dict[str, Path] | None = None) -> None:
        self.failed: list[str] = []
        self.keeping = keep is not None
        self.keep = dict(keep or {})
        self.kept: list[GitRef] = []
        super().__init__(
            ROOT,
            output_dir,
            vcs=Versions(),
            builder=CommandBuilder(
                "docs",
                [*SPHINX, Placeholder.SOURCE_DIR, Placeholder.OUTPUT_DIR],
                post_cmd=FINISHED_CHECK,
            ),
            env=lambda path, name: None,  # unused: see init_environment
            data_factory=self.data,
            template_dir=HERE / "root",
        )

    async def init(self) -> None:
        await super().init()
        tags = {r.name for r in self.targets if r.type_ == GitRefType.TAG}
        unknown = sorted(set(self.keep) - tags, key=tag_key)
        if unknown:
            raise Stop(
                f"published builds of {', '.join(unknown)}, which git does not "
                "have as tags: a published release is never dropped (fetch the tags)"
            )
        for tag, source in self.keep.items():  # before hours of building
            check(source, tag)

    async def build_revision(self, rev: GitRef) -> None:
        source = self.keep.get(rev.name) if rev.type_ == GitRefType.TAG else None
        if source is None:
            if rev.type_ == GitRefType.TAG and self.keeping:
                print(
                    f"potok versions: {rev.name} has no published build: building it",
                    flush=True,
                )
            await super().build_revision(rev)
            return
        print(f"potok versions: {rev.name}: keeping its published build {source}")
        restore(source, rev.name, self.output_dir)
        self.kept.append(rev)

    async def init_environment(self, path: Path, rev: GitRef) -> UvEnvironment:
        return UvEnvironment(path, rev.name, version=package_version(self.root, rev))

    # -- what each build is told -------------------------------------------------
    def releases(self) -> list[str]:
        return [r.name for r in self.targets if r.type_ == GitRefType.TAG]

    def latest(self) -> str | None:
        releases = self.releases()
        return releases[0] if releases else None

    def listing(self) -> dict:
        """The latest release and every version: the root's versions.json."""
        versions = [
            {
                "name": r.name,
                "label": r.name[1:] if r.type_ == GitRefType.TAG else r.name,
                "kind": "release" if r.type_ == GitRefType.TAG else "dev",
            }
            for r in self.targets
        ]
        return {"latest": self.latest(), "versions": versions}

    def data(self, driver: DefaultDriver, rev: GitRef, env: Environment) -> dict:
        return {"current": rev.name, **self.listing()}

    def build_failed(self, rev: GitRef, exc_info) -> None:
        super().build_failed(rev, exc_info)
        self.failed.append(rev.name)

    async def build_root(self) -> None:
        await super().build_root()
        out = self.output_dir
        (out / ".nojekyll").write_text("")
        # polyversion's own versions.json lists only what was built this time
        listing = json.dumps(self.listing(), ensure_ascii=False, indent=1)
        (out / "versions.json").write_text(listing + "\n", encoding="utf-8")
        front = self.latest() or (BRANCH if (out / BRANCH).is_dir() else None)
        if front:
            for name in ("404.html", "sitemap.xml"):
                if (out / front / name).is_file():
                    shutil.copyfile(out / front / name, out / name)

    def root_data(self) -> dict:
        site = os.environ.get("POTOK_SITE_URL", "").strip()
        return {
            "latest": self.latest() or BRANCH,
            "site_url": site.rstrip("/") + "/" if site else "",
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "output", nargs="?", type=Path, default=ROOT / "docs/_build/versions"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="published releases (DIR/vX.Y.Z/ or DIR/potok-site-vX.Y.Z.tar.gz): "
        "kept as they are, not built again",
    )
    parser.add_argument(
        "--archives",
        type=Path,
        metavar="DIR",
        help="write DIR/potok-site-vX.Y.Z.tar.gz for each release built now",
    )
    args = parser.parse_args(argv)
    out = args.output.resolve()
    try:
        keep = published(args.keep.resolve()) if args.keep else None
        if args.keep and out in (args.keep.resolve(), *args.keep.resolve().parents):
            raise Stop(f"--keep {args.keep} is OUTPUT or in it, and OUTPUT is emptied")
        if out.exists():
            shutil.rmtree(out)
        driver = Driver(out, keep)
        driver.root_data_factory = lambda d: d.root_data()
        driver.run(sequential=True)
    except Stop as exc:
        print(f"potok versions: {exc}", file=sys.stderr)
        return 1
    built = [r.name for r in driver.builds]
    kept = [r.name for r in driver.kept]
    print(f"potok versions: built {', '.join(built) or 'nothing'} into {out}")
    if kept:
        print(f"potok versions: kept {', '.join(kept)} as published")
    if driver.failed:
        print(f"potok versions: FAILED: {', '.join(driver.failed)}", file=sys.stderr)
        return 1
    if not built and not kept:
        print("potok versions: no version found (tags vX.Y.Z, main)", file=sys.stderr)
        return 1
    if args.archives:
        for r in driver.builds:
            if r.type_ == GitRefType.TAG:
                print(f"potok versions: {pack(out, r.name, args.archives.resolve())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
