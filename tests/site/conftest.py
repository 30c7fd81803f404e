import pytest
from sitebuild import built_site


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The built site (strict build), shared by the site tests."""
    return built_site(tmp_path_factory.mktemp("site"))
