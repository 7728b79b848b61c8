"""Dependencies between expressions: which fields an expression reads, cycles, and the order in
which calculated fields and conditions must be evaluated.

Entry points: `field_dependencies(node)`, `find_cycles(formulas)`, `topological_order(graph)`
(Kahn's algorithm), `CycleError`.

Invariants: results are deterministic (ties broken by name) so that the same revision always
compiles to the same plan; nothing here evaluates an expression.
"""

from __future__ import annotations

import heapq
from typing import Any, Iterable, Mapping

from .ast import Node, parse, variables


class CycleError(ValueError):
    """The graph has cycles; `cycles` lists them (each in order, smallest name first)."""

    def __init__(self, cycles: list[list[str]]):
        self.cycles = cycles
        super().__init__("cycle: " + "; ".join(" -> ".join(c) for c in cycles))


def field_dependencies(node: Node | Any) -> frozenset[str]:
    """Stable ids the expression reads. A column is named by its own id, whether the expression
    reads its cell in the current row or aggregates it over the rows: either way the column's
    condition and formula (which also wait for the block's visibility) are evaluated first."""
    return variables(parse(node))


def find_cycles(formulas: Mapping[str, Any]) -> list[list[str]]:
    """Cycles among calculated fields (`formulas` maps a field's stable id to its formula, JSON or
    parsed). Each cycle is a list of ids in dependency order, starting with the smallest id
    (`a` reads `b` reads `a` -> `["a", "b"]`); a formula reading its own field is `["a"]`.
    One cycle per strongly connected component; sorted."""
    graph = {owner: sorted(field_dependencies(ast) & formulas.keys()) for owner, ast in formulas.items()}
    return _cycles(graph)


def _cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    graph = {k: sorted(set(v) & graph.keys()) for k, v in graph.items()}
    cycles = []
    for component in _strong_components(graph):
        members = set(component)
        start = min(component)
        if len(component) == 1 and start not in graph[start]:
            continue
        cycles.append(_cycle_in(graph, members, start))
    return sorted(cycles)


def _strong_components(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (deep graphs must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def _cycle_in(graph: Mapping[str, list[str]], members: set[str], start: str) -> list[str]:
    """A simple cycle through `start` inside one strongly connected component (BFS back to start)."""
    previous: dict[str, str] = {}
    queue = [start]
    seen = {start}
    while queue:
        next_queue = []
        for node in queue:
            for child in graph[node]:
                if child not in members:
                    continue
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return list(reversed(path))
                if child not in seen:
                    seen.add(child)
                    previous[child] = node
                    next_queue.append(child)
        queue = next_queue
    return [start]  # unreachable for a real component


def topological_order(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Nodes ordered so that each comes after everything it depends on (`graph` maps a node to
    its dependencies; dependencies that are not keys are ignored). Kahn's algorithm, ties broken
    by name. Raises `CycleError` listing the cycles."""
    deps = {node: set(d) & graph.keys() for node, d in graph.items()}
    dependents: dict[str, list[str]] = {node: [] for node in deps}
    remaining = {}
    for node, node_deps in deps.items():
        remaining[node] = len(node_deps)
        for dep in node_deps:
            dependents[dep].append(node)
    ready = [node for node, count in remaining.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for dependent in dependents[node]:
            remaining[dependent] -= 1
            if remaining[dependent] == 0:
                heapq.heappush(ready, dependent)
    if len(order) != len(deps):
        raise CycleError(_cycles({k: v for k, v in deps.items() if remaining[k] > 0}))
    return order


def hideable_fields(visibility_owners: Iterable[str], parents: Mapping[str, str | None]) -> set[str]:
    """Fields that may be hidden: those with a visibility condition and everything inside them
    (a section's fields, a block's columns, at any depth). A loop in `parents` is ignored."""
    owners = set(visibility_owners)
    result: set[str] = set()
    for start in set(parents) | owners:
        chain, node, seen = [], start, set()
        while node is not None and node not in seen:
            seen.add(node)
            chain.append(node)
            if node in owners or node in result:
                result.update(chain)
                break
            node = parents.get(node)
    return result


def step_graph(items: Iterable[Any], parents: Mapping[str, str | None]) -> dict[str, frozenset[str]]:
    """The evaluation graph of a revision: node -> the nodes it needs first.

    `items` are `LogicItem`s (ast JSON or parsed). Nodes: `"visible:<id>"` for each field that
    may be hidden (its condition, then its parent's visibility), `"value:<id>"` for each
    calculated field, `"rule:<index>"` for each ineligibility or routing item (index in `items`).
    A block column's nodes stand for its evaluation in every row, so a loop among the columns of
    one row is a cycle here too.
    Reading a field needs its visibility (a hidden field reads as empty) and, when calculated,
    its value; so a field whose visibility depends on a formula that reads it is a cycle."""
    items = list(items)
    conditions: dict[str, set[str]] = {}
    formulas: dict[str, set[str]] = {}
    rules: dict[str, set[str]] = {}
    for index, item in enumerate(items):
        reads = field_dependencies(item.ast)
        if item.usage == "visibility":
            conditions.setdefault(item.owner, set()).update(reads)
        elif item.usage == "calculated":
            formulas.setdefault(item.owner, set()).update(reads)
        else:
            rules[f"rule:{index}"] = set(reads)
    hideable = hideable_fields(conditions, parents)

    def needs(reads: Iterable[str]) -> set[str]:
        out = set()
        for name in reads:
            if name in hideable:
                out.add(f"visible:{name}")
            if name in formulas:
                out.add(f"value:{name}")
        return out

    graph: dict[str, frozenset[str]] = {}
    for name in hideable:
        required = needs(conditions.get(name, ()))
        parent = parents.get(name)
        if parent in hideable:
            required.add(f"visible:{parent}")
        graph[f"visible:{name}"] = frozenset(required)
    for name, reads in formulas.items():
        graph[f"value:{name}"] = frozenset(needs(reads))
    for key, reads in rules.items():
        graph[key] = frozenset(needs(reads))
    return graph
