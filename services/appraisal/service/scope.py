"""Office data scope in appraisal: a restricted reader sees only the CMs placed in their office's subtree.

Results, evaluations, samples, owed evaluations, reminders, overspends and the summaries belong to the
office of their CM (as staffing placed them); a team pool to its lead's; a customer's ledger to the CMs
who served it. A CM placed nowhere counts as the head office's. Outside answers like an unknown id.
"""

from services.appraisal.models.base import OFFICES
from shared.office_scope import OfficeScope

SCOPE = OfficeScope(OFFICES)
