"""Attendance: the one source of participation totals."""
