"""vllm-2024's leave-one-model-out cross-validation is shipped in serving_fit.json (its top-level ``validation``, written
by ``fit-serving``), as the other engines' are: ``validate --inference`` and the Accuracy page read it rather than refit
the engine 32 times on a page's first load (about 5 s of the 9 s it took), and ``fit-serving --check`` holds it to a
fresh computation (tests/fit/test_serving.py's ``test_shipped_fit_matches_a_fresh_fit``)."""

from __future__ import annotations

import json

import pytest

from estimator.cli.main import main
from estimator.io import serving_data
from estimator.services.serving import accuracy as serving_accuracy


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch):
    """``edit(doc)`` writes serving_fit.json as shipped, changed by ``edit``, where the project reads it; every reading
    cached from the real file is cleared before and after."""
    def clear():
        serving_accuracy.validation_document.cache_clear()
        serving_data._load_fit.cache_clear()
    path = tmp_path / "serving_fit.json"

    def edit(change):
        doc = json.loads(serving_data.SERVING_FIT_PATH.read_text())
        change(doc)
        path.write_text(json.dumps(doc))
        monkeypatch.setattr(serving_data, "SERVING_FIT_PATH", path)
        clear()
    clear()
    yield edit
    clear()


def test_validate_inference_reports_the_shipped_cross_validation(shipped_copy, capsys):
    def change(doc):
        doc["validation"]["seconds_per_output_token"]["model"]["median_factor"] = 1.2345
        doc["validation"]["configs"][0]["predicted_tpot_s"] = 0.0321
    shipped_copy(change)
    assert main(["validate", "--inference", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["seconds_per_output_token"]["model"]["median_factor"] == 1.2345
    assert doc["configs"][0]["predicted_tpot_s"] == 0.0321
    assert len(doc["configs"]) == 32 and doc["by_architecture_and_engine"]["n_groups"] == 4


def test_a_stale_shipped_cross_validation_is_named_by_the_check(shipped_copy, monkeypatch, capsys):
    """The check compares the shipped section with a fresh one (here the file as shipped stands for the fresh fit:
    that the two agree is test_serving.py's)."""
    fresh = json.loads(serving_data.SERVING_FIT_PATH.read_text())
    monkeypatch.setattr(serving_accuracy, "refit", lambda: fresh)
    shipped_copy(lambda doc: doc["validation"]["joules_per_output_token"]["model"].update(median_factor=1.5))
    assert main(["fit-serving", "--check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "validation.joules_per_output_token.model.median_factor" in err
    assert "python -m estimator fit-serving" in err


def test_a_file_without_it_is_refused_with_the_command_that_writes_it(shipped_copy, capsys):
    shipped_copy(lambda doc: doc.pop("validation"))
    assert main(["validate", "--inference"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "serving_fit.json" in err
    assert "python -m estimator fit-serving" in err and "Traceback" not in err
