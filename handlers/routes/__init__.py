"""Route modules, one per area of the REST API."""
