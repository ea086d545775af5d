from django.apps import AppConfig


class WebhookChannelConfig(AppConfig):
    name = "wenzheng.intake.channels.webhook"
    label = "intake_webhook"
    verbose_name = "webhook"
