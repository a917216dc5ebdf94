"""The site's URLs with the inbox at /inbox/, for the inbox tests whatever the root URLconf includes."""

from django.urls import include, path

from gridgov.urls import urlpatterns as site

urlpatterns = [path("inbox/", include("gridgov.inbox.urls")), *site]
