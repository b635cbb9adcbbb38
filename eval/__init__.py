"""Evaluation: the Q&A set, the scorer (`planqa eval`) and the benchmark (`planqa bench`)."""
