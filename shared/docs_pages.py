"""The API and event document pages, with every asset served by the service itself (no CDN, no inline script).

Swagger UI and the AsyncAPI viewer are vendored under `shared/static/vendor/` (see VENDORED.md); the
pages load them and one small script of ours each, so they work in a closed network and under a CSP
that allows only 'self'.
"""

from html import escape
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
STATIC_PATH = "/static"
router = APIRouter(include_in_schema=False)


def _page(title: str, root: str, styles: list[str], body: str, scripts: list[str]) -> str:
    links = "".join(f'\n<link rel="stylesheet" href="{root}{STATIC_PATH}/{s}">' for s in styles)
    tags = "".join(f'\n<script src="{root}{STATIC_PATH}/{s}"></script>' for s in scripts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="icon" type="image/png" href="{root}{STATIC_PATH}/vendor/swagger-ui/favicon-32x32.png">'
        f"{links}\n</head>\n<body>\n{body}{tags}\n</body>\n</html>\n"
    )


def _root(request: Request) -> str:
    return escape(str(request.scope.get("root_path", "")).rstrip("/"))


@router.get("/docs", response_class=HTMLResponse)
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over this service's OpenAPI document."""
    root = _root(request)
    openapi = escape(f"{root}{request.app.openapi_url}")
    return HTMLResponse(
        _page(
            f"{request.app.title} API",
            root,
            ["vendor/swagger-ui/swagger-ui.css", "docs.css"],
            f'<div id="swagger-ui" data-openapi-url="{openapi}"></div>',
            ["vendor/swagger-ui/swagger-ui-bundle.js", "docs.js"],
        )
    )


def asyncapi_html(request: Request, title: str) -> str:
    """The AsyncAPI viewer page; its script reads the document from the same URL as JSON."""
    root = _root(request)
    return _page(
        f"{title} AsyncAPI",
        root,
        ["vendor/asyncapi/default.min.css", "docs.css"],
        f'<div id="asyncapi" data-document-url="{root}{escape(request.url.path)}"></div>',
        ["vendor/asyncapi/index.js", "asyncapi.js"],
    )


def install_docs(app: FastAPI) -> None:
    """Serve /docs and the static assets of both document pages from the app."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC), name="static")
    app.include_router(router)
