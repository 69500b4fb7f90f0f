"""The loopback SMTP server of the outbox tests, to read what a person actually receives."""
from notify.conftest import smtp_server  # noqa: F401
