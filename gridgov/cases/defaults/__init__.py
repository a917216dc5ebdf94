"""The default case taxonomy shipped with gridgov: categories, time limits, departments, rules.

Plain data, loaded by `taxonomy_services.load_defaults` (and `manage.py load_taxonomy`).
A district edits the loaded rows in the admin; the data here is only the starting point.
"""
