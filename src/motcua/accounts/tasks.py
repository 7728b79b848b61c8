"""Background jobs of the accounts app (Django Tasks)."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_account_email(*, subject: str, body: str, to: str, html_body: str | None = None) -> None:
    """Send one account e-mail (password reset...). Run after commit, outside the request, so
    that the response time does not tell whether the account exists."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to])
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
