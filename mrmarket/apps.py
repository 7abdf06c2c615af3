from django.apps import AppConfig


class MrMarketConfig(AppConfig):
    name = "mrmarket"
    verbose_name = "Mr.Market"
