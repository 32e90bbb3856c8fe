"""For rule authors: lint checks, rule cards and graphs, rule tests, random answers."""
