"""JSON: the machine contract (``screener schema result`` describes it).

Both views give the same complete object: machines need the whole trail.
"""

EXTENSION = ".json"
BINARY = False


def render(result, ruleset, view: str) -> str:
    return result.to_json()
