from tests.api.conftest import api  # noqa: F401 - the API clients of the personas
from tests.browser.conftest import browser, page  # noqa: F401 - Chromium for the journey
