"""Public pages for readers (namespace "public")."""

from django.urls import path

from public import feeds, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/follow-up/", views.article_follow_up, name="follow_up"),
    path("articles/<slug:slug>/follow-up/thanks/", views.follow_up_thanks, name="follow_up_thanks"),
    path("editorial-policy/", views.policy, name="policy"),
    path("editorial-policy/v<int:version>/", views.policy_version, name="policy_version"),
    path("board/", views.board, name="board"),
    path("robots.txt", feeds.robots_txt, name="robots"),
    path("sitemap.xml", feeds.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", feeds.sitemap_section, name="sitemap-section"),
    path("feeds/approvals.atom", feeds.approvals_feed, name="feed"),
]
