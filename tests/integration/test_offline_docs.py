"""/docs and /asyncapi work in a closed network: every asset comes from the service, no script is inline."""

import re

import httpx
import pytest

from tests.inprocess import SERVICES, build_app, offline_settings

ASSET = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]*)\"""", re.IGNORECASE)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
PAGES = {"/docs": {}, "/asyncapi": {"Accept": "text/html"}}


@pytest.mark.parametrize("service", SERVICES)
async def test_every_document_page_loads_only_assets_the_service_serves(service, tmp_path):
    app = build_app(service, offline_settings(service, f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
        for path, headers in PAGES.items():
            page = await client.get(path, headers=headers)
            assert page.status_code == 200, path
            assert page.headers["content-type"].startswith("text/html")
            html = page.text
            assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html, re.IGNORECASE), (path, html)
            assert "asyncapi/try" not in html
            scripts = SCRIPT.findall(html)
            assert scripts, path
            assert all("src=" in attrs and not body.strip() for attrs, body in scripts), "inline script"
            assets = ASSET.findall(html)
            assert len(assets) >= 4, assets
            for asset in assets:
                assert asset.startswith("/"), asset
                served = await client.get(asset)
                assert served.status_code == 200, asset
                assert served.content, asset
        document = await client.get("/asyncapi")  # the viewer's script reads this as JSON
        assert document.json()["asyncapi"].startswith("3.")
        init = (await client.get("/static/docs.js")).text
        assert "validatorUrl: null" in init  # Swagger UI would otherwise call validator.swagger.io
