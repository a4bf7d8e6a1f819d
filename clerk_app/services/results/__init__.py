"""出件 and 送达: handing results over, postal delivery, 容缺 still owed, 好差评."""
