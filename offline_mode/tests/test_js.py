from werkzeug.urls import url_encode

from odoo.tests import HttpCase, no_retry, tagged


def _hoot_error_checker(message):
    # Only hoot's own failure lines fail the run; other console output is noise.
    return "[HOOT]" not in message or message == "[HOOT] test failed (see above for details)"


@tagged("post_install", "-at_install")
class TestOfflineModeUnitTests(HttpCase):

    @no_retry
    def test_hoot_unit_tests(self):
        """The addon's hoot tests (static/tests/*.test.js), in headless Chromium."""
        self.browser_js(
            "/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&"
            + url_encode({"filter": "/^@offline_mode[/]/"}),
            "", "", login="admin", timeout=900,
            success_signal="[HOOT] test suite succeeded",
            error_checker=_hoot_error_checker,
        )
