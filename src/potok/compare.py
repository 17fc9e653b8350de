"""``python -m potok compare plot_x.py``: your verdicts beside the site's.

Runs a downloaded example here (in a fresh interpreter, as a reader would), reads
the verdict lines :mod:`potok.claims` printed, and prints each claim's verdict
on this machine beside the one the site's build printed. The site's side is the
``auto_examples/claims.json`` the build publishes (docs/_ext/potok_reader.py),
fetched from ``--site`` (the site's root, or the address of any page on it) or
read from ``--site-file``. Without a network the home side is still printed,
with a clear message about the site's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from potok import claims

_CPUS = re.compile(r"логических CPU: (\d+)")
SITE_INDEX = "auto_examples/claims.json"


@dataclass(frozen=True)
class Verdict:
    text: str
    confirmed: bool
    evidence: str
    reason: str = ""

    def short(self) -> str:
        return f"{'✔' if self.confirmed else '✘'} {self.evidence}"


def parse(line: str) -> Verdict | None:
    """A verdict line printed by potok.claims, or None for any other line."""
    c = claims.parse(line)
    return None if c is None else Verdict(c.text, c.confirmed, c.evidence, c.reason)


def parse_output(text: str) -> list[Verdict]:
    return [v for v in map(parse, text.splitlines()) if v is not None]


# --- the two sides -------------------------------------------------------------------


def run_here(script: Path, *, quick: bool) -> tuple[int, str, str]:
    """Run ``script`` in a fresh interpreter: (return code, stdout, stderr)."""
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")  # no window to close
    if quick:
        env["POTOK_QUICK"] = "1"
    done = subprocess.run(
        [sys.executable, script.name],
        cwd=script.parent,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",  # an example may print bytes that are not UTF-8
    )
    return done.returncode, done.stdout, done.stderr


def site_root(url: str) -> str:
    """The site's root from its root or from the address of a page on it."""
    if "/auto_examples/" in url:
        url = url.split("/auto_examples/", 1)[0]
    return url.rstrip("/") + "/"


class SiteUnavailable(Exception):
    """The site's verdicts could not be read; the message says why."""


def fetch_site(url: str, *, timeout: float = 10) -> dict:
    address = site_root(url) + SITE_INDEX
    try:
        with urllib.request.urlopen(address, timeout=timeout) as response:
            data = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SiteUnavailable(f"не удалось получить {address}: {reason}") from None
    return _index(data, address)


