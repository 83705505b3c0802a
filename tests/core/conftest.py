from tests.api.conftest import api  # noqa: F401 - the API clients of the personas
from tests.quality.conftest import framework, has_extract  # noqa: F401 - the HAS framework (quality)
