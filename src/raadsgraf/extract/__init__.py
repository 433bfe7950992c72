"""Rule-based extraction from Danish council text: dates, case numbers, people,
decision outcomes, section kinds and references to other treatments."""
