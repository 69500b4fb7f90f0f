"""Staff accounts and roles. Participants never need an account."""
