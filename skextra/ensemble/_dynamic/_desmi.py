"""DES-MI: dynamic ensemble selection for multi-class imbalanced data."""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import check_is_fitted

from ...utils._validation import DEVICE_CONSTRAINT
from ._base import BaseDynamicSelection, fill_doc
from ._kernels import hits_by_class, select_top, top_members

__all__ = ["DESMI", "class_weights"]

# 1 / (1 + exp(x)) is below 1e-304 beyond this: the weights of a region whose
# smallest exponent exceeds it are computed relative to its largest weight.
_LOG_UNDERFLOW = 700.0


def class_weights(y_neighbors, class_counts, alpha):
    """DES-MI's normalised neighbour weights, per class, for each region.

    A neighbour of class ``c`` weighs ``1 / (1 + exp(alpha * n_c))`` with
    ``n_c`` the number of DSEL rows of class ``c`` (rare classes weigh more);
    the weights of a region are divided by their sum over its ``k``
    neighbours. Where every weight of a region underflows (``alpha * n_c >
    700`` for all its neighbours, i.e. classes of several hundred rows),
    they are computed relative to the largest one, ``exp(-alpha (n_c -
    min n_c))``, which the normalisation makes exact.

    Parameters
    ----------
    y_neighbors : ndarray of shape (n_rows, k)
        Class index of each neighbour.
    class_counts : ndarray of shape (n_classes,)
    alpha : float

    Returns
    -------
    weights : ndarray of shape (n_rows, n_classes)
        Normalised weight of one neighbour of each class (0 for the classes
        absent from the region).

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._desmi import class_weights
    >>> class_weights(np.array([[0, 1]]), np.array([1, 3]), 0.9).round(3)
    array([[0.821, 0.179]])
    >>> class_weights(np.array([[0, 1]]), np.array([2000, 2001]), 0.9).round(3)
    array([[0.711, 0.289]])
    """
    x = alpha * np.asarray(class_counts, dtype=np.float64)
    present = (y_neighbors[:, :, None] == np.arange(x.size)).any(axis=1)
    with np.errstate(over="ignore"):
        w = np.tile(1.0 / (1.0 + np.exp(x)), (y_neighbors.shape[0], 1))
    x_min = x[y_neighbors].min(axis=1)
    low = x_min > _LOG_UNDERFLOW
    if low.any():
        w[low] = np.exp(np.minimum(0.0, x_min[low, None] - x[None, :]))
    w[~present] = 0.0
    total = np.take_along_axis(w, y_neighbors, axis=1).sum(axis=1)
    return w / total[:, None]


