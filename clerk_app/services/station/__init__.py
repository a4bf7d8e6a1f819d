"""The station itself: its context, settings, permissions, audit trail, backups, sign-in and keys, catalogue, sync store and demo data."""
