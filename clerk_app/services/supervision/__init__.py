"""What a supervisor runs: the daily log, figures, the centre-wide log, AB岗, accounts and windows."""
