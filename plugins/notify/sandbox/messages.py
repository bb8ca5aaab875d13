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
    # 000: the order confirmation (订单确认书) after review, and its reminder when it is not back the same day
    "order_reviewed": {
        "en": ("Order confirmation {ref}: please sign and return it today", "The order confirmation of order {ref} "
               "is attached (total {total} {currency}, deposit due {deposit_due}, promised date {promised_date}). "
               "Please check it, sign, stamp and return it today; each day late moves the promised date by one day."),
        "zh-CN": ("订单确认书 {ref}：请于今日签字盖章回传", "订单 {ref} 的订单确认书见附件（订单金额 {total} {currency}，"
                  "应付订金 {deposit_due}，交货日期 {promised_date}）。请核对后签字盖章于今日回传；每迟回传一天，交货日期顺延一天。"),
    },
    "order_confirmation_overdue": {
        "en": ("Reminder: order confirmation {ref} not back yet", "The order confirmation of order {ref} was due "
               "back by {due_at} and has not arrived; it is attached again. Please sign, stamp and return it today: "
               "each day late moves the promised date ({promised_date}) by one day."),
        "zh-CN": ("提醒：订单 {ref} 的确认书尚未回传", "订单 {ref} 的订单确认书应于 {due_at} 前回传，目前尚未收到，现再次附上。"
                  "请于今日签字盖章回传；每迟回传一天，交货日期（{promised_date}）顺延一天。"),
    },
    # 000: finance approved: the outbound note (成品出库表) to the warehouse, marked delivery or pickup
    "order_released.delivery": {
        "en": ("Outbound note: order {ref} (delivery)", "Finance approved order {ref} (outbound note {outbound_ref}). "
               "Delivery (送货) to {address}, consignee {contact}. To ship: {to_ship}. Write the carrier, the "
               "vehicle plate and the escort on the note."),
        "zh-CN": ("成品出库表：订单 {ref}（送货）", "财务已审核订单 {ref}（出库单号 {outbound_ref}）。送货地址：{address}，"
                  "收货人：{contact}。本次出库：{to_ship}。请注明货运单位、车牌号码和跟车人员。"),
    },
    "order_released.pickup": {
        "en": ("Outbound note: order {ref} (pickup)", "Finance approved order {ref} (outbound note {outbound_ref}). "
               "Pickup (自提) by {pickup_company}, vehicle plate {plate}. To ship: {to_ship}."),
        "zh-CN": ("成品出库表：订单 {ref}（自提）", "财务已审核订单 {ref}（出库单号 {outbound_ref}）。客户自提，提货单位："
                  "{pickup_company}，车牌号码：{plate}。本次出库：{to_ship}。"),
    },
    # 000: 欠货清单 to the customer and planning while lines are short; the back order's own shipping notice
    "order_shipped.back_order": {
        "en": ("Order {ref} has shipped: back-order list", "Your order {ref} left our warehouse today with "
               "{carrier}, tracking number {tracking_number}; driver / carrier contact: {carrier_contact}. This "
               "shipment: {lines}. Still to come (back-order list attached): {back_orders}."),
        "zh-CN": ("订单 {ref} 已发货：欠货清单", "您的订单 {ref} 今天已由 {carrier} 发货，运单号 {tracking_number}，"
                  "司机/承运人联系方式：{carrier_contact}。本次发货：{lines}。欠货（欠货清单见附件）：{back_orders}。"),
    },
    "order_shipped.back_order_delivered": {
        "en": ("Order {ref}: the back order has shipped", "The back-ordered goods of your order {ref} left our "
               "warehouse today with {carrier}, tracking number {tracking_number}; driver / carrier contact: "
               "{carrier_contact}. This shipment: {lines}."),
        "zh-CN": ("订单 {ref} 欠货已发货", "您的订单 {ref} 此前的欠货今天已由 {carrier} 发货，运单号 {tracking_number}，"
                  "司机/承运人联系方式：{carrier_contact}。本次发货：{lines}。"),
    },
    # 000: 在货物发出的第二日 the delivery note (送货单), and who collected the goods
    "shipment_delivery_note_due": {
        "en": ("Delivery note for order {order_ref} (shipment {ref})", "Your goods of order {order_ref} (shipment "
               "{ref}: {lines}) left yesterday, collected by {collected_by}. The delivery note is attached: please "
               "confirm that you know the goods were collected by the company you named."),
        "zh-CN": ("订单 {order_ref} 送货单（发货单 {ref}）", "您订单 {order_ref} 的货品（发货单 {ref}：{lines}）已于昨日发出，"
                  "由 {collected_by} 取走。送货单见附件，请确认您已知悉货品已由您指定的单位取走。"),
    },
    "order_delivered": {
        "en": ("Order {ref} delivered", "Please count and inspect the goods within 3 days; the delivery note follows."),
        "zh-CN": ("订单 {ref} 已送达", "请在3天内验货，送货单随后发送。"),
    },
    # a cancel or a refund before shipping: the customer, and the warehouse holding the outbound note
    "order_cancelled": {
        "en": ("Your order {ref} is cancelled", "Your order {ref} is cancelled: {reason}. Nothing of it will be "
               "shipped; a payment made is refunded as the after-sales request says."),
        "zh-CN": ("您的订单 {ref} 已取消", "您的订单 {ref} 已取消：{reason}。该订单不会发货；已付款项按售后申请退款。"),
    },
    "order_cancelled.warehouse": {
        "en": ("Order {ref} cancelled: do not ship", "Order {ref} was cancelled before shipping ({reason}). Take it "
               "off the outbound notes (ERP order {erp_ref}) and put its goods back into stock."),
        "zh-CN": ("订单 {ref} 已取消：请勿发货", "订单 {ref} 在发货前已取消（{reason}）。请将其从出库安排中撤下"
                  "（ERP 单号 {erp_ref}），货品退回库存。"),
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
    # 004: the claim report (理赔申请报告书) to the approvers, with the customer's open balance
    "claim_report_issued": {
        "en": ("Claim report {ref}: please approve", "The claim report of claim {ref} (order {order_ref}) is attached: "
               "settlement proposed {amount_approved} {currency}; the customer's open balance {open_balance} "
               "{open_balance_currency}; at fault: {fault}."),
        "zh-CN": ("理赔申请报告书 {ref} 待审批", "索赔 {ref}（订单 {order_ref}）的《理赔申请报告书》见附件：建议赔付 "
                  "{amount_approved} {currency}；客户欠款 {open_balance} {open_balance_currency}；责任方：{fault}。"),
    },
    # 000: the reply to a shortage or damage complaint: cause, responsibility, remedy (补货换货的回复)
    "complaint_answered": {
        "en": ("Your complaint {ref} on order {order_ref}: our reply", "We looked into your {kind} complaint on "
               "order {order_ref}. Cause: {cause}. Responsibility: {responsibility}. Remedy: {remedy}: {plan} "
               "(by {promised_date}). Please tell us once it is settled."),
        "zh-CN": ("关于订单 {order_ref} 的投诉 {ref} 的答复", "您对订单 {order_ref} 的投诉（{kind}）已查明。原因：{cause}。"
                  "责任：{responsibility}。处理方式：{remedy}：{plan}（{promised_date} 前）。处理完毕后请告知我们。"),
    },
    "customer_vip_granted": {
        "en": ("Welcome to VIP service", "Congratulations: your account is now served as a VIP."),
        "zh-CN": ("VIP 服务开通", "恭喜您成为我们的VIP客户。"),
    },
    "customer_vip_revoked": {
        "en": ("VIP service ended", "Following the monthly review your VIP service has ended."),
        "zh-CN": ("VIP 服务取消", "根据月度审核，您的VIP服务已取消。"),
    },
    # 004: 不符合VIP要求者→发邮件予业务部门重新评估: the month's figures to sales, who answer with a written notice
    "customer_vip_reevaluation_requested": {
        "en": ("VIP re-evaluation: {code} {name}", "The shipment volume of VIP customer {code} ({name}) for {month} "
               "was {monthly_volume} ({measure}), below the VIP requirement of {threshold}. Please re-evaluate and "
               "send customer service your written notice: VIP kept, or VIP cancelled."),
        "zh-CN": ("VIP 重新评估：{code} {name}", "VIP客户 {code}（{name}）{month} 的走货量为 {monthly_volume}（{measure}），"
                  "低于VIP标准 {threshold}。请重新评估，并书面通知客服VIP维护组：保留或取消VIP服务。"),
    },
    "sla_breached": {
        "en": ("Limit breached: {rule}", "{entity} {ref}: {rule} was due at {due_at}. Escalated to {escalate_to}."),
        "zh-CN": ("超时：{rule}", "{entity} {ref}：{rule} 已于 {due_at} 到期，已上报 {escalate_to}。"),
    },
    # 000 新开店备发货流程: the letters of a new store's setup
    "store_received": {
        "en": ("New store customer {customer}", "Store development passed on store {ref} ({name}): the customer "
               "record {customer} ({customer_name}) was created. Please set up the account."),
        "zh-CN": ("新上店客户 {customer}", "店面研发部转来新店 {ref}（{name}），已建立新客户资料 {customer}（{customer_name}），"
                  "请财务中心知悉并建立账户。"),
    },
    "store_documents_sent": {
        "en": ("Store {ref}: your start documents", "Please find the documents for your new store {name}: "
               "{sent}."),
        "zh-CN": ("新店 {ref}：启动资料", "您的新店 {name} 的资料已寄出：{sent}。"),
    },
    "store_decor_list_requested": {
        "en": ("Store {ref}: decor list needed", "The product list of store {ref} ({name}) is ready ({lines} lines): "
               "please prepare the decor list; both go to the customer within 2 working days."),
        "zh-CN": ("新店 {ref}：请配置饰品清单", "新店 {ref}（{name}）的产品清单已配出（{lines} 项），请配置专卖店饰品清单，"
                  "两份清单需在2个工作日内一起传给客户确认。"),
    },
    "store_lists_for_confirmation": {
        "en": ("Store {ref}: lists for your confirmation", "Please confirm the product list ({products}) and the "
               "decor list ({decor}) of your store {name}, return them, make the payment and agree the shipping "
               "date with us. Adding or removing decor or image items needs the signature of our "
               "store-development manager."),
        "zh-CN": ("新店 {ref}：清单请确认", "请确认您的新店 {name} 的产品清单（{products}）和饰品清单（{decor}）并回传，"
                  "同时打款并与我们协商发货期。如需增删饰品或形象品，须经店面研发部经理签署。"),
    },
    "store_back_orders": {
        "en": ("Store {ref}: back-order list", "The first shipment of store {name} could not carry everything. "
               "Still to come (欠货清单): {back_orders}."),
        "zh-CN": ("新店 {ref}：欠货清单", "新店 {name} 的首次发货未能全部发出，欠货如下：{back_orders}。"),
    },
    "report_ready": {
        "en": ("{kind} report {period_start} – {period_end}", "Orders received {orders}, delivered {delivered}, "
               "closed {closed}; late confirmations {late}; open back orders {back_orders}; claims opened "
               "{claims_opened}, closed {claims_closed}; time rules breached {breaches}; new stores {stores}."),
        "zh-CN": ("{kind} 报表 {period_start} 至 {period_end}", "收到订单 {orders}，送达 {delivered}，关闭 {closed}；"
                  "确认书逾期 {late}；未结欠货 {back_orders}；索赔新开 {claims_opened}，结案 {claims_closed}；"
                  "超时 {breaches}；新开店 {stores}。"),
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
