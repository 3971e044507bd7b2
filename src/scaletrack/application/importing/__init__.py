"""Spreadsheets in and out: files read into checked rows, each row a command."""
