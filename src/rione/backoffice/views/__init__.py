"""Back-office views, one module per area."""
