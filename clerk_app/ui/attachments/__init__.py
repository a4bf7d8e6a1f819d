"""Material pages in the window: thumbnail strip, large view, files and the document camera."""
