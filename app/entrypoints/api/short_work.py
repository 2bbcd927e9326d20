"""The hot reads run on a few threads of their own, in one hand-off with their caller's principal.

A synchronous endpoint runs in anyio's default pool (`request_threads`, 40 by default) and its
principal in another hand-off before it. Many runnable threads take the GIL from each other at every
database call: measured on the case read at eight connections, ~490 context switches per read and a
third of the throughput lost (bench/RESULTS.md, "Short reads on threads of their own"). The reads
below are short by construction (a few indexed statements; on PostgreSQL they wait for no row lock),
so they share `short_request_threads` (1 by default) instead, and a long request elsewhere (an
import, a report) never holds one of theirs. What they can still wait for (a pooled connection; on
SQLite the one write lock for their audit event) makes the next ones queue behind them, so a read
waits at most `short_request_wait_seconds` for its thread and is then answered 503 with Retry-After.
A client that hung up while its read waited is not served: its turn is passed on, nothing is read and
nothing audited, and the access log notes 499 (the client closed the request).

An endpoint opts in by being `async def`, taking a `DeferredContext` and handing its whole work to
`short_work`, which resolves the principal on the same thread and passes the context to the work:
the work cannot run without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from anyio import CapacityLimiter, move_on_after, to_thread
from anyio.lowlevel import RunVar
from fastapi import Depends, Request, Response

from app.bootstrap import Container, Identity
from app.domain.principal import Principal
from app.entrypoints.api.deps import current_principal, get_container, get_identity, require_a_credential
from app.entrypoints.api.problems import ProblemError
from app.services.context import RequestContext
from app.settings import SHORT_REQUEST_THREADS_MAX, Settings

T = TypeVar("T")

# Per event loop, as anyio keeps its default limiter (a test client may run several loops): the
# admission, sized by the setting, and the hand-off's own limiter, which admission keeps from ever
# being full (anyio's run_sync always takes one).
_ADMISSION: RunVar[CapacityLimiter] = RunVar("cockpit_short_work")
_HAND_OFF: RunVar[CapacityLimiter] = RunVar("cockpit_short_work_hand_off")


def short_work_limiter(settings: Settings) -> CapacityLimiter:
    """The running event loop's admission to the short reads (called on that loop)."""
    return _limiter(_ADMISSION, settings.short_request_threads)


def _limiter(variable: RunVar[CapacityLimiter], tokens: int) -> CapacityLimiter:
    try:
        return variable.get()
    except LookupError:
        limiter = CapacityLimiter(tokens)
        variable.set(limiter)
        return limiter


async def short_work(request: Request, context: ContextOnDemand, work: Callable[[RequestContext], T]) -> T:
    """Run `work` with the caller's context on a short-read thread: the principal is checked there
    first, so no work runs unauthenticated. Its exceptions (a 401, a 404) propagate unchanged."""
    settings: Settings = request.app.state.container.settings
    admission = short_work_limiter(settings)
    admitted = False
    with move_on_after(settings.short_request_wait_seconds):
        await admission.acquire()
        admitted = True
    if not admitted:
        raise ProblemError(
            "unavailable",
            "Der Dienst ist ausgelastet; bitte später erneut versuchen.",
            headers={"Retry-After": str(settings.retry_after_seconds)},
        )
    try:
        # Answers at once: whatever the server has heard from the client so far (its request body,
        # or that it is gone), never waiting for more.
        if await request.is_disconnected():
            raise ClientClosedRequest()
        return await to_thread.run_sync(
            lambda: work(context()), limiter=_limiter(_HAND_OFF, SHORT_REQUEST_THREADS_MAX)
        )
    finally:
        admission.release()


class ClientClosedRequest(Exception):
    """The client hung up before its hot read had a thread; nobody is left to answer."""


async def nobody_to_answer(_request: Request, _error: Exception) -> Response:
    return Response(status_code=CLIENT_CLOSED_REQUEST)


CLIENT_CLOSED_REQUEST = 499  # the status servers log for a request its client gave up on


ContextOnDemand = Callable[[], RequestContext]


async def deferred_context(
    request: Request,
    container: Annotated[Container, Depends(get_container)],
    identity: Annotated[Identity, Depends(get_identity)],
) -> ContextOnDemand:
    """The request context, built when called (on the worker thread): the same principal checks as
    every other endpoint (Bearer token, session cookie with CSRF, the dev header where allowed). A
    request naming no credential at all is refused here, on the event loop, before it can queue for
    a short-read thread."""
    # FastAPI applies a dependency override only to what it resolves itself; current_principal is
    # called below on the worker thread, so an override of it (the tests' one seam for acting as a
    # principal, tests/acting.py: a function without arguments) is honoured here as well.
    override: Callable[[], Principal] | None = request.app.dependency_overrides.get(current_principal)
    if override is None:
        require_a_credential(request, container.settings)

    def context() -> RequestContext:
        principal = override() if override is not None else current_principal(request, container, identity)
        return container.context_for(principal, request.state.correlation_id)

    return context


DeferredContext = Annotated[ContextOnDemand, Depends(deferred_context)]
