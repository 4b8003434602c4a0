"""Flask extensions, created here once and bound to the app in `create_app`."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api

from app.problems import ProblemSchema, problem_from_http_exception
from models import db


class PalierApi(Api):
    """flask-smorest's Api, answering errors as application/problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        return problem_from_http_exception(error)


api = PalierApi()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
login_manager = LoginManager()
migrate = Migrate()

__all__ = ["api", "babel", "db", "limiter", "login_manager", "migrate"]
