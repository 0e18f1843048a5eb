"""The short chaos check (issue 13): one seeded run of `tests.chaos`, kills and a broker restart included.

`make chaos` runs ten seeds; a failing seed is named in the assertion and reproduces with
`python -m tests.chaos --seed <seed>`.
"""

import os

from tests.chaos import run_seed

SEED = int(os.environ.get("STEWARD_CHAOS_SEED", "1"))


async def test_chaos_nothing_lost_nothing_twice_partitions_at_their_end_outbox_drained():
    chaos = await run_seed(SEED, rounds=3, customers=40)
    assert chaos.kills + chaos.broker_restarts >= 1, "the seed must fault at least once"
