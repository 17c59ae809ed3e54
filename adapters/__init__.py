"""Infrastructure at the edges: DynamoDB persistence and table definitions."""
