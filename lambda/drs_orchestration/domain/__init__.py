"""The domain: models, rules and ports. No boto3, no os, no clock: time and ports are passed in."""
