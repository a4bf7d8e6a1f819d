"""Material pages (材料页面): normalization, content-addressed storage, the attach service."""
