"""The AWS deployment of the credit ledger, as an AWS CDK app."""
