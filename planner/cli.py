"""python -m planner: init (migrate), demo (load the demo caseload), user add, user reset-two-step, audit verify,
backup, restore, export and import (one case as JSON).

Passwords are read from a prompt or standard input, never from an argument (arguments show up
in the process list and shell history).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import select

from planner import migrate
from planner.accounts import AccountError, create_user, generate_password, reset_two_step
from planner.backup import BackupError
from planner.db import DatabaseUnavailable, make_engine, unit_of_work
from planner.models import ROLES, Team, UserCreate


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m planner", description="MST-PSB Planner: administration commands.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("init", help="create or upgrade the database schema", description="Apply every migration (alembic upgrade head).")
    commands.add_parser(
        "demo",
        help="load the synthetic demo caseload (running it twice changes nothing)",
        description="Load two demo teams and their caseload. The demo accounts' password is PLANNER_DEMO_PASSWORD "
        "if set, otherwise generated and printed once.",
    )
    user = commands.add_parser("user", help="manage accounts", description="Manage accounts.")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = user_commands.add_parser(
        "add",
        help="create an account (password from a prompt or standard input)",
        description="Create an account. The password is read from a prompt, or from standard input when it is not a terminal.",
    )
    add.add_argument("username", help="lower-case letters, digits, '.', '_' or '-'")
    add.add_argument("--name", required=True, help="display name, e.g. 'Priya Natarajan'")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--team", help="team name (therapists and supervisors)")
    add.add_argument("--case", type=int, help="case id (family accounts)")
    reset = user_commands.add_parser(
        "reset-two-step",
        help="switch two-step sign-in off for someone who lost their phone",
        description="Switch two-step sign-in off for USERNAME (audited). They then sign in with their password "
        "alone and can switch it on again from the Two-step sign-in page. Check who is asking first.",
    )
    reset.add_argument("username", help="the account's user name")
    backup = commands.add_parser(
        "backup",
        help="copy the SQLite database to a new file while the app runs",
        description="Copy the SQLite database to PATH with SQLite's online backup, then check the copy. "
        "For PostgreSQL use pg_dump (see README).",
    )
    backup.add_argument("path", help="a new file: an existing one is never overwritten")
    restore = commands.add_parser(
        "restore",
        help="replace the SQLite database with a checked backup (stop the app first)",
        description="Check PATH (integrity and schema revision), then replace the database's contents with it.",
    )
    restore.add_argument("path", help="a backup made by `python -m planner backup`")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    export = commands.add_parser(
        "export",
        help="write one case to a JSON file, acting as a named therapist or supervisor",
        description="Write case CASE_ID, with everything it owns, to the new file PATH (readable by you only), "
        "acting as USERNAME: their access decides, and the export is audited in their name. The file holds "
        "sensitive data; it leaves out the family's login and the audit trail.",
    )
    export.add_argument("case_id", type=int, metavar="CASE_ID")
    export.add_argument("path", metavar="PATH", help="a new file: an existing one is never overwritten")
    export.add_argument("--as", dest="as_user", required=True, metavar="USERNAME", help="the therapist or supervisor acting")
    import_ = commands.add_parser(
        "import",
        help="bring a case in from a JSON export, into a named therapist's caseload",
        description="Check PATH in full, then add its case as a new case in USERNAME's caseload (a therapist). "
        "A file with any problem is refused with the reason and nothing changes.",
    )
    import_.add_argument("path", metavar="PATH", help="a file made by export (here or on another installation)")
    import_.add_argument("--as", dest="as_user", required=True, metavar="USERNAME", help="the therapist receiving the case")
    audit = commands.add_parser("audit", help="check the audit trail", description="Check the audit trail.")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    audit_commands.add_parser(
        "verify",
        help="check every entry's seal; name the first altered or removed one (exit 1 if any)",
        description="Recompute the HMAC chain over the audit trail with the key in PLANNER_AUDIT_KEY or "
        "data/audit.key. Exit 0 when intact; otherwise name the first entry that was altered or that "
        "follows a removed entry, and exit 1.",
    )
    return parser


def _audit_verify() -> int:
    from planner.audit import verify

    engine = make_engine()
    with unit_of_work(engine) as session:
        result = verify(session)
    print(result.detail)
    return 0 if result.first_bad_id is None else 1


def _backup(args: argparse.Namespace) -> int:
    from planner.backup import backup

    revision = backup(make_engine(), Path(args.path))
    print(f"Backed up to {args.path} (integrity ok, schema revision {revision}).")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from alembic.script import ScriptDirectory

    from planner.backup import check_file, restore

    engine = make_engine()
    head = ScriptDirectory.from_config(migrate.alembic_config(str(engine.url))).get_current_head()
    check_file(Path(args.path))
    if not args.yes:
        if not sys.stdin.isatty():
            raise BackupError("Restoring replaces everything in the database: add --yes to confirm.")
        if input(f"Replace everything in {engine.url.database} with {args.path}? Type yes: ").strip() != "yes":
            print("Nothing changed.")
            return 1
    revision = restore(engine, Path(args.path), head_revision=head)
    print(f"Restored from {args.path} (integrity ok, schema revision {revision}).")
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password again: "):
            raise AccountError("The two passwords differ.")
        return first
    return sys.stdin.readline().rstrip("\n")


def _init() -> int:
    engine = make_engine()
    migrate.upgrade(engine)
    print("Database schema is up to date.")
    return 0


def _demo() -> int:
    from planner.demo import load_demo  # a large module: import it only for this command

    engine = make_engine()
    migrate.upgrade(engine)
    given = os.environ.get("PLANNER_DEMO_PASSWORD") or None
    password = given or generate_password()
    with unit_of_work(engine) as session:
        loaded = load_demo(session, password=password, today=date.today())
    if not loaded:
        print("The demo caseload is already loaded; nothing changed.")
        return 0
    print("Demo caseload loaded. Demo accounts: therapist, therapist2, supervisor, supervisor2, family, admin.")
    if given:
        print("They use the password in PLANNER_DEMO_PASSWORD.")
    else:
        print("Their password, shown only this once (set PLANNER_DEMO_PASSWORD before loading to choose it):")
        print(f"    {password}")
    return 0


def _user_add(args: argparse.Namespace) -> int:
    engine = make_engine()
    with unit_of_work(engine) as session:
        team_id = None
        if args.team:
            team = session.exec(select(Team).where(Team.name == args.team)).first()
            if team is None:
                raise AccountError(f"There is no team called {args.team!r}.")
            team_id = team.id
        user_in = UserCreate(username=args.username, display_name=args.name, role=args.role, team_id=team_id)
        create_user(session, user_in, _read_password(), family_case_id=args.case)
    print(f"Account {args.username!r} created.")
    return 0


def _user_reset_two_step(args: argparse.Namespace) -> int:
    engine = make_engine()
    with unit_of_work(engine) as session:
        reset_two_step(session, args.username)
    print(f"Two-step sign-in is now off for {args.username!r}; they sign in with their password alone.")
    return 0


def _case_transfer(args: argparse.Namespace) -> int:
    """export / import, acting as a named person so the same access checks and audit apply."""
    from planner.access import AccessDenied
    from planner.accounts import principal_for
    from planner.case_transfer import MAX_FILE_BYTES, export_case_json, import_case
    from planner.errors import InvalidInput
    from planner.models import User

    engine = make_engine()
    path = Path(args.path)
    try:
        with unit_of_work(engine) as session:
            account = session.exec(select(User).where(User.username == args.as_user)).first()
            if account is None or not account.active:
                print(f"error: there is no active account called {args.as_user!r}.", file=sys.stderr)
                return 1
            user = principal_for(session, account)
            if args.command == "export":
                # Claim the file first (never overwrite; owner-only), so nothing is exported to a path we cannot use.
                descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                try:
                    with os.fdopen(descriptor, "wb") as handle:
                        data = export_case_json(session, user, args.case_id)
                        handle.write(data)
                except BaseException:
                    path.unlink(missing_ok=True)
                    raise
                print(f"Case {args.case_id} exported to {path} ({len(data) // 1024 + 1} KB). It holds sensitive data: "
                      "keep it on approved storage and delete it once imported.")
                return 0
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
            result = import_case(session, user, data)
    except AccessDenied:
        print(f"error: {args.as_user!r} may not {args.command} this case (refusal recorded in the audit trail).", file=sys.stderr)
        return 1
    except InvalidInput as error:
        print(f"error: {error.errors.get('file', error)}", file=sys.stderr)
        return 1
    except FileExistsError:
        print(f"error: {path} already exists; choose a new file name.", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: cannot use {path}: {error.strerror or error}.", file=sys.stderr)
        return 1
    print(f"Imported as case {result.case_id} ({result.alias}) in {args.as_user}'s caseload.")
    for note in result.notes:
        print(f"note: {note}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "init":
            return _init()
        if args.command == "demo":
            return _demo()
        if args.command == "audit":
            return _audit_verify()
        if args.command in ("export", "import"):
            return _case_transfer(args)
        if args.command == "backup":
            return _backup(args)
        if args.command == "restore":
            return _restore(args)
        if args.user_command == "reset-two-step":
            return _user_reset_two_step(args)
        return _user_add(args)
    except DatabaseUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (AccountError, ValidationError) as error:
        print(f"error: {_first_line(error)}", file=sys.stderr)
        return 1


def _first_line(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(error)
