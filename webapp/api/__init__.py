"""The partner API under /api/v1, documented by /api/v1/openapi.json."""

from .views import bp, init_app

__all__ = ["bp", "init_app"]
