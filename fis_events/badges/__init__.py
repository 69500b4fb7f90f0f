"""Printable name badges with the door QR code: A6 (one per page) or A4 sheets of eight."""
