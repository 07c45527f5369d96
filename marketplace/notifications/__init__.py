"""Notifications: the transactional outbox for background work, the in-site inbox and e-mail.

Other apps send through ``services.notify()`` and queue must-not-lose work through
``outbox.enqueue()``. This app never imports catalog, orders or anything above it.
"""
