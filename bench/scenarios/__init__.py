"""One module per scenario; each ``run(run: Run) -> dict`` returns the figures it measured."""
