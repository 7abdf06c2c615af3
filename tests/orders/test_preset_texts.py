"""Each seeded preset's title and rationale are marked for translation (orders/preset_texts.py)
word for word and have a Chinese translation, so the Chinese create page shows them translated."""

import pytest
from django.utils import translation

from orders.models import StrategyPreset
from orders.preset_texts import PRESET_TEXTS

pytestmark = pytest.mark.django_db


def test_every_seeded_preset_text_is_marked_and_translated():
    presets = list(StrategyPreset.objects.all())
    assert presets
    for preset in presets:
        for text in (preset.title, preset.rationale):
            assert text in PRESET_TEXTS, f"{preset.name}: add its text to orders/preset_texts.py"
            with translation.override("zh-hans"):
                assert translation.gettext(text) != text, f"{preset.name}: translate {text[:40]!r}"
