"""The API's routes refuse a query parameter they do not take.

FastAPI ignores a query parameter no handler declares, so a mistyped one
(``?asof=2022-06-30``) would answer today's document as if it were the one
asked for. Every ``/api/v1`` route is a :class:`KnownQueryRoute`: what its
handler and dependencies declare is what it takes; anything else is a 400 in
the one error shape, naming the parameter (``field``) and what the route takes.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from scaletrack.domain.errors import InvalidInput


class KnownQueryRoute(APIRoute):
    """A route that answers 400 to a query parameter its handler does not declare."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        takes = list(dict.fromkeys(_query_names(self.dependant)))

        async def checked(request: Request) -> Response:
            unknown = sorted(set(request.query_params) - set(takes))
            if unknown:
                raise InvalidInput(f"this request takes no query parameter "
                                   f"{', '.join(unknown)}", field=unknown[0],
                                   hint=f"it takes {', '.join(takes)}" if takes
                                   else "it takes no query parameters")
            return await handler(request)

        return checked


def _query_names(dependant: Dependant) -> list[str]:
    """The query parameters a handler and its dependencies declare, in their order."""
    return [field.alias for field in dependant.query_params] + [
        name for sub in dependant.dependencies for name in _query_names(sub)]
