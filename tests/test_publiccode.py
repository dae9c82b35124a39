"""publiccode.yml follows the standard (version 0.4) in every field the catalogue requires."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = {
    "grant-management",
    "digital-citizenship",
    "workflow-management",
    "data-visualization",
    "data-analytics",
    "online-community",
    "document-management",
    "survey",
}
STATUSES = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
}


def load():
    return yaml.safe_load((ROOT / "publiccode.yml").read_text())


def test_required_fields_are_present_and_valid():
    data = load()
    assert data["publiccodeYmlVersion"] == "0.4"
    assert data["name"] == "rione"
    assert data["url"].startswith("https://")
    assert data["platforms"] == ["web"]
    assert set(data["categories"]) <= CATEGORIES
    assert data["developmentStatus"] in STATUSES
    assert data["softwareType"] in SOFTWARE_TYPES
    assert data["legal"]["license"] == "AGPL-3.0-or-later"
    assert data["localisation"]["localisationReady"] is True
    assert set(data["localisation"]["availableLanguages"]) == {"it", "en"}


def test_descriptions_in_italian_and_english_respect_the_lengths():
    for language in ("it", "en"):
        description = load()["description"][language]
        assert len(description["shortDescription"]) <= 150
        assert 150 <= len(description["longDescription"]) <= 10000
        assert description["features"]
        assert all(len(feature) <= 100 for feature in description["features"])


def test_no_maintainer_is_invented():
    maintenance = load()["maintenance"]
    assert maintenance == {"type": "none"}


def test_licence_file_is_the_agpl():
    assert (ROOT / "LICENSE").read_text().startswith("GNU AFFERO GENERAL PUBLIC LICENSE")
