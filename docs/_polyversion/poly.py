"""Build every release tag and main into one site: ``nox -s versions``.

    python docs/_polyversion/poly.py [OUTPUT]      (default: docs/_build/versions)

sphinx-polyversion does the orchestration: it finds the versions in git, checks
each one out into a temporary folder, and passes the list of versions to each
build in the ``POLYVERSION_DATA`` environment variable (read by
``docs/_ext/potok_sphinx/versions.py``, which draws the selector and the banner). What
this file adds to it:

- the versions: tags ``vX.Y.Z`` and the branch ``main`` (local, or ``origin/main``
  in a CI checkout of a tag, where no local main exists);
- each version builds in its own environment, synced from *its own* ``uv.lock``
  with the ``docs`` group, with the package version that hatch-vcs would give it
  (``SETUPTOOLS_SCM_PRETEND_VERSION_FOR_POTOK``: the checkout has no ``.git``);
- builds run one after another (examples time themselves), strictly (``-n -W``);
  a failed version fails the whole command, naming it;
- the root: ``index.html`` redirecting to the latest release (main if there is
  none yet), ``404.html`` and ``sitemap.xml`` of the latest release,
  ``.nojekyll`` and polyversion's ``versions.json``.

Environment: ``POTOK_SITE_URL`` is the public address of the root (e.g.
``https://owner.github.io/potok/``): canonical URLs, the sitemap, OpenGraph and
the 404 page's links use it. ``POTOK_QUICK=1`` builds the examples at quick scale.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
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
from potok_sphinx.limits import SPHINX_STRICT  # noqa: E402

SPHINX = ["python", "-m", "sphinx", *SPHINX_STRICT, "-b", "html"]


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
    """Sequential, strict: a failed version fails the command."""

    def __init__(self, output_dir: Path) -> None:
        self.failed: list[str] = []
        super().__init__(
            ROOT,
            output_dir,
            vcs=Versions(),
            builder=CommandBuilder(
                "docs",
                [*SPHINX, Placeholder.SOURCE_DIR, Placeholder.OUTPUT_DIR],
            ),
            env=lambda path, name: None,  # unused: see init_environment
            data_factory=self.data,
            template_dir=HERE / "root",
        )

    async def init_environment(self, path: Path, rev: GitRef) -> UvEnvironment:
        return UvEnvironment(path, rev.name, version=package_version(self.root, rev))

    # -- what each build is told -------------------------------------------------
    def releases(self) -> list[str]:
        return [r.name for r in self.targets if r.type_ == GitRefType.TAG]

    def latest(self) -> str | None:
        releases = self.releases()
        return releases[0] if releases else None

    def data(self, driver: DefaultDriver, rev: GitRef, env: Environment) -> dict:
        versions = [
            {
                "name": r.name,
                "label": r.name[1:] if r.type_ == GitRefType.TAG else r.name,
                "kind": "release" if r.type_ == GitRefType.TAG else "dev",
            }
            for r in self.targets
        ]
        return {"current": rev.name, "latest": self.latest(), "versions": versions}

    def build_failed(self, rev: GitRef, exc_info) -> None:
        super().build_failed(rev, exc_info)
        self.failed.append(rev.name)

    async def build_root(self) -> None:
        await super().build_root()
        out = self.output_dir
        (out / ".nojekyll").write_text("")
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


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs/_build/versions")
    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    driver = Driver(out)
    driver.root_data_factory = lambda d: d.root_data()
    driver.run(sequential=True)
    built = [r.name for r in driver.builds]
    print(f"potok versions: built {', '.join(built) or 'nothing'} into {out}")
    if driver.failed:
        print(f"potok versions: FAILED: {', '.join(driver.failed)}", file=sys.stderr)
        return 1
    if not built:
        print("potok versions: no version found (tags vX.Y.Z, main)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
