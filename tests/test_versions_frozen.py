"""A deploy builds main and a new release only; published releases stay as built.

Every figure is measured when its page is built, so building a release again
would replace the numbers it was published with by today's machine's. The
deploy (``.github/workflows/pages.yml``) hands ``docs/_polyversion/poly.py`` the
releases it published before (``--keep``), and poly.py puts them into the site
unchanged. Three deploys of a small repository (tests/versions_repo.py) at quick
scale:

    A  v0.1.0, v0.2.0, main         everything is built; the releases' archives
    B  main changed, new v0.3.0     kept from A's archives: main and v0.3.0 built
    C  main changed again           kept from B's site: main alone built

and after each, every file of every kept release is byte for byte the one first
published. A published build the command cannot use stops it before any build,
and a release whose build did not run to its end fails and is not archived.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile

import pytest

from tests.versions_repo import ROOT, commit, deploy, files, make_repo, run_poly

pytest.importorskip("sphinx_polyversion", reason="needs the docs group")

V1 = {"guide": "Руководство"}
V2 = {"guide": "Руководство", "new": "Новая страница"}

EXAMPLE_THAT_ENDS_SPHINX = '''\
"""
Пример
======

Завершает процесс, в котором его выполняет сборка, с кодом 0, мимо защит
сборки (они ловят sys.exit и os._exit, но не _exit из libc).
"""

import ctypes

ctypes.CDLL(None)._exit(0)
'''


def built(log: str) -> list[str]:
    """The versions poly.py says it built (its summary line)."""
    line = re.search(r"^potok versions: built (.+) into ", log, re.M).group(1)
    return [] if line == "nothing" else line.split(", ")


@pytest.fixture(scope="module")
def deploys(tmp_path_factory):
    """The three deploys: each one's output folder, archives and log."""
    tmp = tmp_path_factory.mktemp("frozen")
    repo = tmp / "repo"
    repo.mkdir()
    make_repo(repo)
    commit(repo, "0.1.0", V1, tag="v0.1.0")
    commit(repo, "0.2.0", V2, tag="v0.2.0")
    commit(repo, "main-1", V2)
    result = {}

    def run(name: str, *options: str) -> None:
        out, archives = tmp / name / "site", tmp / name / "archives"
        log = deploy(repo, out, *options, "--archives", str(archives))
        result[name] = {"out": out, "archives": archives, "log": log}

    run("A")
    commit(repo, "0.3.0", V2, tag="v0.3.0")
    commit(repo, "main-2", V2)
    run("B", "--keep", str(result["A"]["archives"]))
    commit(repo, "main-3", V2)
    run("C", "--keep", str(result["B"]["out"]))
    result["repo"] = repo
    return result


def test_the_first_deploy_builds_every_version_and_archives_the_releases(deploys):
    a = deploys["A"]
    assert built(a["log"]) == ["main", "v0.2.0", "v0.1.0"]
    # Sphinx's pickled doctrees are a cache of the build, not the site
    assert not (a["out"] / "v0.1.0" / ".doctrees").exists()
    assert sorted(p.name for p in a["archives"].iterdir()) == [
        "potok-site-v0.1.0.tar.gz",
        "potok-site-v0.2.0.tar.gz",
    ]
    # an archive holds the release's folder as built, nothing more
    with tarfile.open(a["archives"] / "potok-site-v0.1.0.tar.gz") as archive:
        packed = {
            m.name.removeprefix("v0.1.0/"): archive.extractfile(m).read()
            for m in archive.getmembers()
            if m.isfile()
        }
    assert packed == files(a["out"] / "v0.1.0")


@pytest.mark.parametrize("deploy", ["B", "C"])
@pytest.mark.parametrize("release", ["v0.1.0", "v0.2.0"])
def test_a_published_release_is_never_built_again(deploys, deploy, release):
    first = files(deploys["A"]["out"] / release)
    assert "index.html" in first and "guide.html" in first
    now = files(deploys[deploy]["out"] / release)
    assert sorted(now) == sorted(first), f"{release} in {deploy}: other files"
    changed = [name for name in first if now[name] != first[name]]
    assert not changed, f"{release} in {deploy}: rebuilt, {changed[:5]} differ"


def test_main_is_built_on_every_deploy(deploys):
    for name, version in [("A", "main-1"), ("B", "main-2"), ("C", "main-3")]:
        page = (deploys[name]["out"] / "main" / "guide.html").read_text("utf-8")
        assert f"версия {version}" in page, name


def test_a_new_release_is_built_once_then_kept(deploys):
    b, c = deploys["B"], deploys["C"]
    assert built(b["log"]) == ["main", "v0.3.0"]
    assert "v0.3.0 has no published build: building it" in b["log"]
    assert "kept v0.2.0, v0.1.0 as published" in b["log"]
    assert [p.name for p in b["archives"].iterdir()] == ["potok-site-v0.3.0.tar.gz"]
    page = (b["out"] / "v0.3.0" / "guide.html").read_text("utf-8")
    assert "версия 0.3.0" in page
    assert built(c["log"]) == ["main"]
    assert "kept v0.3.0, v0.2.0, v0.1.0 as published" in c["log"]
    assert not c["archives"].exists()  # nothing new to publish
    assert files(c["out"] / "v0.3.0") == files(b["out"] / "v0.3.0")


