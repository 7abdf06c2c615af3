from django.db import models


class StrategyPreset(models.Model):
    """A named starting point for an order's strategy, with the reasons behind its values.

    `params` holds only what the preset sets, in canonical JSON (decimals as strings);
    everything else takes the strategy's defaults, and the user's overrides go on top.
    """

    name = models.SlugField(max_length=50, unique=True)
    title = models.CharField(max_length=100)
    rationale = models.TextField(help_text="Shown to users: what the values do and why.")
    params = models.JSONField(default=dict, help_text="Parameter values set by this preset.")
    required_overrides = models.JSONField(
        default=list,
        blank=True,
        help_text="Parameters the user must give when starting from this preset.",
    )
    enabled = models.BooleanField(default=True, help_text="Offered to users.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Display order.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.title
