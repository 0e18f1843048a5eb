"""The test OpenID provider (oidc_provider.py) over HTTP on a free loopback port, in a thread."""

import html
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload

from tests.browser.oidc_provider import Provider


class Request(OAuth2Request):  # type: ignore[misc]
    """An HTTP request as Authlib's server reads it (query and form merged into the payload)."""

    def __init__(self, method: str, uri: str, headers: dict[str, str], form: dict[str, str]) -> None:
        super().__init__(method, uri, headers=headers)
        self._args = dict(parse_qsl(urlsplit(uri).query))
        self._form = form
        self.payload = BasicOAuth2Payload({**self._args, **form})

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


LOGIN_FORM = """<!doctype html><html><head><meta charset="utf-8"><title>Test IdP</title></head><body>
<h1>Test IdP</h1><p id="error">{error}</p>
<form method="post" action="/authorize?{query}">
<label>Username <input id="username" name="username"></label>
<label>Password <input id="password" name="password" type="password"></label>
<button id="login" type="submit">Log in</button></form></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    provider: Provider

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _send(self, status: int, body: Any, headers: list[tuple[str, str]] | None = None) -> None:
        headers = list(headers or [])
        if isinstance(body, dict):
            body = json.dumps(body)
            if not any(k.lower() == "content-type" for k, _ in headers):
                headers.append(("Content-Type", "application/json"))
        data = (body or "").encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if not any(k.lower() == "content-type" for k, _ in headers):
            self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _request(self) -> Request:
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode())) if length else {}
        uri = f"{self.provider.issuer}{self.path}"
        return Request(self.command, uri, dict(self.headers.items()), form)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        p = self.provider
        if path == "/.well-known/openid-configuration":
            return self._send(200, p.metadata())
        if path == "/jwks":
            return self._send(200, {"keys": [p.key.as_dict(private=False)]})
        request = self._request()
        if path == "/authorize":
            try:
                p.get_consent_grant(request)
            except OAuth2Error as error:
                return self._send(400, f"<p id='error'>{html.escape(error.error)}</p>")
            return self._send(200, LOGIN_FORM.format(error="", query=html.escape(urlsplit(self.path).query)))
        if path == "/userinfo":
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            grant = p.grants.get(token)
            if grant is None or grant.access_token != token:
                return self._send(401, {"error": "invalid_token"})
            return self._send(200, dict(grant.user.claims))
        if path == "/logout":
            try:
                answer = p.create_endpoint_response("end_session", request)
            except OAuth2Error as error:
                return self._send(400, f"<p id='error'>{html.escape(error.error)}</p>")
            return self._send(*answer) if answer else self._send(200, "<p id='signed-out'>Signed out</p>")
        return self._send(404, "not found")

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        p = self.provider
        request = self._request()
        if path == "/token":
            return self._send(*p.create_token_response(request))
        if path == "/authorize":
            user = p.users.get(request.form.get("username", ""))
            if user is None or not secrets.compare_digest(user.password, request.form.get("password", "")):
                query = html.escape(urlsplit(self.path).query)
                return self._send(200, LOGIN_FORM.format(error="Wrong username or password", query=query))
            try:
                grant = p.get_consent_grant(request, end_user=user)
            except OAuth2Error as error:
                return self._send(400, f"<p id='error'>{html.escape(error.error)}</p>")
            return self._send(*p.create_authorization_response(request, grant_user=user, grant=grant))
        return self._send(404, "not found")


class RunningProvider:
    """The provider served on a free loopback port in a thread."""

    def __init__(self, provider: Provider) -> None:
        handler = type("Handler", (_Handler,), {"provider": provider})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        provider.issuer = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.provider = provider
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        """The issuer URL (discovery under it)."""
        return self.provider.issuer

    def __enter__(self) -> "RunningProvider":
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