def test_the_root_lists_every_version_and_leads_to_the_newest(deploys):
    out = deploys["C"]["out"]
    listing = json.loads((out / "versions.json").read_text("utf-8"))
    assert listing["latest"] == "v0.3.0"
    assert [v["name"] for v in listing["versions"]] == [
        "main",
        "v0.3.0",
        "v0.2.0",
        "v0.1.0",
    ]
    assert 'url=v0.3.0/"' in (out / "index.html").read_text("utf-8")
    assert (out / "404.html").read_bytes() == (out / "v0.3.0" / "404.html").read_bytes()


def test_the_deploy_hands_poly_the_published_releases():
    """What .github/workflows/pages.yml says (the workflow cannot run here)."""
    yaml = pytest.importorskip("yaml")
    text = (ROOT / ".github" / "workflows" / "pages.yml").read_text("utf-8")
    jobs = yaml.safe_load(text)["jobs"]
    runs = [step.get("run", "") for step in jobs["build"]["steps"]]
    (versions,) = [r for r in runs if "nox -s versions" in r]
    keep = re.search(r"--keep (\S+)", versions).group(1)
    archives = re.search(r"--archives (\S+)", versions).group(1)
    (download,) = [r for r in runs if "gh release download" in r]
    assert f"--dir {keep}" in download
    # the job that runs the examples only reads; the new archives are attached
    # after the deploy, by a job that does nothing else, and never replaced
    assert jobs["build"]["permissions"]["contents"] == "read"
    assert jobs["archive"]["permissions"] == {"contents": "write"}
    assert "deploy" in jobs["archive"]["needs"]
    assert any(
        step.get("with", {}).get("path") == archives for step in jobs["build"]["steps"]
    )
    (attach,) = [s["run"] for s in jobs["archive"]["steps"] if "run" in s]
    assert "gh release upload" in attach and "--clobber" not in attach


# --- what the command refuses, before it builds anything --------------------------


def released(tmp_path):
    """A repository with one release, v0.1.0 (nothing built)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    make_repo(repo)
    commit(repo, "0.1.0", V1, tag="v0.1.0")
    return repo


def refused(repo, *args: str) -> str:
    """poly.py with ``args`` into ``out``: it must stop, having built nothing."""
    proc = subprocess.run(
        [sys.executable, "docs/_polyversion/poly.py", *args, "out"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "potok versions: built" not in proc.stdout
    assert not (repo / "out" / "main").exists(), "it built before it refused"
    return proc.stderr


def refuse(tmp_path, keep_files: dict[str, bytes | None]) -> str:
    """poly.py with a --keep folder of ``keep_files`` (None: a folder); stderr."""
    repo, keep = released(tmp_path), tmp_path / "keep"
    keep.mkdir()
    for name, data in keep_files.items():
        path = keep / name
        if data is None:
            path.mkdir()
        else:
            path.write_bytes(data)
    return refused(repo, "--keep", str(keep))


def test_a_published_release_that_git_does_not_have_stops_the_build(tmp_path):
    err = refuse(tmp_path, {"v0.1.0": None, "v0.9.0": None})
    assert "published builds of v0.9.0, which git does not have" in err


def test_a_published_build_that_is_not_a_site_stops_the_build(tmp_path):
    err = refuse(tmp_path, {"v0.1.0": None})
    assert "has no index.html: not a built site" in err


def test_an_archive_of_something_else_stops_the_build(tmp_path):
    other = tmp_path / "other"
    (other / "v0.2.0").mkdir(parents=True)
    (other / "v0.2.0" / "index.html").write_text("v0.2.0")
    with tarfile.open(tmp_path / "a.tar.gz", "w:gz") as archive:
        archive.add(other / "v0.2.0", arcname="v0.2.0")
    err = refuse(
        tmp_path, {"potok-site-v0.1.0.tar.gz": (tmp_path / "a.tar.gz").read_bytes()}
    )
    assert "must hold the folder v0.1.0/" in err


def test_keeping_from_the_output_itself_stops_the_build(tmp_path):
    repo = released(tmp_path)
    (repo / "out" / "v0.1.0").mkdir(parents=True)
    (repo / "out" / "v0.1.0" / "index.html").write_text("v0.1.0")
    err = refused(repo, "--keep", "out")
    assert "OUTPUT is emptied" in err
    assert (repo / "out" / "v0.1.0" / "index.html").is_file()  # left alone


def test_a_release_whose_build_did_not_finish_is_not_archived(tmp_path):
    """An example that ends Sphinx with code 0 leaves a half-built release.

    Kept for ever, it would never be mended: the build must fail instead.
    """
    repo = tmp_path / "repo"
    repo.mkdir()
    make_repo(repo, branch="first")  # no main: the release alone is built
    (repo / "examples" / "01_test" / "plot_hello.py").write_text(
        EXAMPLE_THAT_ENDS_SPHINX, encoding="utf-8"
    )
    commit(repo, "0.1.0", V1, tag="v0.1.0")
    archives = tmp_path / "archives"
    proc = run_poly(repo, tmp_path / "out", "--archives", str(archives))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "the build did not finish" in proc.stdout + proc.stderr
    assert "FAILED: v0.1.0" in proc.stderr
    assert not archives.exists()
