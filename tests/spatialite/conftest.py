import pytest


@pytest.fixture(autouse=True)
def isolated_database():
    """The SpatiaLite smoke suite runs the embedded database in its own processes."""
    yield


@pytest.fixture(autouse=True)
def upload_folder():
    """Photos are not part of the embedded smoke suite."""
    yield
