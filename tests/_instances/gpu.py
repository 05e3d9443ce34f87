"""Common-check instances for this family (see tests/_instances/__init__.py)."""

from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler

from skextra.gpu import DeviceEstimator, GPUNeighbors

INSTANCES = {
    "DeviceEstimator": [
        DeviceEstimator(LogisticRegression(max_iter=200)),
        DeviceEstimator(Ridge()),
        DeviceEstimator(StandardScaler()),
    ],
    "GPUNeighbors": [GPUNeighbors(), GPUNeighbors(batch_size=7, device="cpu")],
}

EXPECTED_FAILED_CHECKS = {}
