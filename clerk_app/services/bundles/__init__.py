"""Bundles (一件事): catalogue definitions, one intake for several members, notice and view."""
