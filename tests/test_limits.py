"""potok_sphinx.limits: what POTOK_EXAMPLE_TIMEOUT and POTOK_OUTPUT_LIMIT accept.

A value the build could not use is refused where it is read, naming the
variable and the range it takes, before any example runs.
"""

from __future__ import annotations

import pytest
from potok_sphinx import limits
from sites import NO_NETWORK, build, make_site


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("", 300.0), ("3", 3.0), (" 2.5 ", 2.5), ("1e3", 1000.0), ("86400", 86400.0)],
)
def test_a_usable_timeout_is_read(monkeypatch, raw, seconds):
    monkeypatch.setenv(limits.TIMEOUT_ENV, raw)
    assert limits.example_timeout(300.0) == seconds


@pytest.mark.parametrize(
    "raw", ["inf", "-inf", "Infinity", "nan", "1e300", "86401", "0", "-5"]
)
def test_an_unusable_timeout_is_refused_naming_the_variable_and_range(monkeypatch, raw):
    monkeypatch.setenv(limits.TIMEOUT_ENV, raw)
    with pytest.raises(ValueError) as caught:
        limits.example_timeout(300.0)
    message = str(caught.value)
    assert message.startswith(f"POTOK_EXAMPLE_TIMEOUT={raw!r} "), message
    assert "seconds, more than 0 and at most 86_400" in message, message


def test_a_timeout_that_is_not_a_number_is_named(monkeypatch):
    monkeypatch.setenv(limits.TIMEOUT_ENV, "soon")
    with pytest.raises(ValueError, match=r"POTOK_EXAMPLE_TIMEOUT='soon' is not a"):
        limits.example_timeout(300.0)


@pytest.mark.parametrize(
    ("raw", "characters"),
    [("", 1_000_000), ("100000", 100_000), ("1e6", 1_000_000), ("1", 1)],
)
def test_a_usable_output_limit_is_read(monkeypatch, raw, characters):
    monkeypatch.setenv(limits.OUTPUT_ENV, raw)
    assert limits.output_limit() == characters


@pytest.mark.parametrize(
    "raw", ["inf", "nan", "1e300", "1e10", "0.5", "0", "-1", "1e5x"]
)
def test_an_unusable_output_limit_is_refused_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(limits.OUTPUT_ENV, raw)
    with pytest.raises(ValueError) as caught:
        limits.output_limit()
    message = str(caught.value)
    assert message.startswith(f"POTOK_OUTPUT_LIMIT={raw!r} "), message
    assert "characters" in message, message
    if raw != "1e5x":
        assert "at least 1 and at most 1_000_000_000" in message, message


@pytest.mark.parametrize(
    ("env", "raw"),
    [
        ("POTOK_EXAMPLE_TIMEOUT", "inf"),
        ("POTOK_EXAMPLE_TIMEOUT", "nan"),
        ("POTOK_OUTPUT_LIMIT", "inf"),
    ],
)
def test_the_build_stops_before_any_example_naming_the_variable(tmp_path, env, raw):
    pytest.importorskip("sphinx", reason="the build checks need the docs group")
    site = make_site(tmp_path)
    proc = build(site, **{env: raw}, **NO_NETWORK)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert f"{env}={raw!r} must be a number of" in out, out
    assert not (site / "docs" / "auto_examples").exists(), "an example ran"
