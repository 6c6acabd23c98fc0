from django.urls import path

from .views import FAQIndexView

app_name = "faq"

urlpatterns = [
    path("", FAQIndexView.as_view(), name="index"),
]
