"""The campaign on partners' sites: the /embed.js loader, the framed flow and the builder."""

from .views import bp

__all__ = ["bp"]
