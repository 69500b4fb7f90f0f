"""Certificates of attendance with a public verification code."""
