"""What the carrier adapters share: mapping-row shapes, carrier text and times, the log-once
review of unrecognised wording, and the HTTP session. Merging events into a shipment's state
is the core's (``hub/core/tracking.py``)."""
