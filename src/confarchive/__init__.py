"""confarchive: archive the talks of whole virtual conferences for offline viewing."""

__version__ = "0.1.0"
