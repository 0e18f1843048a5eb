"""The read side of customer service: rows shaped for answers and exports, no decision, no write."""
