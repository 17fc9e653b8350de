"""``python -m potok compare plot_x.py``: your verdicts beside the site's.

Runs a downloaded example here (in a fresh interpreter, as a reader would), reads
the record of that run (:mod:`potok.records`) and prints each claim's verdict
on this machine beside the one the site's build recorded, claim by claim (by
id). The site's side is ``auto_examples/records.json``, which the build
publishes (``docs/_ext/potok_sphinx/reader.py``), fetched from ``--site`` (the
site's root, or the address of any page on it), or a file given with
``--site-file`` (that index, or one example's ``<stem>.record.json``). The
site's data is read and checked before the example runs; without a network,
or with data of the wrong shape, the home side is still printed, with one
clear line about the site's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from potok import records

SITE_INDEX = "auto_examples/records.json"


# --- the two sides -------------------------------------------------------------------


def run_here(script: Path, *, quick: bool, record_dir: Path | None = None):
    """Run ``script`` in a fresh interpreter: (return code, stdout, stderr).
    Its record goes to ``record_dir`` (``POTOK_RECORD_DIR``)."""
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")  # no window to close
    # Its output is read back as UTF-8 whatever the console's code page is: on
    # Windows a pipe would otherwise get the code page (cp1251 has no ✔).
    env["PYTHONIOENCODING"] = "utf-8"
    if quick:
        env["POTOK_QUICK"] = "1"
    if record_dir is not None:
        env[records.DIR_ENV] = str(record_dir)
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
    """The site's records could not be read; the message says why, in one line."""


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
    """The index in ``path``, or one example's record made into an index."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SiteUnavailable(f"не удалось прочитать {path}: {exc}") from None
    if isinstance(data, dict) and data.get("format") == records.FORMAT:
        name = data.get("example")
        if not isinstance(name, str):
            raise SiteUnavailable(
                f"{path}: данные не того вида: у записи нет имени примера (example)"
            )
        data = {name: data}
    return _index(data, str(path))


def _index(data: object, source: str) -> dict:
    if not isinstance(data, dict):
        raise SiteUnavailable(
            f"{source}: данные не того вида: ожидался объект JSON "
            f"{{имя примера: запись прогона}}, а там {_kind(data)}"
        )
    return data


def site_record(data: dict, script: str, source: str = "данные сайта"):
    """The site's record of ``script``, checked (:func:`potok.records.from_json`)."""
    if script not in data:
        raise SiteUnavailable(f"на сайте нет примера {script}")
    try:
        return records.from_json(data[script], script)
    except records.RecordError as exc:
        one_line = " ".join(str(exc).split())
        raise SiteUnavailable(f"{source}: данные не того вида: {one_line}") from None


def _kind(value: object) -> str:
    """What a JSON value is, in the reader's words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    kinds = {dict: "объект", list: "список", str: "строка", int: "число"}
    return kinds.get(type(value), "число")  # float: JSON has no other kinds


# --- the report -----------------------------------------------------------------------


def _short(claim: dict, cpus: int | None) -> str:
    mark = "✔" if claim.get("confirmed") else "✘"
    where = f" (логических процессоров: {cpus})" if cpus else ""
    return f"{mark} {claim.get('evidence', '')}{where}"


def _cpus(record) -> int | None:
    return getattr(record.python, "logical_cpus", None) if record else None


def report(
    script: str, home, site, site_problem: str = "", home_problem: str = ""
) -> str:
    """The text ``compare`` prints: both records, claim by claim."""
    lines = [f"Пример {script}"]
    lines.append(f"у вас: {home.python}" if home else f"у вас: {home_problem}")
    if site is not None:
        lines.append(
            f"на сайте: {site.python or 'машина не записана'} "
            f"(выполнен {site.finished or site.started}, potok {site.potok or '?'})"
        )
    else:
        lines.append(f"на сайте: нет данных — {site_problem}")
    mine = {c["id"]: c for c in (home.claims if home else [])}
    theirs = {c["id"]: c for c in (site.claims if site else [])}
    ids = list(mine) + [i for i in theirs if i not in mine]
    if not ids:
        lines.append("Пример не проверил ни одного утверждения.")
    for n, claim_id in enumerate(ids, 1):
        here, there = mine.get(claim_id), theirs.get(claim_id)
        text = (here or there)["text"]
        here_s = _short(here, _cpus(home)) if here else "у вас не проверялось"
        if site is None:
            there_s = "нет данных"
        else:
            there_s = _short(there, _cpus(site)) if there else "на сайте нет"
        lines += [
            "",
            f"{n}. {text} [{claim_id}]",
            f"   у вас: {here_s}",
            f"   на сайте: {there_s}",
        ]
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
        "--site-file", type=Path, help="records.json или <пример>.record.json"
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
        site = site_record(data, script.name, source)
    except SiteUnavailable as exc:
        problem = str(exc)

    print(f"Запускаю {script.name}{' (быстрый масштаб)' if args.quick else ''}…")
    with tempfile.TemporaryDirectory(prefix="potok-compare-") as tmp:
        code, out, err = run_here(script, quick=args.quick, record_dir=Path(tmp))
        # in tmp whatever POTOK_RECORD_DIR says in this process's environment
        found = Path(tmp) / (script.stem + records.SUFFIX)
        home, home_problem = None, ""
        try:
            home = records.load(found)
        except records.RecordError:
            home_problem = "пример не оставил записи прогона (он ничего не проверил)"
    if args.show_output:
        print(out, end="")
    if code != 0:
        print(err, end="", file=sys.stderr)
        print(f"Пример завершился с ошибкой (код {code}).", file=sys.stderr)
        return code
    print(report(script.name, home, site, problem, home_problem), end="")
    if site is None:
        print("Сравнить с сайтом не удалось; ваши вердикты — выше.")
    return 0
