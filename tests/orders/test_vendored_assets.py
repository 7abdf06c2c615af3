"""The front-end libraries are vendored from npm with their licenses (static/vendor/README.md),
and no page loads anything from another host."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDORED = {
    "static/vendor/alpinejs-csp/alpine-csp.min.js": "static/vendor/alpinejs-csp/LICENSE.md",
    "static/vendor/uplot/uPlot.iife.min.js": "static/vendor/uplot/LICENSE",
    "static/vendor/uplot/uPlot.min.css": "static/vendor/uplot/LICENSE",
    "tests/e2e/vendor/axe-core/axe.min.js": "tests/e2e/vendor/axe-core/LICENSE",
}


def test_each_vendored_file_is_there_with_its_license():
    for asset, license_file in VENDORED.items():
        assert (ROOT / asset).stat().st_size > 1000, asset
        assert (ROOT / license_file).read_text().strip(), license_file


def test_no_template_loads_a_script_or_style_from_another_host():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//[^"]+"', text)
        assert not remote, f"{template}: {remote}"
