"""Emails: through GOV.UK Notify when ``NOTIFY_API_KEY`` is set, else Django's email backend
(SMTP, or the console in development)."""

from django.conf import settings
from django.core.mail import EmailMessage


def send_emails(addresses: list[str], *, template_id: str, personalisation: dict, reference: str,
                subject: str, body, headers: dict | None = None) -> str:  # fmt: skip
    """One email to each address; the channel used ("notify" or "email"). ``body`` is a
    callable giving the plain-text message, made only when Notify is not used; ``headers``
    are added to that message (Notify sets its own)."""
    if settings.NOTIFY_API_KEY:
        from notifications_python_client.notifications import NotificationsAPIClient

        client = NotificationsAPIClient(settings.NOTIFY_API_KEY)
        for address in addresses:
            client.send_email_notification(
                email_address=address, template_id=template_id, personalisation=personalisation, reference=reference
            )
        return "notify"
    EmailMessage(subject=subject, body=body(), to=addresses, headers=headers).send()
    return "email"


def send_text(number: str, *, template_id: str, personalisation: dict, reference: str) -> None:
    """A text message through GOV.UK Notify (there is no other way to send one here)."""
    from notifications_python_client.notifications import NotificationsAPIClient

    NotificationsAPIClient(settings.NOTIFY_API_KEY).send_sms_notification(
        phone_number=number, template_id=template_id, personalisation=personalisation, reference=reference
    )
