"""Village agent points (代办点): 代收, 代办回执, 材料交接单, receipt at the centre, 在途."""
