"""Per-sample report.json and report.html, batch summaries, couple reports."""
