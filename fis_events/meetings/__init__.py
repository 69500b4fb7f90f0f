"""The record of a support meeting: minutes, decisions, next steps, and who was there."""
