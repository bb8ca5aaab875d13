"""WooCommerce: order.created and order.updated webhooks, signed with X-WC-Webhook-Signature (base64
HMAC-SHA256 of the raw body with the webhook's secret), and the ping sent when a webhook is saved."""
from hub import PluginSpec

from .plugin import WooCommercePlugin, WooCommerceSettings

SPEC = PluginSpec(name="shop.woocommerce", kind="shop", settings=WooCommerceSettings, factory=WooCommercePlugin,
                  description="WooCommerce order webhooks: new orders, cancellations and refunds, signature checked.")
