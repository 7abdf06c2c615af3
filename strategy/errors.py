class StrategyInputError(ValueError):
    """Input the strategy cannot use; `errors` maps each offending field to its messages."""

    what = "strategy input"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = {name: list(messages) for name, messages in errors.items()}
        summary = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in self.errors.items())
        super().__init__(f"invalid {self.what}: {summary}")
