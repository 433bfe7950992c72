"""The HTTP edge: serving the store to other programs."""
