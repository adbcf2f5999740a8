"""planextract: structured data out of Italian public-administration plan PDFs (PAP, DUP, PIAO).

    from pipeline import extract, compare, batch, indicator_rows, objective_rows
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__version__ = "0.1.0"

_PUBLIC = {"extract": (".api", "extract"), "compare": (".api", "compare"), "batch": (".batch", "run_batch"),
           "indicator_rows": (".export", "indicator_rows"), "objective_rows": (".export", "objective_rows")}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    """The public functions, imported when first asked for: a command loads only the stages it runs
    (``planextract extract`` starts reading its PDF while the rest loads, see ``readahead.py``)."""
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _PUBLIC[name]
    value = getattr(importlib.import_module(module, __name__), attribute)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        # importing the module ``pipeline.compare`` (or ``pipeline.batch``) names it on the package:
        # the public function of the same name keeps the name, as when it was imported eagerly
        if name in _PUBLIC and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
