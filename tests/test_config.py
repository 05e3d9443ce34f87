import pytest

import skextra


def test_set_and_get():
    skextra.set_config(device="cpu", progress=True)
    try:
        assert skextra.get_config() == {"device": "cpu", "progress": True}
    finally:
        skextra.set_config(device="auto", progress=False)
    assert skextra.get_config() == {"device": "auto", "progress": False}


def test_context_restores_on_error():
    with pytest.raises(RuntimeError):
        with skextra.config_context(device="gpu"):
            assert skextra.get_config()["device"] == "gpu"
            raise RuntimeError
    assert skextra.get_config()["device"] == "auto"


@pytest.mark.parametrize("bad", ["cuda", 1])
def test_bad_device_is_refused(bad):
    with pytest.raises(ValueError, match="device must be one of"):
        skextra.set_config(device=bad)


def test_bad_progress_is_refused():
    with pytest.raises(TypeError, match="progress must be a bool"):
        skextra.set_config(progress="yes")


def test_get_config_returns_a_copy():
    config = skextra.get_config()
    config["device"] = "gpu"
    assert skextra.get_config()["device"] == "auto"


def test_show_versions_lists_dependencies(capsys):
    skextra.show_versions()
    out = capsys.readouterr().out
    for name in ("scikit-learn", "imbalanced-learn", "xgboost", "Device:"):
        assert name in out
