"""A CM's sign-in login, linked to their manager record by HR (issue 16)."""

from pydantic import BaseModel, ConfigDict, Field


class LoginWrite(BaseModel):
    """The identity provider's login of the CM (its `OIDC_LOGIN_CLAIM`)."""

    model_config = ConfigDict(extra="forbid")

    login: str = Field(
        min_length=1,
        max_length=128,
        pattern=r"^\S+$",
        description="the login the identity provider puts in the login claim; one CM per login",
        examples=["zhang.san"],
    )


class LoginRead(BaseModel):
    """The login that signs in as the manager."""

    manager_id: str
    login: str
