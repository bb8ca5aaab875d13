"""Shop platforms that send their own webhooks: each checks its platform's signature and maps its
order to the hub's own order message (pure), which the inbox applies like ``POST /webhooks/orders``."""
