"""Monthly engagement reports: the figures of a month for each residence and landlord, stored
as snapshots, and their outputs (JSON, CSV, PDF, e-mail)."""
