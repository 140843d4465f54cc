"""The asset library: tables, repository and search."""
