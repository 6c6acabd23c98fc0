from django.urls import path

from .views import FAQIndexView, FAQTopicView

app_name = "faq"

urlpatterns = [
    path("", FAQIndexView.as_view(), name="index"),
    path("<slug:slug>/", FAQTopicView.as_view(), name="topic"),
]
