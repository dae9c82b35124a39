"""Scoring a proposal against a rubric: pure arithmetic on Decimal, no database.

A rubric is a flat sequence of criteria forming a forest: criteria without children are
*leaves* and are the only ones evaluators score; a *parent*'s points are the plain sum of
its children's points. The proposal's total is the sum, over the top-level criteria, of
``weight × points``, plus any bonus, rounded with :func:`round_score`.

Rubric rules enforced by :func:`validate_rubric` (so the totals stay within their bounds):
ids are unique, every ``parent_id`` names a criterion of the rubric, there are no cycles,
a parent's ``max_points`` equals the sum of its children's, and only top-level criteria
carry a weight other than 1 (a sub-criterion's weight would otherwise be silently ignored).

Every value is a ``Decimal``; never a float. Errors carry codes; views translate them.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

from rione.core.money import ZERO

SCORE_STEP = Decimal("0.01")
ONE = Decimal(1)

# evaluator id -> leaf criterion id -> points
EvaluatorScores = Mapping[int, Mapping[int, Decimal]]


def round_score(value: Decimal | int | str) -> Decimal:
    """Round a score to two places, half away from zero (ROUND_HALF_UP)."""
    return Decimal(value).quantize(SCORE_STEP, rounding=ROUND_HALF_UP)


class ScoreOutOfRange(ValueError):
    """Points outside ``[minimum, maximum]`` or finer than a hundredth."""

    code = "score_out_of_range"

    def __init__(
        self, *, criterion_id: int, points: Decimal, minimum: Decimal, maximum: Decimal
    ) -> None:
        self.criterion_id = criterion_id
        self.points = points
        self.minimum = minimum
        self.maximum = maximum
        super().__init__(f"criterion {criterion_id}: {points} not in [{minimum}, {maximum}]")


class InvalidRubric(ValueError):
    """The rubric's structure breaks one of the rules in the module docstring."""

    code = "invalid_rubric"


class InvalidScores(ValueError):
    """Scores name a criterion that is not a leaf of the rubric, or the inputs contradict."""

    code = "invalid_scores"


class ScoringMethod(StrEnum):
    MEAN = "mean"  # each leaf: mean over the evaluators who scored it
    CONSENSUS = "consensus"  # each leaf: the value the panel agreed on


class BonusKind(StrEnum):
    NETWORK = "network"
    PRIORITY_NEIGHBOURHOOD = "priority_neighbourhood"


@dataclass(frozen=True)
class Criterion:
    """One line of a rubric. ``min_points`` is a threshold to flag, not a floor on input."""

    id: int
    max_points: Decimal
    weight: Decimal = ONE
    min_points: Decimal | None = None
    parent_id: int | None = None

    def __post_init__(self) -> None:
        if not self.max_points > 0 or not self.weight > 0:
            raise InvalidRubric(f"criterion {self.id}: max_points and weight must be positive")
        if self.min_points is not None and not 0 <= self.min_points <= self.max_points:
            raise InvalidRubric(f"criterion {self.id}: min_points not in [0, max_points]")


@dataclass(frozen=True)
class BonusRule:
    """Extra points granted to proposals of a kind (a network, a priority neighbourhood)."""

    kind: BonusKind
    points: Decimal

    def __post_init__(self) -> None:
        if not self.points >= 0:
            raise ValueError(f"bonus {self.kind}: points must not be negative")


@dataclass(frozen=True)
class Aggregate:
    """The scores of one proposal.

    ``points`` maps every leaf to its points and ``parent_sums`` every parent to the sum of
    its children; unscored leaves count 0 and leave ``complete`` False. ``below_minimum``
    and ``outliers`` list criterion ids in rubric order.
    """

    points: Mapping[int, Decimal]
    parent_sums: Mapping[int, Decimal]
    total: Decimal
    below_minimum: tuple[int, ...]
    below_overall: bool
    outliers: tuple[int, ...]
    complete: bool


def validate_points(criterion: Criterion, points: Decimal) -> None:
    """Raise ScoreOutOfRange unless 0 ≤ ``points`` ≤ max_points with at most two decimals."""
    in_range = points.is_finite() and 0 <= points <= criterion.max_points
    if not in_range or points != points.quantize(SCORE_STEP):
        raise ScoreOutOfRange(
            criterion_id=criterion.id, points=points, minimum=ZERO, maximum=criterion.max_points
        )


def bonus_for(
    rules: Iterable[BonusRule], *, is_network: bool, in_priority_neighbourhood: bool
) -> Decimal:
    """The sum of the points of the rules that apply to the proposal."""
    applies = {
        BonusKind.NETWORK: is_network,
        BonusKind.PRIORITY_NEIGHBOURHOOD: in_priority_neighbourhood,
    }
    return sum((rule.points for rule in rules if applies[rule.kind]), ZERO)


def validate_rubric(rubric: Sequence[Criterion]) -> None:
    """Raise InvalidRubric unless ``rubric`` follows the rules in the module docstring."""
    by_id = _index(rubric)
    children = _children(rubric)
    for criterion in rubric:
        _check_ancestry(criterion, by_id)
        kids = children.get(criterion.id, ())
        if kids and criterion.max_points != sum((k.max_points for k in kids), ZERO):
            raise InvalidRubric(f"criterion {criterion.id}: max_points ≠ sum of its children")
        if criterion.parent_id is not None and criterion.weight != ONE:
            raise InvalidRubric(f"criterion {criterion.id}: only top-level criteria are weighted")


