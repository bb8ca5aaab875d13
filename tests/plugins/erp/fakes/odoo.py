"""A fake Odoo speaking external JSON-RPC (/jsonrpc) and JSON-2 (/json/2/<model>/<method>).

Records live in memory; the ORM methods the adapter uses behave like Odoo's (search_read with
domains, create with (0, 0, vals) lines, action_confirm creating a delivery, button_validate,
action_post numbering the credit note). Errors come back in each protocol's documented shape.
Tests script faults with ``fail_next`` (an Odoo exception) or ``fail_next_http`` (a proxy).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web

JSON2_STATUS = {"odoo.exceptions.UserError": 422, "odoo.exceptions.ValidationError": 422,
                "odoo.exceptions.AccessError": 403, "odoo.exceptions.MissingError": 404,
                "odoo.exceptions.AccessDenied": 401, "werkzeug.exceptions.NotFound": 404,
                "werkzeug.exceptions.UnprocessableEntity": 422, "werkzeug.exceptions.Unauthorized": 401}


class OdooException(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name, self.message = name, message

    def serialize(self) -> dict[str, Any]:
        return {"name": self.name, "message": self.message, "arguments": [self.message], "context": {},
                "debug": f"Traceback (most recent call last):\n{self.name}: {self.message}\n"}


def user_error(message: str) -> OdooException:
    return OdooException("odoo.exceptions.UserError", message)


@dataclass
class FakeOdoo:
    database: str = "prod"
    login: str = "hub-bot"
    api_key: str = "6578616d706c65206a736f6e20617069206b6579"
    uid: int = 7
    stock_available: bool = True
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    authentications: int = 0
    scripted: dict[tuple[str, str], list[OdooException]] = field(default_factory=dict)
    scripted_http: list[int] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        partner = self.add("res.partner", name="Acme Trading", ref="C001")
        partner["commercial_partner_id"] = [partner["id"], partner["name"]]
        self.add("product.product", name="Widget", default_code="SKU-1")
        self.add("product.product", name="Claim settlement", default_code="CLAIM")
        self.currency = self.add("res.currency", name="CNY")
        self.receivable_account = self.add("account.account", code="1121", account_type="asset_receivable")
        self.payable_account = self.add("account.account", code="2202", account_type="liability_payable")

    # -- test controls -------------------------------------------------------------------
    def add(self, model: str, **vals: Any) -> dict[str, Any]:
        record = {"id": next(self._ids), **vals}
        self.records.setdefault(model, []).append(record)
        return record

    def table(self, model: str) -> list[dict[str, Any]]:
        return self.records.setdefault(model, [])

    def journal_item(self, partner_ref: str, residual: float, due: str, *, payable: bool = False,
                     posted: bool = True, reconciled: bool = False) -> dict[str, Any]:
        """A journal item as an invoice (positive residual), a credit note or a payment not yet matched
        (negative) leaves it on the partner's receivable account; ``due`` is its date_maturity."""
        partner = next(p for p in self.table("res.partner") if p["ref"] == partner_ref)
        account = self.payable_account if payable else self.receivable_account
        return self.add("account.move.line", partner_id=partner["id"], account_id=account["id"],
                        amount_residual=residual, date_maturity=due, reconciled=reconciled,
                        parent_state="posted" if posted else "draft")

    def fail_next(self, model: str, method: str, name: str, message: str = "error") -> None:
        self.scripted.setdefault((model, method), []).append(OdooException(name, message))

    def fail_next_http(self, status: int) -> None:
        self.scripted_http.append(status)

    def count(self, model: str, method: str) -> int:
        return self.calls.count((model, method))

    # -- finance, working in Odoo's own client (not through the API, so not in ``calls``) ---
    def _sale_order(self, name: str) -> dict[str, Any]:
        return next(so for so in self.table("sale.order") if so["name"] == name)

    def finance_confirms(self, name: str) -> None:
        """Confirm the quotation: state sale, its delivery order created."""
        self._action_confirm("sale.order", [self._sale_order(name)["id"]])

    def finance_cancels(self, name: str, **vals: Any) -> None:
        """Cancel the order (its deliveries too), writing ``vals`` first (a reason field)."""
        so = self._sale_order(name)
        so.update(vals)
        self._action_cancel("sale.order", [so["id"]])

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/jsonrpc", self._jsonrpc)
        app.router.add_post("/json/2/{model}/{method}", self._json2)
        return app

    # -- transports ----------------------------------------------------------------------
    def _proxy_fault(self) -> web.Response | None:
        if self.scripted_http:
            return web.Response(status=self.scripted_http.pop(0), text="<html>Bad Gateway</html>",
                                content_type="text/html")
        return None

    async def _jsonrpc(self, request: web.Request) -> web.Response:
        fault = self._proxy_fault()
        if fault is not None:
            return fault
        body = await request.json()
        if request.content_type != "application/json" or body.get("jsonrpc") != "2.0" or body.get("method") != "call":
            return web.json_response({"jsonrpc": "2.0", "id": None,
                                      "error": {"code": 400, "message": "Invalid JSON-RPC request", "data": {}}},
                                     status=400)
        params = body.get("params") or {}
        try:
            result = self._dispatch_rpc(params.get("service"), params.get("method"), params.get("args") or [])
        except OdooException as exc:
            error = {"code": 200, "message": "Odoo Server Error", "data": exc.serialize()}
            return web.json_response({"jsonrpc": "2.0", "id": body.get("id"), "error": error})
        return web.json_response({"jsonrpc": "2.0", "id": body.get("id"), "result": result})

    def _dispatch_rpc(self, service: str, method: str, args: list[Any]) -> Any:
        if (service, method) == ("common", "version"):
            return {"server_version": "19.0", "protocol_version": 1}
        if (service, method) == ("common", "authenticate"):
            db, login, password, _env = args
            self.authentications += 1
            return self.uid if (db, login, password) == (self.database, self.login, self.api_key) else False
        if (service, method) != ("object", "execute_kw"):
            raise OdooException("werkzeug.exceptions.NotFound", f"unknown {service}.{method}")
        db, uid, password, model, name, positional, kwargs = (*args, {})[:7] if len(args) == 6 else args
        if db != self.database or uid != self.uid or password != self.api_key:
            raise OdooException("odoo.exceptions.AccessDenied", "Access Denied")
        ids = positional[0] if positional else None
        if len(positional) > 1:
            raise OdooException("builtins.TypeError", "unexpected positional arguments")
        return self._execute(model, name, ids, kwargs)

    async def _json2(self, request: web.Request) -> web.Response:
        fault = self._proxy_fault()
        if fault is not None:
            return fault
        if request.headers.get("Authorization") != f"bearer {self.api_key}":
            return self._json2_error(OdooException("werkzeug.exceptions.Unauthorized", "Invalid apikey"))
        if request.headers.get("X-Odoo-Database") != self.database or request.content_type != "application/json":
            return self._json2_error(OdooException("werkzeug.exceptions.NotFound", "database not found"))
        params = await request.json()
        ids = params.pop("ids", None)
        params.pop("context", None)
        try:
            result = self._execute(request.match_info["model"], request.match_info["method"], ids, params)
        except OdooException as exc:
            return self._json2_error(exc)
        return web.json_response(result)

    @staticmethod
    def _json2_error(exc: OdooException) -> web.Response:
        return web.json_response(exc.serialize(), status=JSON2_STATUS.get(exc.name, 500))

    # -- ORM ------------------------------------------------------------------------------
    def _execute(self, model: str, method: str, ids: list[int] | None, params: dict[str, Any]) -> Any:
        self.calls.append((model, method))
        if self.scripted.get((model, method)):
            raise self.scripted[(model, method)].pop(0)
        handler: Callable[..., Any] | None = getattr(self, f"_{method}", None)
        if model not in {"res.partner", "product.product", "sale.order", "stock.picking", "account.move",
                         "account.move.line"}:
            raise OdooException("werkzeug.exceptions.NotFound", f"the model {model!r} does not exist")
        if handler is None:
            raise OdooException("werkzeug.exceptions.NotFound", f"The method {method!r} does not exist")
        try:
            return handler(model, ids, **params) if ids is not None else handler(model, **params)
        except TypeError as exc:
            raise OdooException("werkzeug.exceptions.UnprocessableEntity", str(exc)) from None

    def _browse(self, model: str, ids: list[int]) -> list[dict[str, Any]]:
        found = [r for r in self.table(model) if r["id"] in ids]
        if len(found) != len(set(ids)):
            raise OdooException("odoo.exceptions.MissingError", "Record does not exist or has been deleted.")
        return found

    # many2one fields of the records above and the model they point at, for dotted domain paths
    _RELATIONS = {"account_id": "account.account", "partner_id": "res.partner"}

    def _path(self, record: dict[str, Any], path: str) -> Any:
        """A domain path's value: "account_id.account_type" follows the many2one as Odoo's ORM does."""
        head, _, rest = path.partition(".")
        value = record.get(head)
        if not rest:
            return value
        target = next((r for r in self.table(self._RELATIONS[head]) if r["id"] == value), {})
        return self._path(target, rest)

    def _matches(self, record: dict[str, Any], domain: list[list[Any]]) -> bool:
        for fname, op, value in domain:
            have = self._path(record, fname)
            if not ((op == "=" and have == value) or (op == "!=" and have != value) or (op == "in" and have in value)
                    or (op == "not in" and have not in value)
                    or (op == "<" and have not in (None, False) and have < value)):
                return False
        return True

    def _field(self, model: str, record: dict[str, Any], name: str) -> Any:
        """A stored value, or what Odoo computes for the partner's credit (Total Receivable: the residual of
        its posted, unreconciled receivable items) and currency (the company's)."""
        if model == "res.partner" and name == "credit":
            items = self._search_read("account.move.line", [
                ["partner_id", "=", record["id"]], ["parent_state", "=", "posted"], ["reconciled", "=", False],
                ["account_id.account_type", "=", "asset_receivable"]], ["amount_residual"])
            return round(sum(i["amount_residual"] for i in items), 2)
        if model == "res.partner" and name == "currency_id":
            return [self.currency["id"], self.currency["name"]]
        return record.get(name, False)

    def _search_read(self, model: str, domain: list[list[Any]] | None = None, fields: list[str] | None = None,
                     offset: int = 0, limit: int | None = None, order: str | None = None) -> list[dict[str, Any]]:
        rows = [r for r in self.table(model) if self._matches(r, domain or [])]
        rows = sorted(rows, key=lambda r: r["id"])[offset:][:limit]
        return [{"id": r["id"], **{f: self._field(model, r, f) for f in fields or []}} for r in rows]

    def _read(self, model: str, ids: list[int], fields: list[str] | None = None) -> list[dict[str, Any]]:
        return [{"id": r["id"], **{f: self._field(model, r, f) for f in fields or []}}
                for r in self._browse(model, ids)]

    def _create(self, model: str, vals_list: list[dict[str, Any]]) -> list[int]:
        return [self._create_one(model, vals)["id"] for vals in vals_list]

    def _create_one(self, model: str, vals: dict[str, Any]) -> dict[str, Any]:
        partners = {p["id"] for p in self.table("res.partner")}
        if vals.get("partner_id") not in partners:
            raise OdooException("odoo.exceptions.ValidationError", "Missing required fields on accountable "
                                "sale order lines: partner_id")
        lines_key = "order_line" if model == "sale.order" else "invoice_line_ids"
        lines = [cmd[2] for cmd in vals.get(lines_key, []) if cmd[0] == 0 and cmd[1] == 0]
        if model == "sale.order":
            count = len(self.table(model)) + 1
            return self.add(model, **{**vals, lines_key: lines}, name=f"S{count:05d}", state="draft",
                            picking_ids=[])
        return self.add(model, **{**vals, lines_key: lines}, name="/", state="draft")

    def _action_confirm(self, model: str, ids: list[int]) -> bool:
        for so in self._browse(model, ids):
            if so["state"] not in ("draft", "sent"):
                raise user_error("Some orders are not in a state requiring confirmation.")
            so["state"] = "sale"
            count = len(self.table("stock.picking")) + 1
            picking = self.add("stock.picking", name=f"WH/OUT/{count:05d}", picking_type_code="outgoing",
                               state="assigned" if self.stock_available else "confirmed", sale_id=so["id"])
            so["picking_ids"] = [*so["picking_ids"], picking["id"]]
        return True

    def _action_cancel(self, model: str, ids: list[int]) -> bool:
        for so in self._browse(model, ids):
            if so["state"] == "cancel":
                continue
            so["state"] = "cancel"
            for picking in self._browse("stock.picking", so["picking_ids"]):
                if picking["state"] != "done":
                    picking["state"] = "cancel"
        return True

    def _action_draft(self, model: str, ids: list[int]) -> bool:
        # Odoo resets only cancelled or sent quotations; others are silently left alone.
        for so in self._browse(model, ids):
            if so["state"] in ("cancel", "sent"):
                so["state"] = "draft"
        return True

    def _action_assign(self, model: str, ids: list[int]) -> bool:
        for picking in self._browse(model, ids):
            if self.stock_available:
                picking["state"] = "assigned"
        return True

    def _button_validate(self, model: str, ids: list[int]) -> Any:
        for picking in self._browse(model, ids):
            if picking["state"] != "assigned":
                return {"type": "ir.actions.act_window", "res_model": "stock.backorder.confirmation",
                        "view_mode": "form", "target": "new"}
            picking["state"] = "done"
        return True

    def _action_post(self, model: str, ids: list[int]) -> bool:
        for move in self._browse(model, ids):
            if move["state"] != "draft":
                raise user_error("Only draft journal entries can be posted.")
            count = sum(1 for m in self.table(model) if m["state"] == "posted") + 1
            move.update(state="posted", name=f"RINV/2026/{count:05d}")
        return True
