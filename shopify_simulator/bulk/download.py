"""Serve a bulk result file at its signed URL, streamed from disk in chunks.

Answers as the storage bucket does: ``application/jsonl`` with an attachment disposition,
403 with an XML ``<Error>`` for an expired or forged link, 404 for an unknown object; no
access token is asked for (the signature is the credential). An armed ``bulk_truncated``
fault cuts the body off mid-line: by default a short but well-formed response
(``Content-Length`` of the cut body), with ``mode="drop"`` the full length is announced and
the connection closed early, as a network cut would.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path

from shopify_simulator.bulk import urls
from shopify_simulator.bulk.manager import BulkOperations

CHUNK = 64 * 1024
XML = "<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message>{details}</Error>"


def serve(handler: BaseHTTPRequestHandler, manager: BulkOperations) -> None:
    parsed = urls.parse(handler.path)
    if parsed is None:
        _error(handler, 404, "NoSuchKey", "The specified key does not exist.")
        return
    token, filename, params = parsed
    expires = urls.verify(manager.secret, token, filename, params)
    if expires is None:
        message = (
            "The request signature we calculated does not match the signature you provided. "
            "Check your Google secret key and signing method."
        )
        _error(handler, 403, "SignatureDoesNotMatch", message)
        return
    if manager.store.now() >= expires:
        _error(handler, 403, "AccessDenied", "Access denied.", f"<Details>Request has expired: {expires}</Details>")
        return
    found = manager.download(token, filename)
    if found is None or not found[1].exists():
        _error(handler, 404, "NoSuchKey", "The specified key does not exist.")
        return
    _stream(handler, found[1], filename, manager.store.faults.take("bulk_truncated"))


def _stream(handler: BaseHTTPRequestHandler, path: Path, filename: str, truncate: dict | None) -> None:
    size = path.stat().st_size
    send = size
    if truncate is not None and size > 1:
        send = _cut_point(path, size)
    announced = size if truncate is not None and truncate.get("mode") == "drop" else send
    handler.send_response(200)
    handler.send_header("Content-Type", "application/jsonl")
    handler.send_header("Content-Length", str(announced))
    handler.send_header("Content-Disposition", f'attachment; filename="{filename}"')
    if announced != send:
        handler.send_header("Connection", "close")
        handler.close_connection = True
    handler.end_headers()
    left = send
    with path.open("rb") as source:
        while left > 0:
            chunk = source.read(min(CHUNK, left))
            if not chunk:
                break
            handler.wfile.write(chunk)
            left -= len(chunk)
    handler.wfile.flush()


def _cut_point(path: Path, size: int) -> int:
    """A byte offset in the middle of a line, near the middle of the file."""
    middle = size // 2
    with path.open("rb") as source:
        source.seek(max(0, middle - 1))
        around = source.read(2)
    # Never cut right after a newline, nor so that only the newline is missing.
    while middle > 1 and (around[:1] == b"\n" or around[1:2] == b"\n"):
        middle -= 1
        with path.open("rb") as source:
            source.seek(middle - 1)
            around = source.read(2)
    return max(1, middle)


def _error(handler: BaseHTTPRequestHandler, status: int, code: str, message: str, details: str = "") -> None:
    body = XML.format(code=code, message=message, details=details).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/xml; charset=UTF-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
