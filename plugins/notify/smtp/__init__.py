"""Customer letters and internal notices by e-mail over SMTP."""
from hub import PluginSpec

from .plugin import SmtpNotifier
from .settings import SmtpSettings

SPEC = PluginSpec(name="notify.smtp", kind="notify", settings=SmtpSettings, factory=SmtpNotifier,
                  description=("E-mail over SMTP (STARTTLS/TLS): milestone letters with the order confirmation, "
                               "delivery note, back-order list, outbound note or claim form."))
