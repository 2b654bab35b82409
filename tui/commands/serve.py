"""``dutydrill serve``: the app in a browser, through textual-serve.

textual-serve starts one app process per browser connection and relays its screen over
HTTP and a websocket. It has no authentication, so serving beyond this machine needs an
access code, which the app asks for before anything else (``tui/screens/access.py``).
The code reaches each app process in its environment, never on a command line.
"""

from __future__ import annotations

import dataclasses
import errno
import ipaddress
import os
import secrets
import shlex
import socket
import sys

import click

from drills.locations import database_path
from tui.commands.records import open_store, records_errors
from tui.i18n import text
from tui.settings import Settings

# Read by the served app (tui/screens/access.py, which has its own copy: importing it here
# would load Textual for a command that never opens the app; a test keeps the two equal).
ACCESS_CODE_ENV = "DUTYDRILL_ACCESS_CODE"
MIN_CODE = 8
CODE_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
WILDCARD_HOSTS = {"0.0.0.0", "::", ""}
TITLE = "值班演练 DutyDrill"


def is_loopback(host: str) -> bool:
    """Whether ``host`` reaches this machine only (a name other than localhost counts as not)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def generate_code() -> str:
    """A random access code that is easy to read out and type: three groups of four."""
    return "-".join("".join(secrets.choice(CODE_LETTERS) for _ in range(4)) for _ in range(3))


def app_command(settings: Settings) -> str:
    """The shell command textual-serve runs per browser: this Python, this language, this database."""
    return shlex.join([sys.executable, "-c", 'from tui.cli import main; main(prog_name="dutydrill")',
                       "--lang", settings.language, "--db", str(settings.database)])


def check_address(host: str, port: int, language: str) -> None:
    """Fail with a clear message, before serving, when the host is unknown or the port taken."""
    try:
        addresses = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as error:
        raise click.ClickException(text(language, "serve.bad_host", host=host, error=error)) from None
    for family, kind, protocol, _name, address in addresses:
        with socket.socket(family, kind, protocol) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
            try:
                probe.bind(address)
            except OSError as error:
                raise address_error(error, host, port, language) from None


def address_error(error: OSError, host: str, port: int, language: str) -> click.ClickException:
    if error.errno == errno.EADDRINUSE:
        return click.ClickException(text(language, "serve.port_in_use", host=host, port=port))
    return click.ClickException(text(language, "serve.bad_host", host=host, error=error.strerror or error))


def public_url(host: str, port: int, given: str | None) -> str:
    """The address browsers are told to use for the page's websocket."""
    if given:
        return given.rstrip("/")
    if host in WILDCARD_HOSTS:
        host = socket.gethostname()
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets other machines in and needs an access code.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--access-code", envvar=ACCESS_CODE_ENV, default=None, metavar="CODE",
              help=f"Code the app asks for before anything else (at least {MIN_CODE} characters). "
                   f"${ACCESS_CODE_ENV} keeps it off this command line.")
@click.option("--generate-code", "generate", is_flag=True, help="Make up a random access code and print it.")
@click.option("--public-url", "given_url", default=None, metavar="URL",
              help="Address browsers use, when it differs from http://HOST:PORT (behind a reverse proxy: https://…).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Interface language of the served app.")
@click.option("--db", "database", type=click.Path(dir_okay=False), default=None,
              help="Records database (default: the terminal app's). It stays on this machine: SQLite on a network share is not supported.")
@click.pass_obj
@records_errors
def serve_command(settings: Settings, host: str, port: int, access_code: str | None, generate: bool,
                  given_url: str | None, lang: str | None, database: str | None) -> None:
    """Serve the app to web browsers (one app per browser tab), on this machine only by default.

    Every browser works on the same records database as the terminal app, on this machine.
    textual-serve has no authentication: to serve other machines give --host and an access
    code, and on an untrusted network put it behind a reverse proxy with TLS (see the README).
    """
    settings = dataclasses.replace(settings, language=lang or settings.language,
                                   database=database_path(database) if database else settings.database)
    language = settings.language
    code = (access_code or "").strip() or (generate_code() if generate else "")
    if code and len(code) < MIN_CODE:
        raise click.ClickException(text(language, "serve.code_too_short", minimum=MIN_CODE))
    if not code and not is_loopback(host):
        raise click.ClickException(text(language, "serve.needs_code", host=host, minimum=MIN_CODE))
    try:
        from textual_serve.server import Server
    except ImportError:
        raise click.ClickException(text(language, "serve.missing")) from None
    check_address(host, port, language)
    open_store(settings)  # a database that cannot be used fails here, not in every browser
    if code:
        os.environ[ACCESS_CODE_ENV] = code  # inherited by each app process textual-serve starts
    else:
        os.environ.pop(ACCESS_CODE_ENV, None)
    url = public_url(host, port, given_url)
    if generate and not access_code:
        click.echo(text(language, "serve.code_generated", code=code))
    click.echo(text(language, "serve.serving", url=url))
    click.echo(text(language, "serve.database", path=settings.database))
    if not is_loopback(host) and not url.startswith("https:"):
        click.echo(text(language, "serve.plain_http"), err=True)
    server = Server(app_command(settings), host=host, port=port, title=TITLE, public_url=url)
    try:
        server.serve()
    except OSError as error:  # the port was taken between the check and now
        raise address_error(error, host, port, language) from None
