"""Signed webhooks: endpoints editors register, told of publishing events (events.py)."""
