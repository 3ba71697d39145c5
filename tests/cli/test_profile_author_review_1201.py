"""A profile author's review (2026-12-01): `profiles validate` says what a valid file without links cannot do, a TOML
date where text belongs is shown as written, and a narrow precision's peak below fp32's points at fp32's figure too."""

from __future__ import annotations

from pathlib import Path

from estimator.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _mine(tmp_path, name: str, edit, base: str = "l40s") -> Path:
    text = (ROOT / "profiles" / f"{base}.toml").read_text().replace(f'id = "{base}"', 'id = "l40-mine"', 1)
    path = tmp_path / name
    path.write_text(edit(text))
    return path


def test_validate_says_a_file_without_links_is_planned_on_one_device(tmp_path, capsys):
    path = _mine(tmp_path, "l40-mine.toml", lambda t: t, base="gh200-144gb")
    assert main(["profiles", "validate", str(path)]) == 0
    out = capsys.readouterr().out.strip()
    assert out == (f"ok: {path} (it states no scale_up_devices, scale_out_gb_per_s in [interconnect]: `plan` and the "
                   "step model lay a run out on one device of it only)")
    # and plan, which the note warns of, refuses more than one device of it
    assert main(["plan", "--model", "llama-3.1-8b", "--tokens", "1e12", "--devices", "16", "--hardware", str(path)]) == 2
    # a PCIe card's copy needs none: its cards are laid out in servers of 8, as serving lays them out
    capsys.readouterr()
    card = _mine(tmp_path, "card.toml", lambda t: t)
    assert main(["profiles", "validate", str(card)]) == 0
    assert capsys.readouterr().out.strip() == f"ok: {card}"


def test_a_toml_date_where_text_belongs_is_shown_as_written(tmp_path, capsys):
    import re
    path = _mine(tmp_path, "dated.toml", lambda t: re.sub(r'^date = "([0-9-]+)"', r"date = \g<1>-01", t, count=1,
                                                          flags=re.MULTILINE))
    assert main(["profiles", "validate", str(path)]) == 2
    out = capsys.readouterr().out
    assert "field 'price.date': expected text, got 20" in out and "(a date); fix: put the value in quotes" in out
    assert "datetime.date(" not in out


def test_a_narrow_peak_below_fp32_points_at_fp32s_figure_too(tmp_path, capsys):
    import re
    path = _mine(tmp_path, "fp32.toml", lambda t: re.sub(r"^fp32 = .*$", "fp32 = 9.05e15", t, count=1,
                                                         flags=re.MULTILINE))
    assert main(["profiles", "validate", str(path)]) == 2
    assert "check the fp32 peak's own figure" in capsys.readouterr().out


def test_a_bundled_id_is_refused_in_the_same_words_by_validate_and_by_a_command_that_takes_the_file(tmp_path, capsys):
    path = _mine(tmp_path, "dup.toml", lambda t: t.replace('id = "l40-mine"', 'id = "l40s"', 1))
    assert main(["profiles", "validate", str(path)]) == 2
    said = capsys.readouterr().out.strip().removeprefix("broken: ")
    assert main(["estimate", "--flops", "1e21", "--hardware", str(path)]) == 2
    assert capsys.readouterr().err.strip() == f"error: {said}"
    assert said.endswith("field 'id': 'l40s' is the id of the bundled profile profiles/l40s.toml; fix: give this "
                         'profile an id of its own (e.g. id = "l40s-mine"): an id names one profile')


def test_show_and_the_profiles_page_say_it_as_validate_does(capsys):
    """Architecture review (2026-12-01): only `profiles validate` said it; `profiles show` and the app's Profiles
    page, where an author looks at a bundled profile, now say the same words; a profile with its links says none."""
    words = ("it states no scale_up_devices, scale_out_gb_per_s in [interconnect]: `plan` and the step model lay a "
             "run out on one device of it only")
    assert main(["profiles", "show", "gh200-144gb"]) == 0
    assert f"  training layouts: {words}\n" in capsys.readouterr().out
    assert main(["profiles", "show", "h100-sxm"]) == 0
    assert "training layouts" not in capsys.readouterr().out
    assert main(["profiles", "show", "cpu-server-2s-epyc"]) == 0  # a CPU is not laid out
    assert "training layouts" not in capsys.readouterr().out
