"""What the sandbox says for each milestone, in the customer's language (pure)."""
from __future__ import annotations

from typing import Any

# milestone → language → (subject, body); fields come from the snapshot.
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "order_shipped": {
        "en": ("Order {ref} has shipped", "Your order {ref} left our warehouse today with {carrier}, tracking "
               "number {tracking_number}; driver / carrier contact: {carrier_contact}."),
        "zh-CN": ("订单 {ref} 已发货", "您的订单 {ref} 今天已由 {carrier} 发货，运单号 {tracking_number}，"
                  "司机/承运人联系方式：{carrier_contact}。"),
    },
    "order_delivered": {
        "en": ("Order {ref} delivered", "Please count and inspect the goods within 3 days; the delivery note follows."),
        "zh-CN": ("订单 {ref} 已送达", "请在3天内验货，送货单随后发送。"),
    },
    "order_rejected": {
        "en": ("Order {ref} cannot be accepted", "Order {ref} was rejected: {reason}"),
        "zh-CN": ("订单 {ref} 无法接受", "订单 {ref} 被拒绝：{reason}"),
    },
    "order_price_escalated": {
        "en": ("Price check on order {ref}", "Prices on order {ref} differ from the price list: please decide."),
        "zh-CN": ("订单 {ref} 价格核对", "订单 {ref} 的价格与价目表不符，请处理。"),
    },
    "claim_opened": {
        "en": ("Claim {ref}: documents needed", "Please return the claim form with the signed delivery receipt, "
               "waybill, commercial invoice, photos and the amount claimed within 3 days."),
        "zh-CN": ("索赔 {ref}：请提供资料", "请在3天内寄回申请赔偿表及签收单、运单、商业发票、照片和索赔金额。"),
    },
    "claim_paid": {
        "en": ("Claim {ref} paid", "Your claim {ref} has been paid."),
        "zh-CN": ("索赔 {ref} 已赔付", "您的索赔 {ref} 已赔付。"),
    },
    "customer_vip_granted": {
        "en": ("Welcome to VIP service", "Congratulations: your account is now served as a VIP."),
        "zh-CN": ("VIP 服务开通", "恭喜您成为我们的VIP客户。"),
    },
    "customer_vip_revoked": {
        "en": ("VIP service ended", "Following the monthly review your VIP service has ended."),
        "zh-CN": ("VIP 服务取消", "根据月度审核，您的VIP服务已取消。"),
    },
    "sla_breached": {
        "en": ("Limit breached: {rule}", "{entity} {ref}: {rule} was due at {due_at}. Escalated to {escalate_to}."),
        "zh-CN": ("超时：{rule}", "{entity} {ref}：{rule} 已于 {due_at} 到期，已上报 {escalate_to}。"),
    },
    "case_opened": {
        "en": ("Case {ref}: {anomaly}", "Shipment {shipment_ref}: {anomaly}. Collect: {facts}."),
        "zh-CN": ("开档查询 {ref}：{anomaly}", "运单 {shipment_ref}：{anomaly}。需收集：{facts}。"),
    },
}


def render(milestone: str, language: str, fields: dict[str, Any]) -> tuple[str, str, str]:
    texts = TEXTS[milestone]
    lang = language if language in texts else "en"
    subject, body = texts[lang]
    safe = {k: ("" if v is None else v) for k, v in fields.items()}
    return lang, subject.format_map(_Missing(safe)), body.format_map(_Missing(safe))


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return ""
