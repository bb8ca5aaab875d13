"""Shopify: orders/create, orders/updated, orders/cancelled and refunds/create webhooks, signed with
X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body with the app's secret)."""
from hub import PluginSpec

from .plugin import ShopifyPlugin, ShopifySettings

SPEC = PluginSpec(name="shop.shopify", kind="shop", settings=ShopifySettings, factory=ShopifyPlugin,
                  description="Shopify order webhooks: new orders, cancellations and refunds, signature checked.")
