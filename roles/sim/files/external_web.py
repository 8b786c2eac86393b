"""The external host's web server of a sim class: one page, from memory, on the address of its network namespace.

The sim provider runs it as `python3 -c <this file> <address> <port> <page>` as nobody, inside a network
namespace of its own: it reads no file, so it needs no folder that nobody may read.
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def handler(page: bytes) -> type[BaseHTTPRequestHandler]:
    """A handler that answers every GET and HEAD with ``page``."""

    class Page(BaseHTTPRequestHandler):
        def head(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()

        def do_HEAD(self) -> None:  # noqa: N802 (http.server's name)
            self.head()

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.head()
            self.wfile.write(page)

    return Page


def main(argv: list[str]) -> None:
    address, port, page = argv
    ThreadingHTTPServer((address, int(port)), handler(page.encode())).serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