def read_site_file(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SiteUnavailable(f"не удалось прочитать {path}: {exc}") from None
    data = _index(data, str(path))
    if "claims" in data and "script" in data:  # one example's <stem>.claims.json
        if not isinstance(data["script"], str):
            raise _wrong(str(path), "script", data["script"], "строка")
        data = {Path(data["script"]).name: data}
    return data


def site_entry(data: dict, script: str, source: str = "данные сайта") -> dict:
    """The site's record of ``script``, checked: what :func:`report` reads is there.

    Keys compare does not read are ignored (a newer site may record more).
    ``source`` (the file or address) names the data in the message.
    """
    if script not in data:
        raise SiteUnavailable(f"на сайте нет примера {script}")
    entry = data[script]
    if not isinstance(entry, dict):
        raise _wrong(source, script, entry, "объект JSON")
    for key in ("potok", "ran_at", "stamp", "skipped"):
        if entry.get(key) is not None and not isinstance(entry[key], str):
            raise _wrong(source, f"{script}: {key}", entry[key], "строка или null")
    found = entry.get("claims", [])
    if not isinstance(found, list):
        raise _wrong(source, f"{script}: claims", found, "список")
    for i, claim in enumerate(found, 1):
        if not (
            isinstance(claim, dict)
            and isinstance(claim.get("text"), str)
            and isinstance(claim.get("confirmed"), bool)
            and isinstance(claim.get("evidence"), str)
            and isinstance(claim.get("reason", ""), str)
        ):
            raise SiteUnavailable(
                f"{source}: данные не того вида: утверждение {i} примера {script} "
                "должно быть объектом с text (строка), confirmed (true или false), "
                "evidence (строка) и, может быть, reason (строка)"
            )
    return entry


def _index(data: object, source: str) -> dict:
    if not isinstance(data, dict):
        raise SiteUnavailable(
            f"{source}: данные не того вида: ожидался объект JSON "
            f"{{имя примера: запись}}, а там {_kind(data)}"
        )
    return data


def _wrong(source: str, what: str, value: object, expected: str) -> SiteUnavailable:
    return SiteUnavailable(
        f"{source}: данные не того вида: {what} — {_kind(value)}, а ожидается "
        f"{expected}"
    )


def _kind(value: object) -> str:
    """What a JSON value is, in the reader's words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    kinds = {dict: "объект", list: "список", str: "строка", int: "число"}
    return kinds.get(type(value), "число")  # float: JSON has no other kinds


# --- the report -----------------------------------------------------------------------


def _cpus(stamp: str | None) -> str:
    m = _CPUS.search(stamp or "")
    return f" (логических процессоров: {m.group(1)})" if m else ""


def report(
    script: str,
    home: list[Verdict],
    home_stamp: str,
    site: dict | None,
    site_problem: str = "",
) -> str:
    """The text ``compare`` prints."""
    lines = [f"Пример {script}", f"у вас: {home_stamp}"]
    site_claims: list[Verdict] = []
    site_stamp = None
    if site is not None:
        site_stamp = site.get("stamp") or ""
        when = site.get("ran_at") or "?"
        lines.append(
            f"на сайте: {site_stamp or 'машина не записана'} "
            f"(выполнен {when}, potok {site.get('potok', '?')})"
        )
        if site.get("skipped"):
            lines.append(f"на сайте пример не выполнялся: {site['skipped']}")
        site_claims = [
            Verdict(c["text"], c["confirmed"], c["evidence"], c.get("reason", ""))
            for c in site.get("claims", [])
        ]
    else:
        lines.append(f"на сайте: нет данных — {site_problem}")
    here_cpus, site_cpus = _cpus(home_stamp), _cpus(site_stamp)
    by_text = {c.text: c for c in site_claims}
    texts = [c.text for c in home] + [
        c.text for c in site_claims if c.text not in {h.text for h in home}
    ]
    mine = {c.text: c for c in home}
    if not texts:
        lines.append("Пример не напечатал ни одного утверждения.")
    for i, text in enumerate(texts, 1):
        here = mine.get(text)
        there = by_text.get(text)
        here_s = here.short() + here_cpus if here else "у вас не проверялось"
        if site is None:
            there_s = "нет данных"
        else:
            there_s = there.short() + site_cpus if there else "на сайте нет"
        lines += ["", f"{i}. {text}", f"   у вас: {here_s}", f"   на сайте: {there_s}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m potok compare",
        description="Запустить пример у себя и сравнить вердикты с сайтом.",
    )
    parser.add_argument("script", type=Path, help="скачанный пример, plot_*.py")
    parser.add_argument("--quick", action="store_true", help="быстрый масштаб")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--site",
        default=os.environ.get("POTOK_SITE_URL", ""),
        help="адрес сайта или любой его страницы (по умолчанию POTOK_SITE_URL)",
    )
    where.add_argument(
        "--site-file", type=Path, help="claims.json или <пример>.claims.json"
    )
    parser.add_argument(
        "--show-output", action="store_true", help="напечатать вывод примера"
    )
    args = parser.parse_args(argv)
    script: Path = args.script.resolve()
    if not script.is_file():
        parser.error(f"нет файла {args.script}")
    if not args.site and args.site_file is None:
        parser.error("укажите --site АДРЕС (адрес сайта) или --site-file ФАЙЛ")

    # the site's data is read and checked before the example runs
    site, problem = None, ""
    try:
        if args.site_file is not None:
            source = str(args.site_file)
            data = read_site_file(args.site_file)
        else:
            source = site_root(args.site) + SITE_INDEX
            data = fetch_site(args.site)
        site = site_entry(data, script.name, source)
    except SiteUnavailable as exc:
        problem = str(exc)

    print(f"Запускаю {script.name}{' (быстрый масштаб)' if args.quick else ''}…")
    code, out, err = run_here(script, quick=args.quick)
    if args.show_output:
        print(out, end="")
    if code != 0:
        print(err, end="", file=sys.stderr)
        print(f"Пример завершился с ошибкой (код {code}).", file=sys.stderr)
        return code

    from potok import machine

    print(
        report(script.name, parse_output(out), str(machine.stamp()), site, problem),
        end="",
    )
    if site is None:
        print("Сравнить с сайтом не удалось; ваши вердикты — выше.")
    return 0
