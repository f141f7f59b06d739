"""The REST API function: one resolver, one Router per resource."""
