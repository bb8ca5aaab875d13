"""A fake K3 Cloud WebAPI: the documented URLs, envelopes, session cookies, signatures and replies.

It keeps documents in memory and checks requests the way the server does: the path
``/k3cloud/<Service>.common.kdsvc``, a JSON body, the session cookie (or the signed headers),
``formid``/``data`` envelopes, submit-before-audit. Tests script faults with ``fail_next``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import web

PREFIX = "/k3cloud/"
FORM = "Kingdee.BOS.WebApi.ServicesStub.DynamicFormService."
AUTH = "Kingdee.BOS.WebApi.ServicesStub.AuthService."
SESSION_LOST = "会话信息已丢失，请重新登录"
QUOTED = r"'(?:[^']|'')*'"
# One comparison of a FilterString: field (base data as FCUSTOMERID.FNumber), then = or <> a quoted value,
# or IN a bracketed list of them; brackets around groups of clauses are allowed.
CLAUSE = re.compile(rf"^\s*\(*\s*([\w.]+)\s*(?:(=|<>)\s*({QUOTED})|\s(IN)\s*\(\s*({QUOTED}(?:\s*,\s*{QUOTED})*)\s*\))"
                    rf"\s*\)*\s*$", re.IGNORECASE)


def _sign(message: str, key: str) -> str:
    """base64 of the lower-case hex HMAC-SHA256, as the SDKs write it."""
    digest = hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def status(ok: bool, *, msg_code: int = 0, errors: list[dict[str, Any]] | None = None,
           entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body = {"IsSuccess": ok, "MsgCode": msg_code, "Errors": errors or [], "SuccessMessages": [],
            "SuccessEntitys": entities or []}
    if not ok:
        body["ErrorCode"] = 500
    return body


def failure(message: str, msg_code: int, field_name: str = "") -> dict[str, Any]:
    errs = [{"FieldName": field_name, "Message": message, "DIndex": 0}]
    return {"Result": {"ResponseStatus": status(False, msg_code=msg_code, errors=errs),
                       "Id": "", "Number": "", "NeedReturnData": []}}


def success(fid: int, number: str) -> dict[str, Any]:
    entity = {"Id": fid, "Number": number, "DIndex": 0}
    return {"Result": {"ResponseStatus": status(True, entities=[entity]), "Id": fid, "Number": number,
                       "NeedReturnData": []}}


@dataclass
class FakeKingdee:
    acct_id: str = "62f0c0ffee"
    username: str = "hub"
    password: str = "s3cret"
    app_id: str = "229973_" + base64.b64encode(b"0123456789abcdefghijklmn").decode()
    app_secret: str = "f582a31a838c4c6bae98a1747eba15aa"
    customers: set[str] = field(default_factory=lambda: {"C001"})
    materials: set[str] = field(default_factory=lambda: {"SKU-1", "SKU-2", "CLAIM"})
    documents: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sessions: set[str] = field(default_factory=set)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    logins: int = 0
    scripted: dict[str, list[Any]] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(100001))

    # -- test controls -------------------------------------------------------------------
    def fail_next(self, operation: str, *, msg_code: int = 11, message: str = "error",
                  http_status: int | None = None) -> None:
        """The next call of ``operation`` (Save, Submit, Audit, Push, ExecuteBillQuery,
        ValidateUser) answers with a ResponseStatus failure, or with ``http_status``."""
        reply = http_status if http_status is not None else failure(message, msg_code)
        self.scripted.setdefault(operation, []).append(reply)

    def receivable(self, customer: str, amount: float, *, received: float = 0.0, due: str = "2026-11-30",
                   status: str = "C", cancelled: bool = False, currency: str = "PRE001") -> dict[str, Any]:
        """A receivable bill (应收单) finance booked in K3's own client; ``received`` is what receipts were
        matched against it so far, ``due`` its due date (FENDDATE_H)."""
        written_off = "A" if not received else ("C" if received >= amount else "B")
        doc = {"FID": next(self._ids), "FBillNo": f"AR{len(self.docs('AR_receivable')) + 1:08d}",
               "FDocumentStatus": status, "FCUSTOMERID": {"FNumber": customer},
               "FCURRENCYID": {"FNumber": currency}, "FALLAMOUNTFOR": amount, "FRELATEHADPAYAMOUNT": received,
               "FWRITTENOFFSTATUS": written_off, "FCancelStatus": "B" if cancelled else "A",
               "FENDDATE_H": f"{due}T00:00:00"}
        self.docs("AR_receivable").append(doc)
        return doc

    def expire_sessions(self) -> None:
        self.sessions.clear()

    def count(self, operation: str) -> int:
        return sum(1 for name, _ in self.calls if name == operation)

    def docs(self, form_id: str) -> list[dict[str, Any]]:
        return self.documents.setdefault(form_id, [])

    # -- finance, working in K3's own client (not through the WebAPI, so not in ``calls``) --
    def _as_finance(self, number: str, allowed: set[str], target: str, note: str | None,
                    note_field: str, form_id: str) -> dict[str, Any]:
        doc = self._find(form_id, number)
        assert doc is not None, f"no {form_id} {number}"
        assert doc["FDocumentStatus"] in allowed, f"{number} is {doc['FDocumentStatus']}, K3 refuses"
        doc["FDocumentStatus"] = target
        if note is not None:
            doc[note_field] = note
        return doc

    def finance_audits(self, number: str, form_id: str = "SAL_SaleOrder") -> None:
        """审核: B → C."""
        self._as_finance(number, {"B"}, "C", None, "", form_id)

    def finance_unaudits(self, number: str, note: str | None = None, note_field: str = "FNote",
                         form_id: str = "SAL_SaleOrder") -> None:
        """反审核 of an audited bill: C → D 重新审核, optionally writing why into a header field."""
        self._as_finance(number, {"C"}, "D", note, note_field, form_id)

    def finance_returns(self, number: str, note: str | None = None, note_field: str = "FNote",
                        form_id: str = "SAL_SaleOrder") -> None:
        """A submitted bill sent back before its audit (撤销, a workflow's 驳回): B → A 创建."""
        self._as_finance(number, {"B"}, "A", note, note_field, form_id)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(PREFIX + "{service}", self._handle)
        return app

    # -- transport -----------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        service = request.match_info["service"]
        if not service.endswith(".common.kdsvc"):
            raise web.HTTPNotFound()
        service = service[: -len(".common.kdsvc")]
        if request.content_type != "application/json":
            return web.Response(status=415, text="Unsupported Media Type")
        try:
            body = await request.json()
        except ValueError:
            return web.Response(status=400, text="Bad Request")
        name = service.rsplit(".", 1)[-1]
        self.calls.append((name, body))
        if self.scripted.get(name):
            reply = self.scripted[name].pop(0)
            if isinstance(reply, int):
                return web.Response(status=reply, text="<html>Service Unavailable</html>",
                                    content_type="text/html")
            return web.json_response(self._wrap(name, reply))
        if service == AUTH + "ValidateUser":
            return self._validate_user(body)
        if not service.startswith(FORM) or not hasattr(self, "_op_" + name):
            raise web.HTTPNotFound()
        refused = self._check_auth(request)
        if refused is not None:
            return web.json_response(self._wrap(name, refused))
        return web.json_response(getattr(self, "_op_" + name)(body))

    @staticmethod
    def _wrap(name: str, reply: dict[str, Any]) -> Any:
        # ExecuteBillQuery has no Result shell on success; its failures come as [[{Result}]].
        return [[reply]] if name == "ExecuteBillQuery" else reply

    def _validate_user(self, body: dict[str, Any]) -> web.Response:
        lowered = {k.lower(): v for k, v in body.items()}
        if "parameters" in lowered:
            lowered = dict(zip(("acctid", "username", "password", "lcid"), lowered["parameters"]))
        ok = (lowered.get("acctid") == self.acct_id and lowered.get("username") == self.username
              and lowered.get("password") == self.password and isinstance(lowered.get("lcid"), int))
        if not ok:
            return web.json_response({"Message": "用户名或密码错误！", "MessageCode": "CheckPasswordPolicy",
                                      "LoginResultType": 0, "Context": None, "KDSVCSessionId": None})
        self.logins += 1
        sid = f"sid-{self.logins}-{time.monotonic_ns()}"
        self.sessions.add(sid)
        resp = web.json_response({"Message": None, "MessageCode": "", "LoginResultType": 1,
                                  "Context": {"UserName": self.username, "DBid": self.acct_id},
                                  "KDSVCSessionId": sid, "IsSuccessByAPI": True})
        resp.set_cookie("kdservice-sessionid", sid)
        resp.set_cookie("ASP.NET_SessionId", "asp-" + sid)
        return resp

    def _check_auth(self, request: web.Request) -> dict[str, Any] | None:
        if "X-Kd-Appkey" in request.headers:
            return self._check_signature(request)
        sid = request.cookies.get("kdservice-sessionid")
        if sid in self.sessions and request.cookies.get("ASP.NET_SessionId") == "asp-" + sid:
            return None
        return failure(SESSION_LOST, 1)

    def _check_signature(self, request: web.Request) -> dict[str, Any] | None:
        # Written from the SDK description, independently of the adapter's signing module.
        h = request.headers
        data = base64.b64decode(h.get("X-Kd-Appdata", "")).decode("utf-8")
        expected_kd = _sign(self.app_id + data, self.app_secret)
        xor = b"0054f397c6234378b09ca7d3e5debce7"
        secret_part = base64.b64decode(self.app_id.split("_", 1)[1])
        api_key = base64.b64encode(bytes(b ^ xor[i] for i, b in enumerate(secret_part))).decode()
        message = (f"POST\n{quote(request.path, safe='')}\n\n"
                   f"x-api-nonce:{h.get('x-api-nonce', '')}\nx-api-timestamp:{h.get('x-api-timestamp', '')}\n")
        expected_api = _sign(message, api_key)
        fresh = abs(int(h.get("x-api-timestamp", "0")) - time.time() * 1000) < 600_000
        if (h.get("X-Kd-Appkey") != self.app_id or h.get("X-Kd-Signature") != expected_kd
                or h.get("X-Api-Signature") != expected_api or h.get("X-Api-ClientID") != self.app_id.split("_")[0]
                or not fresh or not data.startswith(f"{self.acct_id},{self.username},")):
            return failure("授权密钥校验失败，请获取最新密钥加密", 0)
        return None

    # -- operations ----------------------------------------------------------------------
    def _find(self, form_id: str, number: str) -> dict[str, Any] | None:
        return next((d for d in self.docs(form_id) if d["FBillNo"] == number), None)

    @staticmethod
    def _value(doc: dict[str, Any], key: str) -> Any:
        """A field key's value; FCUSTOMERID.FNumber reads the base data's number. K3 ignores the case of keys."""
        value: Any = doc
        for part in key.split("."):
            if not isinstance(value, dict):
                return None
            value = next((v for k, v in value.items() if k.lower() == part.lower()), None)
        return value

    @staticmethod
    def _parse_filter(text: str) -> list[tuple[str, str, set[str]]] | None:
        """(field, operator, values) per clause of an AND-only FilterString; None for a syntax error."""
        if text.count("(") != text.count(")"):
            return None
        clauses = []
        for part in (c for c in re.split(r"\s+AND\s+", text, flags=re.IGNORECASE) if c.strip()):
            match = CLAUSE.match(part)
            if match is None:
                return None
            field, op, single, _in, listed = match.groups()
            quoted = re.findall(QUOTED, listed) if listed else [single]
            clauses.append((field, (op or "IN").upper(), {q[1:-1].replace("''", "'") for q in quoted}))
        return clauses

    def _rows_of(self, form_id: str) -> list[dict[str, Any]]:
        if form_id == "BD_Customer":  # base data: one row per customer number
            return [{"FCUSTID": n, "FNumber": code} for n, code in enumerate(sorted(self.customers), start=1)]
        return self.docs(form_id)

    def _op_ExecuteBillQuery(self, body: dict[str, Any]) -> Any:
        data = body.get("data")
        if not isinstance(data, dict) or "FormId" not in data or not isinstance(data.get("FieldKeys"), str):
            return [[failure("参数错误：FormId/FieldKeys", 8)]]
        clauses = self._parse_filter(data.get("FilterString", ""))
        if clauses is None:
            return [[failure("FilterString 语法错误", 4)]]

        def kept(doc: dict[str, Any]) -> bool:
            for field, op, values in clauses:
                have = self._value(doc, field)
                have = "" if have is None else str(have)
                if (have in values) != (op in ("=", "IN")):
                    return False
            return True

        rows = sorted((d for d in self._rows_of(data["FormId"]) if kept(d)), key=lambda d: d.get("FID", 0))
        start, limit = int(data.get("StartRow") or 0), int(data.get("Limit") or 0)
        rows = rows[start:start + limit] if limit else rows[start:]
        keys = data["FieldKeys"].split(",")
        return [[self._value(d, k) for k in keys] for d in rows]

    def _op_Save(self, body: dict[str, Any]) -> dict[str, Any]:
        form_id, data = body.get("formid"), body.get("data")
        if not form_id or not isinstance(data, dict) or not isinstance(data.get("Model"), dict):
            return failure("formid 或 data.Model 为空", 5)
        model = data["Model"]
        if model.get("FID", 0):
            return self._update(form_id, model, data.get("NeedUpDateFields") or [])
        problem = self._validate(form_id, model)
        if problem:
            return failure(problem[1], 11, problem[0])
        number = model.get("FBillNo") or f"{form_id[:4].upper()}{len(self.docs(form_id)) + 1:06d}"
        if self._find(form_id, number):
            return failure(f"单据编号 {number} 已经存在", 11, "FBillNo")
        doc = {**model, "FID": next(self._ids), "FBillNo": number, "FDocumentStatus": "A"}
        if form_id == "AR_receivable":
            doc.update(self._receivable_totals(model))
        self.docs(form_id).append(doc)
        return success(doc["FID"], number)

    @staticmethod
    def _receivable_totals(model: dict[str, Any]) -> dict[str, Any]:
        """What K3 fills in on a new receivable: its total from the lines, nothing received, open."""
        total = sum(e.get("FPriceQty", 0) * e.get("FTaxPrice", 0) for e in model.get("FEntityDetail") or [])
        return {"FALLAMOUNTFOR": round(total, 2), "FRELATEHADPAYAMOUNT": 0.0, "FWRITTENOFFSTATUS": "A",
                "FCancelStatus": "A", "FENDDATE_H": f"{model.get('FDATE')}T00:00:00"}

    def _update(self, form_id: str, model: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        doc = next((d for d in self.docs(form_id) if d["FID"] == model["FID"]), None)
        if doc is None:
            return failure(f"内码 {model['FID']} 的数据不存在", 10)
        if not fields:
            return failure("修改时 NeedUpDateFields 为空", 8)
        doc.update({k: model[k] for k in fields if k in model})
        return success(doc["FID"], doc["FBillNo"])

    def _validate(self, form_id: str, model: dict[str, Any]) -> tuple[str, str] | None:
        customer = (model.get("FCustId") or model.get("FCUSTOMERID") or {}).get("FNumber")
        if customer not in self.customers:
            return "FCustId", f"字段“客户”是必填项或编码 {customer} 不存在"
        entries = model.get("FSaleOrderEntry") or model.get("FEntityDetail") or []
        if not entries:
            return "FSaleOrderEntry", "单据体不能为空"
        for entry in entries:
            material = (entry.get("FMaterialId") or entry.get("FMATERIALID") or {}).get("FNumber")
            if material not in self.materials:
                return "FMaterialId", f"物料编码 {material} 不存在"
        return None

    def _operate(self, body: dict[str, Any], allowed: set[str], target: str, verb: str) -> dict[str, Any]:
        form_id, numbers = body.get("formid"), (body.get("data") or {}).get("Numbers") or []
        if not form_id or not isinstance(numbers, list) or not numbers:
            return failure("formid 或 Numbers 为空", 8)
        doc = self._find(form_id, numbers[0])
        if doc is None:
            return failure(f"单据 {numbers[0]} 不存在", 10)
        if doc["FDocumentStatus"] not in allowed:
            return failure(f"单据 {numbers[0]} 当前状态不允许{verb}", 12)
        doc["FDocumentStatus"] = target
        return success(doc["FID"], doc["FBillNo"])

    def _op_Submit(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._operate(body, {"Z", "A", "D"}, "B", "提交")

    def _op_Audit(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._operate(body, {"B"}, "C", "审核")

    def _op_UnAudit(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._operate(body, {"C"}, "D", "反审核")

    def _op_Push(self, body: dict[str, Any]) -> dict[str, Any]:
        data = body.get("data") or {}
        source = self._find(body.get("formid", ""), (data.get("Numbers") or [""])[0])
        if source is None or source["FDocumentStatus"] != "C":
            return failure("源单不存在或未审核，不能下推", 12)
        target = data.get("TargetFormId", "")
        number = f"XSCKD{len(self.docs(target)) + 1:06d}"
        doc = {"FID": next(self._ids), "FBillNo": number, "FDocumentStatus": "A", "FNote": "",
               "FSoorDerno": source["FBillNo"]}
        self.docs(target).append(doc)
        return success(doc["FID"], number)
