"""Moderation: reports and cases, moderators' actions, suspensions, the audit log, the
landlords' word filters."""
