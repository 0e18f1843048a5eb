"""Customer value (R-C7) and the 80/20 view (R-M6)."""

from pydantic import BaseModel

from services.customer.domain.classification import Importance
from shared.money import Money


class ValueRead(BaseModel):
    """A customer's value, what it is made of, and the importance it suggests."""

    customer_id: str
    name: str
    value: Money
    deposit: Money
    loan: Money
    profit_last_12m: Money
    profit_prior_12m: Money
    importance: Importance
    suggested_importance: Importance
    top_fifth: bool
    served_by_senior: bool
