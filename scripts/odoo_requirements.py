"""Print Odoo's requirements.txt pinned for Python >= 3.12.

Odoo 18.0 pins, for Python 3.11, versions that no longer build (old cbor2 needs
pkg_resources at build time); the versions it pins for Python 3.12 ship wheels
for 3.11 as well and run. So the markers are evaluated as if on 3.12 (or the
running Python, when newer).
"""
import sys

from packaging.requirements import Requirement

MIN_PYTHON = (3, 12)


def main(path):
    version = max(sys.version_info[:2], MIN_PYTHON)
    environment = {
        "python_version": "{}.{}".format(*version),
        "python_full_version": "{}.{}.0".format(*version),
    }
    with open(path, encoding="utf-8") as requirements:
        lines = requirements.readlines()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        requirement.marker = None
        print(requirement)


if __name__ == "__main__":
    main(sys.argv[1])
