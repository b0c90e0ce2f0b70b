"""What the wheel ships beside the code: the type-hint marker and the rules."""

from __future__ import annotations

import tomllib

from conftest import REPO


def test_the_package_marks_itself_typed_and_the_wheel_ships_the_package_folder() -> None:
    assert (REPO / "quotetrack" / "py.typed").is_file()
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    # hatch puts every file of a listed package folder in the wheel, py.typed included
    assert "quotetrack" in wheel["packages"]
    assert wheel["force-include"]["rules"] == "quotetrack/rules"
