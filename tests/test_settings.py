"""Settings: what each value is checked against, and which ones shape the output fingerprint."""

from dataclasses import fields
from pathlib import Path

import pytest

from pipeline.errors import UsageError
from pipeline.settings import OPTIONS, Settings

#: A value other than the default for every field, and whether it changes what a run writes.
CHANGES: dict[str, tuple[object, bool]] = {
    "targets": (("en",), True),
    "source_lang": ("id", True),
    "models": ({"id-en": "Helsinki-NLP/opus-mt-id-en"}, True),
    "device": ("cpu", False),  # the caller passes the resolved device with the model revisions
    "backend": ("transformers", True),
    "compute_type": ("int8", True),
    "beams": (2, True),
    "summary": ("abstractive", True),
    "summary_sentences": (2, True),
    "summary_input_tokens": (1024, False),  # read by the abstractive summary only
    "offline": (True, False),
    "force": (True, False),
    "window_sentences": (8, False),
    "formats": (("tsv",), False),  # views, written later without translating again
    "glossary": (Path("glossary.tsv"), False),  # its content's digest comes with the revisions
    "memory": (Path("memory.sqlite"), False),  # likewise
    "executor": ("ray", False),
    "ray_address": ("auto", False),
    "ray_actors": (2, False),
    "ray_actor_cpus": (2, False),
    "profile": ("quality", True),
    "context_sentences": (0, True),
    "fallback_models": ({"id-en": "Helsinki-NLP/opus-mt-id-en"}, True),
}


def _fingerprint(**changes: object) -> str:
    return Settings(**changes).output_fingerprint({"id-en": "r1"})  # type: ignore[arg-type]


def test_every_field_is_a_command_line_option_and_has_a_case_here():
    names = [field.name for field in fields(Settings)]
    assert sorted(OPTIONS) == sorted(names)
    assert sorted(CHANGES) == sorted(names)
    assert len({option.flag for option in OPTIONS.values()}) == len(OPTIONS)


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_setting_changes_the_fingerprint_exactly_when_it_shapes_the_output(name: str):
    value, shapes = CHANGES[name]
    assert (_fingerprint(**{name: value}) != _fingerprint()) is shapes


def test_profile_and_context_sentences_shape_the_output():
    assert _fingerprint(profile="fast") != _fingerprint(profile="quality")
    assert _fingerprint(context_sentences=0) != _fingerprint(context_sentences=2)
    assert _fingerprint(profile="quality", context_sentences=0) != _fingerprint(profile="quality", context_sentences=2)
    assert Settings().profile == "fast" and Settings().context_sentences == 2 and Settings().fallback_models == {}


@pytest.mark.parametrize(("changes", "message"), [
    ({"profile": "slow"}, "--profile takes fast or quality; got 'slow'"),
    ({"context_sentences": -1}, "--context-sentences must be 0 or more; got -1"),
    ({"fallback_models": {"fr-en": "Helsinki-NLP/opus-mt-fr-en"}}, "--fallback-model takes the pairs id-en, en-zh, id-zh; got fr-en"),
    ({"fallback_models": {"id-en": "./typo"}}, "./typo: no such model folder"),
    ({"device": "tpu"}, "--device takes auto, cpu or cuda; got 'tpu'"),
    ({"backend": "onnx"}, "--backend takes auto, transformers or ctranslate2; got 'onnx'"),
    ({"source_lang": "en"}, "--source-lang takes auto or id; got 'en'"),
    ({"summary": "both"}, "--summary takes extractive or abstractive; got 'both'"),
    ({"executor": "slurm"}, "--executor takes local or ray; got 'slurm'"),
])
def test_bad_values_are_refused_with_the_option_named(changes: dict[str, object], message: str):
    with pytest.raises(UsageError) as refused:
        Settings(**changes)  # type: ignore[arg-type]
    assert str(refused.value) == message


def test_every_choice_the_parser_offers_is_accepted():
    for name, option in OPTIONS.items():
        for choice in option.choices or ():
            assert getattr(Settings(**{name: choice}), name) == choice  # type: ignore[arg-type]


def test_a_fallback_model_folder_is_accepted(tmp_path: Path):
    assert Settings(fallback_models={"id-zh": str(tmp_path)}).fallback_models == {"id-zh": str(tmp_path)}
