from django.urls import path

from ..views import search_api

urlpatterns = [
    path("search/suggest/", search_api.suggest, name="search-suggest"),
]
