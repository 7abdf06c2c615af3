"""A simulated exchange speaking the Binance Spot REST dialect (see server.py to run it)."""
