"""The read-only JSON API of published content, and the CSV of published goals."""
