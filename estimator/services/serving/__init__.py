"""Serving's use cases: ``inference`` (the serving estimate), its words, and the engines' checks out of sample."""
