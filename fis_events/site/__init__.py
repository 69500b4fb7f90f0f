"""Site-wide pages: home, language switch, legal pages, locally served front-end libraries."""
