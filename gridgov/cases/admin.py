from gridgov.cases import admin_taxonomy  # noqa: F401  (registers Category and ResponsibilityRule)
