"""The bare baseline of the intake benchmark: a Django view that inserts one case-wide row.

Not part of the product; mounted only by bench.settings_bench.
"""
