"""The one part of the build pyproject.toml cannot declare: the optional C modules, the loops run
for every character of a plan — ``pipeline/_pdfium_bulk.c`` reads PDFium's characters in bulk,
``pipeline/_words.c`` groups characters into rows and words, ``pipeline/_ascii85.c`` decodes the
ASCII85 streams the integrity check reads. Where they cannot be compiled the
install goes on without them, and planextract runs the same loops in Python."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("pipeline._pdfium_bulk", ["pipeline/_pdfium_bulk.c"], optional=True),
                   Extension("pipeline._words", ["pipeline/_words.c"], optional=True),
                   Extension("pipeline._ascii85", ["pipeline/_ascii85.c"], optional=True)])
