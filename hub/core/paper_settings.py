"""The settings of the paper the hub prints and takes back: ``[documents]`` (the PDFs' letterhead and
templates) and ``[attachments]`` (the files customers send in). Part of ``hub.core.config``."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Strict(BaseModel):
    """A section of hub.toml: unknown keys are errors (a misspelt setting must not be ignored),
    values immutable. ``hub.core.config`` builds every section on it."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentSettings(Strict):
    """The paper the manuals run on (订单确认书, 送货单, 欠货清单, 成品出库表, 装车通知单, 申请赔偿表,
    理赔申请报告书), rendered as PDF from templates (hub/core/documents)."""

    company_name: str = Field("示例有限公司", min_length=1, max_length=120, description=(
        "The company's name in the letterhead of the Chinese documents."))
    company_name_en: str = Field("Example Co., Ltd.", min_length=1, max_length=120,
                                 description="The company's name in the letterhead of the English documents.")
    address: str = Field("", max_length=300, description="The letterhead's address line.")
    phone: str = Field("", max_length=60, description="The letterhead's telephone / fax line.")
    logo: Path | None = Field(None, description="A PNG, JPEG or SVG file printed in the letterhead.")
    language: str = Field("zh-CN", pattern=r"^(zh-CN|en)$", description=(
        "Language of internal documents (the outbound note, loading notice, claim report); customer "
        "documents follow the customer's language."))
    templates_dir: Path | None = Field(None, description=(
        "A folder searched before the built-in templates (hub/core/documents/templates): a file of the same "
        "name (base.html, document.css, zh-CN/delivery_note.html, ...) replaces it."))

    @field_validator("logo")
    @classmethod
    def _logo_readable(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no logo file at {value}")
        return value

    @field_validator("templates_dir")
    @classmethod
    def _templates_folder(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():  # a typo would silently print the built-in papers
            raise ValueError(f"{value} is not a folder")
        return value


class AttachmentSettings(Strict):
    """Files uploaded to an entity (``POST /api/{plural}/{ref}/attachments``): the customer's signed
    confirmation, claim documents, damage photos. PDF, JPEG and PNG only, told by their content."""

    dir: Path | None = Field(None, description=(
        "Where the files are kept, each once, named by its SHA-256 (default: <data_dir>/attachments). "
        "Several hub processes on several machines must all see the same files: put it on shared storage "
        "(a network file system or mounted volume) then, like the database."))
    max_bytes: int = Field(10 * 1024 * 1024, gt=0, le=2**31 - 1,
                           description="One file's size at most; a larger one is refused (413) while it arrives.")
    max_files_per_request: int = Field(10, gt=0, le=20, description=(
        "Files one upload may carry at most; 20 at most, as many as the event recording a document names."))
