"""GET /problems/{code}: what each problem code means, where a problem's `type` points."""

from typing import Annotated

from fastapi import APIRouter, Header, Path
from pydantic import BaseModel, Field

from shared.messages import language_of, render
from shared.messages.http import PROBLEM_CODES
from shared.problems import ProblemError

router = APIRouter(tags=["operations"])


class ProblemType(BaseModel):
    """One problem code: its status, title and what a client does about it."""

    type: str = Field(description="/problems/<code>")
    code: str
    status: int
    title: str = Field(description="In the caller's language")
    description: str = Field(description="What it means and what to do, in the caller's language")


@router.get(
    "/problems/{code}",
    summary="What a problem code means",
    response_model=ProblemType,
    responses={404: {"description": "No problem has this code"}, 422: {"description": "Malformed code"}},
)
async def problem_type(
    code: Annotated[str, Path(max_length=64)],
    accept_language: Annotated[str | None, Header(max_length=500)] = None,
) -> ProblemType:
    """The documentation of a problem `type`; 404 for a code that does not exist."""
    if code not in PROBLEM_CODES:
        raise ProblemError(404, "not_found", "http.not_found", {"path": f"/problems/{code}"})
    language = language_of(accept_language)
    return ProblemType(
        type=f"/problems/{code}",
        code=code,
        status=PROBLEM_CODES[code],
        title=render(f"title.{code}", language, {}) or code,
        description=render(f"about.{code}", language, {}) or "",
    )
