"""Pure monitoring engine: facts + calendar -> expected progress, status, forecast, roll-ups."""
