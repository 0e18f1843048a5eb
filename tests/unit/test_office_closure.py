"""The office tree's closure: each office with every office below it, itself included."""

import random
from datetime import date

from shared.offices import OfficeVersion, closure, members_by_office, subtree


def _tree(size: int, seed: int) -> dict[str, OfficeVersion]:
    rng = random.Random(seed)
    tree = {"o0": OfficeVersion("o0", date(2024, 1, 1), None, "HQ")}
    for n in range(1, size):
        parent = f"o{rng.randrange(n)}"
        tree[f"o{n}"] = OfficeVersion(f"o{n}", date(2024, 1, 1), parent, f"C{n:03d}")
    return tree


def test_the_closure_pairs_each_office_with_its_subtree() -> None:
    for seed in range(5):
        tree = _tree(60, seed)
        expected = [(a, d) for a in tree for d in subtree(tree, a)]
        assert closure(tree) == expected


def test_an_office_whose_parent_is_missing_is_only_its_own_ancestor() -> None:
    tree = {"x": OfficeVersion("x", date(2024, 1, 1), "gone", "X")}
    assert closure(tree) == [("x", "x")]


def test_a_branchs_members_include_its_outlets_members() -> None:
    for seed in range(5):
        tree = _tree(40, seed)
        rng = random.Random(seed)
        placed = {f"m{i}": f"o{rng.randrange(40)}" for i in range(100)}
        found = members_by_office(tree, placed)
        assert found["o0"] == sorted(placed)  # the head office: everyone
        for office in tree:
            below = set(subtree(tree, office))
            assert found[office] == sorted(m for m, o in placed.items() if o in below)
