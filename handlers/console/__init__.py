"""The customer-success console: HTML pages and the assets they load (assets/)."""
