"""The hot reads run on a few threads of their own, in one hand-off with their caller's principal.

A synchronous endpoint runs in anyio's default pool (`request_threads`, 40 by default) and its
principal in another hand-off before it. Many runnable threads take the GIL from each other at every
database call: measured on the case read at eight connections, ~490 context switches per read and a
third of the throughput lost (bench/RESULTS.md, "Short reads on their own threads"). The reads below
are short by construction (a few indexed statements; on PostgreSQL they wait for no row lock, on
SQLite every writer waits for the one write lock anyway), so they share `short_request_threads`
(1 by default) instead, and a long request elsewhere (an import, a report, a lock wait) never holds
one of theirs.

An endpoint opts in by being `async def`, taking a `DeferredContext` and handing its whole work to
`short_work`: the principal is resolved on the same thread, right before the use case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from anyio import CapacityLimiter, to_thread
from anyio.lowlevel import RunVar
from fastapi import Depends, Request

from app.bootstrap import Container, Identity
from app.domain.principal import Principal
from app.entrypoints.api.deps import current_principal, get_container, get_identity
from app.services.context import RequestContext
from app.settings import Settings

T = TypeVar("T")

# One limiter per event loop, as anyio keeps its default one (a test client may run several loops).
_LIMITER: RunVar[CapacityLimiter] = RunVar("cockpit_short_work")


def short_work_limiter(settings: Settings) -> CapacityLimiter:
    """The running event loop's limiter of the short reads (called on that loop)."""
    try:
        return _LIMITER.get()
    except LookupError:
        limiter = CapacityLimiter(settings.short_request_threads)
        _LIMITER.set(limiter)
        return limiter


async def short_work(request: Request, work: Callable[[], T]) -> T:
    """Run `work` on the short-read threads; its exceptions (a 401, a 404) propagate unchanged."""
    limiter = short_work_limiter(request.app.state.container.settings)
    return await to_thread.run_sync(work, limiter=limiter)


ContextOnDemand = Callable[[], RequestContext]


async def deferred_context(
    request: Request,
    container: Annotated[Container, Depends(get_container)],
    identity: Annotated[Identity, Depends(get_identity)],
) -> ContextOnDemand:
    """The request context, built when called (on the worker thread): the same principal checks as
    every other endpoint (Bearer token, session cookie with CSRF, the dev header where allowed)."""

    def context() -> RequestContext:
        principal = _principal(request, container, identity)
        return container.context_for(principal, request.state.correlation_id)

    return context


def _principal(request: Request, container: Container, identity: Identity) -> Principal:
    # FastAPI applies a dependency override only to what it resolves itself; current_principal is
    # called here on the worker thread, so an override of it (the tests' one seam for acting as a
    # principal, tests/acting.py: a function without arguments) is honoured here as well.
    override = request.app.dependency_overrides.get(current_principal)
    if override is not None:
        principal: Principal = override()
        return principal
    return current_principal(request, container, identity)


DeferredContext = Annotated[ContextOnDemand, Depends(deferred_context)]
