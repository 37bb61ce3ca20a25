from django.urls import path

from sharing import views

app_name = "sharing"

# Outside the page cache: see PAGE_CACHE_EXCLUDE.
urlpatterns = [
    path("proof/<str:token>/", views.proof, name="proof"),
    path("proof/<str:token>/pdf/", views.proof_pdf, name="proof_pdf"),
]
