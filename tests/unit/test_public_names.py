"""The names from outside keep their paths: what a site plugin imports, and the console script.

The package is laid out by job (docs/architecture.md); a plugin written against the paths of before
must keep working, so every public name is imported here from the path that plugins use.
"""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import confarchive.core.model as core_model

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_a_plugin_imports_the_value_types_from_confarchive_model() -> None:
    from confarchive.model import (
        Embed,
        Expansion,
        Media,
        MediaFile,
        MediaKind,
        Merged,
        PageMeta,
        PlannedSlide,
        Slide,
        SlideFile,
        Subtitle,
        SubtitleFile,
        Talk,
        TalkKey,
        TalkRef,
    )

    names = {
        "Embed": Embed,
        "Expansion": Expansion,
        "Media": Media,
        "MediaFile": MediaFile,
        "MediaKind": MediaKind,
        "Merged": Merged,
        "PageMeta": PageMeta,
        "PlannedSlide": PlannedSlide,
        "Slide": Slide,
        "SlideFile": SlideFile,
        "Subtitle": Subtitle,
        "SubtitleFile": SubtitleFile,
        "Talk": Talk,
        "TalkKey": TalkKey,
        "TalkRef": TalkRef,
    }
    for name, value in names.items():
        assert value is getattr(core_model, name), name  # the same class, not a copy


def test_every_public_type_of_the_model_is_at_the_old_path() -> None:
    old = importlib.import_module("confarchive.model")
    public = {
        name
        for name, value in vars(core_model).items()
        if not name.startswith("_") and isinstance(value, type) and value.__module__ == core_model.__name__
    }
    assert public <= set(old.__all__)
    assert all(getattr(old, name) is getattr(core_model, name) for name in public)


def test_a_plugin_imports_the_site_api_from_confarchive_sites() -> None:
    from confarchive.sites import Page, Placed, Registry, Site, SiteBase, SiteTalk, Web
    from confarchive.sites.base import Placed as BasePlaced
    from confarchive.sites.base import SiteBase as BaseSiteBase
    from confarchive.sites.base import SiteTalk as BaseSiteTalk
    from confarchive.sites.page import Page as PagePage

    assert (SiteBase, SiteTalk, Placed, Page) == (BaseSiteBase, BaseSiteTalk, BasePlaced, PagePage)
    assert Registry.default and Site and Web
    assert importlib.import_module("confarchive.sites").ENTRY_POINT_GROUP == "confarchive.sites"


def test_the_console_script_finds_main() -> None:
    scripts = tomllib.loads(PYPROJECT.read_text())["project"]["scripts"]
    module, _, attribute = scripts["confarchive"].partition(":")
    main = getattr(importlib.import_module(module), attribute)
    from confarchive.cli import main as cli_main
    from confarchive.cli.main import main as main_main

    assert main is cli_main is main_main  # python -m confarchive runs the same (tests/conftest.py: cli_command)
