"""Pure domain model: matters, checklists, applications, identity, working days (no Qt, SQL, HTTP)."""
