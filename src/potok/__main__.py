"""``python -m potok``: what a reader runs at home.

``python -m potok compare plot_x.py --site ADDRESS`` runs a downloaded example
and prints its verdicts beside the site's (:mod:`potok.compare`);
``python -m potok --version`` prints the installed potok's version.
"""

from __future__ import annotations

import sys

USAGE = (
    "usage: python -m potok compare plot_x.py [--quick] "
    "[--site URL | --site-file FILE]\n"
    "       python -m potok --version\n"
)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["compare"]:
        from potok import compare

        return compare.main(args[1:])
    if args[:1] == ["--version"]:
        import potok

        print(potok.__version__)
        return 0
    sys.stderr.write(USAGE)
    return 2


if __name__ == "__main__":
    sys.exit(main())
