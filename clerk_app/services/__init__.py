"""Use cases: the only door the UI and the CLI use."""
