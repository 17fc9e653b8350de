"""The README's two commands on a bare machine: what is missing is obtained or named.

No fresh machine is needed: each test takes one tool away (uv, Chromium, npm) or
gives a bad path, and checks for the one line that names the tool and the fix,
never a traceback from inside a session. One runs the bootstrap for real as a
non-root user whose python3 is the distribution's (PEP 668), as README says to.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _noxfile():
    pytest.importorskip("nox")
    spec = importlib.util.spec_from_file_location("potok_noxfile", ROOT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Stop(Exception):
    pass


class FakeSession:
    """What need_chromium / need_axe / require_tool use of nox.Session."""

    def __init__(self):
        self.logged: list[str] = []
        self.ran: list[tuple] = []

    def error(self, message):
        raise Stop(message)

    def log(self, message):
        self.logged.append(message)

    def run(self, *args, **kwargs):
        self.ran.append(args)


def test_ci_runs_only_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run the tests", 1)[1]
    command = re.search(r"```sh\n(.+?)\n```", section, re.S).group(1).strip()
    lines = [
        ln.strip()
        for ln in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.lstrip().startswith("#") and not ln.startswith("#!")
    ]
    allowed = re.compile(r"^(set -euo pipefail|cd .*|export CI=.*|echo .*)$")
    extra = [ln for ln in lines if ln != command and not allowed.match(ln)]
    assert command in lines
    assert extra == [], f".ci/run does what README does not show: {extra}"


def test_a_missing_uv_is_one_line_naming_it(monkeypatch):
    nf = _noxfile()
    monkeypatch.setattr(nf.shutil, "which", lambda tool: None)
    with pytest.raises(Stop, match=r"^potok: uv is not installed: python3 -m pip"):
        nf.require_tool(FakeSession(), "uv", "python3 -m pip install -r bootstrap.txt")


def test_without_chromium_and_root_the_message_says_what_to_install(monkeypatch):
    nf = _noxfile()
    monkeypatch.delenv("POTOK_CHROMIUM", raising=False)
    monkeypatch.setattr(nf.shutil, "which", lambda tool: None)
    monkeypatch.setattr(nf.os, "geteuid", lambda: 1000)
    with pytest.raises(Stop, match="apt-get install -y chromium"):
        nf.need_chromium(FakeSession())


def test_as_root_chromium_is_installed_as_a_named_step(monkeypatch):
    nf = _noxfile()
    monkeypatch.delenv("POTOK_CHROMIUM", raising=False)
    monkeypatch.setattr(
        nf.shutil,
        "which",
        lambda tool: "/usr/bin/apt-get" if tool == "apt-get" else None,
    )
    monkeypatch.setattr(nf.os, "geteuid", lambda: 0)
    session = FakeSession()
    nf.need_chromium(session)
    assert any("installing chromium" in line for line in session.logged)
    assert (
        "apt-get",
        "-o",
        "DPkg::Lock::Timeout=600",  # waits for another apt instead of failing
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        "chromium",
    ) in (session.ran)


def test_a_bad_potok_chromium_is_named(monkeypatch, tmp_path):
    nf = _noxfile()
    monkeypatch.setenv("POTOK_CHROMIUM", str(tmp_path / "no-such-chrome"))
    with pytest.raises(Stop, match="no-such-chrome is not an executable file"):
        nf.need_chromium(FakeSession())


def test_without_npm_and_root_axe_names_npm(monkeypatch, tmp_path):
    nf = _noxfile()
    monkeypatch.setattr(nf, "ROOT", tmp_path)  # no node_modules here
    monkeypatch.setattr(nf.shutil, "which", lambda tool: None)
    monkeypatch.setattr(nf.os, "geteuid", lambda: 1000)
    with pytest.raises(
        Stop, match=r"^potok: npm is not installed: apt-get install -y npm"
    ):
        nf.need_axe(FakeSession())


def test_nox_without_uv_fails_with_one_line(tmp_path):
    """The real thing: nox installed (as bootstrap.txt pins it) without uv."""
    pin = next(
        ln.strip()
        for ln in (ROOT / "bootstrap.txt").read_text(encoding="utf-8").splitlines()
        if ln.startswith("nox==")
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "-q", pin],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    env = dict(os.environ, PATH=f"{venv / 'bin'}:/usr/bin:/bin")
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(
        [str(venv / "bin" / "nox"), "-f", str(ROOT / "noxfile.py"), "-s", "lint",
         "--envdir", str(tmp_path / "envs")],
        capture_output=True, text=True, env=env, timeout=300, cwd=ROOT,
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "potok: uv is not installed: python3 -m pip install -r bootstrap.txt" in out
    assert "Traceback" not in out


#: what a fresh non-root user has: the distribution's python3, pip's settings
_SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
_KEPT = re.compile(r"^(PIP_\w+|(HTTPS?|NO|ALL)_PROXY|SSL_CERT_\w+|LANG|LC_\w+)$", re.I)


def _readme_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [b.strip() for b in re.findall(r"```sh\n(.+?)\n```", readme, re.S)]


def _externally_managed_python3() -> str | None:
    """The system's python3 if its distribution marks it (PEP 668), else None."""
    python = shutil.which("python3", path=_SYSTEM_PATH)
    if python is None:
        return None
    stdlib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
        capture_output=True, text=True, timeout=60,
    ).stdout.strip()  # fmt: skip
    return (
        python if stdlib and (Path(stdlib) / "EXTERNALLY-MANAGED").is_file() else None
    )


