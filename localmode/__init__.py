"""The whole ledger on one machine: HTTP server, background work, command line."""
