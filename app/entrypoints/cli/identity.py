"""Operator commands of the identity part: `cockpit clients`, `auth`, `users` and `dev`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from app.domain.identity import ClientAuthMethod
from app.entrypoints.cli.wiring import load_settings, wired
from app.settings import Environment, Settings

clients_app = typer.Typer(help="Fachanwendungen der Stellen (OAuth2-Clients)", no_args_is_help=True)
auth_app = typer.Typer(help="Signaturschlüssel der Zugriffstokens", no_args_is_help=True)
users_app = typer.Typer(help="Anmeldedaten der Mitarbeitenden", no_args_is_help=True)
dev_app = typer.Typer(help="Hilfen für die Entwicklung (nur im Modus dev)", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(clients_app, name="clients")
    app.add_typer(auth_app, name="auth")
    app.add_typer(users_app, name="users")
    app.add_typer(dev_app, name="dev")


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _now() -> datetime:
    return datetime.now(UTC)


# -- clients ----------------------------------------------------------------------------------------------


def _public_jwks(path: Path) -> dict[str, Any]:
    """A JWKS, a single JWK (JSON) or a PEM public key, as a JWKS of public keys."""
    from joserfc.errors import JoseError
    from joserfc.jwk import ECKey, KeySet, RSAKey

    text = path.read_text(encoding="utf-8")
    try:
        if text.lstrip().startswith("{"):
            data = json.loads(text)
            keys = KeySet.import_key_set(data if "keys" in data else {"keys": [data]})
        else:
            keys = KeySet([_pem_key(text.encode("utf-8"), ECKey, RSAKey)])
    except (ValueError, JoseError, KeyError, TypeError) as error:
        raise _fail(f"Öffentlicher Schlüssel unlesbar ({type(error).__name__}).") from None
    if any(key.is_private for key in keys):
        raise _fail("Die Datei enthält einen privaten Schlüssel; registriert wird nur der öffentliche.")
    public = []
    for key in keys:
        key.ensure_kid()
        public.append(key.as_dict(private=False))
    return {"keys": public}


def _pem_key(pem: bytes, *kinds: Any) -> Any:
    for kind in kinds:
        try:
            return kind.import_key(pem)
        except Exception:  # noqa: S112 - not this key type; try the next
            continue
    raise ValueError("kein EC- oder RSA-Schlüssel")


@clients_app.command("create")
def clients_create(
    client_id: str = typer.Argument(..., help="Client-ID, z. B. rav-solothurn-avam"),
    institution: str = typer.Option(..., "--institution", help="Code der Stelle, z. B. RAV-SOLOTHURN"),
    method: ClientAuthMethod = typer.Option(ClientAuthMethod.CLIENT_SECRET_BASIC, "--method"),
    public_key: Path | None = typer.Option(None, "--public-key", help="JWKS/JWK/PEM für private_key_jwt"),
) -> None:
    """Eine Fachanwendung registrieren. Ein Secret wird genau einmal angezeigt."""
    from app.bootstrap.operator import hash_client_secret, new_client_secret
    from app.services.errors import ServiceError
    from app.services.identity.clients import create_client

    secret = new_client_secret() if method.uses_secret else None
    jwks = None
    if not method.uses_secret:
        if public_key is None:
            raise _fail("private_key_jwt verlangt --public-key.", 2)
        jwks = _public_jwks(public_key)
    try:
        with wired() as container:
            created = create_client(
                container.uow_factory(),
                client_id=client_id,
                institution_code=institution,
                auth_method=method,
                now=_now(),
                secret=secret,
                secret_hash=hash_client_secret(secret) if secret else None,
                jwks=jwks,
            )
    except ServiceError as error:
        raise _fail(error.message) from None
    typer.echo(f"Client {created.client.client_id} registriert ({method.value}).")
    if created.secret:
        typer.echo(f"client_secret: {created.secret}")
        typer.echo("Das Secret wird nur jetzt angezeigt und nirgends im Klartext gespeichert.")


@clients_app.command("list")
def clients_list() -> None:
    """Alle Fachanwendungen mit Stelle, Methode und Status."""
    from app.services.identity.clients import list_clients

    with wired() as container:
        uow = container.uow_factory()
        with uow:
            codes = {i.id: i.code for i in uow.institutions.list()}
        clients = list_clients(uow)
    for client in clients:
        status = "aktiv" if client.enabled else f"gesperrt seit {client.disabled_at:%Y-%m-%d %H:%M} UTC"
        institution = codes.get(client.institution_id, "?")
        typer.echo(f"{client.client_id}\t{institution}\t{client.auth_method.value}\t{status}")


@clients_app.command("disable")
def clients_disable(client_id: str = typer.Argument(...)) -> None:
    """Eine Fachanwendung sofort sperren: auch bereits ausgestellte Tokens gelten nicht mehr."""
    from app.services.errors import ServiceError
    from app.services.identity.clients import disable_client

    try:
        with wired() as container:
            disable_client(container.uow_factory(), client_id, _now())
    except ServiceError as error:
        raise _fail(error.message) from None
    typer.echo(f"Client {client_id} gesperrt.")


# -- signing keys -----------------------------------------------------------------------------------------


def _key_store(settings: Settings) -> Any:
    from app.bootstrap.operator import SigningKeyStore

    return SigningKeyStore(settings.signing_key_dir)


@auth_app.command("rotate-signing-key")
def auth_rotate() -> None:
    """Neuen Signaturschlüssel aktiv setzen; die bisherigen prüfen weiter, bis sie zurückgezogen sind."""
    settings = load_settings()
    kid = _key_store(settings).rotate(
        dev=not settings.is_production and settings.auth_signing_key_dir is None
    )
    typer.echo(f"Neuer aktiver Signaturschlüssel: {kid}")


@auth_app.command("retire-signing-key")
def auth_retire(kid: str = typer.Argument(...)) -> None:
    """Einen alten Signaturschlüssel zurückziehen: damit signierte Tokens gelten nicht mehr."""
    from app.bootstrap.operator import SigningKeyError

    try:
        _key_store(load_settings()).retire(kid)
    except SigningKeyError as error:
        raise _fail(str(error)) from None
    typer.echo(f"Signaturschlüssel {kid} zurückgezogen.")


@auth_app.command("list-signing-keys")
def auth_list() -> None:
    """Die Schlüssel-IDs; der aktive ist markiert."""
    store = _key_store(load_settings())
    active = store.active_kid()
    for kid in store.by_kid():
        typer.echo(f"{kid}{'  (aktiv)' if kid == active else ''}")


# -- users ------------------------------------------------------------------------------------------------


@users_app.command("set-password")
def users_set_password(
    username: str = typer.Argument(...),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Passwort einer Person setzen (argon2id)."""
    from app.bootstrap.operator import Argon2PasswordHasher
    from app.services.identity.login import set_password

    try:
        with wired() as container:
            set_password(container.uow_factory(), Argon2PasswordHasher(), username, password)
    except (ValueError, LookupError) as error:
        raise _fail(str(error)) from None
    typer.echo(f"Passwort für {username} gesetzt.")


