"""Strategic directions of a PAP: numbered areas with lettered items after a section heading."""

from __future__ import annotations

from .raw import RawDirection
from .layout import Line, union_bbox
from .rules import Profile, compiled
from .text import join_lines, squash

SECTION_LEAD_LINES = 5


class DirectionsReader:
    """Numbered areas ('1. SALUTE ORGANIZZATIVA') with lettered items, after a section heading.

    Lines come in reading order. The first section heading followed (within a few lines) by a
    numbered area wins; the section ends at the first line that is neither an area, an item, nor an
    item's wrapped continuation.
    """

    def __init__(self, profile: Profile, body_size: float) -> None:
        rules = profile.strategic_directions
        self.section = compiled(rules.section_pattern)
        self.area_re, self.item_re = compiled(rules.area_pattern), compiled(rules.item_pattern)
        self.body_size = body_size
        self.directions: list[RawDirection] = []
        self.state = "searching"  # searching | reading | done
        self.lead = 0
        self.area: tuple[str, str] | None = None
        self.item: list[Line] = []
        self.item_code = ""

    def feed(self, line: Line) -> None:
        if self.state == "done":
            return
        if self.state == "reading" and not self._read(line):
            self._close()
        if self.state == "searching" and self.section.match(line.text):
            self.state, self.lead, self.area, self.item = "reading", 0, None, []

    def finish(self) -> list[RawDirection]:
        if self.state == "reading":
            self._close()
        return self.directions

    def _read(self, line: Line) -> bool:
        """Take a line of the section; False when it ends the section."""
        emphasised = line.bold or line.size >= self.body_size + 1.5
        if emphasised and (match := self.area_re.match(line.text)):
            self._flush()
            self.item = []
            self.area = (match.group("number"), squash(match.group("title")).rstrip(":").strip())
        elif self.area and not emphasised and (match := self.item_re.match(line.text)):
            self._flush()
            self.item, self.item_code = [line], f"{self.area[0]}.{match.group('letter').lower()}"
        elif self.item and not emphasised and line.x0 >= self.item[0].x0 - 2:
            self.item.append(line)
        elif self.area is None and self.lead < SECTION_LEAD_LINES:
            self.lead += 1  # sub-headings between the section heading and its first area
        else:
            return False
        return True

    def _flush(self) -> None:
        if self.item and self.area:
            first = self.item_re.match(self.item[0].text).group("text")
            text = join_lines([first, *(ln.text for ln in self.item[1:])])
            self.directions.append(RawDirection(self.item_code, self.area[1], text, self.item[0].page,
                                                union_bbox(ln.bbox for ln in self.item)))
        self.item = []

    def _close(self) -> None:
        self._flush()
        self.state = "done" if self.directions else "searching"
