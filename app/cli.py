"""`flask palier ...` commands."""

import click
from flask import Flask
from flask.cli import AppGroup

from services import demo

palier = AppGroup("palier", help="Palier's own commands.")


@palier.command("demo")
def load_demo_command():
    """Load the demo landlord, residences and accounts (safe to run again)."""
    demo.load_demo()
    click.echo(f"Demo data loaded. Accounts (password: {demo.DEMO_PASSWORD}):")
    for email, role in demo.DEMO_ACCOUNTS:
        click.echo(f"  {email:<32} {role}")


def init_app(app: Flask) -> None:
    app.cli.add_command(palier)
