"""The scaletrack server: the HTTP JSON API, accounts, sessions and one trust boundary.

``scaletrack.server.app:create_app(store_url)`` builds the ASGI application;
``scaletrack.server.auth`` gives every router (the API's and the web pages')
the signed-in account; ``scaletrack.application.access.can`` decides what it
may do.
"""
