"""A small local token issuer for `steward up` and the tests: generated keys, discovery, JWKS, tokens.

It is an OpenID provider only as far as the services need one: they verify its tokens through discovery and
its JWK set exactly as they verify a production identity provider's. It listens on loopback only and signs
whatever it is asked: development, never production.
"""

import json
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from shared.timeutil import utcnow

ISSUER_FILE = "issuer.json"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 16_384


class SigningKey:
    """A private key with its id and algorithm (RS256 or ES256)."""

    def __init__(self, algorithm: str = "RS256", kid: str | None = None) -> None:
        self.algorithm = algorithm
        self.kid = kid or f"{algorithm.lower()}-{uuid.uuid4().hex[:12]}"
        if algorithm == "RS256":
            self.private: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif algorithm == "ES256":
            self.private = ec.generate_private_key(ec.SECP256R1())
        else:
            raise ValueError(f"unsupported algorithm {algorithm}")

    def jwk(self) -> dict[str, Any]:
        """The public half as a JWK."""
        codec: Any = RSAAlgorithm if self.algorithm == "RS256" else ECAlgorithm
        jwk: dict[str, Any] = codec.to_jwk(self.private.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "alg": self.algorithm, "use": "sig"})
        return jwk


class LocalIssuer:
    """Signs tokens with the newest of its keys and publishes the public keys it still holds."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, audience: str = "steward") -> None:
        if host not in LOOPBACK:
            raise ValueError("the local issuer listens on loopback only")
        self.audience = audience
        self.keys: list[SigningKey] = [SigningKey()]
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._thread: threading.Thread | None = None
        self.requests = 0  # JWKS and discovery documents served, for tests of caching

    @property
    def url(self) -> str:
        """The issuer identifier, which is also where its discovery document is."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def rotate(self, algorithm: str = "RS256", *, keep_old: bool = True) -> SigningKey:
        """A new signing key; the old ones stay published (tokens they signed stay valid) unless told."""
        key = SigningKey(algorithm)
        self.keys = [*self.keys, key] if keep_old else [key]
        return key

    def withdraw(self, kid: str) -> None:
        """Stop publishing a key."""
        self.keys = [k for k in self.keys if k.kid != kid]

    def jwks(self) -> dict[str, Any]:
        """The published key set."""
        return {"keys": [k.jwk() for k in self.keys]}

    def discovery(self) -> dict[str, Any]:
        """The OpenID Connect discovery document (the parts a resource server reads)."""
        return {
            "issuer": self.url,
            "jwks_uri": f"{self.url}/jwks.json",
            "token_endpoint": f"{self.url}/token",
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "subject_types_supported": ["public"],
            "response_types_supported": ["token"],
        }

    def sign(self, claims: dict[str, Any], key: SigningKey | None = None) -> str:
        """Sign claims as they are, with the newest key or the one given."""
        chosen = key or self.keys[-1]
        return jwt.encode(claims, chosen.private, algorithm=chosen.algorithm, headers={"kid": chosen.kid})

    def issue(
        self,
        *,
        user_id: str,
        roles: list[str],
        org_id: str,
        ttl: timedelta = timedelta(hours=8),
        key: SigningKey | None = None,
        **extra: Any,
    ) -> str:
        """A token for a user, shaped like the shared-secret ones (sub, roles, org_id)."""
        now = utcnow()
        claims: dict[str, Any] = {
            "sub": user_id,
            "roles": sorted(set(roles)),
            "org_id": org_id,
            "iss": self.url,
            "aud": self.audience,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
        }
        claims.update(extra)
        return self.sign(claims, key)

    def start(self) -> "LocalIssuer":
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="issuer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def advertise(self, var_dir: Path) -> Path:
        """Write where the issuer answers, for `steward token`."""
        path = var_dir / ISSUER_FILE
        path.write_text(json.dumps({"issuer": self.url}))
        return path


def _handler(issuer: LocalIssuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the suite has its own logs."""

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/.well-known/openid-configuration":
                issuer.requests += 1
                self._send(200, issuer.discovery())
            elif self.path == "/jwks.json":
                issuer.requests += 1
                self._send(200, issuer.jwks())
            else:
                self._send(404, {"error": "not_found"})

        def do_POST(self) -> None:
            if self.path != "/token":
                self._send(404, {"error": "not_found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                if length > MAX_BODY:
                    raise ValueError("too large")
                asked = json.loads(self.rfile.read(length) or b"{}")
                token = issuer.issue(
                    user_id=str(asked["sub"]),
                    roles=[str(r) for r in asked["roles"]],
                    org_id=str(asked["org_id"]),
                    ttl=timedelta(hours=float(asked.get("hours", 8))),
                )
            except (ValueError, KeyError, TypeError):
                self._send(400, {"error": "invalid_request"})
                return
            self._send(200, {"access_token": token, "token_type": "Bearer"})

    return Handler


def advertised_url(var_dir: Path) -> str | None:
    """The URL a running `steward up` advertised in its data folder, if any."""
    try:
        found = json.loads((var_dir / ISSUER_FILE).read_text())
    except (OSError, ValueError):
        return None
    url = found.get("issuer") if isinstance(found, dict) else None
    return url if isinstance(url, str) else None
