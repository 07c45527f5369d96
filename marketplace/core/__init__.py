"""Shared ground: errors, request ids and logging, health, the home page, demo seeding.

Small on purpose: nothing domain-specific lives here, and core imports no other app.
"""
