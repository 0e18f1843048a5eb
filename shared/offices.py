"""The cooperative's office tree as of a date: pure functions every service that projects it shares."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Scope(StrEnum):
    """How far a user's data scope reaches: the role's default, their office's subtree, or all."""

    DEFAULT = "default"
    SUBTREE = "subtree"
    ALL = "all"


@dataclass(frozen=True)
class OfficeVersion:
    """An office's place in the tree from a date: its parent (None for the cooperative) and name."""

    office_id: str
    effective_from: date
    parent_id: str | None
    code: str = ""
    name: str = ""


def tree_as_of(versions: Iterable[OfficeVersion], on: date) -> dict[str, OfficeVersion]:
    """Each office that exists on a date, as its newest version in force then."""
    tree: dict[str, OfficeVersion] = {}
    for v in versions:
        if v.effective_from > on:
            continue
        known = tree.get(v.office_id)
        if known is None or known.effective_from <= v.effective_from:
            tree[v.office_id] = v
    return tree


def children(tree: Mapping[str, OfficeVersion]) -> dict[str | None, list[str]]:
    """Child ids of each office (None: the roots), sorted by code then id."""
    found: dict[str | None, list[str]] = {}
    for v in sorted(tree.values(), key=lambda o: (o.code, o.office_id)):
        found.setdefault(v.parent_id, []).append(v.office_id)
    return found


def subtree(tree: Mapping[str, OfficeVersion], office_id: str) -> list[str]:
    """The office and every office below it, depth first (empty if the office does not exist then)."""
    if office_id not in tree:
        return []
    below = children(tree)
    result, stack, seen = [], [office_id], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        result.append(current)
        stack.extend(reversed(below.get(current, [])))
    return result


def ancestors(tree: Mapping[str, OfficeVersion], office_id: str) -> list[str]:
    """The offices above one, nearest first (stops on a cycle or a missing parent)."""
    path: list[str] = []
    current = tree.get(office_id)
    while current is not None and current.parent_id is not None and current.parent_id not in path:
        if current.parent_id == office_id:
            break
        path.append(current.parent_id)
        current = tree.get(current.parent_id)
    return path


def has_cycle(tree: Mapping[str, OfficeVersion]) -> bool:
    """True if some office is its own ancestor."""
    for office_id in tree:
        seen = {office_id}
        current = tree[office_id].parent_id
        while current is not None:
            if current in seen:
                return True
            seen.add(current)
            parent = tree.get(current)
            current = parent.parent_id if parent is not None else None
    return False


def change_dates(versions: Iterable[OfficeVersion]) -> list[date]:
    """Every date on which the tree changes, in order."""
    return sorted({v.effective_from for v in versions})


def closure(tree: Mapping[str, OfficeVersion]) -> list[tuple[str, str]]:
    """(ancestor, descendant) pairs of the tree, each office its own ancestor too."""
    below = children(tree)  # once, not once per office
    pairs: list[tuple[str, str]] = []
    for a in tree:
        stack, seen = [a], set()
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                pairs.append((a, current))
                stack.extend(reversed(below.get(current, [])))
    return pairs


def members_by_office(tree: Mapping[str, OfficeVersion], placed: Mapping[str, str]) -> dict[str, list[str]]:
    """Who is at or below each office (a branch's members include its outlets'), offices in tree order."""
    at: dict[str, list[str]] = {}
    for member, office in placed.items():
        at.setdefault(office, []).append(member)
    below = children(tree)
    found: dict[str, list[str]] = {o: [] for root in below.get(None, []) for o in subtree(tree, root)}
    for ancestor, descendant in closure(tree):
        if ancestor in found:
            found[ancestor].extend(at.get(descendant, []))
    return {office: sorted(members) for office, members in found.items()}
