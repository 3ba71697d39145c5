"""Newcomer review 2026-12-03: no command listed the catalog's models, a copied profile kept a family whose fit it
has no runs in, and `--format` said nothing of what its choices give."""

from __future__ import annotations

import json
from pathlib import Path

from estimator.cli import main
from estimator.io.datafiles import default_profiles
from estimator.io.serving_data import load_catalog

ROOT = Path(__file__).resolve().parents[2]


def test_models_lists_every_catalog_id_as_model_takes_it(capsys):
    assert main(["models"]) == 0
    lines = capsys.readouterr().out.splitlines()
    catalog = load_catalog()
    assert [line.split()[0] for line in lines] == list(catalog)
    (mixtral,) = [line for line in lines if line.startswith("mixtral-8x7b ")]
    assert ("46.7 billion parameters, 12.9 billion active (8 experts, 2 a token), 32 layers, context 32,768"
            in mixtral)
    (llama,) = [line for line in lines if line.startswith("llama-3.1-405b ")]
    assert "406 billion parameters, 126 layers, context 131,072" in llama and "active" not in llama
    assert main(["models", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == list(catalog)
    ds = next(r for r in rows if r["id"] == "deepseek-v3")
    assert (ds["params"], ds["active_params"], ds["experts"], ds["moe_layers"], ds["layers"]) == (671e9, 37e9, 256, 58, 61)
    gemma = next(r for r in rows if r["id"] == "gemma-2-9b")  # a head size other than d_model ÷ heads, a window
    assert (gemma["head_dim"], gemma["window"], gemma["windowed_layers"], gemma["context_tokens"]) == (256, 4096, 21, 8192)
    (maverick,) = [line for line in lines if line.startswith("llama-4-maverick ")]
    assert "(128 experts on 24 of its layers, 1 a token), 48 layers" in maverick
    # each id listed is one --model takes
    assert main(["plan", "--model", lines[-1].split()[0], "--tokens", "1e9", "--devices", "8"]) == 0


def test_the_model_flags_help_names_the_command_that_lists_them(capsys):
    for command in ("estimate", "plan", "inference"):
        try:
            main([command, "--help"])
        except SystemExit:
            pass
        out = " ".join(capsys.readouterr().out.split())
        assert "`python -m estimator models` lists them" in out, command
        assert "inference --help`" not in out


def test_estimates_format_help_says_what_latex_and_bibtex_give(capsys):
    try:
        main(["estimate", "--help"])
    except SystemExit:
        pass
    out = " ".join(capsys.readouterr().out.split())
    assert "latex and bibtex: the paper's statement and its references" in out


def _copy(tmp_path, edit) -> Path:
    text = (ROOT / "profiles" / "h100-sxm.toml").read_text().replace('id = "h100-sxm"', 'id = "my-device"', 1)
    path = tmp_path / "my-device.toml"
    path.write_text(edit(text))
    return path


def test_validate_says_a_new_device_claiming_a_family_takes_that_familys_fit(tmp_path, capsys, calibrated_dir):
    """A copy of the H100's file under a new id validated "ok" and its estimates said "fitted on 25 H100 runs"."""
    copied = _copy(tmp_path, lambda t: t)
    assert main(["profiles", "validate", str(copied), str(ROOT / "profiles" / "h100-sxm.toml")]) == 0
    mine, bundled = capsys.readouterr().out.splitlines()
    assert mine.startswith(f"ok: {copied} ([utilization] family = \"h100\" takes that family's fit on published runs "
                           "as its own, as h100-sxm, h800 do: a device without published runs of its own writes "
                           "prior_from = \"h100\" and a basis instead")
    assert bundled == f"ok: {ROOT / 'profiles' / 'h100-sxm.toml'}"
    assert mine.endswith("or, the family's own chip on another board, with same_chip = true too, which keeps the family's "
                         "fit's centre, its range widened)")
    # a file in the calibrated folder (loaded, not bundled) is said of too, alone or among every profile (diff review)
    (calibrated_dir / "my-device.toml").write_text(copied.read_text())
    default_profiles.cache_clear()  # the folder's files as they are now
    assert main(["profiles", "validate", str(calibrated_dir / "my-device.toml")]) == 0
    assert 'family = "h100" takes that family\'s fit' in capsys.readouterr().out
    assert main(["profiles", "validate"]) == 0
    said = [line for line in capsys.readouterr().out.splitlines() if "takes that family's fit" in line]
    assert len(said) == 1 and "my-device.toml (" in said[0]
    # as the note says: borrowed, it is a device without runs, with no note
    (calibrated_dir / "my-device.toml").unlink()  # one file of an id loads
    default_profiles.cache_clear()
    borrowed = _copy(tmp_path, lambda t: t.replace('\nfamily = "h100"', '\nprior_from = "h100"\nbasis = "an H100-class part"', 1))
    assert main(["profiles", "validate", str(borrowed)]) == 0
    assert capsys.readouterr().out.strip() == f"ok: {borrowed}"
    assert main(["estimate", "--flops", "1e23", "--devices", "64", "--hardware", str(borrowed)]) == 0
    out = capsys.readouterr().out
    assert "no runs on" in out and "fitted on 25 H100 runs" not in out
