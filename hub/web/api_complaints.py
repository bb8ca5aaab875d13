"""Complaints after delivery (000): recorded under their order, and the replenishment or exchange shipped.

``POST /api/orders/{ref}/complaints`` records one (404 for an unknown order, 409 for an order that is not
shipped or delivered); ``POST /api/complaints/{ref}/shipments`` ships its remedy in a shipment of the same
order and moves it to remedy_shipped. Listing, showing and the other events are the generic entity routes.
"""
from __future__ import annotations

from hub.core.domain import complaints
from hub.core.domain.inputs import NewComplaint, NewShipment
from hub.web.api import creator_under

record_complaint = creator_under(NewComplaint, complaints.record_complaint)
ship_remedy = creator_under(NewShipment, complaints.ship_remedy)
