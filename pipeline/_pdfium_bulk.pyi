# The optional C module (_pdfium_bulk.c): every character of a PDFium text page in one call.
from typing import Any, Callable

def rows(textpage: int, count_chars: int, unicode: int, generated: int, origin: int, loose_box: int,
         text_object: int, /) -> tuple[list[tuple[int, int, float, float, float, float, float, float]], list[int]]: ...
def chars(textpage: int, height: float, descent_em: float, blanks: tuple[int, ...], char_type: type,
          no_font: Any, cache: dict[Any, Any], font_for: Callable[[Any, int], Any], boxed: Callable[..., Any],
          turned: Callable[..., Any], name_buffer: int, matrix_buffer: int, count_chars: int, unicode: int,
          generated: int, origin: int, loose_box: int, text_object: int, font_info: int, matrix: int,
          font_size: int, /) -> tuple[list[Any], dict[int, Any]]: ...
