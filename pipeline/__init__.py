"""planextract: structured data out of Italian public-administration plan PDFs (PAP, DUP, PIAO).

    from pipeline import extract, compare, batch, indicator_rows, objective_rows
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import compare, extract  # noqa: E402  (they need __version__ above)
from .batch import run_batch as batch  # noqa: E402
from .export import indicator_rows, objective_rows  # noqa: E402

__all__ = ["__version__", "batch", "compare", "extract", "indicator_rows", "objective_rows"]
