"""Customer rules, free of I/O: classification, who may serve whom, attribution, the R-I6 freeze."""
