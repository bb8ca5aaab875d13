"""The hub's configuration: ``config/hub.toml`` plus environment overrides, validated by pydantic.

Secrets are written as ``{ env = "NAME" }`` (or ``{ file = "path" }``) and resolved at load time,
so the file can be committed and the values never reach the database or a log line.
"""
from __future__ import annotations

import functools
import os
import re
import tomllib
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from hub.core.business_days import BusinessCalendar
from hub.core.errors import ConfigError
from hub.core.paper_settings import AttachmentSettings, DocumentSettings, Strict
from hub.core.roles import DEFAULT_ROLES

DEFAULT_PLUGINS = ["erp.sandbox", "carrier.sandbox", "notify.sandbox"]
ROLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class PluginSettings(BaseModel):
    """Base for every plugin's settings: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookSettings(Strict):
    max_body_bytes: int = Field(1024 * 1024, gt=0, description="Larger bodies get 413 before they are read.")
    max_pending: int = Field(100_000, gt=0, description="Unprocessed inbound events at most: once this many are "
                                                        "stored or being stored, webhooks get 429 (exact within a "
                                                        "process; others' are seen at the next count, each second).")
    timestamp_tolerance_s: int = Field(300, gt=0, description="Standard Webhooks replay window.")
    orders_secrets: tuple[SecretStr, ...] = Field(
        (), description='whsec_ secrets for the core "orders" source; several during rotation.')


class AccessSettings(Strict):
    """Users, roles and tokens (``hub users``): what a new token lasts and which roles exist."""

    roles: tuple[str, ...] = Field(DEFAULT_ROLES, min_length=1, description=(
        "Role names users may hold. The seeds' decisions need agent, supervisor, cs_manager, general_manager, "
        "vice_president, finance, sales; admin manages users and tokens."))
    token_days: float = Field(365.0, gt=0, description="How long a new API token is valid unless told otherwise.")

    @field_validator("roles")
    @classmethod
    def _known_roles_kept(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        missing = set(DEFAULT_ROLES) - set(value)
        if missing:  # the event catalogue names them: removing one would lock its decisions away
            raise ValueError(f"roles may be added, not removed: {', '.join(sorted(missing))} missing")
        bad = [r for r in value if not ROLE_NAME.match(r)]
        if bad:
            raise ValueError(f"a role is 1-32 lower-case letters, digits or _: {bad}")
        return value


class ConsoleSettings(Strict):
    """The ops console at ``/``."""

    templates_dir: Path | None = Field(None, description=(
        "A folder searched before the built-in templates: a file named as one of hub/web/console/templates "
        "replaces that page (the company's own letterhead, words or layout)."))


class HttpSettings(Strict):
    """The listening socket's bounds (hub/web/connections.py): slow or too many clients must not
    stop the hub accepting connections."""

    max_connections: int = Field(4096, gt=0, description="Open client connections at most; more get 503. Kept "
                                                         "below the open-file limit, raised to its hard limit at start.")
    header_timeout_s: float = Field(10.0, gt=0, description="A request's head must arrive within this.")
    request_timeout_s: float = Field(60.0, gt=0, description="A request (its body read included) is answered "
                                                             "within this, or its connection is closed.")
    keepalive_timeout_s: float = Field(15.0, gt=0, description="An idle kept-alive connection is closed after this.")
    log_interval_s: float = Field(10.0, gt=0, description="Refused and closed connections are logged at most once "
                                                          "per interval, with their count.")


class ReturnPolicy(Strict):
    """After-sales policy of seed 003; every figure is the operator's to change.

    Category names are the order lines' ``category``: the defaults name 003's products — cookware (锅),
    water machines (水机), air purifiers (净化器), cosmetics (化妆品) and the Sanqi grape-seed capsules
    (三七葡萄籽胶囊) — so an operator whose catalogue uses other names maps them here.
    """

    after_completion_days: int = Field(15, ge=0, description="Refunds and returns after the order closed: 7 or 15 "
                                                             "days. Warranty repairs follow the warranty instead.")
    exchange_window_days: int = Field(60, ge=0, description="Exchanges within this many days of the order.")
    exchange_max_point_difference: int = Field(50, ge=0, description="Point-value difference allowed in an exchange.")
    exchange_excluded_categories: tuple[str, ...] = Field(
        ("flash_sale_bundle", "cookware", "water_machine", "air_purifier", "cosmetics"),
        description="Not exchanged (限时促销套餐; 锅/水机/净化器/化妆品), unless a return ground of the seed applies.")
    exchange_quantity_caps: dict[str, int] = Field(
        {"sanqi_grape_seed_capsule": 2}, description="Product code or category → the most exchanged per order "
                                                     "(三七葡萄籽胶囊每单仅限换 2 瓶).")
    exchange_shipping_paid_by: Literal["customer", "company"] = Field(
        "customer", description="Who pays both ways' shipping of an exchange (来回运费自行承担).")
    warranty_months: dict[str, int] = {"main_unit": 12, "charger": 12, "battery": 6, "accessory": 3}
    warranty_excluded_categories: tuple[str, ...] = ("consumable",)
    warranty_months_from_manufacture: int = 15
    repairs_before_return: int = Field(2, ge=1, description="Repairs of one unit for the same fault after which it "
                                                            "may be returned or exchanged (维修两次及两次以上).")
    repeat_repair_categories: tuple[str, ...] = Field(
        ("water_machine", "air_purifier", "cookware"),
        description="The product group whose quality grounds allow a return or exchange (家居净水类: 水机, 空气净化器, 锅具).")
    goodwill_min: Decimal = Field(Decimal("5"), ge=0, description="Goodwill compensation (补损) the agent may grant …")
    goodwill_max: Decimal = Field(Decimal("15"), ge=0, description="… up to this amount; above it, a refund.")
    factory_batches_per_week: int = Field(1, ge=1, description=(
        "Repair batches a factory gets per ISO week (003: 每周寄一次); a further one needs a reason, and its "
        "shipping is the store's cost (超出规定次数费用由专卖店承担)."))


class ClaimPolicy(Strict):
    minimum_claimable: Decimal = Field(Decimal("500"), description="Below this an insured claim is negotiated.")


class VipSettings(Strict):
    """The monthly VIP review of seed 004 (根据每月客户走货量统计→不符合VIP要求者→发邮件予业务部门重新评估).

    走货量 is what the customer sends through us in the month. The hub counts it from the shipments of the
    customer's orders that left (booked with a carrier, or collected) in the previous calendar month, local
    time, cancelled ones aside, in the measure chosen here; a month below ``threshold`` goes back to sales
    for re-evaluation, never straight to a revocation.
    """

    volume_measure: Literal["value", "pieces", "weight_kg"] = Field(
        "value", description="value: the order value of the shipped lines (quantity x unit price, in the orders' "
                             "currency; the seller's view of 走货量); pieces: the waybills' piece counts (the units "
                             "carried when a shipment names none); weight_kg: the waybill weights (the courier's "
                             "view; 004: the waybill weight is authoritative).")
    threshold: Decimal = Field(Decimal("100000"), ge=0, max_digits=16, decimal_places=2,
                               description="The VIP requirement: a month's volume below this is re-evaluated.")


class CircuitSettings(Strict):
    """Per-plugin circuit breaker (Convoy's model): opens after consecutive failures, probed back."""

    failure_threshold: int = Field(5, gt=0, description="Consecutive failed attempts that open a plugin's circuit.")
    cooldown_s: float = Field(30.0, gt=0, description="First wait before a probe; doubles on each failed probe.")
    max_cooldown_s: float = Field(600.0, gt=0, description="The longest wait between probes.")


class DispatchSettings(Strict):
    """How the dispatcher calls plugins: every call is cut at its timeout, whatever the plugin does."""

    call_timeout_s: float = Field(10.0, gt=0, description="Default timeout of one plugin call (a transient failure).")
    timeouts: dict[str, float] = Field({}, description="Plugin name → its own call timeout in seconds.")
    batch_size: int = Field(200, gt=0, le=5000, description="Deliveries claimed per round.")
    plugin_concurrency: int = Field(32, gt=0, description="Calls in flight per plugin per process.")
    inline_wait_max_s: float = Field(2.0, gt=0, description="An in-call retry waits at most this long, a Retry-After "
                                                            "included; a longer Retry-After goes to the persisted "
                                                            "backoff (the call would hold a slot and its lease).")
    retry_after_max_s: float = Field(3600.0, gt=0, description="A server's Retry-After is honoured up to this, so "
                                                               "a hostile or broken one cannot park deliveries.")
    circuit: CircuitSettings = CircuitSettings()

    def timeout_for(self, plugin: str) -> float:
        return self.timeouts.get(plugin, self.call_timeout_s)


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value


def _each_once(names: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(names)) != len(names):
        raise ValueError("name each person once")
    return names


# Agents and supervisors: names that appear in paths (/api/agents/{name}) and on the returns they handle.
PersonName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")]
People = Annotated[tuple[PersonName, ...], AfterValidator(_each_once)]


# An IANA time zone name, checked when the config is read (the hub's and the plugins' settings).
TimeZoneName = Annotated[str, AfterValidator(_known_zone)]


class CalendarSettings(Strict):
    """How the business counts working days: its time zone, and days that differ from the statutory
    calendar (chinese-calendar: holidays and make-up working days)."""

    zone: TimeZoneName = Field("Asia/Shanghai", description="IANA time zone of the business.")
    holidays: list[date] = Field(default_factory=list, description="Extra local days off, e.g. a company day.")
    workdays: list[date] = Field(default_factory=list, description="Extra local working days.")

    @functools.cached_property
    def business_calendar(self) -> BusinessCalendar:
        return BusinessCalendar(ZoneInfo(self.zone), frozenset(self.holidays), frozenset(self.workdays))


class InboxSettings(Strict):
    batch_size: int = Field(500, gt=0, le=5000, description="Stored webhooks applied per transaction at most.")
    budget_ms: float = Field(50.0, gt=0, description="A batch stops taking events after this long (SQLite "
                                                      "has one writer: webhooks wait behind it).")
    max_attempts: int = Field(5, gt=0, description="Database failures before an event is kept as failed.")


class RetentionSettings(Strict):
    """What history is kept; the business timeline, entities and tracking events always are."""

    inbound_days: float = Field(14.0, ge=7, description="Processed inbound events are deleted after this; never "
                                                        "under the 7-day dedupe window (senders retry for 3 days).")
    deliveries_days: float = Field(30.0, gt=0, description="Finished (done, discarded) handoffs and their outbox "
                                                           "events are deleted after this.")
    plugin_state_days: float = Field(90.0, ge=7, description=(
        "Plugins' shared state not changed for this long is deleted: a carrier's daily call counters, the "
        "follow-up of a number a carrier stopped tracking. Never under a week (a follow-up waits for days)."))
    interval_s: float = Field(300.0, gt=0, description="How often the background pruning runs.")
    batch_size: int = Field(1000, gt=0, le=50_000, description="Rows deleted per statement: short transactions.")


ReportKind = Literal["weekly", "monthly"]


class ReportRecipients(Strict):
    """Who receives each report: role names (each notify plugin maps a role to its own addresses,
    e.g. notify.smtp ``roles``) or e-mail addresses."""

    weekly: tuple[str, ...] = Field(("planning_statistician",), description="计划部统计员 (000).")
    monthly: tuple[str, ...] = Field(
        ("planning_statistician", "sales_head", "marketing_head", "marketing_centre_head"),
        description="The statistician and the heads of sales, marketing and the marketing centre (000).")


class ReportSettings(Strict):
    """The periodic reports of seed 000: the new customers of last week to planning's statistician
    before Monday 09:00, last month's before the 2nd; the statistician reports on to the heads of
    sales, marketing and the marketing centre. Times are local (``[calendar] zone``)."""

    enabled: bool = Field(True, description="Generate and send the weekly and monthly reports.")
    weekly_at: time = Field(time(8, 0), description="Monday, local time: last week's report (due by 09:00).")
    monthly_day: int = Field(1, ge=1, le=28, description="Day of the month of last month's report (due before "
                                                          "the 2nd); 28 at most, so every month has it.")
    monthly_at: time = Field(time(8, 0), description="Local time on monthly_day.")
    recipients: ReportRecipients = ReportRecipients()
    interval_s: float = Field(60.0, gt=0, description="How often the worker checks whether a report is due.")

    @field_validator("weekly_at", "monthly_at")
    @classmethod
    def _local(cls, value: time) -> time:
        if value.tzinfo is not None:  # "08:00+08:00": the zone is [calendar] zone's, never the time's
            raise ValueError("a local time without an offset, e.g. 08:00 ([calendar] zone is the zone)")
        return value

    @model_validator(mode="after")
    def _someone_receives_each(self) -> ReportSettings:
        # A report generated for nobody is a rule silently not kept: say so at start-up.
        if self.enabled:
            for kind in ("weekly", "monthly"):
                names = getattr(self.recipients, kind)
                if not names or any(not name.strip() for name in names):
                    raise ValueError(f"recipients.{kind}: name who receives the {kind} report "
                                     "(or set enabled = false)")
        return self

    def recipients_of(self, kind: ReportKind) -> tuple[str, ...]:
        return getattr(self.recipients, kind)


class HubConfig(Strict):
    data_dir: Path = Field(Path("data"), description="SQLite file, admin token, sandbox outputs.")
    database_url: str | None = Field(None, description="Default: a SQLite file in data_dir.")
    host: str = "127.0.0.1"
    port: int = 8080
    worker_concurrency: int = Field(1024, gt=1, description="Deliveries held at once per process (running, or "
                                                            "waiting for a slot of their plugin).")
    lease_seconds: float = Field(30.0, gt=0, description="A killed worker's claims are taken over after this.")
    retry_horizon_hours: float = Field(72.0, gt=0, description="Transient failures dead-letter after this.")
    tracking_poll_minutes: float = 60.0
    agents: People = Field(("agent-1",), min_length=1, description="After-sales agents: a new customer gets the "
                                                                   "least busy one present, and keeps them (003).")
    supervisors: People = Field(("cs-supervisor",), description=(
        "Who takes a request when the customer's agent is absent, in order (003: 请示客服主管, and if the "
        "supervisor is absent the next person named): the customer-service supervisor first."))
    price_list: dict[str, Decimal] = Field({}, description="Product code → unit price, when the ERP gives none.")
    special_review_departments: tuple[str, ...] = Field(
        ("technical", "production", "planning"), min_length=1,
        description="Departments whose heads sign a special order's review (000: 各相关部门负责人评审).")
    webhooks: WebhookSettings = WebhookSettings()
    http: HttpSettings = HttpSettings()
    access: AccessSettings = AccessSettings()
    console: ConsoleSettings = ConsoleSettings()
    attachments: AttachmentSettings = AttachmentSettings()
    documents: DocumentSettings = DocumentSettings()
    dispatch: DispatchSettings = DispatchSettings()
    inbox: InboxSettings = InboxSettings()
    retention: RetentionSettings = RetentionSettings()
    returns: ReturnPolicy = ReturnPolicy()
    claims: ClaimPolicy = ClaimPolicy()
    calendar: CalendarSettings = CalendarSettings()
    reports: ReportSettings = ReportSettings()
    vip: VipSettings = VipSettings()
    plugins: dict[str, Any] = Field(default_factory=lambda: {"enabled": list(DEFAULT_PLUGINS)})

    @property
    def enabled_plugins(self) -> list[str]:
        return list(self.plugins.get("enabled", []))

    def plugin_settings(self, name: str) -> dict[str, Any]:
        raw = self.plugins.get(name, {})
        return raw if isinstance(raw, dict) else {}

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'hub.sqlite3'}"


