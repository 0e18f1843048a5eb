"""Customer: customer files, who serves whom, visits, reports, credit recommendations."""
