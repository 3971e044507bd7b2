"""``scaletrack serve``: the HTTP API and web pages on the store, the only writer it needs."""

from __future__ import annotations

import click

from scaletrack.cli.context import session
from scaletrack.cli.render import say


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface; put TLS in front).")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--secure-cookies", is_flag=True,
              help="Send the session cookie over HTTPS only (behind a TLS proxy).")
def serve(host: str, port: int, secure_cookies: bool) -> None:
    """Serve the HTTP JSON API (and the web pages) on the --db store.

    People and scripts sign in with their accounts (scaletrack user add); every
    event is recorded with the signed-in account as its actor and the server's
    clock as its recorded-at. The API's OpenAPI document is at /openapi.json.

    \b
    Example:
      scaletrack --db sqlite:///demo.db serve --port 8080
    """
    import uvicorn

    from scaletrack.server.app import create_app

    app = create_app(session().store.url, secure_cookies=secure_cookies)
    say(f"scaletrack serving {session().store.shown} on http://{host}:{port}/ "
        "(Ctrl-C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                server_header=False)
