"""Carbon, embodied carbon, water and everyday equivalents."""
