"""What keeps a long plan's memory down: shared field sets, raw items let go as they are converted."""

from __future__ import annotations

from pipeline.models import BBox, IndicatorValue
from pipeline.normalise import normalise
from pipeline.raw import Extracted, RawIndicator, RawObjective, RawValue


def test_instances_given_the_same_fields_share_one_set_until_one_is_changed():
    first, second = BBox(x0=1, top=2, x1=3, bottom=4), BBox(x0=5, top=6, x1=7, bottom=8)
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    value = IndicatorValue(kind="target", raw="10")
    assert value.model_fields_set == {"kind", "raw"}
    other = IndicatorValue(kind="target", raw="20")
    other.year = 2024
    assert other.model_fields_set == {"kind", "raw", "year"}
    assert value.model_fields_set == {"kind", "raw"}
    assert value.model_dump(exclude_unset=True) == {"kind": "target", "raw": "10"}
    assert other.model_copy(update={"raw": "30"}).model_dump()["raw"] == "30"


def test_normalise_uses_up_the_raw_items(rules):
    objective = RawObjective(code="1", number=None, level="specific", level_label=None, title="Obiettivo",
                             page=1, bbox=(0, 0, 1, 1), department="Settore Bilancio")
    indicators = [RawIndicator(code=f"1.{n}", objective=objective, description=f"Indicatore {n}", page=1,
                               bbox=(0, 0, 1, 1), values=[RawValue(kind="target", raw=f"{n}")]) for n in (1, 2, 3)]
    extracted = Extracted(objectives=[objective], indicators=indicators)
    result = normalise(extracted, rules)
    assert [i.id for i in result.indicators] == ["1.1", "1.2", "1.3"]
    assert [i.objective_id for i in result.indicators] == ["1", "1", "1"]
    assert [o.department for o in result.objectives] == ["Settore Bilancio"]
    assert (extracted.objectives, extracted.indicators, extracted.issues) == ([], [], [])
