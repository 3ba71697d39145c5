"""The limits of scale: scaling laws, diminishing returns, the cost trend, the lecture's contrasts."""
