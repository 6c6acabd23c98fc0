from django.urls import path

from . import views
from .feeds import LatestArticlesFeed

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("articles/<slug:slug>.md", views.article_markdown, name="markdown"),
    path("topics/", views.TopicIndexView.as_view(), name="topics"),
    path("topics/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("authors/", views.AuthorIndexView.as_view(), name="authors"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", LatestArticlesFeed(), name="feed"),
]
