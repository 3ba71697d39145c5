"""Pure limits of scale: compute-optimal scaling (Chinchilla), diminishing returns, hardware and
compute trends, and the brain/AlphaGo/world-electricity contrasts."""
