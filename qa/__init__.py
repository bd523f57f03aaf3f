"""qa: answers about a news story across outlets, with exact, verified citations."""

__version__ = "0.1.0"
