"""The base of every test server: threaded HTTP on 127.0.0.1 that keeps client hang-ups off stderr."""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer


class LocalServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` whose client resets are silent; any other handler error is still printed."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore a client that closed its keep-alive connection; print anything else as usual."""
        # socketserver prints every handler exception to stderr, and the CLI tests read qa's stderr
        # in the same process: a reset from a client that hung up between requests is normal
        # HTTP/1.1 behaviour and must not show up as if qa had printed it.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]
