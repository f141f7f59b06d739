"""S3: the reports bucket behind short-lived links."""