def resolve_secrets(value: Any, where: str) -> Any:
    """Replace ``{ env = "NAME" }`` and ``{ file = "path" }`` tables by their values; every missing
    one is named in a single ConfigError, so a newcomer fixes them all in one go."""
    problems: list[str] = []
    resolved = _resolve(value, where, problems)
    if problems:
        raise ConfigError("; ".join(problems))
    return resolved


def _resolve(value: Any, where: str, problems: list[str]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"env"}:
            name = value["env"]
            if name not in os.environ:
                problems.append(f"{where}: environment variable {name} is not set")
                return None
            return os.environ[name]
        if set(value) == {"file"}:
            try:
                return Path(value["file"]).read_text().strip()
            except OSError as exc:
                problems.append(f"{where}: cannot read secret file {value['file']}: {exc}")
                return None
        return {k: _resolve(v, f"{where}.{k}", problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, f"{where}[{i}]", problems) for i, v in enumerate(value)]
    return value


def load_config(path: Path | None = None, **overrides: Any) -> HubConfig:
    """Read the TOML file (if any), apply ``HUB_*`` environment overrides, validate."""
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(Path(path).read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from exc
    if isinstance(raw.get("hub"), dict):  # settings may sit under [hub] or at the top level
        raw = {**raw.pop("hub"), **raw}
    env = {"HUB_DATABASE_URL": "database_url", "HUB_DATA_DIR": "data_dir", "HUB_HOST": "host",
           "HUB_PORT": "port"}
    for var, key in env.items():
        if os.environ.get(var):
            raw[key] = os.environ[var]
    raw.update({k: v for k, v in overrides.items() if v is not None})
    plugins = raw.get("plugins")
    problems: list[str] = []
    raw = {k: _resolve(v, k, problems) for k, v in raw.items() if k != "plugins"}
    if problems:
        raise ConfigError("; ".join(problems))
    if plugins is not None:
        raw["plugins"] = plugins  # plugin secrets resolve when the plugin is built, naming it
    try:
        return HubConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration: {format_errors(exc)}") from exc


def format_errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}"
                     for err in exc.errors())


def default_config_path() -> Path | None:
    """``HUB_CONFIG``, else ``config/hub.toml`` in the working directory, else built-in defaults."""
    if os.environ.get("HUB_CONFIG"):
        return Path(os.environ["HUB_CONFIG"])
    candidate = Path("config/hub.toml")
    return candidate if candidate.exists() else None
