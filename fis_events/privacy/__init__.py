"""Personal data: erasure on request and the retention period, across every domain (totals stay)."""
