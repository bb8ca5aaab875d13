"""The e-mail itself (pure): multipart text + HTML, attachments, a Message-ID stable across retries."""
from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime

from plugins.notify.common import Document, Rendered


def message_id(idempotency_key: str, recipient_fingerprint: str, domain: str) -> str:
    """Same delivery, same recipient → same Message-ID, so a retried send is recognisable downstream."""
    digest = hashlib.sha256(f"{idempotency_key}|{recipient_fingerprint}".encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build_mail(rendered: Rendered, *, sender: str, to: str, msg_id: str, date: datetime,
               reply_to: str | None = None, attachments: tuple[Document, ...] = ()) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = rendered.subject
    mail["Date"] = format_datetime(date)
    mail["Message-ID"] = msg_id
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to the hub
    if reply_to:
        mail["Reply-To"] = reply_to
    mail.set_content(rendered.text)
    mail.add_alternative(rendered.html, subtype="html")
    for document in attachments:  # the hub's PDFs
        maintype, _, subtype = document.mime_type.partition("/")
        mail.add_attachment(document.content, maintype=maintype, subtype=subtype, filename=document.filename)
    mail["Content-Language"] = rendered.language  # after the body: set_content drops Content-* headers
    return mail
