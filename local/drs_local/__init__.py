"""The embedded local runtime: real handlers and the real state machine over moto and the DRS simulator."""
