"""Files attached to an entity through the HTTP API (``POST /api/{plural}/{ref}/attachments``): the customer's
signed delivery receipt moving a claim, the signed confirmation moving an order, damage photos kept as
evidence; PDF, JPEG and PNG only, by content; size-limited while they stream; stored once under their SHA-256
beside the database, listed on the entity and served back byte for byte. Bad input of every kind is a clear
4xx that changes nothing. On SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import io
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from hub.app import create_app
from hub.core.config import HubConfig
from hub.web import keys

from .test_web_catalogue import response_schema
from .test_web_orders_api import shipped_order
from .web_support import AUTH, PLUGINS, EntityApi, new_order, served, shanghai, user_auth

ORDER, SHIPMENT, CLAIM = "SO-AT-1", "SH-AT-1", "CL-AT-1"
MAX_BYTES = 200_000  # small files keep the tests quick; a 2 MB photo is taken at the end


def pdf() -> bytes:
    """A minimal valid one-page PDF, its cross-reference table's offsets computed."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"]
    stream = b"BT /F1 12 Tf 20 100 Td (signed) Tj ET"
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png() -> bytes:
    """A valid 1x1 red PNG: signature, IHDR, IDAT, IEND, each chunk with its CRC."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


# A 1x1 baseline JPEG (JFIF), as an encoder wrote it.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a181616183123251d283a33"
    "3d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffdb0043011112121815182f1a1a2f6342"
    "38426363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363ff"
    "c00011080001000103012200021101031101ffc4001500010100000000000000000000000000000005ffc4001410010000000000000000"
    "0000000000000000ffc4001501010100000000000000000000000000000406ffc40014110100000000000000000000000000000000ff"
    "da000c03010002110311003f008e002a87ffd9")


class Api(EntityApi):
    collection, default_ref = "claims", CLAIM

    async def upload(self, path: str, *files: tuple[str, bytes], document: str | None = None,
                     headers: dict[str, str] | None = None, **fields: str) -> tuple[int, Any]:
        form = aiohttp.FormData()
        for name, content in files:
            form.add_field("file", io.BytesIO(content), filename=name, content_type="application/octet-stream")
        if document is not None:
            form.add_field("document", document)
        for name, value in fields.items():
            form.add_field(name, value)
        reply = await self.http.post(path, data=form, headers=headers or AUTH)
        return reply.status, await reply.json()

    async def download(self, url: str) -> aiohttp.ClientResponse:
        reply = await self.http.get(url, headers=AUTH)
        await reply.read()
        return reply

    def stored(self) -> list[Path]:
        """Every file in the store, temporary ones included."""
        root = self.data_dir / "attachments"
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []

    async def rows(self, path: str) -> list[dict[str, Any]]:
        return (await self.get(path))["items"]


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, aiohttp_client: Any, config: HubConfig, clock: Any,
              tmp_path: Path) -> AsyncIterator[Api]:
    config = HubConfig(data_dir=tmp_path, plugins=PLUGINS, attachments={"max_bytes": MAX_BYTES,
                                                                        "max_files_per_request": 3})
    async with served(Api, request.param, "attachments", aiohttp_client, config, clock, tmp_path) as api:
        yield api


async def _claim_on_a_shipped_order(api: Api) -> Api:
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    await shipped_order(api.http, api.runtime, ORDER, SHIPMENT, "TN-AT-1")
    for ref in (CLAIM, "CL-AT-2"):
        status, body = await api.post("/api/claims", {"ref": ref, "order_ref": ORDER, "shipment_ref": SHIPMENT,
                                                      "kind": "damage", "amount_claimed": "800"})
        assert status == 201, body
    return api


@pytest.fixture
async def claim(api: Api) -> Api:
    """Two claims opened on a shipped order: CL-AT-1 and CL-AT-2."""
    return await _claim_on_a_shipped_order(api)


UPLOADS = f"/api/claims/{CLAIM}/attachments"
TEMPLATE = "/api/claims/{ref}/attachments"  # the document's path


async def test_a_pdf_a_png_and_a_jpeg_are_stored_once_listed_and_served_back_byte_identical(claim):
    api = claim
    files = [("damage report.pdf", pdf()), ("crate.png", png()), ("dent.jpg", JPEG)]
    # when the damage photos and a report are uploaded as evidence
    status, body = await api.upload(UPLOADS, *files)
    # then each is kept, typed by its content, with who uploaded it, and no event is applied
    assert status == 201, body
    response_schema(TEMPLATE, "post", 201).validate(body)
    assert body["transition"] is None
    rows = body["attachments"]
    assert [(r["filename"], r["content_type"], r["size"], r["document"], r["uploaded_by"]) for r in rows] == [
        ("damage report.pdf", "application/pdf", len(pdf()), None, "tester"),
        ("crate.png", "image/png", len(png()), None, "tester"),
        ("dent.jpg", "image/jpeg", len(JPEG), None, "tester")]
    assert [r["sha256"] for r in rows] == [hashlib.sha256(content).hexdigest() for _, content in files]
    # and they are listed on the claim, and in its view
    listed = await api.get(UPLOADS)
    response_schema(TEMPLATE, "get", 200).validate(listed)
    assert listed["items"] == rows
    view = await api.entity()
    response_schema("/api/claims/{ref}", "get", 200).validate(view)
    assert view["attachments"] == rows
    # and each comes back byte for byte, as what its content is, never sniffed, as a download
    for row, (name, content) in zip(rows, files, strict=True):
        assert row["url"] == f"{UPLOADS}/{row['id']}"
        reply = await api.download(row["url"])
        assert reply.status == 200 and await reply.read() == content
        assert reply.headers["Content-Type"] == row["content_type"]
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert reply.headers["Content-Disposition"].startswith("attachment; filename=")
    # the files sit beside the database under their SHA-256, nothing left in the temporary folder
    root = api.data_dir / "attachments"
    assert api.stored() == sorted(root / r["sha256"][:2] / r["sha256"] for r in rows)
    # when the same report comes again, it gets a row of its own and is stored once
    status, again = await api.upload(UPLOADS, ("copy.pdf", pdf()))
    assert status == 201 and again["attachments"][0]["sha256"] == rows[0]["sha256"]
    assert len(await api.rows(UPLOADS)) == 4 and len(api.stored()) == 3
    # another claim's attachment is not this claim's, nor is an unknown id
    assert (await api.http.get(f"/api/claims/CL-AT-2/attachments/{rows[0]['id']}", headers=AUTH)).status == 404
    for missing in ("999999", "999999999999999999"):
        assert (await api.http.get(f"{UPLOADS}/{missing}", headers=AUTH)).status == 404


async def test_a_text_file_named_pdf_is_refused_by_its_content_and_nothing_is_stored(claim):
    api = claim
    for name, content in (("receipt.pdf", b"just some text, not a PDF at all"), ("x.png", b""),
                          ("short.jpg", b"\xff\xd8")):
        status, body = await api.upload(UPLOADS, ("photo.png", png()), (name, content),
                                        document="signed_delivery_receipt")
        assert status == 415, body
        assert "PDF, JPEG or PNG" in body["error"] and body["field"] == "file"
        assert body["accepted"] == ["application/pdf", "image/png", "image/jpeg"]
    assert await api.rows(UPLOADS) == [] and api.stored() == []
    assert (await api.entity())["state"] == "opened"


async def test_an_oversize_file_is_413_while_it_streams_and_nothing_is_stored(claim):
    api = claim
    big = pdf() + b"0" * MAX_BYTES
    status, body = await api.upload(UPLOADS, ("ok.png", png()), ("big.pdf", big))
    assert status == 413, body
    assert f"larger than {MAX_BYTES} bytes" in body["error"]
    # too many files at once is refused the same way
    status, body = await api.upload(UPLOADS, *[(f"p{n}.png", png()) for n in range(4)])
    assert status == 413 and "at most 3 files" in body["error"], body
    assert await api.rows(UPLOADS) == [] and api.stored() == []


async def test_an_unknown_entity_is_404_for_upload_list_and_download(claim):
    api = claim
    status, body = await api.upload("/api/claims/CL-NOPE/attachments", ("a.png", png()))
    assert status == 404 and "CL-NOPE" in body["error"]
    for path in ("/api/claims/CL-NOPE/attachments", "/api/orders/SO-NOPE/attachments/1"):
        assert (await api.http.get(path, headers=AUTH)).status == 404
    assert api.stored() == []


async def test_a_document_the_entity_does_not_have_is_422(claim):
    api = claim
    for path, document in ((UPLOADS, "signed_confirmation"), (UPLOADS, "passport"),
                           (f"/api/orders/{ORDER}/attachments", "waybill"),
                           (f"/api/shipments/{SHIPMENT}/attachments", "signed_delivery_receipt")):
        status, body = await api.upload(path, ("a.pdf", pdf()), document=document)
        assert status == 422 and body["field"] == "document", (path, body)
    status, body = await api.upload(UPLOADS, ("a.pdf", pdf()), document="waybill", extra="1")
    assert status == 422 and "unknown part 'extra'" in body["error"]
    assert await api.rows(UPLOADS) == [] and api.stored() == []


async def test_malformed_uploads_are_4xx_and_change_nothing(claim):
    api = claim
    # not multipart at all
    reply = await api.http.post(UPLOADS, json={"file": "x"}, headers=AUTH)
    assert reply.status == 415 and "multipart/form-data" in (await reply.json())["error"]
    # multipart without a boundary, or cut short
    headers = {**AUTH, "Content-Type": "multipart/form-data"}
    assert (await api.http.post(UPLOADS, data=b"--x\r\n", headers=headers)).status == 400
    cut = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4 and no end")
    reply = await api.http.post(UPLOADS, data=cut, headers={**AUTH, "Content-Type": "multipart/form-data; boundary=b"})
    assert reply.status == 400, await reply.text()
    # no file, only a document
    form = aiohttp.FormData({"document": "waybill"})
    form._is_multipart = True  # noqa: SLF001 - aiohttp sends fields without a file url-encoded otherwise
    reply = await api.http.post(UPLOADS, data=form, headers=AUTH)
    assert reply.status == 422 and (await reply.json())["field"] == "file"
    assert await api.rows(UPLOADS) == [] and api.stored() == []


async def test_the_signed_delivery_receipt_moves_the_claim_and_its_view_shows_which_file_it_is(claim):
    api = claim
    # when the customer's signed delivery receipt comes back, scanned
    status, body = await api.upload(UPLOADS, ("../../scan\u202egnp.pdf", pdf()), document="signed_delivery_receipt")
    # then the claim's documents_received event is applied with it
    assert status == 201, body
    response_schema(TEMPLATE, "post", 201).validate(body)
    [row] = body["attachments"]
    assert row["document"] == "signed_delivery_receipt" and row["filename"] == "scangnp.pdf"
    moved = body["transition"]
    assert (moved["event"], moved["previous"], moved["state"]) == ("documents_received", "opened",
                                                                    "documents_received")
    assert moved["data"] == {"documents": ["signed_delivery_receipt"], "attachments": [row["id"]]}
    # and the claim lists the document, still awaits the others, and shows which file backs it
    view = await api.entity()
    assert view["documents_received"] == ["signed_delivery_receipt"]
    assert "signed_delivery_receipt" not in view["documents_missing"]
    assert [(a["id"], a["document"]) for a in view["attachments"]] == [(row["id"], "signed_delivery_receipt")]
    assert view["timeline"][-1]["data"]["attachments"] == [row["id"]]
    # when the photos of the loss come later, as a second upload, the claim keeps both documents
    status, body = await api.upload(UPLOADS, ("1.jpg", JPEG), ("2.png", png()), document="loss_evidence_photos")
    assert status == 201 and body["transition"]["previous"] == "documents_received", body
    view = await api.entity()
    assert view["documents_received"] == ["signed_delivery_receipt", "loss_evidence_photos"]
    assert [a["document"] for a in view["attachments"]] == ["signed_delivery_receipt", "loss_evidence_photos",
                                                            "loss_evidence_photos"]
    reply = await api.download(row["url"])
    assert reply.headers["Content-Disposition"] == (
        "attachment; filename=\"scangnp.pdf\"; filename*=UTF-8''scangnp.pdf")


async def awaiting_confirmation(api: Api, ref: str) -> None:
    """An order whose confirmation went to the customer, to be signed and sent back."""
    status, body = await api.post("/api/orders", new_order(ref, deposit_due="1000"))
    assert status == 201, body
    await api.runtime.settle()
    await api.post(f"/api/orders/{ref}/events", {"event": "confirmation_sent"})


async def test_an_order_awaiting_its_confirmation_gets_the_signed_one_and_awaits_payment(api):
    # given an order whose confirmation went to the customer
    await awaiting_confirmation(api, "SO-AT-2")
    # when the customer's signed and stamped confirmation is uploaded
    path = "/api/orders/SO-AT-2/attachments"
    status, body = await api.upload(path, ("订单确认书.pdf", pdf()), document="signed_confirmation")
    # then the order awaits payment, the confirmation on record
    assert status == 201, body
    [row] = body["attachments"]
    assert (row["filename"], row["document"]) == ("订单确认书.pdf", "signed_confirmation")
    assert (body["transition"]["event"], body["transition"]["state"]) == ("confirmation_received",
                                                                           "awaiting_payment")
    assert body["transition"]["data"] == {"attachments": [row["id"]]}
    order = await api.get("/api/orders/SO-AT-2")
    response_schema("/api/orders/{ref}", "get", 200).validate(order)
    assert order["state"] == "awaiting_payment" and order["confirmation_received_at"] is not None
    assert [(a["id"], a["document"]) for a in order["attachments"]] == [(row["id"], "signed_confirmation")]
    # and a second signed copy is refused: the order no longer awaits one (grade B), nothing more stored
    status, body = await api.upload(path, ("again.pdf", pdf() + b"%copy"), document="signed_confirmation")
    assert status == 409 and body["state"] == "awaiting_payment", body
    assert len(await api.rows(path)) == 1 and len(api.stored()) == 1


async def test_a_document_the_claims_state_no_longer_takes_stores_nothing(claim):
    api = claim
    await api.event(CLAIM, "documents_received", {"documents": ["waybill"]})
    await api.event(CLAIM, "departments_answered")  # uninsured: negotiating
    status, body = await api.upload(UPLOADS, ("late.pdf", pdf()), document="commercial_invoice")
    assert status == 409 and body["state"] == "negotiating" and body["event"] == "documents_received", body
    assert await api.rows(UPLOADS) == [] and api.stored() == []
    # evidence is still taken in any state
    status, body = await api.upload(UPLOADS, ("photo.png", png()))
    assert status == 201 and body["transition"] is None


async def test_documents_received_may_name_only_the_claims_own_uploads(claim):
    api = claim
    _, other = await api.upload("/api/claims/CL-AT-2/attachments", ("theirs.pdf", pdf()))
    _, own = await api.upload(UPLOADS, ("invoice.pdf", pdf() + b"%invoice"))
    theirs, mine = other["attachments"][0]["id"], own["attachments"][0]["id"]
    # another claim's upload, or none at all, is refused, and the claim does not move
    for ids in ([theirs], [mine, theirs], [999_999]):
        refused = await api.event(CLAIM, "documents_received", {"documents": ["commercial_invoice"],
                                                                "attachments": ids}, expect=422)
        assert refused["field"] == "data.attachments" and f"not an attachment of claim {CLAIM}" in refused["error"]
    bad = await api.event(CLAIM, "documents_received", {"documents": ["waybill"], "attachments": [0]}, expect=422)
    assert bad["errors"][0]["field"] == "data.attachments.0"
    assert (await api.entity())["state"] == "opened"
    # its own upload, named as the commercial invoice, is that document from now on
    moved = await api.event(CLAIM, "documents_received", {"documents": ["commercial_invoice"], "attachments": [mine]})
    assert moved["data"]["attachments"] == [mine]
    [row] = (await api.entity())["attachments"]
    assert (row["id"], row["document"]) == (mine, "commercial_invoice")
    # and the order's confirmation cannot name a claim's upload either
    await awaiting_confirmation(api, "SO-AT-3")
    status, body = await api.post("/api/orders/SO-AT-3/events", {"event": "confirmation_received",
                                                                 "data": {"attachments": [mine]}})
    assert status == 422 and "not an attachment of order SO-AT-3" in body["error"], body


async def test_who_may_upload_follows_the_entitys_roles(claim):
    api = claim
    warehouse = await user_auth(api.http, "wh.zhou", "warehouse")
    status, body = await api.upload(UPLOADS, ("a.png", png()), headers=warehouse)
    assert status == 403 and "agent" in body["roles"]
    agent = await user_auth(api.http, "cs.wang", "agent")
    status, body = await api.upload(UPLOADS, ("a.png", png()), document="waybill", headers=agent)
    assert status == 201 and body["attachments"][0]["uploaded_by"] == "cs.wang"
    # the shipment's own people may attach to it
    status, body = await api.upload(f"/api/shipments/{SHIPMENT}/attachments", ("pod.jpg", JPEG), headers=warehouse)
    assert status == 201, body
    assert len(await api.rows(UPLOADS)) == 1


async def test_files_survive_a_restart_of_the_hub(aiohttp_client, config, tmp_path, clock):
    config = HubConfig(data_dir=tmp_path, plugins=PLUGINS)  # on the migrated SQLite file `config` copied
    app = create_app(config, clock=clock, run_background=False)
    api = await _claim_on_a_shipped_order(Api(await aiohttp_client(app), app[keys.HUB], tmp_path))
    status, body = await api.upload(UPLOADS, ("receipt.pdf", pdf()), ("photo.png", png()),
                                    document="signed_delivery_receipt")
    assert status == 201, body
    await api.http.close()  # the hub stops
    # when a new hub starts on the same data folder
    app = create_app(config, clock=clock, run_background=False)
    again = Api(await aiohttp_client(app), app[keys.HUB], tmp_path)
    # then it lists the files and serves them as they came
    assert await again.rows(UPLOADS) == body["attachments"]
    for row, content in zip(body["attachments"], (pdf(), png()), strict=True):
        reply = await again.download(row["url"])
        assert (reply.status, await reply.read()) == (200, content)


async def test_a_file_whose_store_is_gone_is_503_not_500(claim):
    api = claim
    _, body = await api.upload(UPLOADS, ("a.png", png()))
    for path in api.stored():
        path.unlink()
    reply = await api.http.get(body["attachments"][0]["url"], headers=AUTH)
    assert reply.status == 503 and "not in the store" in (await reply.json())["error"]


async def test_an_unwritable_store_is_503_and_records_nothing(claim):
    api = claim
    (api.data_dir / "attachments").write_text("a file where the store's folder should be")
    status, body = await api.upload(UPLOADS, ("a.pdf", pdf()), document="waybill")
    assert status == 503 and "cannot be written" in body["error"], body
    assert (await api.entity())["state"] == "opened" and (await api.entity())["attachments"] == []


async def test_a_file_above_the_webhook_body_limit_but_within_max_bytes_is_taken(aiohttp_client, config, tmp_path,
                                                                                 clock):
    config = HubConfig(data_dir=tmp_path, plugins=PLUGINS)  # max_bytes 10 MiB
    app = create_app(config, clock=clock, run_background=False)
    api = await _claim_on_a_shipped_order(Api(await aiohttp_client(app), app[keys.HUB], tmp_path))
    status, body = await api.upload(UPLOADS, ("photo.jpg", JPEG[:-2] + b"\x00" * 2_000_000 + b"\xff\xd9"))
    assert status == 201, body
    # a body declared larger than max_files_per_request files of max_bytes is refused from its head alone
    declared = 10 * 10 * 1024 * 1024 + 64 * 1024 + 1
    reply = await api.http.post(f"/api/claims/{CLAIM}/attachments", data=b"x" * 10, headers={
        **AUTH, "Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(declared)})
    assert reply.status == 413 and str(declared - 1) in (await reply.json())["error"]


async def test_a_retried_upload_with_its_idempotency_key_is_answered_again_and_records_nothing_new(api):
    await awaiting_confirmation(api, "SO-AT-9")
    path = "/api/orders/SO-AT-9/attachments"
    # the upload commits, its answer is lost, the client sends the same upload with the same key
    key = {**AUTH, "Idempotency-Key": "upload-SO-AT-9-1"}
    first = await api.upload(path, ("signed.pdf", pdf()), document="signed_confirmation", headers=key)
    again = await api.upload(path, ("signed.pdf", pdf()), document="signed_confirmation", headers=key)
    assert first[0] == again[0] == 201 and again[1] == first[1]  # not a 409: the order moved on with the first
    order = await api.get("/api/orders/SO-AT-9")
    assert len(order["attachments"]) == 1
    assert [e["event"] for e in order["timeline"]].count("confirmation_received") == 1
    # the same key with other files is the caller's mistake, named; a malformed key is refused unread
    status, body = await api.upload(path, ("other.pdf", pdf() + b"%other"), document="signed_confirmation",
                                    headers=key)
    assert status == 422 and body["field"] == "Idempotency-Key"
    status, body = await api.upload(path, ("x.pdf", pdf()), headers={**AUTH, "Idempotency-Key": "bad key with spaces"})
    assert status == 422 and body["field"] == "Idempotency-Key"
    assert len((await api.get("/api/orders/SO-AT-9"))["attachments"]) == 1
