"""The reward pipeline's pure parts: HuFi's scoring of fills, the allocation rule and the
manifest (canonical JSON). No Django here, so a manifest is recomputed from its inputs
alone (`manage.py reward_verify`)."""
