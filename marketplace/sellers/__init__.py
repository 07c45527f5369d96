"""Sellers: merchant onboarding, shops and decoration, the seller dashboard shell and the
platform rules."""
