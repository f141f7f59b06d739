"""Lambda entry points: thin handlers over the domain services."""
