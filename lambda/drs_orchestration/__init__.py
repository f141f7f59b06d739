"""DRS Orchestration: the package every Lambda function of the product ships."""
