"""Sources of resources: live AWS, and later Terraform and CloudFormation."""
