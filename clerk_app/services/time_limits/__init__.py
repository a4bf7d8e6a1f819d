"""限时办结: working days, due dates, clock stops and extensions, 黄灯/红灯 warnings."""
