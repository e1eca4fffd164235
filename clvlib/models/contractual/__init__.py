"""Contractual (subscription) retention models: customers are seen leaving."""
