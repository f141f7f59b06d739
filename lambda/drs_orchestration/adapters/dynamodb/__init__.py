"""DynamoDB repositories (the tables are defined in cfn/data-stack.yaml)."""
