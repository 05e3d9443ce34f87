"""K-nearest output profiles (KNOP)."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._base import _DES_CONSTRAINTS, _BaseKNORA, fill_doc
from ._kernels import output_profiles, select_above
from ._neighbors import fit_searcher, make_searcher


@fill_doc
class KNOP(_BaseKNORA):
    """K-nearest output profiles (KNOP).

    The region of competence is found in the space of output profiles (the
    members' probabilities): the ``k`` DSEL rows whose profiles are nearest
    to the row's. Each member votes with a weight equal to the number of
    those rows it classifies correctly (Cavalin, Sabourin & Suen 2013). Same
    parameters and predictions as DESlib's ``KNOP``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    {{random_state}}
    {{knn_classifier}}
    {{knne}}
    {{DSEL_perc}}
    {{n_jobs}}
    {{voting}}
    {{sampler}}
    {{device}}

    Attributes
    ----------
    {{attributes}}
    op_knn_ : object
        The neighbour search over the DSEL output profiles.

    Notes
    -----
    ``DFP`` and ``with_IH`` use the region of competence in the feature
    space, as in DESlib. Without them that region is not used, so it is
    never searched (DESlib searches it for every prediction) and
    ``roc_algorithm_`` is not fitted. See :class:`KNORAU` for the
    differences with DESlib.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import KNOP
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = KNOP(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:203]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        key: value for key, value in _DES_CONSTRAINTS.items() if key != "knn_metric"
    }
    _fixed_mode = "weighting"
    _needs_proba = True
    _needs_dsel_proba = True
    _competence_inputs = ("probabilities",)
    _select_reads_fit = False

    @property
    def _uses_region(self):
        # The competence is read in the output-profile space only.
        return self.DFP or self.with_IH

    def __init__(
        self,
        pool_classifiers=None,
        k=7,
        DFP=False,
        with_IH=False,
        safe_k=None,
        IH_rate=0.3,
        random_state=None,
        knn_classifier="knn",
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
        self.DFP = DFP
        self.with_IH = with_IH
        self.safe_k = safe_k
        self.IH_rate = IH_rate
        self.random_state = random_state
        self.knn_classifier = knn_classifier
        self.knne = knne
        self.DSEL_perc = DSEL_perc
        self.n_jobs = n_jobs
        self.voting = voting
        self.sampler = sampler
        self.device = device

    def _fit_selection(self):
        if self.n_classes_ < 2:
            raise ValueError("KNOP needs at least 2 classes in y; got 1 class.")
        self.op_knn_ = fit_searcher(
            make_searcher(
                self.knn_classifier,
                "minkowski",
                n_jobs=self.n_jobs,
                knne=self.knne,
                k=self.k_,
                device=self._device(),
            ),
            output_profiles(self.dsel_scores_),
            self.DSEL_target_,
        )

    def estimate_competence_from_proba(
        self, probabilities, neighbors=None, distances=None
    ):
        """Hits on the nearest output profiles of DSEL (DESlib's method).

        Parameters
        ----------
        probabilities : array-like of shape (n_samples, n_members, n_classes)
            The members' probabilities for the rows.
        neighbors, distances : ignored
            Present for DESlib's signature (the region is found among the
            output profiles).

        Returns
        -------
        competences : ndarray of shape (n_samples, n_members)
        """
        check_is_fitted(self)
        return self._competence(self._given_batch(None, None, None, probabilities))

    def _get_similar_out_profiles(self, probabilities):
        """Distances to and indices of the ``k_`` DSEL rows whose output
        profiles are nearest to those of ``probabilities`` (DESlib's name)."""
        distances, neighbors = self.op_knn_.kneighbors(
            output_profiles(probabilities), n_neighbors=self.k_, return_distance=True
        )
        return distances, np.atleast_2d(neighbors)

    def _competence(self, batch):
        _, neighbors = self._get_similar_out_profiles(batch.probabilities)
        return self.DSEL_processed_[neighbors].sum(axis=1, dtype=np.float64)

    def _select(self, competences, batch):
        return select_above(competences, 0)
