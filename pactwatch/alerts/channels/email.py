"""Email channel: one message per alert, plain text with an HTML alternative, via SMTP;
or, with `digest` set, one message gathering many alerts (`channels.digest`)."""

from __future__ import annotations

import html
import smtplib
import ssl as ssl_lib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from pactwatch.alerts.channels.digest import build_digest
from pactwatch.alerts.channels.render import headline, health_lines, text_block
from pactwatch.errors import TerminalDeliveryError, TransientDeliveryError


def clean_header(value: str) -> str:
    """Header values cannot carry CR/LF (header injection): fold them to spaces."""
    return " ".join(value.replace("\r", " ").replace("\n", " ").split())


def html_body(payload: dict[str, Any]) -> str:
    items = []
    for ev in payload.get("evidence") or []:
        url = html.escape(ev.get("url") or "", quote=True)
        title = html.escape(ev.get("title") or ev.get("url") or "untitled")
        link = f'<a href="{url}">{title}</a>' if url else title
        when = html.escape(ev.get("published_at") or "undated")
        said = ev.get("attributed_to")
        said_html = f" <em>(according to {html.escape(said)})</em>" if said else ""
        sentence = html.escape(ev.get("sentence") or "")
        items.append(f"<li>{link} ({when})<br><q>{sentence}</q>{said_html}</li>")
    items += [f"<li>{html.escape(line)}</li>" for line in health_lines(payload)]
    conflict = payload.get("conflict")
    conflict_html = (
        f"<p><strong>Sources disagree about the same moment:</strong> {html.escape(str(conflict))}</p>"
        if conflict
        else ""
    )
    return (
        "<html><body>"
        f"<h2>{html.escape(headline(payload))}</h2>"
        f"<p>kind: {html.escape(str(payload.get('kind')))} &middot; "
        f"id: {html.escape(str(payload.get('id')))}</p>"
        f"{conflict_html}"
        f"<ul>{''.join(items)}</ul>"
        "</body></html>"
    )


def build_message(payload: dict[str, Any], *, sender: str, to: list[str]) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = clean_header(f"[pactwatch] {headline(payload)}")
    msg["From"] = clean_header(sender)
    msg["To"] = ", ".join(clean_header(t) for t in to)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(
        idstring=clean_header(str(payload.get("id", ""))), domain="pactwatch"
    )
    msg["X-Pactwatch-Alert-Id"] = clean_header(str(payload.get("id", "")))
    msg.set_content(text_block(payload))
    msg.add_alternative(html_body(payload), subtype="html")
    return msg


class EmailChannel:
    def __init__(
        self,
        name: str,
        host: str,
        port: int,
        sender: str,
        to: list[str],
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        ssl: bool = False,
        timeout: float = 10.0,
        digest: str | None = None,
    ) -> None:
        self.name = name
        self.digest = digest
        self.host = host
        self.port = port
        self.sender = sender
        self.to = list(to)
        self.username = username
        self._password = password
        self.starttls = starttls
        self.ssl = ssl
        self.timeout = timeout

    def __repr__(self) -> str:
        return (
            f"EmailChannel(name={self.name!r}, host={self.host!r}, port={self.port}, "
            f"to={self.to!r})"
        )

    def send(self, payload: dict[str, Any]) -> None:
        if not self.to:
            raise TerminalDeliveryError(f"email {self.name}: no recipients")
        self._submit(build_message(payload, sender=self.sender, to=self.to))

    def send_digest(self, payloads: list[dict[str, Any]]) -> None:
        """One message with every alert of `payloads` (all succeed or fail together)."""
        if not self.to:
            raise TerminalDeliveryError(f"email {self.name}: no recipients")
        self._submit(build_digest(payloads, sender=self.sender, to=self.to, clean=clean_header))

    def _submit(self, msg: EmailMessage) -> None:
        where = f"email {self.host}:{self.port}"
        try:
            smtp: smtplib.SMTP
            if self.ssl:
                smtp = smtplib.SMTP_SSL(
                    self.host,
                    self.port,
                    timeout=self.timeout,
                    context=ssl_lib.create_default_context(),
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.starttls and not self.ssl:
                    smtp.starttls(context=ssl_lib.create_default_context())
                if self.username:
                    smtp.login(self.username, self._password or "")
                smtp.send_message(msg, from_addr=self.sender, to_addrs=self.to)
        except smtplib.SMTPAuthenticationError as exc:
            raise TerminalDeliveryError(
                f"{where}: authentication failed ({exc.smtp_code})"
            ) from None
        except smtplib.SMTPRecipientsRefused:
            raise TerminalDeliveryError(f"{where}: recipients refused") from None
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:  # SMTP 4xx: "try again later"
                raise TransientDeliveryError(f"{where}: SMTP {exc.smtp_code}") from None
            raise TerminalDeliveryError(f"{where}: SMTP {exc.smtp_code}") from None
        except ssl_lib.SSLCertVerificationError:
            # A configuration problem, not a passing one: retrying will not help.
            raise TerminalDeliveryError(f"{where}: TLS certificate not trusted") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientDeliveryError(f"{where}: {type(exc).__name__}") from None
