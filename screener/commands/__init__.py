"""One module per subcommand (see screener/cli.py). Keep top-level imports light."""
