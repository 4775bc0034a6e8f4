"""Topic 2: what has been implemented. Scorecards, histories and analysts' status updates."""
