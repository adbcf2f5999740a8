"""The fatal errors of planextract, one small tree, each with its own exit code.

Non-fatal problems are not exceptions: they travel as ``warnings`` on the extraction.
The CLI prints ``str(error)`` (one line naming the file and the problem) and exits with
``error.exit_code``; the table is repeated in the README.
"""

from __future__ import annotations


class PlanExtractError(Exception):
    """Base class: a problem the user can act on, reported without a traceback."""

    exit_code = 1
    kind = "error"


class InputNotFoundError(PlanExtractError):
    exit_code = 3
    kind = "not_found"


class NotAPdfError(PlanExtractError):
    exit_code = 4
    kind = "not_a_pdf"


class EncryptedPdfError(PlanExtractError):
    exit_code = 5
    kind = "encrypted"


class CorruptPdfError(PlanExtractError):
    exit_code = 6
    kind = "corrupt"


class NoTextLayerError(PlanExtractError):
    exit_code = 7
    kind = "no_text_layer"


class RulesError(PlanExtractError):
    exit_code = 8
    kind = "rules"


class OutputError(PlanExtractError):
    exit_code = 9
    kind = "output"


class EmptyFileError(NotAPdfError):
    exit_code = 10
    kind = "empty_file"


class NoPagesError(CorruptPdfError):
    exit_code = 11
    kind = "no_pages"


class TooManyPagesError(PlanExtractError):
    exit_code = 12
    kind = "too_many_pages"


class TimeoutError_(PlanExtractError):  # noqa: N801 (the builtin TimeoutError is something else)
    exit_code = 13
    kind = "timeout"


class CatalogError(PlanExtractError):
    exit_code = 15
    kind = "catalog"


class MissingDependencyError(PlanExtractError):
    exit_code = 16
    kind = "missing_dependency"


class NotAnExtractionError(PlanExtractError):
    """A JSON given to ``compare`` that is not an extraction written by planextract."""
    exit_code = 17
    kind = "not_an_extraction"


class TooLargeError(PlanExtractError):
    """Reading would take more memory than allowed (--max-memory): a decompression bomb, or a file
    too big for the ceiling; see ``limits.py``."""
    exit_code = 18
    kind = "too_large"


ERRORS = (PlanExtractError, InputNotFoundError, NotAPdfError, EncryptedPdfError, CorruptPdfError,
          NoTextLayerError, RulesError, OutputError, EmptyFileError, NoPagesError, TooManyPagesError, TimeoutError_,
          CatalogError, MissingDependencyError, NotAnExtractionError, TooLargeError)
EXIT_CODES: dict[str, int] = {cls.kind: cls.exit_code for cls in ERRORS}
