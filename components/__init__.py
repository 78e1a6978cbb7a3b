"""Dash layout pieces, pure figure builders and the callbacks that drive them."""
