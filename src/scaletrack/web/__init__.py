"""The web pages: the HTML twin of the server's API documents.

``router`` is a FastAPI router that :func:`scaletrack.server.app.create_app`
includes. Pages are server-rendered Jinja2 templates, charts are SVG drawn
here (:mod:`scaletrack.web.charts`), every text goes through
:mod:`scaletrack.web.i18n`, and every script and style sheet is served from
this package, so no page needs another origin.
"""

from scaletrack.web.routes import router

__all__ = ["router"]
