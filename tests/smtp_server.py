"""A real SMTP server for the newsletter's tests: aiosmtpd on a free port of 127.0.0.1.

It keeps every mail it accepted (``received``), as a mail server would hand it
on: the envelope, and the message parsed from the bytes that crossed the wire.
It can refuse the next mails for now (``refuse_next(n)``: 451), refuse an address
for good (``refuse_address``: 550), or be slow to answer (``delay``). A mail whose
client went away before its final line never reaches ``handle_DATA``: aiosmtpd
drops it, as any server does.
"""

import email
import email.policy
import os
import socket
import threading
import time
from dataclasses import dataclass

from aiosmtpd.controller import Controller


@dataclass
class Received:
    sender: str
    recipients: list
    data: bytes

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=email.policy.default)

    @property
    def to(self):
        (recipient,) = self.recipients
        return recipient

    def part(self, content_type):
        return self.message.get_body(preferencelist=(content_type.split("/")[1],)).get_content()


class Handler:
    def __init__(self):
        self.received = []
        self.refused = 0
        self._refuse_next = 0
        self.refused_addresses = set()
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_addresses:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)  # this server is slow; it answers one client at a time
        with self.lock:
            if self._refuse_next > 0:
                self._refuse_next -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 Accepted"

    def refuse_next(self, count):
        with self.lock:
            self._refuse_next = count


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def received(self):
        with self.handler.lock:
            return list(self.handler.received)

    def wait_for(self, count, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return self.received
            time.sleep(0.02)
        raise AssertionError(f"{len(self.received)} mails received within {seconds} s, not {count}")

    @property
    def settings(self):
        """Django settings that send mail to this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"


def main():
    """``python -m tests.smtp_server PORT REPORT [FOLDER]``: serve until SIGTERM, writing to REPORT (JSON) twice a
    second the number of mails accepted, of distinct recipients, and when the first and last were accepted (for
    scripts/bench_newsletter.py); with FOLDER, each mail as it was received, as ``<n>.eml``."""
    import json
    import signal
    import sys

    port, report = int(sys.argv[1]), sys.argv[2]
    folder = sys.argv[3] if len(sys.argv) > 3 else None
    server = SmtpServer()
    server.port = port
    server.controller = Controller(server.handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    accepted_at = []
    accept = server.handler.handle_DATA

    async def timed(*args):
        answer = await accept(*args)
        if answer.startswith("250"):
            accepted_at.append(time.time())
            if folder:
                envelope = args[2]
                with open(os.path.join(folder, f"{len(accepted_at)}.eml"), "wb") as out:
                    out.write(b"X-Envelope-To: " + ", ".join(envelope.rcpt_tos).encode() + b"\r\n")
                    out.write(envelope.original_content)
        return answer

    server.handler.handle_DATA = timed
    server.start()
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))

    def write():
        received = server.received
        state = {
            "mails": len(received),
            "recipients": len({r for mail in received for r in mail.recipients}),
            "first": accepted_at[0] if accepted_at else None,
            "last": accepted_at[-1] if accepted_at else None,
        }
        with open(report + ".tmp", "w") as out:
            json.dump(state, out)
        os.replace(report + ".tmp", report)

    while not stopping:
        write()
        time.sleep(0.5)
    write()
    server.stop()


if __name__ == "__main__":
    main()
