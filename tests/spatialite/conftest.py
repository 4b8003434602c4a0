import pytest


@pytest.fixture(autouse=True)
def isolated_database():
    """The SpatiaLite smoke suite runs the embedded database in its own processes."""
    yield