def test_the_bootstrap_works_for_a_user_whose_python_is_externally_managed():
    """README's note for PEP 668, as a non-root user with the distribution's
    python3 (as root here: user nobody, 65534): the README's bootstrap alone is
    refused; after the note's command the same bootstrap installs nox and uv,
    and pasted a second time it still works. Only the bootstrap: no build."""
    if _externally_managed_python3() is None:
        pytest.skip("no python3 here that its distribution marks EXTERNALLY-MANAGED")
    build = _readme_blocks()[0]
    bootstrap = build.split(" && ")[0]
    assert bootstrap == "python3 -m pip install -r bootstrap.txt", build
    notes = [b for b in _readme_blocks() if "python3 -m venv" in b]
    assert notes, "README.md says nothing for a Python that pip may not install into"
    note = notes[0]
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert note in contributing, "CONTRIBUTING.md gives another PEP 668 command"
    as_user = {}
    if os.geteuid() == 0:
        as_user = {"user": 65534, "group": 65534, "extra_groups": []}
    # not under tmp_path, whose parent only its owner may enter
    home = Path(tempfile.mkdtemp(prefix="potok-pep668-"))
    try:
        shutil.copy(ROOT / "bootstrap.txt", home / "bootstrap.txt")
        if as_user:
            os.chown(home, 65534, 65534)
            os.chown(home / "bootstrap.txt", 65534, 65534)
        env = {k: v for k, v in os.environ.items() if _KEPT.match(k)}
        env.update(HOME=str(home), PATH=_SYSTEM_PATH)

        def paste(script: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                ["bash", "-c", script], cwd=home, env=env, capture_output=True,
                text=True, timeout=600, **as_user,
            )  # fmt: skip

        refused = paste(bootstrap)  # as README alone says: what the note is for
        assert refused.returncode != 0
        if "No module named pip" not in refused.stderr:  # else: no python3-pip
            assert "externally-managed-environment" in refused.stderr, refused.stderr
        pin = next(
            ln.split("==")[1].strip()
            for ln in (home / "bootstrap.txt").read_text(encoding="utf-8").splitlines()
            if ln.startswith("nox==")
        )
        for _ in range(2):  # pasted twice, as readers do
            done = paste(f"{note} && {bootstrap} && command -v nox uv && nox --version")
            assert done.returncode == 0, done.stdout + done.stderr
            lines = done.stdout.splitlines()
            venv_bin = home / ".venvs" / "potok" / "bin"
            assert f"{venv_bin}/nox" in lines and f"{venv_bin}/uv" in lines, lines
            assert pin in done.stdout + done.stderr
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_the_build_needs_no_dot_program():
    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    assert "sphinx.ext.graphviz" not in conf, (
        "docs/conf.py loads sphinx.ext.graphviz, which needs the system `dot`"
    )
    pages = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md")
    )
    assert "```{graphviz}" not in pages


def test_pythons_tool_runs_under_any_supported_python():
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "pythons.py"), version],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "provider / reason" in proc.stdout
