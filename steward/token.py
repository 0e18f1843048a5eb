"""`steward token`: a development token, without loading the services or the broker client."""

from datetime import timedelta
from typing import Annotated

import typer

from shared.settings import ServiceSettings
from shared.tokens import Role, issue_token


def token(
    user: Annotated[str, typer.Option(help="User id; for a CM, their manager id")],
    role: Annotated[list[Role], typer.Option(help="Role; repeat for several")],
    org: Annotated[str, typer.Option(help="Cooperative (org_id)")] = "rcc-demo",
    hours: Annotated[float, typer.Option(min=0.01, max=24 * 30)] = 8.0,
) -> None:
    """Print a JWT signed with the development secret (or STEWARD_JWT_SECRET)."""
    settings = ServiceSettings()
    try:
        signed = issue_token(
            settings, user_id=user, roles=[r.value for r in role], org_id=org, ttl=timedelta(hours=hours)
        )
    except ValueError as exc:  # longer than the services accept (JWT_MAX_LIFETIME_HOURS)
        raise typer.BadParameter(str(exc), param_hint="--hours") from exc
    typer.echo(signed)


token_app = typer.Typer(add_completion=False)
token_app.command()(token)
