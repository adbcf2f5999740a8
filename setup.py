"""The one part of the build pyproject.toml cannot declare: the optional C module that reads
PDFium's characters in bulk (``pipeline/_pdfium_bulk.c``). Where it cannot be compiled the
install goes on without it, and planextract reads the same characters through ctypes."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("pipeline._pdfium_bulk", ["pipeline/_pdfium_bulk.c"], optional=True)])
