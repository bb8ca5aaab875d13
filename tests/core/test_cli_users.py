"""``hub users`` and ``hub audit``: a newcomer adds the first users from a terminal, each gets a token
printed once, and the trail says the terminal did it."""
from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.cli import main
from hub.core.errors import Unauthenticated
from hub.core.store.db import make_engine
from hub.core.users import authenticate


@pytest.fixture
def argv(tmp_path: Path) -> list[str]:
    (tmp_path / "hub.toml").write_text(f'data_dir = "{tmp_path}"\n[plugins]\nenabled = []\n')
    return ["--config", str(tmp_path / "hub.toml")]


async def hub(argv: list[str], *args: str) -> int:
    return await asyncio.to_thread(main, [*argv, *args])


async def test_users_are_added_listed_given_tokens_and_disabled_and_the_trail_names_the_terminal(
        argv, tmp_path, capsys):
    # when ops add the general manager
    assert await hub(argv, "users", "add", "gm.li", "--role", "general_manager", "--role", "sales") == 0
    printed = capsys.readouterr().out
    [token] = re.findall(r"token \(shown once, keep it safe\): (\S+)", printed)
    # then the token is the user's, with both roles
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/hub.sqlite3")
    try:
        who = await authenticate(engine, token, datetime.now(UTC))
        assert (who.name, sorted(who.roles)) == ("gm.li", ["general_manager", "sales"])
        # when a second token is issued and the first revoked, the first stops working
        assert await hub(argv, "users", "token", "gm.li", "--days", "30", "--label", "laptop") == 0
        assert "shown once" in capsys.readouterr().out
        assert await hub(argv, "users", "list", "--json") == 0
        [listed] = json.loads(capsys.readouterr().out)
        assert [t["label"] for t in listed["tokens"]] == [None, "laptop"] and token not in json.dumps(listed)
        assert await hub(argv, "users", "revoke", "gm.li", "--token-id", str(listed["tokens"][0]["id"])) == 0
        with pytest.raises(Unauthenticated, match="revoked"):
            await authenticate(engine, token, datetime.now(UTC))
    finally:
        await engine.dispose()
    assert await hub(argv, "users", "disable", "gm.li") == 0
    assert await hub(argv, "users", "list") == 0
    assert "disabled" in capsys.readouterr().out
    # and the trail lists each change, from the terminal
    assert await hub(argv, "audit", "--json") == 0
    trail = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in trail] == ["user.disabled", "token.revoked", "token.issued", "user.added"]
    assert all(e["origin"].startswith("cli ") for e in trail)


async def test_bad_users_commands_say_what_is_wrong(argv, capsys):
    assert await hub(argv, "users", "add", "x", "--role", "emperor") == 1
    assert "roles must be among" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*argv, "users", "add", "x"])  # no role
    assert "needs at least one --role" in capsys.readouterr().err
    assert await hub(argv, "users", "disable", "nobody") == 1
    assert "not found" in capsys.readouterr().err


def test_every_option_of_every_command_says_what_it_is_for():
    from hub.cli import parser
    top = parser()
    commands = next(a for a in top._actions if a.dest == "command").choices
    silent = [f"{name} {action.dest}" for name, command in commands.items() for action in command._actions
              if not action.help and action.dest != "help"]
    assert silent == []
