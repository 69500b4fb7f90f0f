"""Demo data: the real Genova session, the FIS programme, a few meetings and an upcoming event."""
