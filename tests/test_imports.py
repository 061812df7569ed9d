"""The package's import graph, read from its source with `ast`: no cycle, and no stage module
importing the orchestration above it. Imports inside functions count (a lazy import that
closes a circle still ties two modules together); those only for type checkers do not."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "claimcheck"
# Who may import whom: a module imports only modules of its own layer or below. Every module
# not named here is a stage (or data for stages) and sits at the bottom.
LAYERS = {
    "claimcheck.pipeline": 1,  # the only composition of the stages
    "claimcheck.query": 2,  # commands' library halves: they call the pipeline's functions
    "claimcheck.evaluate": 2,
    "claimcheck.batch": 2,
    "claimcheck.cli": 3,
    "claimcheck.__main__": 3,
    "claimcheck": 3,  # the facade: scan() and the data types
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    while module not in LAYERS and "." in module:
        module = module.rsplit(".", 1)[0]
        if module == "claimcheck":  # a stage module; only the facade itself is "claimcheck"
            return 0
    return LAYERS.get(module, 0)


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(module: str) -> set[str]:
    """The claimcheck modules `module` imports, by name."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    skipped = {id(n) for node in ast.walk(tree) if _type_checking_only(node) for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "claimcheck"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "claimcheck":
            for alias in node.names:  # `from claimcheck import pipeline` imports a module
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return {m for m in found if m != module}


GRAPH = {m: imports_of(m) for m in MODULES}


def test_every_import_names_a_module_of_the_package() -> None:
    unknown = {(m, i) for m, targets in GRAPH.items() for i in targets if i not in MODULES}
    assert not unknown


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of the graph, as a path that ends where it starts, or None."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for target in sorted(graph.get(module, ())):
            if cycle := visit(target, [*path, module]):
                return cycle
        done.add(module)
        return None

    return next((c for m in sorted(graph) if (c := visit(m, []))), None)


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{m} (layer {layer(m)}) imports {t} (layer {layer(t)})"
        for m, targets in graph.items()
        for t in targets
        if layer(t) > layer(m)
    )


def test_no_import_cycle() -> None:
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_module_imports_the_orchestration_above_it() -> None:
    assert not upward_imports(GRAPH), "\n".join(upward_imports(GRAPH))


def test_the_checks_find_what_they_look_for() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    assert upward_imports({"claimcheck.ingest": {"claimcheck.pipeline"}, "claimcheck.cli.scan": {"claimcheck.batch"}})
    assert upward_imports({"claimcheck.batch.run": {"claimcheck.pipeline", "claimcheck.stories"}}) == []
    # lazy imports are read, and a module named in `from claimcheck import x` is that module
    assert "claimcheck.batch.dask" in GRAPH["claimcheck.batch.run"]
    assert "claimcheck.pipeline" in GRAPH["claimcheck.batch.local"]
    # what only type checkers import is no import at run time
    assert "claimcheck.types" not in GRAPH["claimcheck.store"]
