"""Door check-in: scans, search, walk-ins, staff and paired devices, offline data."""
