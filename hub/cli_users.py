"""The ``users`` and ``audit`` commands: people, their roles and tokens, delegations, and the trail.

``hub users add NAME --role ROLE`` prints the new user's first token, once; ``hub users token NAME``
issues another. The CLI runs with the database's rights (whoever can run it can change anything), so
each change is audited with the OS user and host it came from.
"""
from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from hub.cli import _config, on_database


def _when(value: str) -> datetime:
    from hub.cli_agents import _moment
    return _moment(value)


async def _users_action(args: argparse.Namespace, config: Any, engine: Any) -> Any:
    from hub.core import users
    from hub.core.clock import SystemClock

    now = SystemClock().now()
    if args.action == "list":
        return await users.list_users(engine)
    if args.action == "add":
        user, token, plain = await users.add_user(engine, config.access, args.name, args.role or [], now, args.label)
        return {"user": users.user_view(user), "token": {**users.token_view(token), "token": plain}}
    if args.action in ("disable", "enable"):
        return users.user_view(await users.set_disabled(engine, args.name, args.action == "disable", now))
    if args.action == "roles":
        return users.user_view(await users.set_roles(engine, config.access, args.name, args.role or [], now))
    if args.action == "token":
        token, plain = await users.issue_token(engine, config.access, args.name, now, args.days, args.label)
        return {**users.token_view(token), "token": plain}
    if args.action == "revoke":
        return await users.revoke_token(engine, args.name, args.token_id, now)
    # delegate: recorded by the CLI's operator for the lender, as an admin would
    by = users.Principal(args.by or args.name, frozenset({"admin"}))
    return await users.delegate(engine, config.access, by, args.name, args.to, args.delegated_role, args.until,
                                now, args.reason)


def cmd_users(args: argparse.Namespace) -> int:
    config = _config(args)
    result = on_database(args, lambda engine: _users_action(args, config, engine))
    if args.json:
        print(json.dumps(result, indent=2, default=str, ensure_ascii=False))
    elif args.action == "list":
        for user in result:
            tokens = [t for t in user["tokens"] if t["revoked_at"] is None]
            used = max((str(t["last_used_at"])[:16] for t in tokens if t["last_used_at"]), default="never")
            print(f"{user['name']:<24} {'+'.join(user['roles']):<32} {'disabled' if user['disabled'] else 'active':<9}"
                  f" tokens={len(tokens)} last used {used}")
        if not result:
            print("no users (the bootstrap admin token works until you add some)")
    elif args.action in ("add", "token"):
        token = result["token"] if args.action == "add" else result
        print(f"token (shown once, keep it safe): {token['token']}\n"
              f"expires {token['expires_at']:%Y-%m-%d} · id {token['id']}")
    else:
        print(json.dumps(result, default=str, ensure_ascii=False))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from hub.core import audit

    rows = on_database(args, lambda engine: audit.trail(engine, actor=args.actor, action=args.action,
                                                        entity=args.entity, ref=args.ref, limit=args.limit))
    if args.json:
        print(json.dumps(rows, indent=2, default=str, ensure_ascii=False))
        return 0
    for row in rows:
        what = f"{row['entity']} {row['ref']}" if row["entity"] else ""
        print(f"{row['at']:%Y-%m-%d %H:%M:%S} {row['actor']:<20} {row['action']:<28} {what:<32} {row['origin']}")
    if not rows:
        print("no audit entries")
    return 0


def users_parser(sub: Any) -> None:
    users = sub.add_parser("users", help="users, roles, tokens and delegations (add prints the first token)")
    users.add_argument("action", choices=["add", "list", "disable", "enable", "roles", "token", "revoke", "delegate"])
    users.add_argument("name", nargs="?", help="the user (for delegate: who lends the role)")
    users.add_argument("--role", action="append", help="a role (repeat for several): add, roles")
    users.add_argument("--days", type=float, help="token: valid for (default [access] token_days)")
    users.add_argument("--label", help="what the token is for")
    users.add_argument("--token-id", type=int, help="revoke: the token's id (hub users list --json)")
    users.add_argument("--to", help="delegate: who may act with the role")
    users.add_argument("--delegated-role", help="delegate: the role lent")
    users.add_argument("--until", type=_when, help="delegate: end, with offset, e.g. 2026-03-09T18:00+08:00")
    users.add_argument("--reason", help="delegate: why")
    users.add_argument("--by", help="delegate: who records it (default: the lender)")
    users.add_argument("--json", action="store_true")
    users.set_defaults(func=cmd_users)


def users_usage(args: argparse.Namespace) -> str | None:
    if args.action != "list" and not args.name:
        return f"users {args.action} needs the user's name"
    if args.action in ("add", "roles") and not args.role:
        return f"users {args.action} needs at least one --role"
    if args.action == "revoke" and args.token_id is None:
        return "users revoke needs --token-id"
    if args.action == "delegate" and not (args.to and args.delegated_role and args.until):
        return "users delegate needs --to, --delegated-role and --until"
    return None


def audit_parser(sub: Any) -> None:
    audit = sub.add_parser("audit", help="the audit trail: who did what, from where, when (newest first)")
    audit.add_argument("--actor", help="only what this user did")
    audit.add_argument("--action", help="an action or its start, e.g. claim. or user.added")
    audit.add_argument("--entity")
    audit.add_argument("--ref")
    audit.add_argument("--limit", type=int, default=50)
    audit.add_argument("--json", action="store_true")
    audit.set_defaults(func=cmd_audit)
