"""The work lists under the intake: today, 在办/预警 and 容缺待补."""
