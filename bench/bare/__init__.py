"""A bare Django project for the HTTP benchmark: one view that inserts one decision-sized row."""
