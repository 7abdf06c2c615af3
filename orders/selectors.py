from django.db.models import QuerySet

from mrmarket.errors import ApplicationError
from orders.models import StrategyPreset


def preset_list_enabled() -> QuerySet[StrategyPreset]:
    return StrategyPreset.objects.filter(enabled=True)


def preset_get_enabled(*, name: str) -> StrategyPreset:
    """The preset a user picked; an unknown or disabled name is the user's input error."""
    preset = preset_list_enabled().filter(name=name).first()
    if preset is None:
        raise ApplicationError(
            f"There is no strategy preset named {name!r}.",
            code="invalid",
            detail={"preset": ["Unknown or disabled preset."]},
        )
    return preset
