"""Helpers shared by the ERP adapters (HTTP plumbing only; no vendor knowledge)."""
