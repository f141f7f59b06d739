"""DRS through the real boto3 client (AWS, or the local simulator by endpoint override)."""
