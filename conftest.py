import pytest


def pytest_collection_modifyitems(config, items):
    from skextra.gpu import gpu_available

    if gpu_available():
        return
    skip = pytest.mark.skip(reason="needs an NVIDIA GPU with CuPy or PyTorch")
    for item in items:
        if item.get_closest_marker("gpu") is not None:
            item.add_marker(skip)
