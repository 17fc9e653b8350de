"""Interpreters are checked, not trusted (tools/pythons.py, tools/*-python.sh).

Issue 25, D11: a version outside 3.11-3.15 is refused by name, a damaged
standard library is detected, a cached build that is not whole is rebuilt, and
the providers that install system packages take turns.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import pythons

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"


def fake_python(tmp_path: Path, name: str, **answer) -> str:
    """A script that answers the probe as an interpreter with ``answer`` would."""
    info = {
        "executable": str(tmp_path / name),
        "version": "3.12.1",
        "free_threaded": False,
        "gil_enabled": True,
        "interpreter_pool": False,
        "broken": "",
        **answer,
    }
    path = tmp_path / name
    script = f"#!/bin/sh\ncat <<'JSON'\n{json.dumps(info)}\nJSON\n"
    path.write_text(script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.mark.parametrize("version", ["3.6.15", "3.10.13", "2.7.18", "3.16.0"])
def test_an_unsupported_version_is_refused_by_name(tmp_path, version):
    why = pythons.check_given(fake_python(tmp_path, "python-old", version=version))
    assert f"it is Python {version}; potok supports 3.11-3.15" in why


def test_a_damaged_standard_library_is_refused(tmp_path):
    broken = "ModuleNotFoundError: No module named 'concurrent.futures.thread'"
    why = pythons.check_given(fake_python(tmp_path, "python-broken", broken=broken))
    assert "its standard library is damaged" in why and broken in why
    info, reason = pythons._check("3.12", fake_python(tmp_path, "p2", broken=broken))
    assert info is None and "damaged" in reason


def test_a_supported_interpreter_passes(tmp_path):
    assert pythons.check_given(fake_python(tmp_path, "python-good")) == ""
    info, reason = pythons._check("3.12", fake_python(tmp_path, "p3"))
    assert info is not None and reason == ""


def test_what_is_not_a_python_is_named(tmp_path):
    assert "does not exist" in pythons.check_given(str(tmp_path / "nothing"))
    assert "is not a Python that runs" in pythons.check_given("/bin/true")


def _real(version: str) -> Path | None:
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = sorted(root.glob(f"versions/{version}.*/bin/python{version}"))
    return found[-1].parent.parent if found else None


def test_the_probe_finds_a_really_damaged_standard_library(tmp_path):
    """A hard-linked copy of a real installation, one module deleted in it."""
    prefix = _real("3.11")
    if prefix is None:
        pytest.skip("no pyenv 3.11 here to copy (the machines of this kind have one)")
    copy = tmp_path / prefix.name
    subprocess.run(["cp", "-al", str(prefix), str(copy)], check=True)
    python = str(copy / "bin" / "python3.11")
    assert pythons.check_given(python) == ""
    (copy / "lib/python3.11/concurrent/futures/thread.py").unlink()
    why = pythons.check_given(python)
    assert "standard library is damaged" in why and "thread" in why


def _cached_free_threaded() -> Path | None:
    proc = subprocess.run(
        ["bash", str(TOOLS / "ft-python.sh"), "--find"],
        capture_output=True,
        text=True,
    )
    return Path(proc.stdout.split()[-1]).parent.parent if proc.returncode == 0 else None


@pytest.mark.parametrize(
    "damage", ["lib/python3.13t/concurrent/futures/thread.py", "lib/python3.13t/os.py"]
)
def test_a_damaged_free_threaded_cache_is_not_found(tmp_path, damage):
    """ft-python.sh checks a cached build's standard library and prefix (a
    copied cache would otherwise run another folder's library)."""
    build = _cached_free_threaded()
    if build is None or not build.name.startswith("cpython-3.13"):
        pytest.skip(
            "no compiled free-threaded 3.13 in the cache yet (nox -s matrix or "
            "nox -s pythons makes it)"
        )
    cache = tmp_path / "pythons"
    cache.mkdir()
    subprocess.run(["cp", "-al", str(build), str(cache / build.name)], check=True)
    env = dict(os.environ, POTOK_PYTHONS_CACHE=str(cache))
    find = ["bash", str(TOOLS / "ft-python.sh"), "--find", "--versions", "3.13"]
    found = subprocess.run(find, env=env, capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip().startswith(str(cache))
    (cache / build.name / damage).unlink()
    again = subprocess.run(find, env=env, capture_output=True, text=True)
    assert again.returncode == 3, again.stdout


def test_the_sid_chroot_can_be_found_without_building_anything(tmp_path):
    env = dict(os.environ, POTOK_SID_CACHE=str(tmp_path / "empty"))
    proc = subprocess.run(
        ["bash", str(TOOLS / "sid-python.sh"), "--python", "3.15", "--find"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 3
    assert "built here yet" in proc.stderr or "needs root" in proc.stderr
    assert not (tmp_path / "empty").exists(), "--find must build nothing"


def test_system_steps_of_the_providers_take_turns():
    """apt-get in the providers runs under one lock and waits for dpkg's."""
    for script in ("sid-python.sh", "ft-python.sh"):
        text = (TOOLS / script).read_text(encoding="utf-8")
        installs = [
            line
            for line in text.splitlines()
            if "apt-get" in line and "install" in line
        ]
        assert installs, script
        assert "DPkg::Lock::Timeout" in text and "flock 8" in text, script
        assert '8>"$APT_LOCK_DIR/.apt.lock"' in text, script


@pytest.mark.skipif(shutil.which("flock") is None, reason="needs util-linux's flock")
def test_the_apt_lock_really_serialises(tmp_path):
    """Two shells taking the providers' lock the way they do run one after the
    other, never side by side."""
    log = tmp_path / "log"
    step = (
        f'{{ flock 8; echo start >>"{log}"; sleep 1; echo end >>"{log}"; }} '
        f'8>"{tmp_path}/.apt.lock"'
    )
    procs = [subprocess.Popen(["bash", "-c", step]) for _ in range(2)]
    for p in procs:
        assert p.wait(timeout=30) == 0
    assert log.read_text().split() == ["start", "end", "start", "end"]


def test_the_noxfile_looks_past_pyenv_shims(tmp_path, monkeypatch):
    """A pyenv shim on PATH runs only the version pyenv selected: the test
    sessions must get the interpreter itself (nox could not use the shim)."""
    shims = tmp_path / "shims"
    shims.mkdir()
    shim = shims / "python3.12"
    shim.write_text('#!/usr/bin/env bash\nexec "$PYENV_ROOT/libexec/pyenv" exec "$@"\n')
    shim.chmod(0o755)
    real = tmp_path / "versions" / "3.12.1" / "bin" / "python3.12"
    real.parent.mkdir(parents=True)
    real.write_bytes(b"\x7fELF fake interpreter")
    real.chmod(0o755)
    monkeypatch.setenv("PATH", str(shims))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    assert pythons.on_host(["3.12"]) == {"3.12": str(real)}
