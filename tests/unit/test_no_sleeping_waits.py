"""Issue 19: no test waits by sleeping; it polls a condition with a deadline (`tests.support.eventually`).

A `sleep` is allowed inside a polling loop (a `while`/`for` that re-checks a condition), as `sleep(0)`
(a yield to the event loop), and at the few places listed in `ALLOWED`, each with the reason why it is
not a wait for a condition.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

ALLOWED = {
    (
        "integration/test_scale_out.py",
        "test_two_consumer_replicas_share_partitions_and_one_takes_over_when_the_other_is_killed",
    ): "a load duration: the producer keeps publishing for 3 s after the kill, then the totals are checked",
    ("integration/test_scale_out.py", "test_two_outbox_relays_never_change_what_a_consumer_applies"): (
        "fault timing: the kill lands while a burst of commands is in flight"
    ),
    (
        "integration/test_fault_outages.py",
        "test_postgres_down_requests_fail_503_nothing_half_written_and_recovery_without_restart",
    ): "fault injection: the database stays down for a fixed time while an event is consumed",
    (
        "integration/test_audit_q7_race.py",
        "test_R_Q7_is_raised_whichever_of_two_concurrent_transactions_commits_first",
    ): "a race: one transaction is held open so the other one blocks behind its lock",
    ("integration/crash_worker.py", "main"): "a worker process's lifetime (the test kills it), not a wait",
}


def _sleeps(tree: ast.AST) -> list[tuple[int, str, bool]]:
    """Every `sleep(...)` call: its line, its enclosing function and whether a loop encloses it."""
    found: list[tuple[int, str, bool]] = []

    def visit(node: ast.AST, function: str, in_loop: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, function or child.name, False)
                continue
            if isinstance(child, ast.Call) and _is_sleep(child) and not _is_zero(child):
                found.append((child.lineno, function, in_loop))
            visit(child, function, in_loop or isinstance(child, (ast.While, ast.For, ast.AsyncFor)))

    visit(tree, "", False)
    return found


def _is_sleep(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == "sleep") or (
        isinstance(func, ast.Name) and func.id == "sleep"
    )


def _is_zero(call: ast.Call) -> bool:
    return bool(call.args) and isinstance(call.args[0], ast.Constant) and call.args[0].value == 0


def test_no_test_waits_by_sleeping_outside_a_polling_loop():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        name = path.relative_to(TESTS).as_posix()
        for line, function, in_loop in _sleeps(ast.parse(path.read_text(encoding="utf-8"))):
            if not in_loop and (name, function) not in ALLOWED:
                offenders.append(f"{name}:{line} in {function or '<module>'}")
    assert offenders == [], "sleep used as a wait; poll a condition instead (tests.support):\n" + "\n".join(
        offenders
    )


def test_the_checker_finds_a_sleeping_wait_and_spares_a_polling_loop():
    waits = ast.parse("async def t():\n    await asyncio.sleep(1)\n    assert done\n")
    polls = ast.parse("async def t():\n    while not done():\n        await asyncio.sleep(0.1)\n")
    assert _sleeps(waits) == [(2, "t", False)]
    assert _sleeps(polls) == [(3, "t", True)]
    assert _sleeps(ast.parse("async def t():\n    await asyncio.sleep(0)\n")) == []


def test_every_allowed_place_still_exists():
    for name, function in ALLOWED:
        tree = ast.parse((TESTS / name).read_text(encoding="utf-8"))
        assert any(f == function and not loop for _, f, loop in _sleeps(tree)), (name, function)
