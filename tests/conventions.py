"""The gallery's conventions (DESIGN.md, CONTRIBUTING.md) as static checks.

``check(path)`` reads one ``examples/**/plot_*.py`` and returns a list of
problems, each a sentence that says where (file:line) and what to change. It
reads the code (``ast``), it does not run it. Names are resolved through the
script's imports, so ``from potok import measure`` + ``measure.repeat`` and
``from potok.measure import repeat`` + ``repeat`` are the same thing.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TIMING = {
    "potok.measure.repeat",
    "potok.measure.Timeline",
    "time.perf_counter",
    "time.perf_counter_ns",
}
STAMP = {"potok.plots.stamp", "potok.machine.stamp"}
QUICK = {"potok.measure.scale", "potok.measure.quick"}
NOT_A_FIGURE = {"potok.plots.stamp", "potok.plots.PALETTE", "potok.plots.REFERENCE"}
PROCESS_POOLS = {
    "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor",
    "concurrent.futures.InterpreterPoolExecutor",
    "multiprocessing.Pool",
    "multiprocessing.pool.Pool",
}
PROCESSES = {"multiprocessing.Process", "multiprocessing.context.Process"}
POOL_METHODS = {
    "submit",
    "map",
    "apply",
    "apply_async",
    "map_async",
    "imap",
    "imap_unordered",
    "starmap",
    "starmap_async",
}
UNDERLINE = re.compile(r"^([=\-~^*+#\"'`:.])\1*$")
#: potok's modules an example may use: the reader's toolkit. What a page
#: teaches is on the page, not behind a call into potok.
TOOLKIT = {
    "potok.measure",
    "potok.machine",
    "potok.start_methods",
    "potok.workloads",
    "potok.plots",
    "potok.claims",
    "potok.records",
    "potok.interpreters",
    "potok.cpu",
}
#: An example's length limit (one idea per page).
MAX_LINES = 250
#: sphinx-gallery's in-file configuration, as its py_source_parser matches it
CONFIG_COMMENT = re.compile(r"^[ \t]*#\s*sphinx_gallery_[A-Za-z0-9_]+\s*=")
CLAIM_ID = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")


class Names:
    """Fully qualified names of what the script's names refer to."""

    def __init__(self, tree: ast.Module):
        self.alias: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        self.alias[a.asname] = a.name
                    else:
                        top = a.name.split(".")[0]
                        self.alias[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    self.alias[a.asname or a.name] = f"{node.module}.{a.name}"

    def qual(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self.alias.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qual(node.value)
            return f"{base}.{node.attr}" if base else None
        return None


def _problem(rel: str, line: int, text: str) -> str:
    return f"{rel}:{line}: {text}"


def _title(tree: ast.Module, rel: str) -> list[str]:
    doc = ast.get_docstring(tree, clean=True)
    how = (
        "start the file with a docstring whose first line is the example's title, "
        "underlined on the next line with '=' at least as long as the title "
        '(reST), e.g. \'"""\\nДва потока и счётчик\\n====================\\n\''
    )
    if doc is None:
        return [_problem(rel, 1, f"the example has no module docstring: {how}")]
    lines = [ln.rstrip() for ln in doc.strip("\n").splitlines()]
    if len(lines) >= 3 and UNDERLINE.match(lines[0]) and lines[2] == lines[0]:
        lines = lines[1:]  # an overlined title
    ok = (
        len(lines) >= 2
        and lines[0].strip()
        and not UNDERLINE.match(lines[0])
        and UNDERLINE.match(lines[1])
        and len(lines[1]) >= len(lines[0].strip())
    )
    if ok:
        return []
    return [_problem(rel, 1, f"the docstring does not begin with a reST title: {how}")]


def _prose(source: str, rel: str) -> list[str]:
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("# %%") and i + 1 < len(lines):
            nxt = lines[i + 1]
            if nxt.startswith("# ") and nxt[2:].strip():
                return []
    return [
        _problem(
            rel,
            1,
            "the example has no prose block: before the code it explains, add a "
            "line '# %%' followed by comment lines of reST text ('# Текст ...'); "
            "sphinx-gallery renders them as paragraphs between the code",
        )
    ]


def _callable_arg(node: ast.AST) -> ast.AST:
    """``partial(f, ...)`` → ``f``; anything else unchanged."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, (ast.Name, ast.Attribute))
        and (getattr(node.func, "id", None) or getattr(node.func, "attr", None))
        == "partial"
        and node.args
    ):
        return node.args[0]
    return node


def _process_targets(tree: ast.Module, names: Names) -> list[tuple[ast.AST, str]]:
    """(callable expression, how it is sent) for each call that runs in a child.

    A pool is a name bound to a process pool: inside the ``with`` that binds it,
    or anywhere if it is only ever assigned process pools (``pool`` used for a
    thread pool elsewhere does not count there).
    """

    def is_pool(call: ast.AST) -> bool:
        if not isinstance(call, ast.Call):
            return False
        if names.qual(call.func) in PROCESS_POOLS:
            return True
        # ctx.Pool(...), start_methods.mp_context().Pool(...)
        return isinstance(call.func, ast.Attribute) and call.func.attr == "Pool"

    bound: dict[str, set[bool]] = {}
    scoped: list[tuple[str, list[ast.stmt]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    bound.setdefault(t.id, set()).add(is_pool(node.value))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    name = item.optional_vars.id
                    pool = is_pool(item.context_expr)
                    bound.setdefault(name, set()).add(pool)
                    if pool:
                        scoped.append((name, node.body))
    everywhere = {name for name, kinds in bound.items() if kinds == {True}}

    def sent(call: ast.Call, pools: set[str]) -> tuple[ast.AST, str] | None:
        func = call.func
        q = names.qual(func)
        if q in PROCESSES or (
            isinstance(func, ast.Attribute) and func.attr == "Process"
        ):
            for kw in call.keywords:
                if kw.arg == "target":
                    return _callable_arg(kw.value), "Process(target=...)"
            return None
        if not isinstance(func, ast.Attribute):
            return None

        def pool(expr: ast.AST) -> bool:
            return (isinstance(expr, ast.Name) and expr.id in pools) or is_pool(expr)

        if func.attr in POOL_METHODS and call.args and pool(func.value):
            return _callable_arg(call.args[0]), f"pool.{func.attr}"
        if (
            func.attr == "run_in_executor"
            and len(call.args) >= 2
            and pool(call.args[0])
        ):
            return _callable_arg(call.args[1]), "run_in_executor"
        return None

    found: dict[int, tuple[ast.AST, str]] = {}
    regions = [(everywhere, [tree])]
    regions += [({name}, body) for name, body in scoped]
    for pools, roots in regions:
        for root in roots:
            for node in ast.walk(root):
                if isinstance(node, ast.Call) and (hit := sent(node, pools)):
                    found[id(node)] = hit
    return list(found.values())


def _prints(fn: ast.AST) -> int | None:
    """Line of the first print (or sys.stdout/stderr write) in a function body."""
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id == "print":
                return node.lineno
            if (
                isinstance(f, ast.Attribute)
                and f.attr == "write"
                and isinstance(f.value, ast.Attribute)
                and f.value.attr in ("stdout", "stderr")
            ):
                return node.lineno
    return None


def _module_function(qual: str, src_root: Path) -> tuple[Path, ast.AST] | None:
    module, _, name = qual.rpartition(".")
    path = src_root / (module.replace(".", "/") + ".py")
    if not path.is_file():
        return None
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            node.name == name
        ):
            return path, node
    return None


def _children(tree: ast.Module, names: Names, rel: str, src_root: Path) -> list[str]:
    defined = {
        node.name: node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    problems = []
    seen = set()
    for target, how in _process_targets(tree, names):
        line = getattr(target, "lineno", 1)
        if isinstance(target, ast.Lambda):
            problems.append(
                _problem(
                    rel,
                    line,
                    f"a lambda runs in another process ({how}): a child process "
                    "cannot unpickle it; write the work as a top-level function in "
                    "a module beside the example (or use potok.workloads) and pass "
                    "that",
                )
            )
            continue
        if isinstance(target, ast.Name) and target.id in defined:
            fn = defined[target.id]
            if (target.id, "def") not in seen:
                seen.add((target.id, "def"))
                problems.append(
                    _problem(
                        rel,
                        line,
                        f"{target.id}() is defined in the example (line {fn.lineno}) "
                        f"and runs in another process ({how}): move it to a module "
                        "beside the example (e.g. _work.py in the same folder), "
                        "import it from there and show that module on the page "
                        "(# .. literalinclude:: _work.py); sphinx-gallery runs the "
                        "script as a fake __main__, and spawn/forkserver children "
                        "cannot unpickle functions defined there",
                    )
                )
            p = _prints(fn)
            if p and (target.id, "print") not in seen:
                seen.add((target.id, "print"))
                problems.append(_print_problem(rel, p, target.id, rel, line))
            continue
        q = names.qual(target)
        if q and (q.startswith("potok.") or q.startswith("_")):
            root = src_root if q.startswith("potok.") else Path(rel).parent
            if not root.is_absolute():
                root = ROOT / root
            found = _module_function(q, root)
            if found:
                path, fn = found
                p = _prints(fn)
                if p and (q, "print") not in seen:
                    seen.add((q, "print"))
                    where = _shown(path)
                    problems.append(_print_problem(where, p, q, rel, line))
    return problems


def _shown(path: Path) -> str:
    """A path as a message names it: from the repository's root if it is in it."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def _print_problem(where: str, line: int, fn: str, rel: str, used: int) -> str:
    return _problem(
        where,
        line,
        f"{fn}() prints, and it runs in a child process ({rel}:{used}): a child's "
        "output never reaches the page; return the value and print it in the "
        "example (the parent)",
    )


def check(path: Path, source: str | None = None, src_root: Path | None = None):
    """Every convention problem of one example, as sentences."""
    src_root = src_root or ROOT / "src"
    source = path.read_text(encoding="utf-8") if source is None else source
    try:
        rel = path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        rel = path.as_posix()
    tree = ast.parse(source, filename=rel)
    names = Names(tree)
    used = {q for node in ast.walk(tree) if (q := names.qual(node))}

    problems = _title(tree, rel) + _prose(source, rel)
    times = sorted(used & TIMING)
    figure = any(
        q.startswith("matplotlib.pyplot.")
        or (q.startswith("potok.plots.") and q not in NOT_A_FIGURE)
        for q in used
    )
    if times and not figure:
        problems.append(
            _problem(
                rel,
                1,
                f"the example times code ({', '.join(times)}) but draws no figure: "
                "show the measurement on a chart made with potok.plots.figure() "
                "(axes labelled in Russian with units) and end with plt.show()",
            )
        )
    if (times or figure) and not used & STAMP:
        problems.append(
            _problem(
                rel,
                1,
                "the example measures or draws but shows no machine stamp: call "
                "potok.plots.stamp(fig) on each figure and/or "
                "print(potok.machine.stamp())",
            )
        )
    if times and not used & QUICK:
        problems.append(
            _problem(
                rel,
                1,
                "the example times work but has no quick scale: choose its sizes "
                "with potok.measure.scale(default, quick) so that the tests "
                "(POTOK_QUICK=1) run it in a few seconds",
            )
        )
    problems += _children(tree, names, rel, src_root)
    problems += _toolkit_only(tree, rel)
    problems += _siblings_shown(tree, source, rel, path)
    problems += _claim_ids(tree, names, rel)
    # sphinx-gallery's config comments (``# sphinx_gallery_tags = [...]``) are
    # not counted: remove_config_comments takes them off the page
    n = sum(1 for line in source.splitlines() if not CONFIG_COMMENT.match(line))
    if n > MAX_LINES:
        problems.append(
            _problem(
                rel,
                MAX_LINES,
                f"the example has {n} lines, more than {MAX_LINES}: it teaches "
                "more than one thing; split it into examples of one idea each",
            )
        )
    return problems


def _toolkit_only(tree: ast.Module, rel: str) -> list[str]:
    """An example uses potok's toolkit only, never a module of one chapter."""
    problems = []
    for node in ast.walk(tree):
        used: list[str] = []
        if isinstance(node, ast.Import):
            used = [a.name for a in node.names if a.name.startswith("potok.")]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "potok":
                used = [f"potok.{a.name}" for a in node.names]
            elif node.module.startswith("potok."):
                used = [node.module]
        for module in used:
            if module not in TOOLKIT:
                problems.append(
                    _problem(
                        rel,
                        node.lineno,
                        f"{module} is not part of potok's toolkit "
                        f"({', '.join(sorted(TOOLKIT))}): the code this page "
                        "teaches belongs on the page, in the example itself (or, "
                        "if another process must import it, in a module beside "
                        "the example, shown whole)",
                    )
                )
    return problems


def _siblings_shown(tree: ast.Module, source: str, rel: str, path: Path) -> list[str]:
    """Every module beside the example that it imports is shown on its page."""
    folder = path.parent
    problems = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module.split(".")[0]]
        for name in names:
            if not (folder / f"{name}.py").is_file():
                continue
            shown = re.search(
                rf"^#\s*\.\. literalinclude:: {re.escape(name)}\.py\s*$",
                source,
                re.M,
            )
            if not shown:
                problems.append(
                    _problem(
                        rel,
                        node.lineno,
                        f"the example imports {name}.py from beside it, but its "
                        "page does not show it: in the prose block that explains "
                        f"it, add '# .. literalinclude:: {name}.py' (the reader "
                        "must see every line the page teaches)",
                    )
                )
    return problems


def sibling_clashes(examples_dir: Path) -> list[str]:
    """Modules beside examples in two sections under one name: the gallery runs
    every example in one process, so the second import would get the first
    module (sys.modules caches it by name)."""
    seen: dict[str, Path] = {}
    problems = []
    for module in sorted(examples_dir.glob("*/_*.py")):
        if module.name == "__init__.py":
            continue
        if module.name in seen:
            problems.append(
                f"{_shown(module)}: a module of the same name is beside another "
                f"example ({_shown(seen[module.name])}); the gallery runs all "
                "examples in one process, where the second would import the "
                "first: name it after its example (_deadlock.py)"
            )
        seen.setdefault(module.name, module)
    return problems


def _claim_ids(tree: ast.Module, names: Names, rel: str) -> list[str]:
    """Each claims.check(...) starts with a literal id, unique in the example."""
    problems, seen = [], {}
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call) and names.qual(node.func) == "potok.claims.check"
        ):
            continue
        first = node.args[0] if node.args else None
        if isinstance(first, ast.JoinedStr):  # f"faster-{key}": checked when run
            parts = [v.value for v in first.values if isinstance(v, ast.Constant)]
            if all(re.fullmatch(r"[a-z0-9.-]*", str(part)) for part in parts):
                continue
        if not (
            isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and CLAIM_ID.fullmatch(first.value)
        ):
            problems.append(
                _problem(
                    rel,
                    node.lineno,
                    "claims.check() needs the claim's id first, a literal of "
                    "lowercase English words joined by hyphens (an f-string for "
                    "one claim per interpreter, f'faster-{key}'), e.g. "
                    "claims.check('threads-no-faster', 'текст', ...)",
                )
            )
            continue
        if first.value in seen:
            problems.append(
                _problem(
                    rel,
                    node.lineno,
                    f"the claim id {first.value!r} is used twice (also at line "
                    f"{seen[first.value]}): each claim of an example needs its own",
                )
            )
        seen.setdefault(first.value, node.lineno)
    return problems
