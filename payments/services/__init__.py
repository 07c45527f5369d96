"""Every write of payments, split by sub-domain:

- ``risk``: scoring payment attempts against the staff's risk rules; the two-factor gate on
  large refunds.
"""
