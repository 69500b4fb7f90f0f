"""Participation totals and programme results: one service for every page, export and API."""
