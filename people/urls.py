from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("fellows/", views.fellows_directory, name="fellows_directory"),
]