@fill_doc
class DESMI(BaseDynamicSelection):
    """Dynamic ensemble selection for multi-class imbalanced data (DES-MI).

    A member's competence is its weighted accuracy on the region of
    competence, where a neighbour of a class with ``n_c`` DSEL rows weighs
    ``1 / (1 + exp(alpha * n_c))`` (rows normalised), so that rare classes
    count more; the ``int(n_members * pct_accuracy)`` most competent members
    vote (Garcia et al. 2018). Same parameters and predictions as DESlib's
    ``DESMI``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    pct_accuracy : float, default=0.4
        Fraction of the pool selected.
    alpha : float, default=0.9
        Scaling of the class sizes in the weights; a float, as in DESlib (an
        integer is a ``TypeError``).
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    {{random_state}}
    {{knn_classifier}}
    {{knn_metric}}
    {{knne}}
    {{DSEL_perc}}
    {{n_jobs}}
    {{voting}}
    {{sampler}}
    {{device}}

    Attributes
    ----------
    {{attributes}}
    N_ : int
        Number of members selected.
    class_counts_ : ndarray of shape (n_classes,)
        Number of DSEL rows of each class.

    See Also
    --------
    DESKNN : accuracy then diversity, without class weights.

    Notes
    -----
    With the default ``alpha=0.9`` the weight ``1 / (1 + exp(alpha n_c))``
    underflows to 0 in double precision for classes of more than about 830
    DSEL rows. DESlib then gives every member a competence of 0 and selects
    the last members of the pool; skextra computes the normalised weights
    without underflow (see :func:`class_weights`), which is what the formula
    defines.

    Ties are broken as DESlib's ``np.argsort(c)[::-1]`` with a stable sort
    (the member later in the pool first). Two members right on neighbours of
    the same classes have the same competence; DESlib sums the weights in
    neighbour order, so their competences may differ in the last bit, in a
    way that changes with numpy's ``exp``, and the tie goes either way.
    skextra sums class by class, so such ties are exact.

    References
    ----------
    S. Garcia, Z.-L. Zhang, A. Altalhi, S. Alshomrani, F. Herrera, "Dynamic
    ensemble selection for multi-class imbalanced datasets", Information
    Sciences 445-446 (2018) 22-37.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import DESMI
    >>> X, y = make_classification(n_samples=300, weights=[0.8], random_state=0)
    >>> clf = DESMI(random_state=0).fit(X[:200], y[:200])
    >>> clf.N_
    4
    >>> round(clf.score(X[200:], y[200:]), 2) > 0.8
    True
    """

    _parameter_constraints: dict = {
        **BaseDynamicSelection._parameter_constraints,
        "pct_accuracy": [Interval(Real, 0, 1, closed="right")],
        "alpha": [Interval(RealNotInt, 0, None, closed="neither")],
        "voting": [StrOptions({"hard", "soft"})],
        "device": DEVICE_CONSTRAINT,
    }

    def __init__(
        self,
        pool_classifiers=None,
        k=7,
        pct_accuracy=0.4,
        alpha=0.9,
        DFP=False,
        with_IH=False,
        safe_k=None,
        IH_rate=0.3,
        random_state=None,
        knn_classifier="knn",
        knn_metric="minkowski",
        knne=False,
        DSEL_perc=0.5,
        n_jobs=None,
        voting="hard",
        *,
        sampler=None,
        device=None,
    ):
        self.pool_classifiers = pool_classifiers
        self.k = k
        self.pct_accuracy = pct_accuracy
        self.alpha = alpha
        self.DFP = DFP
        self.with_IH = with_IH
        self.safe_k = safe_k
        self.IH_rate = IH_rate
        self.random_state = random_state
        self.knn_classifier = knn_classifier
        self.knn_metric = knn_metric
        self.knne = knne
        self.DSEL_perc = DSEL_perc
        self.n_jobs = n_jobs
        self.voting = voting
        self.sampler = sampler
        self.device = device

    def _fit_selection(self):
        self.N_ = int(self.n_classifiers_ * self.pct_accuracy)
        if self.N_ < 1:
            raise ValueError(
                f"pct_accuracy={self.pct_accuracy} selects no member of a pool "
                f"of {self.n_classifiers_}; int(n_members * pct_accuracy) must "
                "be >= 1."
            )
        self.class_counts_ = np.bincount(self.DSEL_target_, minlength=self.n_classes_)

    def select(self, competences):
        """The `N_` most competent members of each row (DESlib's method).

        Parameters
        ----------
        competences : array-like of shape (n_samples, n_members)

        Returns
        -------
        selected : ndarray of shape (n_samples, `N_`)
            Indices of the selected members of each row, most competent
            first (among equal competences the later member first, as
            DESlib).
        """
        check_is_fitted(self)
        competences = np.atleast_2d(np.asarray(competences, dtype=np.float64))
        return top_members(competences, self.N_, ties="last")

    def classify_with_ds(
        self,
        predictions,
        probabilities=None,
        neighbors=None,
        distances=None,
        DFP_mask=None,
    ):
        """Predict rows from the members' outputs and regions (DESlib's method).

        As in DESlib, the competences come from :meth:`estimate_competence`
        and the members from :meth:`select`, so a subclass that overrides
        either changes the prediction.

        Parameters
        ----------
        predictions : array-like of shape (n_samples, n_members)
            The members' predictions as class indices into ``classes_``.
        probabilities : array-like of shape (n_samples, n_members, n_classes), \
default=None
            The members' probabilities; needed with ``voting="soft"``.
        neighbors : array-like of shape (n_samples, n_neighbors), default=None
            Indices into ``DSEL_data_`` of each row's region of competence.
        distances : array-like of shape (n_samples, n_neighbors), default=None
            Distances to those rows.
        DFP_mask : array-like of shape (n_samples, n_members), default=None
            Frienemy-pruning mask applied when ``DFP=True``; None computes it
            from ``neighbors``.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Predicted class indices into ``classes_``.
        """
        args = (predictions, probabilities, neighbors, distances, DFP_mask)
        return self._vote_of_selected(*args, want_proba=False)[0]

    def predict_proba_with_ds(
        self,
        predictions,
        probabilities=None,
        neighbors=None,
        distances=None,
        DFP_mask=None,
    ):
        """Class probabilities from the members' outputs (DESlib's method).

        Computed as :meth:`classify_with_ds`.

        Parameters
        ----------
        predictions, probabilities, neighbors, distances, DFP_mask
            As in :meth:`classify_with_ds`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        args = (predictions, probabilities, neighbors, distances, DFP_mask)
        return self._vote_of_selected(*args, want_proba=True)[1]

    def _vote_of_selected(
        self, predictions, probabilities, neighbors, distances, DFP_mask, want_proba
    ):
        check_is_fitted(self)
        batch = self._given_batch(
            neighbors, distances, predictions, probabilities, needs=("predictions",)
        )
        competences = self.estimate_competence(
            batch.neighbors, batch.distances, batch.predictions
        )
        competences = np.atleast_2d(np.asarray(competences, dtype=np.float64))
        if self.DFP:
            if DFP_mask is None:
                if batch.neighbors is None:
                    raise ValueError("DFP=True needs neighbors or a DFP_mask.")
                DFP_mask = self._dfp_mask(batch)
            competences = competences * np.asarray(DFP_mask)
        return self._vote_members(self.select(competences), batch, want_proba)

    def _competence(self, batch):
        y_nb = self.DSEL_target_[batch.neighbors]
        counts = np.bincount(self.DSEL_target_, minlength=self.n_classes_)
        weights = class_weights(y_nb, counts, self.alpha)
        right = hits_by_class(
            batch.neighbors, self.DSEL_processed_, self.DSEL_target_, self.n_classes_
        )
        # Correct neighbours of each class, weighted class by class: members
        # right on the same classes of neighbours get bitwise-equal competences.
        competence = np.zeros(right.shape[1:])
        for c in range(self.n_classes_):
            competence += right[c] * weights[:, c : c + 1]
        return competence

    def _select(self, competences, batch):
        return select_top(competences, self.N_, ties="last")
