"""The village point's screens: 代办回执, 材料交接单, 在途, and the centre's batch receipt."""
