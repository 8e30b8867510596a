"""Vendor the compiled nhsuk-frontend assets into static/nhsuk/.

Usage: python scripts/vendor_nhsuk.py path/to/extracted/npm/package

The CSS is rewritten so that the service loads no external resource:
the @font-face rules that fetch Frutiger from assets.nhs.uk are removed
(the font is licensed for nhs.uk only; the stack falls back to Arial), and
absolute /assets/images/ URLs become relative so WhiteNoise's manifest
storage can fingerprint them.
"""

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "static" / "nhsuk"


def rewrite_css(css: str) -> str:
    css = re.sub(r"@font-face\{[^}]*\}", "", css)
    css = css.replace("url(/assets/images/", "url(assets/images/")
    if "assets.nhs.uk" in css or "url(http" in css:
        raise SystemExit("external URL left in the CSS; update the rewrite rules")
    css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)
    return css


def main(package: Path) -> None:
    dist = package / "dist" / "nhsuk"
    version = json.loads((package / "package.json").read_text())["version"]
    if TARGET.exists():
        shutil.rmtree(TARGET)
    (TARGET / "assets").mkdir(parents=True)
    css = rewrite_css((dist / "nhsuk-frontend.min.css").read_text())
    (TARGET / "nhsuk-frontend.min.css").write_text(css)
    js = (dist / "nhsuk-frontend.min.js").read_text()
    js = re.sub(r"//# sourceMappingURL=.*", "", js)
    (TARGET / "nhsuk-frontend.min.js").write_text(js)
    shutil.copytree(dist / "assets" / "images", TARGET / "assets" / "images")
    (TARGET / "VERSION.md").write_text(
        f"nhsuk-frontend {version}, from the npm registry, MIT licence "
        "(https://github.com/nhsuk/nhsuk-frontend/blob/main/LICENSE.md).\n"
        "Vendored by scripts/vendor_nhsuk.py: @font-face rules removed (no external font), "
        "/assets/images/ URLs made relative.\n"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
