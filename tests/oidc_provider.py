"""A small OpenID Connect provider of the tests' own: authorisation code flow, RS256 id tokens, no UI.

Serves, on 127.0.0.1 and a free port, in a background thread:
  /.well-known/openid-configuration   discovery metadata (PKCE S256 advertised)
  /authorize   no login form: redirects straight back with a one-time code for `provider.next_user`
               (the test sets it beforehand; None answers error=access_denied), carrying state and
               recording nonce and PKCE challenge
  /token       checks the code (single use, 60 s), client authentication (basic or post), redirect_uri
               and the PKCE verifier; returns an id token (iss, aud, sub, iat, exp, nonce, at_hash,
               preferred_username, email, name) signed with a per-run RSA key
  /jwks        that key's public half
  /logout      end-session endpoint: records the call, redirects to post_logout_redirect_uri

Bounded: request bodies over 16 KiB are refused, every socket times out after 10 s, and the server
shuts itself down after `lifetime_s` if the test never stops it. Keys (joserfc, Authlib's own JOSE
library) are made per instance; nothing is written to disk.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

MAX_BODY = 16 * 1024
CODE_LIFETIME_S = 60


@dataclass
class Identity:
    """Who the provider says signed in."""

    sub: str
    preferred_username: str | None
    email: str = ""
    name: str = ""

    def claims(self) -> dict:
        out = {"sub": self.sub, "email": self.email, "name": self.name}
        if self.preferred_username is not None:
            out["preferred_username"] = self.preferred_username
        return out


@dataclass
class _Grant:
    identity: Identity
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: float


@dataclass
class Record:
    """What the relying party sent, for the test to assert on."""

    authorize: list[dict] = field(default_factory=list)
    token: list[dict] = field(default_factory=list)
    logout: list[dict] = field(default_factory=list)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _s256(verifier: str) -> str:
    return _b64url(hashlib.sha256(verifier.encode()).digest())


class OIDCProvider:
    def __init__(self, client_id: str, client_secret: str, redirect_uri: str, *, lifetime_s: float = 600) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.lifetime_s = lifetime_s
        self.next_user: Identity | None = None
        self.record = Record()
        self._key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"})
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self.issuer = ""

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> OIDCProvider:
        provider = self

        class Handler(_Handler):
            owner = provider

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()
        self._timer = threading.Timer(self.lifetime_s, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._timer is not None:
            self._timer.cancel()

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def __enter__(self) -> OIDCProvider:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ protocol

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "iat", "exp", "nonce", "preferred_username", "email", "name"],
        }

    def jwks(self) -> dict:
        return KeySet([self._key]).as_dict(private=False)

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.record.authorize.append(dict(query))
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or redirect_uri != self.redirect_uri:
            return 400, {"Content-Type": "text/plain"}, b"unknown client or redirect_uri"
        back: dict[str, str] = {}
        if query.get("state"):
            back["state"] = query["state"]
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            back["error"] = "invalid_request"
        elif self.next_user is None:
            back["error"] = "access_denied"
        else:
            code = secrets.token_urlsafe(24)
            with self._lock:
                self._grants[code] = _Grant(
                    identity=self.next_user,
                    client_id=self.client_id,
                    redirect_uri=redirect_uri,
                    nonce=query.get("nonce"),
                    code_challenge=query.get("code_challenge"),
                    code_challenge_method=query.get("code_challenge_method"),
                    expires_at=time.time() + CODE_LIFETIME_S,
                )
            back["code"] = code
        return 302, {"Location": f"{redirect_uri}?{urlencode(back)}"}, b""

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict]:
        client_id, client_secret, method = form.get("client_id"), form.get("client_secret"), "client_secret_post"
        if authorization and authorization.startswith("Basic "):
            try:
                decoded = base64.b64decode(authorization[6:]).decode()
            except (ValueError, UnicodeDecodeError):
                return 401, {"error": "invalid_client"}
            client_id, client_secret = (unquote_plus(part) for part in decoded.partition(":")[::2])
            method = "client_secret_basic"
        entry = {"grant_type": form.get("grant_type"), "auth_method": method, "pkce": "code_verifier" in form}
        self.record.token.append(entry)
        if client_id != self.client_id or not secrets.compare_digest(client_secret or "", self.client_secret):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)  # single use, even when refused below
        if grant is None or grant.expires_at < time.time() or grant.client_id != client_id:
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        if grant.code_challenge is not None:
            verifier = form.get("code_verifier", "")
            matches = secrets.compare_digest(_s256(verifier), grant.code_challenge)
            if grant.code_challenge_method != "S256" or not matches:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
            entry["pkce_verified"] = True
        access_token = secrets.token_urlsafe(32)
        now = int(time.time())
        claims = grant.identity.claims() | {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "at_hash": _b64url(hashlib.sha256(access_token.encode()).digest()[:16]),
        }
        if grant.nonce:
            claims["nonce"] = grant.nonce
        id_token = jwt.encode({"alg": "RS256", "kid": self._key.kid}, claims, self._key)
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "openid email profile",
            "id_token": id_token,
        }

    def logout(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.record.logout.append(dict(query))
        target = query.get("post_logout_redirect_uri")
        if target != self.redirect_uri:  # only the registered address, never an open redirect
            return 200, {"Content-Type": "text/plain"}, b"signed out"
        extra = f"?{urlencode({'state': query['state']})}" if query.get("state") else ""
        return 302, {"Location": target + extra}, b""


class _Handler(BaseHTTPRequestHandler):
    owner: OIDCProvider
    timeout = 10  # seconds a socket may sit idle

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the test output is for the tests

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: dict) -> None:
        self._send(status, {"Content-Type": "application/json"}, json.dumps(payload).encode())

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            self._json(200, self.owner.metadata())
        elif url.path == "/jwks":
            self._json(200, self.owner.jwks())
        elif url.path == "/authorize":
            self._send(*self.owner.authorize(query))
        elif url.path == "/logout":
            self._send(*self.owner.logout(query))
        else:
            self._send(404, {"Content-Type": "text/plain"}, b"not found")

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if urlparse(self.path).path != "/token":
            self._send(404, {"Content-Type": "text/plain"}, b"not found")
            return
        if length > MAX_BODY:
            self._json(413, {"error": "invalid_request"})
            return
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode(errors="replace")).items()}
        self._json(*self.owner.token(form, self.headers.get("Authorization")))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
