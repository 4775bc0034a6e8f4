"""The REST API's routers: thin adapters over the library functions."""
