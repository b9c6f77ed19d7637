"""Sufler's data files, installed as the package `assist.resources` (see pyproject.toml).

Read them through `assist.resource_path`, never by a path relative to a source file."""
