"""The programme, its phases and the organisations taking part."""
