"""The station around the counter: set-up, sign-in and session, settings, sync with the platform, backups, one instance, the status bar."""
