"""Reports built from plain data: the weekly case summary, the family summary, the forum brief, as PDF."""
