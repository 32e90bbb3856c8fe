"""The terminal: prompts, the question flow, sessions with drafts, demo and intake."""
