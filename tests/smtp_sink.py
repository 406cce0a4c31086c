"""A real SMTP server on loopback that keeps what it receives: what the alerts tests read their
emails from (the SMTP provider talks to it exactly as to a mail relay)."""

from __future__ import annotations

import email
import socketserver
import threading
from email.message import Message


class _Session(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self._reply("220 sink ready")
        data: list[bytes] | None = None
        while line := self.rfile.readline():
            if data is not None:
                if line.rstrip(b"\r\n") == b".":
                    self.server.messages.append(email.message_from_bytes(b"".join(data)))
                    data = None
                    self._reply("250 queued")
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self._reply("250 sink")
            elif command.startswith("DATA"):
                data = []
                self._reply("354 end with .")
            elif command.startswith("QUIT"):
                self._reply("221 bye")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self._reply("250 ok")

    def _reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")


class SmtpSink(socketserver.ThreadingTCPServer):
    """``with SmtpSink() as sink: … sink.messages``; ``sink.port`` is the port it listens on."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.messages: list[Message] = []
        self.port = self.server_address[1]

    def __enter__(self) -> SmtpSink:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
