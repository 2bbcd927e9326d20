"""Thin client: server-rendered German pages (Jinja2) on the same services as the API."""

from __future__ import annotations

from fastapi import FastAPI


def install_web(app: FastAPI) -> None:
    from app.web import login, oidc

    app.include_router(login.router)
    app.include_router(oidc.router)
