"""The command line: click commands, one module per noun; the composition root."""
