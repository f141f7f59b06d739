"""EventBridge Scheduler: the service that fires drill schedules."""
