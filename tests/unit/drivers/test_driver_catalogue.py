"""The shipped catalogue of common MST-PSB drivers."""

import json

import pytest

from drivers.catalogue import DEFAULT_PATH, load_catalogue
from drivers.model import INTERVENTION_TYPES, SYSTEMS


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_default_path_is_the_repo_data_folder():
    assert DEFAULT_PATH.parts[-2:] == ("data", "driver_catalogue.json")
    assert DEFAULT_PATH.is_file()


def test_has_enough_entries_in_every_system(catalogue):
    assert len(catalogue) >= 24
    assert {e.system for e in catalogue} == set(SYSTEMS)
    for system in SYSTEMS:
        kinds = {e.kind for e in catalogue if e.system == system}
        assert kinds == {"need", "strength"}, f"{system} needs both needs and strengths"


def test_contains_the_four_core_mst_psb_drivers(catalogue):
    by_key = {e.key: e for e in catalogue}
    assert by_key["low_family_warmth"].name == "Low warmth between caregiver and young person"
    assert by_key["caregiver_minimises_harm"].name == "Caregiver minimises or denies the harm"
    assert by_key["loose_supervision"].name == "Loose supervision when younger children are around"
    assert by_key["sibling_exposure"].name == "A sibling's exposure to the harm"
    assert all(by_key[k].system == "family" and by_key[k].kind == "need" for k in
               ("low_family_warmth", "caregiver_minimises_harm", "loose_supervision", "sibling_exposure"))


def test_every_suggested_intervention_is_known(catalogue):
    for entry in catalogue:
        assert entry.suggested_interventions
        assert set(entry.suggested_interventions) <= set(INTERVENTION_TYPES), entry.key


def test_keys_and_names_are_unique(catalogue):
    assert len({e.key for e in catalogue}) == len(catalogue)
    assert len({e.name.lower() for e in catalogue}) == len(catalogue)
    assert len({e.family_wording.lower() for e in catalogue}) == len(catalogue)


def test_family_wording_is_short_plain_and_never_clinical(catalogue):
    clinical = ("harm", "minimis", "deni", "pornograph", "victim", "abuse", "sexual", "driver", "exclusion")
    for entry in catalogue:
        words = entry.family_wording
        assert len(words) <= 70, entry.key
        assert not any(term in words.lower() for term in clinical), entry.key
        assert words[0].isupper() and not words.endswith("."), entry.key


def test_descriptions_are_one_or_two_sentences(catalogue):
    for entry in catalogue:
        assert 1 <= entry.description.count(". ") + 1 <= 2, entry.key
        assert entry.description.endswith("."), entry.key


def _write(tmp_path, drivers):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"drivers": drivers}), encoding="utf-8")
    return path


GOOD = dict(key="good_one", name="Good", system="family", kind="need", description="D.",
            family_wording="Words", suggested_interventions=["other"])


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"system": "street"}, "unknown system 'street'"),
        ({"kind": "risk"}, "unknown kind 'risk'"),
        ({"suggested_interventions": ["hugs"]}, "unknown intervention type(s) ['hugs']"),
        ({"suggested_interventions": []}, "suggested_interventions must be a non-empty list"),
        ({"name": "  "}, "name must be non-empty text"),
        ({"key": "Bad Key"}, "key must be a lower-case slug"),
        ({"family_wording": "w" * 201}, "family_wording longer than 200"),
    ],
)
def test_bad_entry_is_named(tmp_path, change, complaint):
    path = _write(tmp_path, [GOOD, {**GOOD, "key": "second", **change}])
    with pytest.raises(ValueError) as info:
        load_catalogue(path)
    assert "catalogue entry 1" in str(info.value)
    assert complaint in str(info.value)


def test_missing_fields_and_duplicates_are_named(tmp_path):
    broken = {k: v for k, v in GOOD.items() if k != "description"}
    with pytest.raises(ValueError, match=r"catalogue entry 0 \(good_one\): missing description"):
        load_catalogue(_write(tmp_path, [broken]))
    with pytest.raises(ValueError, match=r"catalogue entry 1 \(good_one\): duplicate key"):
        load_catalogue(_write(tmp_path, [GOOD, GOOD]))


def test_a_good_file_loads(tmp_path):
    (entry,) = load_catalogue(_write(tmp_path, [GOOD]))
    assert entry.suggested_interventions == ("other",)
