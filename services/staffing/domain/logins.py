"""A CM's sign-in login (issue 16): one login per manager and per cooperative."""

from shared.errors import Conflict


def needs_link(login: str, manager_id: str, holder: str | None) -> bool:
    """Whether the login is still to be linked to the manager; a login another manager holds is a 409."""
    if holder is None:
        return True
    if holder != manager_id:
        raise Conflict("staffing.login.taken", login=login, manager_id=holder)
    return False
