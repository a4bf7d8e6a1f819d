"""Persistence: SQLAlchemy 2.x models and sessions on SQLite."""
