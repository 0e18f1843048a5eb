"""The list conventions of every service: `limit`/`offset`, the total, a `next` link, no unknown parameters.

A list keeps its JSON body a plain array, so existing clients keep working; the page travels in headers:
`X-Total-Count: <all matching items>` and, while more follow, `Link: </path?...&offset=N>; rel="next"`
(RFC 8288). Every list is ordered stably (its own order, ties broken by id), so pages neither skip nor
repeat an item while nothing changes.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000
TOTAL_HEADER = "X-Total-Count"


@dataclass
class Page:
    """One page of a list: which window the caller asked for, and how many items there are in all."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    total: int | None = None
    on_total: Callable[["Page"], None] = field(default=lambda _page: None, repr=False)

    @property
    def end(self) -> int:
        """The index just past this page."""
        return self.offset + self.limit

    def counted(self, total: int) -> None:
        """Record the total; the answer's headers follow it."""
        self.total = total
        self.on_total(self)

    def window(self, items: Sequence[T]) -> list[T]:
        """This page of a list built in full (lists bounded by their owner: a customer's visits, ...)."""
        self.counted(len(items))
        return list(items[self.offset : self.end])

    async def rows(self, session: AsyncSession, query: Select[Any]) -> list[Any]:
        """This page of an ordered query, and its total counted by the database."""
        total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        self.counted(int(total or 0))
        return list(await session.scalars(query.limit(self.limit).offset(self.offset)))

    async def records(self, session: AsyncSession, query: Select[Any]) -> list[Any]:
        """Like `rows`, for a query of several columns (whole rows, not scalars)."""
        total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        self.counted(int(total or 0))
        return list((await session.execute(query.limit(self.limit).offset(self.offset))).all())


def _headers(request: Request, response: Response) -> Callable[[Page], None]:
    def publish(page: Page) -> None:
        total = page.total or 0
        response.headers[TOTAL_HEADER] = str(total)
        if page.end < total:
            following = request.url.include_query_params(limit=page.limit, offset=page.end)
            response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'

    return publish


async def page_params(
    request: Request,
    response: Response,
    limit: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_LIMIT,
            description=f"items per page, at most {MAX_LIMIT}; the total is in {TOTAL_HEADER}",
        ),
    ] = DEFAULT_LIMIT,
    offset: Annotated[
        int,
        Query(ge=0, le=MAX_OFFSET, description='items to skip; follow the `Link: <...>; rel="next"` header'),
    ] = 0,
) -> Page:
    """The page a list request asks for; its total and next link go to the answer's headers."""
    return Page(limit=limit, offset=offset, on_total=_headers(request, response))


Paged = Annotated[Page, Depends(page_params)]
"""A list route's page: `limit` (1..MAX_LIMIT, default DEFAULT_LIMIT) and `offset`."""


def _query_names(dependant: Dependant) -> Iterator[str]:
    for param in dependant.query_params:
        model = param.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):  # a model of query parameters
            yield from (field.alias or name for name, field in model.model_fields.items())
        else:
            yield param.alias
    for sub in dependant.dependencies:
        yield from _query_names(sub)


async def refuse_unknown_query(request: Request) -> None:
    """422 for a query parameter the route does not declare: a typo must not silently widen a list."""
    route = request.scope.get("route")
    dependant: Dependant | None = getattr(route, "dependant", None)
    if dependant is None or not request.query_params:
        return
    known = set(_query_names(dependant))
    unknown = sorted({name for name in request.query_params if name not in known})
    if unknown:
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", name),
                    "msg": f"unknown query parameter; this route takes: {', '.join(sorted(known)) or 'none'}",
                    "input": name[:200],
                }
                for name in unknown
            ]
        )
