"""Pure text engine: plan text -> DraftPlan. No Django, no database, no network."""
