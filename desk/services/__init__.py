"""Desk writes: they turn what an editor did on a desk page into calls of the article services.

One module a subject: ``body`` (the body as text), ``claims`` (one claim at a time),
``outline`` (moving and nesting claims), ``citing`` (citing references), ``followups``
(readers' follow-up questions); ``changes`` holds the one path every body edit takes.
Nothing here decides who may do what or when; ``articles.services`` checks that again
on every call.
"""
