"""Use cases the handlers call: each takes its ports and the current time as arguments."""
