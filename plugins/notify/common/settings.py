"""Settings every notify plugin shares: routes, template folder, time zone, internal language."""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from hub import PluginSettings, TimeZoneName

from .milestones import ALL, CUSTOMER, CUSTOMER_TARGET, base_milestone

Routes = dict[str, tuple[str, ...]]


class NotifySettings(PluginSettings):
    """Base model: a subclass says which targets exist besides ``customer`` (roles, robots)."""

    SUPPORTED: ClassVar[frozenset[str]] = ALL
    # Whether the default routes may name roles this configuration has no addresses for.
    DEFAULT_ROLES_OPTIONAL: ClassVar[bool] = False

    routes: Routes = Field(default_factory=dict, description=(
        "Milestone → targets: 'customer' or a role/robot name. A key may name a variant, "
        "e.g. 'sla_breached.claim_documents', which wins over 'sla_breached'."))
    templates_dir: Path | None = Field(None, description=(
        "Folder whose <language>/customer|internal/<milestone>.txt|.html and layout.html override the shipped "
        "letters, without touching code. The attached PDFs are the hub's: [documents] templates_dir overrides them."))
    timezone: TimeZoneName = Field("Asia/Shanghai", description="Local time for dates in messages and quiet hours.")
    internal_language: str = Field("zh-CN", description="Language of internal notices and escalations.")

    @field_validator("templates_dir")
    @classmethod
    def _folder_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a folder")
        return value

    @model_validator(mode="after")
    def _routes_known(self) -> NotifySettings:
        for key, targets in self.routes.items():
            milestone = base_milestone(key)
            if milestone not in self.SUPPORTED:
                raise ValueError(f"routes: {key!r} is not a milestone this plugin sends: "
                                 f"{', '.join(sorted(self.SUPPORTED))}")
            if CUSTOMER_TARGET in targets and milestone not in CUSTOMER:
                raise ValueError(f"routes: {key!r} has no customer letter")
            unknown = set(targets) - {CUSTOMER_TARGET} - self.targets()
            # Shipped defaults may name the usual roles (warehouse, planning): one nobody filled in
            # reaches no one. Routes ops wrote must name targets that exist.
            if unknown and (not self.DEFAULT_ROLES_OPTIONAL or "routes" in self.model_fields_set):
                raise ValueError(f"routes: {key!r} names unknown targets {sorted(unknown)}")
        return self

    def targets(self) -> set[str]:
        """Names a route may use besides ``customer``."""
        return set()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def targets_for(self, route_keys: tuple[str, ...]) -> tuple[str, ...]:
        """The first route key configured (most specific first); none → nobody is told."""
        for key in route_keys:
            if key in self.routes:
                return self.routes[key]
        return ()
