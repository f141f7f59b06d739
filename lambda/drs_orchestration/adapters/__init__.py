"""Adapters: DynamoDB, DRS, the execution runner; in-memory twins for tests."""
