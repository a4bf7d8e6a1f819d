"""Printed documents: notices and the daily log (reportlab)."""
