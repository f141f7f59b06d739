"""CloudFormation custom resources: console deployment and bucket emptying."""
