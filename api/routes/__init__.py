"""HTTP routes, one module per area; each route is a thin shell around queries/ and loaders/."""
