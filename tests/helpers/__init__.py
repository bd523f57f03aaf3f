"""Test helpers: fake and real OpenAI-compatible endpoints, qa in real processes, generated articles.

``seeds`` holds the paths and doc_ids of the seed articles; the fixtures are all in tests/conftest.py.
"""
