"""The default grade ladder (R-Q3) as other services see it before a cooperative publishes its own.

Built from `shared.default_ladder`, the one definition staffing's domain builds its own from too.
"""

from shared.contracts.staffing import LadderGrade
from shared.default_ladder import DEFAULT_GRADES

DEFAULT_LADDER_GRADES: tuple[LadderGrade, ...] = tuple(
    LadderGrade.model_validate(g.values()) for g in DEFAULT_GRADES
)
