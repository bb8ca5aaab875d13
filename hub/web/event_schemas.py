"""The request body of ``POST /api/{entity}/{ref}/events`` as the OpenAPI document shows it: a
``oneOf`` over the entity's events, discriminated by ``event``, each with its own data schema and
example. Built from the event catalogue, so the document cannot offer an event the hub refuses
or miss one it accepts (the handler validates against the same declarations)."""
from __future__ import annotations

import functools
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, RootModel, create_model

from hub.core.lifecycle import LIFECYCLES
from hub.core.lifecycle.table import Event


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _required(model: type[BaseModel]) -> bool:
    return any(field.is_required() for field in model.model_fields.values())


def _variant(entity: str, spec: Event) -> type[BaseModel]:
    prefix = f"{_camel(entity)}{_camel(spec.name)}"
    # A subclass per event: data models shared by name across entities ("Reason") get unique names.
    data = create_model(f"{prefix}Data", __base__=spec.data, __doc__=spec.data.__doc__ or spec.meaning)
    data_field = (data, Field(description=f"The data of {spec.name}.")) if _required(spec.data) else \
        (data, Field(default_factory=dict, description=f"The data of {spec.name} (all optional)."))
    accepted = ", ".join(spec.sources)
    return create_model(
        f"{prefix}Event",
        __config__=ConfigDict(extra="forbid", title=f"{entity}.{spec.name}", json_schema_extra={
            "description": f"{spec.meaning} Accepted in: {accepted}. Sent by: {', '.join(spec.sent_by)}.",
            "examples": [{"event": spec.name, "data": spec.example}]}),
        event=(Literal[spec.name], Field(description=spec.meaning)),  # type: ignore[valid-type]
        data=data_field)


@functools.cache
def event_body(entity: str) -> type[RootModel[Any]]:
    variants = tuple(_variant(entity, spec) for spec in LIFECYCLES[entity].declared.values())
    union = Annotated[Union[variants], Field(discriminator="event")]  # type: ignore[valid-type]  # noqa: UP007
    model = type(f"{_camel(entity)}EventInput", (RootModel[union],), {
        "__doc__": f"One event of the {entity} lifecycle; GET /api/events lists which state accepts which."})
    return model
