"""`profiles show` prints the cluster's links a profile states (the step model's scale-up domain and scale-out
network), and nothing for a profile that states none."""

from estimator.cli import main


def test_a_gpu_shows_its_scale_up_domain_and_scale_out_network(capsys):
    assert main(["profiles", "show", "h100-sxm"]) == 0
    out = capsys.readouterr().out
    assert "  scale-up domain 8 devices, 450 GB/s per device per direction  (" in out
    assert "  scale-out 50 GB/s per device per direction  (" in out


def test_a_profile_without_links_says_nothing_of_them(capsys):
    assert main(["profiles", "show", "brain"]) == 0
    out = capsys.readouterr().out
    assert "scale-up" not in out and "scale-out" not in out
