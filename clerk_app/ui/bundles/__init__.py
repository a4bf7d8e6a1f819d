"""Bundle (一件事) screens: one intake for several members, the bundle's page, 出件."""
