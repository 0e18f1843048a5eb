"""Office data scope in audit: a restricted reader sees only the audit work of their office's subtree.

A departure audit and a finding belong to the office of their CM (as staffing placed them); a finding
with no CM, or a CM placed nowhere, counts as the head office's. A spot check belongs to the office it was
drawn in: a restricted auditor draws from their subtree's population only. Outside answers like unknown.
"""

from services.audit.models import OFFICES
from shared.office_scope import OfficeScope

SCOPE = OfficeScope(OFFICES)