@users_app.command("enable-totp")
def users_enable_totp(username: str = typer.Argument(...)) -> None:
    """Zweiten Faktor (TOTP) einrichten; das Geheimnis wird genau einmal angezeigt."""
    from app.domain.totp import provisioning_uri
    from app.services.identity.login import enable_totp

    try:
        with wired() as container:
            secret = enable_totp(container.uow_factory(), username)
    except LookupError as error:
        raise _fail(str(error)) from None
    typer.echo(f"TOTP-Geheimnis: {secret}")
    typer.echo(f"Für die Authenticator-App: {provisioning_uri(secret, username)}")


# -- dev --------------------------------------------------------------------------------------------------


@dev_app.command("token")
def dev_token(username: str = typer.Argument(..., help="z. B. demo-sd")) -> None:
    """Ein API-Zugriffstoken für einen (Demo-)Benutzer ausgeben. Nur im Modus dev."""
    from app.bootstrap import build_identity
    from app.services.identity.tokens import issue_dev_user_token

    settings = load_settings()
    if settings.environment is not Environment.DEV:
        raise _fail("`cockpit dev token` gibt es nur im Modus dev (COCKPIT_ENVIRONMENT=dev).", 2)
    with wired(settings) as container, container.uow_factory() as uow:
        user = uow.users.by_username(username)
    if user is None or not user.active:
        raise _fail("Unbekannter oder inaktiver Benutzer.")
    identity = build_identity(settings)
    typer.echo(
        issue_dev_user_token(
            identity.codec, user.as_principal(), _now(), settings.access_token_lifetime_seconds
        )
    )
