"""Topic 1: the security environment. For now the key events of the knowledge base;
ingested event data, indices, change points and forecasts come with their issue."""
