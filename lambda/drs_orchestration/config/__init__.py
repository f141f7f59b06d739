"""Function settings: pydantic-settings models validated at cold start."""
