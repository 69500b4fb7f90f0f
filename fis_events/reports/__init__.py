"""Reports that arrive by themselves: subscriptions to results tables, registration lists and
other exports, delivered by e-mail through the outbox by `flask reports send`."""
