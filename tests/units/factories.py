"""Small factories for units: a unit, a parent link, a little province."""

from __future__ import annotations

import datetime as dt

import factory

from motcua.units.models import Level, Unit, UnitParent


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Xã Số {n}")
    level = Level.COMMUNE
    gso_code = factory.Sequence(lambda n: f"{n:05d}")

    class Params:
        province = factory.Trait(
            level=Level.PROVINCE,
            name=factory.Sequence(lambda n: f"Tỉnh Số {n}"),
            gso_code=factory.Sequence(lambda n: f"{n % 100:02d}"),
        )
        district = factory.Trait(
            level=Level.DISTRICT,
            name=factory.Sequence(lambda n: f"Huyện Số {n}"),
            gso_code=factory.Sequence(lambda n: f"{n % 1000:03d}"),
        )
        agency = factory.Trait(
            level=Level.AGENCY, name=factory.Sequence(lambda n: f"Sở Số {n}"), gso_code=""
        )


def under(
    unit: Unit, parent: Unit, start: dt.date | None = None, end: dt.date | None = None
) -> Unit:
    """Put ``unit`` under ``parent`` over ``[start, end]``; returns ``unit``."""
    UnitParent.objects.create(unit=unit, parent=parent, valid_from=start, valid_to=end)
    return unit


def unit(parent: Unit | None = None, **fields: object) -> Unit:
    """A unit (a commune by default), under ``parent`` from the beginning when given."""
    made = UnitFactory(**fields)
    return under(made, parent) if parent is not None else made
