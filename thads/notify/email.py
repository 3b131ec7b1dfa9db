"""The email channel: SMTP through ``THADS_SMTP_URL`` (smtp://[user:pass@]host:port or smtps://).

Subject and body are composed when the notification row is created (Vietnamese, with the case
number, deadline, due date, legal basis and a link); this module only puts them on the wire.
Office hours are enforced by the sweep (``not_before``), not here.
"""
from __future__ import annotations

import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from thads.notify import Channel

SMTP_TIMEOUT = 30


class EmailChannel(Channel):
    name = "email"

    def enabled_for(self, user, config: Mapping) -> bool:
        return bool(config.get("SMTP_URL") and user.email and user.email_enabled)

    def send(self, notification, user, config: Mapping) -> None:
        msg = build_message(notification, user, config)
        url = urlsplit(str(config["SMTP_URL"]))
        cls = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
        port = url.port or (465 if url.scheme == "smtps" else 25)
        with cls(url.hostname or "localhost", port, timeout=SMTP_TIMEOUT) as smtp:
            if url.username:
                smtp.login(unquote(url.username), unquote(url.password or ""))
            smtp.send_message(msg)


def build_message(notification, user, config: Mapping) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = str(config.get("MAIL_FROM") or "thads@localhost")
    msg["To"] = user.email
    msg["Subject"] = notification.subject
    msg["Date"] = formatdate(localtime=False)
    # A stable id per notification: a resend after a crash carries the same Message-ID, so mail
    # clients (and our duplicate count in tests) can recognise it.
    domain = urlsplit(str(config.get("BASE_URL") or "http://thads.local")).hostname or "thads.local"
    msg["Message-ID"] = f"<thads-notification-{notification.id}@{domain}>" if notification.id else make_msgid()
    msg["X-THADS-Notification"] = str(notification.id)
    msg.set_content(notification.body, charset="utf-8")
    return msg