def aggregate(
    rubric: Sequence[Criterion],
    scores: EvaluatorScores,
    *,
    method: ScoringMethod = ScoringMethod.MEAN,
    consensus: Mapping[int, Decimal] | None = None,
    bonus: Decimal = ZERO,
    overall_min: Decimal | None = None,
    outlier_gap: Decimal | None = None,
    validated: bool = False,
) -> Aggregate:
    """Aggregate the evaluators' scores of one proposal into points, sums, total and flags.

    ``consensus`` is required with ``method=CONSENSUS`` and refused otherwise; outliers are
    computed from ``scores`` under either method. ``total`` (bonus included) is compared
    with ``overall_min``. Raises InvalidRubric, InvalidScores or ScoreOutOfRange.
    ``validated=True`` says the caller has already run :func:`validate_rubric` on this very
    rubric (once for many proposals): the rubric is then not checked again. The scores
    always are.
    """
    if not validated:
        validate_rubric(rubric)
    if bonus < 0:
        raise InvalidScores("bonus must not be negative")
    leaves = _leaves(rubric)
    _check_scores(leaves, scores)
    if method is ScoringMethod.CONSENSUS:
        if consensus is None:
            raise InvalidScores("method 'consensus' needs consensus values")
        _check_scores(leaves, {0: consensus})
        points, complete = _consensus_points(leaves, consensus)
    else:
        if consensus is not None:
            raise InvalidScores("consensus values given with method 'mean'")
        points, complete = _mean_points(leaves, scores)
    sums = _parent_sums(rubric, points)
    total = _total(rubric, {**points, **sums}, bonus)
    return Aggregate(
        points=MappingProxyType(points),
        parent_sums=MappingProxyType(sums),
        total=total,
        below_minimum=_below_minimum(rubric, {**points, **sums}),
        below_overall=overall_min is not None and total < overall_min,
        outliers=_outliers(leaves, scores, outlier_gap),
        complete=complete,
    )


def _index(rubric: Sequence[Criterion]) -> dict[int, Criterion]:
    by_id = {criterion.id: criterion for criterion in rubric}
    if len(by_id) != len(rubric):
        raise InvalidRubric("criterion ids are not unique")
    return by_id


def _children(rubric: Sequence[Criterion]) -> dict[int, list[Criterion]]:
    children: defaultdict[int, list[Criterion]] = defaultdict(list)
    for criterion in rubric:
        if criterion.parent_id is not None:
            children[criterion.parent_id].append(criterion)
    return children


def _check_ancestry(criterion: Criterion, by_id: Mapping[int, Criterion]) -> None:
    seen = {criterion.id}
    parent_id = criterion.parent_id
    while parent_id is not None:
        if parent_id not in by_id:
            raise InvalidRubric(f"criterion {criterion.id}: unknown parent {parent_id}")
        if parent_id in seen:
            raise InvalidRubric(f"criterion {criterion.id}: its ancestry has a cycle")
        seen.add(parent_id)
        parent_id = by_id[parent_id].parent_id


def _leaves(rubric: Sequence[Criterion]) -> dict[int, Criterion]:
    parents = {criterion.parent_id for criterion in rubric}
    return {c.id: c for c in rubric if c.id not in parents}


def _check_scores(leaves: Mapping[int, Criterion], scores: EvaluatorScores) -> None:
    for by_criterion in scores.values():
        for criterion_id, points in by_criterion.items():
            if criterion_id not in leaves:
                raise InvalidScores(f"criterion {criterion_id} is not a leaf of the rubric")
            validate_points(leaves[criterion_id], points)


def _mean_points(
    leaves: Mapping[int, Criterion], scores: EvaluatorScores
) -> tuple[dict[int, Decimal], bool]:
    points: dict[int, Decimal] = {}
    for leaf_id in leaves:
        given = [s[leaf_id] for s in scores.values() if leaf_id in s]
        points[leaf_id] = round_score(sum(given, ZERO) / len(given)) if given else ZERO
    complete = bool(scores) and all(len(s) == len(leaves) for s in scores.values())
    return points, complete


def _consensus_points(
    leaves: Mapping[int, Criterion], consensus: Mapping[int, Decimal]
) -> tuple[dict[int, Decimal], bool]:
    points = {leaf_id: consensus.get(leaf_id, ZERO) for leaf_id in leaves}
    return points, len(consensus) == len(leaves)


def _parent_sums(rubric: Sequence[Criterion], points: Mapping[int, Decimal]) -> dict[int, Decimal]:
    children = _children(rubric)
    sums: dict[int, Decimal] = {}

    def points_of(criterion_id: int) -> Decimal:
        if criterion_id not in children:
            return points[criterion_id]
        if criterion_id not in sums:
            sums[criterion_id] = sum((points_of(k.id) for k in children[criterion_id]), ZERO)
        return sums[criterion_id]

    for criterion_id in children:
        points_of(criterion_id)
    return sums


def _total(rubric: Sequence[Criterion], points: Mapping[int, Decimal], bonus: Decimal) -> Decimal:
    weighted = (c.weight * points[c.id] for c in rubric if c.parent_id is None)
    return round_score(sum(weighted, ZERO) + bonus)


def _below_minimum(rubric: Sequence[Criterion], points: Mapping[int, Decimal]) -> tuple[int, ...]:
    return tuple(c.id for c in rubric if c.min_points is not None and points[c.id] < c.min_points)


def _outliers(
    leaves: Mapping[int, Criterion], scores: EvaluatorScores, gap: Decimal | None
) -> tuple[int, ...]:
    if gap is None:
        return ()
    flagged = []
    for leaf_id in leaves:
        given = [s[leaf_id] for s in scores.values() if leaf_id in s]
        if given and max(given) - min(given) > gap:
            flagged.append(leaf_id)
    return tuple(flagged)
