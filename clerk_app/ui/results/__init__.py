"""Opening a case and what follows at the counter: the case view, 出件, postal delivery, 好差评, notices previewed and printed, clock stops."""
