"""`flask palier ...` commands."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.scheduler import run_scheduler
from app.transactions import unit_of_work
from notifications import dispatcher
from notifications.senders import sender_from_config
from services import demo

palier = AppGroup("palier", help="Palier's own commands.")


@palier.command("demo")
def load_demo_command():
    """Load the demo landlord, residences and accounts (safe to run again; not in production)."""
    if current_app.config["PALIER_ENVIRONMENT"] == "production":
        # Accounts with a published password have no place on a real residence's data.
        raise click.ClickException(
            "Refusing to load the demo accounts: this app runs the production configuration "
            "(PALIER_CONFIG=production), and their password is public."
        )
    with unit_of_work():
        demo.load_demo()
    click.echo(f"Demo data loaded. Accounts (password: {demo.DEMO_PASSWORD}):")
    for email, role in demo.DEMO_ACCOUNTS:
        click.echo(f"  {email:<32} {role}")


@palier.command("dispatch")
def dispatch_command():
    """Send the notifications that are due, once."""
    counts = dispatcher.dispatch(sender_from_config(current_app.config))
    click.echo(f"dispatched: {counts}")


@palier.command("scheduler")
def scheduler_command():
    """Run the background jobs (one leads at a time, others stand by; see app/scheduler.py)."""
    # Logging is configured by the app factory (LOG_FORMAT, LOG_LEVEL), as for the web.
    run_scheduler(current_app._get_current_object())


@palier.group("notifications")
def notifications_group():
    """The notification outbox."""


@notifications_group.command("stats")
def notification_stats_command():
    """Counts by status over the last 24 hours, and the oldest pending age."""
    stats = dispatcher.notification_stats()
    for status, count in stats["last_24_hours"].items():
        click.echo(f"{status:<10} {count}")
    click.echo(f"oldest pending: {stats['oldest_pending_seconds']} s")


def init_app(app: Flask) -> None:
    app.cli.add_command(palier)
