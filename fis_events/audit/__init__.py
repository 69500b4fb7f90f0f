"""The audit log: who among staff did what, and when, for admins to read."""
