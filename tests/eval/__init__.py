"""Scored evaluation of the claim extractor over a hand-written gold set."""
