"""Reference central platform for Clerk: Clerk Sync API v1 over Flask + waitress + SQLAlchemy.

Run it with ``python -m tests.platform`` (see README.md); start it from a test with
`tests.platform.runner.start_platform`; play the back office with
`tests.platform.backoffice.BackOffice`.
"""
