"""`steward token`: a development token, without loading the services or the broker client."""

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from shared.settings import ServiceSettings
from shared.tokens import Role, issue_token

ISSUER_FILE = "issuer.json"  # written by `steward up` (steward/issuer.py)


def local_issuer(var_dir: Path) -> str | None:
    """The local issuer's URL: STEWARD_ISSUER_URL, or the one a running `steward up` advertised."""
    if os.environ.get("STEWARD_ISSUER_URL"):
        return os.environ["STEWARD_ISSUER_URL"]
    try:
        found = json.loads((var_dir / ISSUER_FILE).read_text())
    except (OSError, ValueError):
        return None
    url = found.get("issuer") if isinstance(found, dict) else None
    return url if isinstance(url, str) else None


def ask_issuer(url: str, user: str, roles: list[str], org: str, hours: float) -> str | None:
    """A token from the local issuer, or None if it does not answer (then the shared-secret way)."""
    import httpx

    body = {"sub": user, "roles": roles, "org_id": org, "hours": hours}
    try:
        response = httpx.post(f"{url}/token", json=body, timeout=5.0)
        response.raise_for_status()
        token = response.json()["access_token"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None
    return token if isinstance(token, str) else None


def token(
    user: Annotated[str, typer.Option(help="User id (login); for a CM, their manager id")],
    role: Annotated[list[Role], typer.Option(help="Role; repeat for several")],
    org: Annotated[str, typer.Option(help="Cooperative (org_id)")] = "rcc-demo",
    hours: Annotated[float, typer.Option(min=0.01, max=24 * 30)] = 8.0,
    var_dir: Annotated[Path, typer.Option(help="Data folder of a running `steward up`")] = Path("var"),
) -> None:
    """Print a JWT from the local issuer of `steward up`, else signed with the development secret."""
    settings = ServiceSettings()
    if hours > settings.jwt_max_lifetime_hours:
        raise typer.BadParameter(
            f"a token lives at most {settings.jwt_max_lifetime_hours:g} h (JWT_MAX_LIFETIME_HOURS)",
            param_hint="--hours",
        )
    roles = sorted({r.value for r in role})
    url = local_issuer(var_dir)
    signed = ask_issuer(url, user, roles, org, hours) if url else None
    if signed is None:
        signed = issue_token(settings, user_id=user, roles=roles, org_id=org, ttl=timedelta(hours=hours))
    typer.echo(signed)


token_app = typer.Typer(add_completion=False)
token_app.command()(token)
