"""planextract: structured data out of Italian public-administration plan PDFs (PAP, DUP, PIAO)."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import extract  # noqa: E402  (needs __version__ above)

__all__ = ["__version__", "extract"]
