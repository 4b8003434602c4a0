import pytest

from tests.spatialite.embedded import embedded_environment, flask


@pytest.fixture(autouse=True)
def isolated_database():
    """The SpatiaLite smoke suite runs the embedded database in its own processes."""
    yield


@pytest.fixture(autouse=True)
def upload_folder():
    """Photos are not part of the embedded smoke suite."""
    yield


@pytest.fixture(scope="session")
def environment(tmp_path_factory):
    """The environment of a fresh embedded database, built by the migrations. Shared by the
    smoke tests: building it takes a minute."""
    env = embedded_environment(tmp_path_factory.mktemp("embedded") / "palier.sqlite")
    flask(env, "db", "upgrade")
    return env
