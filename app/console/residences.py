"""The console's home (the residences one looks after) and each residence's dashboard."""

from flask import redirect, render_template, url_for

from app.auth import signed_in_user
from app.console import bp
from app.console.context import show_residence
from services import dashboards


@bp.route("/")
def home():
    residences = dashboards.console_residences(signed_in_user())
    if len(residences) == 1:
        return redirect(url_for("console.dashboard", residence_id=residences[0].id))
    return render_template("console/home.html", residences=residences)


@bp.route("/residences/<int:residence_id>")
def dashboard(residence_id: int):
    board = dashboards.residence_dashboard(signed_in_user(), residence_id)
    show_residence(board.residence)
    return render_template("console/dashboard.html", board=board)
