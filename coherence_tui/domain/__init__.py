"""Pure domain code: models, scoring, recommendations. Never imports Textual."""
