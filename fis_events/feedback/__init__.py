"""Feedback after an event: questionnaires, personal links, anonymous answers, their figures."""
