from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "gridgov.web"
    label = "web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from gridgov.web.middleware import stamp_session

        user_logged_in.connect(stamp_session, dispatch_uid="gridgov.web.stamp_session")
