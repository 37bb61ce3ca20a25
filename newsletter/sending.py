"""Handing one mail to the mail server so that no address ever gets it twice.

SMTP cannot promise that by itself: a server that has accepted a mail says so
after the client sent its last line, and a client that dies before it records
that answer cannot know whether the mail went (RFC 1047). Sending again would
then give the reader a second copy. So the delivery's row is marked *sent*
**before** the mail is complete, in a committed transaction, and only then is the
final ``.`` sent:

1. ``MAIL FROM``, ``RCPT TO``, ``DATA`` and the whole message but its final line;
2. the row is marked sent, if this job still holds it (a conditional update);
3. the final ``.``, and the server's answer is read: a 4xx puts the row back for
   a later attempt, a 5xx marks it failed.

A job that dies before 2 leaves the row *being sent* and the mail incomplete, and
a server drops an incomplete mail: the row is taken over and sent again, safely.
A job that dies after 2 has sent or was about to send the last line: the row
says sent and it is never sent again. A job that loses the row to another one
(it took longer than ``NEWSLETTER_CLAIM_SECONDS``) closes the connection without
the last line, so the server drops its copy.

The SMTP commands are smtplib's public methods (``mail``, ``rcpt``, ``docmd``,
``send``, ``getreply``) on the connection Django's SMTP backend opened with the
site's settings (TLS, login). Other backends (the console in development, the
tests' memory) are sent through ``send_messages``, with the same claim.
"""

import re
import smtplib
import socket

from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address


class Outcome:
    SENT = "sent"
    #: The server refused this mail for now (4xx) or the connection failed before the mail was complete.
    RETRY = "retry"
    #: The server refused this address or this mail for good (5xx).
    FAILED = "failed"
    #: Another job took the row over: nothing was sent.
    LOST_CLAIM = "lost"


class MailNotMade(Exception):
    """The message could not be made (a header Django refuses): nothing was sent, and trying again will not help."""


class ConnectionFailed(Exception):
    """The server could not be reached, or the connection broke before the mail was complete: try later."""


def _stuffed(data):
    """The message's bytes as DATA carries them: lines starting with a dot get another one; ends with CRLF."""
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def _reply_text(reply):
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def deliver(connection, message, mark_sent):
    """Send ``message`` through ``connection`` (an open Django mail backend), calling ``mark_sent()`` before the mail
    is complete. ``mark_sent`` returns whether this job still holds the mail's row.

    Returns ``(outcome, detail)``; raises :class:`ConnectionFailed` if the server is unreachable or the connection
    broke before the mail was complete (the caller tries again later).
    """
    try:
        encoding = message.encoding or "utf-8"
        sender = sanitize_address(message.from_email, encoding)
        recipients = [sanitize_address(address, encoding) for address in message.recipients()]
        data = _stuffed(message.message().as_bytes(linesep="\r\n"))
    except Exception as error:
        raise MailNotMade(str(error)) from error
    if not isinstance(connection, SmtpBackend):
        if not mark_sent():
            return Outcome.LOST_CLAIM, ""
        connection.send_messages([message])
        return Outcome.SENT, ""
    if connection.connection is None:
        try:
            connection.open()
            # The last line goes as a write of its own, after the row is marked: without this, Nagle's algorithm
            # holds it until the server acknowledges the message (up to 40 ms of delayed ACK per mail).
            connection.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, smtplib.SMTPException) as error:
            raise ConnectionFailed(f"the mail server could not be reached: {error}") from error
    smtp = connection.connection
    try:
        smtp.ehlo_or_helo_if_needed()
        # A message with other than ASCII in it is 8-bit MIME: said so to a server that knows the word.
        options = ["BODY=8BITMIME"] if smtp.has_extn("8bitmime") and not data.isascii() else []
        code, reply = smtp.mail(sender, options)
        if code != 250:
            smtp.rset()
            return _refused(code, reply)
        for recipient in recipients:
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                smtp.rset()
                return _refused(code, reply)
        code, reply = smtp.docmd("DATA")
        if code != 354:
            smtp.rset()
            return _refused(code, reply)
        smtp.send(data)
    except (OSError, smtplib.SMTPException) as error:
        _drop(connection)
        raise ConnectionFailed(f"the connection to the mail server failed: {error}") from error
    if not mark_sent():
        # Without the final line the server drops what it has received.
        _drop(connection)
        return Outcome.LOST_CLAIM, ""
    try:
        smtp.send(b".\r\n")
        code, reply = smtp.getreply()
    except (OSError, smtplib.SMTPException) as error:
        _drop(connection)
        # The last line may have reached the server: counted as sent, never sent again.
        return Outcome.SENT, f"The server's answer was lost ({error}); counted as sent, so it is not sent twice."
    if code == 250:
        return Outcome.SENT, ""
    return _refused(code, reply)


def _refused(code, reply):
    text = f"{code} {_reply_text(reply)}".strip()
    if 400 <= code < 500 or code < 0:
        return Outcome.RETRY, f"The mail server refused it for now: {text}"
    return Outcome.FAILED, f"The mail server refused it: {text}"


def _drop(connection):
    """Close the connection at once, without QUIT: an unfinished mail is dropped by the server."""
    smtp = connection.connection
    connection.connection = None
    if smtp is not None:
        try:
            smtp.close()
        except OSError:
            pass
