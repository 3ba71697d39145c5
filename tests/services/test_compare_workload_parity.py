"""API review 2026-11-29: ``compare()`` in Python refused an architecture or a generic network that `compare` on the
command line took, and `compare` took a catalog model beside an architecture that `estimate` refuses (it timed the
tiny architecture beside the model it named). Both now derive the workload as ``estimate`` does."""

import pytest

from estimator import compare, estimate
from estimator.cli.main import main
from estimator.core.base.errors import InputError

ARCH = {"layers": 32, "d_model": 4096, "n_ctx": 2048, "vocab": 32000, "tokens": 1e12}
ARCH_FLAGS = ["--layers", "32", "--d-model", "4096", "--context", "2048", "--vocab", "32000", "--tokens", "1e12"]


def _cli_json(capsys, *args):
    import json
    assert main(["compare", *args, "--hardware", "h100-sxm", "b200", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("kwargs, flags", [
    (ARCH, ARCH_FLAGS),
    ({"forward_flops_per_example": 1e12, "examples": 1e6, "epochs": 10},
     ["--forward-flops", "1e12", "--examples", "1e6", "--epochs", "10"]),
])
def test_compare_takes_an_architecture_or_a_generic_network_in_python_as_on_the_command_line(capsys, kwargs, flags):
    rep = compare(["h100-sxm", "b200"], **kwargs)
    api_s = [r.estimate.wall_clock_s for r in rep.results]
    out = _cli_json(capsys, *flags)
    rows = out if isinstance(out, list) else out["results"]
    cli_s = [r["results"]["wall_clock_s"] if "results" in r else r["wall_clock_s"] for r in rows]
    assert api_s == pytest.approx(cli_s, rel=1e-12)
    # each profile timed as estimate times the same workload on it
    one = estimate(hardware="b200", **kwargs)
    assert api_s[1] == pytest.approx(one.wall_clock_s, rel=1e-12)


def test_a_catalog_model_beside_an_architecture_is_refused_by_compare_as_by_estimate(capsys):
    both = {"model": "llama-3.1-8b", "layers": 2, "d_model": 64, "vocab": 100, "tokens": 1e12}
    for call in (lambda: compare(["h100-sxm"], **both), lambda: estimate(hardware="h100-sxm", **both)):
        with pytest.raises(InputError, match="give either a catalog model or the parameters and architecture"):
            call()
    flags = ["--model", "llama-3.1-8b", "--layers", "2", "--d-model", "64", "--vocab", "100", "--tokens", "1e12",
             "--hardware", "h100-sxm"]
    for command in ("compare", "estimate"):
        assert main([command, *flags]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: give either a catalog model or the parameters and "
                                                   "architecture, not both")
