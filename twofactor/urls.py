from django.urls import path

from . import views

app_name = "twofactor"

urlpatterns = [
    path("login/code/", views.verify, name="verify"),
    path("account/two-step/", views.enrol, name="enrol"),
    path("account/two-step/recovery-codes/", views.recovery, name="recovery"),
    path("account/two-step/remove/", views.remove, name="remove"),
    path(
        "account/two-step/passkeys/<int:pk>/remove/",
        views.remove_passkey,
        name="remove_passkey",
    ),
]
