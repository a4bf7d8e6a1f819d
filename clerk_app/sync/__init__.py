"""Offline-first sync with the central platform (一体化政务服务平台)."""
