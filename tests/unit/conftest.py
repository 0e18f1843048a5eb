"""The console's fake backends as fixtures for every unit test module (a module may define its own)."""

from tests.unit.console_fakes import fake
from tests.unit.console_hr_fakes import hr_fake

__all__ = ["fake", "hr_fake"]
