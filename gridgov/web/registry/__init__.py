"""The registry's pages: search, person and household cards, buildings, grids, imports, exports."""
