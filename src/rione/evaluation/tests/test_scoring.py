"""Scoring a proposal against a rubric: examples, then properties over generated rubrics."""

from decimal import Decimal
from itertools import count

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rione.evaluation.scoring import (
    BonusKind,
    BonusRule,
    Criterion,
    InvalidRubric,
    InvalidScores,
    ScoreOutOfRange,
    ScoringMethod,
    aggregate,
    bonus_for,
    round_score,
    validate_points,
    validate_rubric,
)

EXAMPLES = settings(max_examples=150, deadline=None)
D = Decimal

# 1 "Impatto" (max 30, at least 15): 11 "Bisogni" (max 10) + 12 "Risultati" (max 20)
# 2 "Sostenibilità" (max 20, weight 1.5)
# 3 "Rete" (max 10, at least 6)
RUBRIC = [
    Criterion(1, D(30), min_points=D(15)),
    Criterion(11, D(10), parent_id=1),
    Criterion(12, D(20), parent_id=1),
    Criterion(2, D(20), weight=D("1.5")),
    Criterion(3, D(10), min_points=D(6)),
]
FULL_SCORES = {
    100: {11: D(8), 12: D(15), 2: D(12), 3: D(5)},
    200: {11: D(6), 12: D("16.5"), 2: D(17), 3: D(6)},
}


# --- examples -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.005", "0.01"), ("2.675", "2.68"), ("2.674999", "2.67"), ("7", "7.00"), (3, "3.00")],
)
def test_round_score_rounds_half_up_to_two_places(value, expected):
    assert round_score(value) == D(expected)
    assert round_score(value).as_tuple().exponent == -2


@pytest.mark.parametrize("points", ["0", "-0", "0.01", "9.99", "10", "10.00", "4.5", "4.500"])
def test_validate_points_accepts_hundredths_within_the_range(points):
    validate_points(Criterion(7, D(10)), D(points))


@pytest.mark.parametrize("points", ["-0.01", "10.01", "1.005", "0.001", "NaN", "Infinity"])
def test_validate_points_rejects_the_rest(points):
    with pytest.raises(ScoreOutOfRange) as caught:
        validate_points(Criterion(7, D(10)), D(points))
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.code, error.criterion_id, error.minimum, error.maximum) == (
        "score_out_of_range",
        7,
        D(0),
        D(10),
    )


def test_mean_of_evaluators_with_parent_sums_weights_and_bonus():
    result = aggregate(RUBRIC, FULL_SCORES, bonus=D(3))

    assert dict(result.points) == {11: D(7), 12: D("15.75"), 2: D("14.50"), 3: D("5.50")}
    assert dict(result.parent_sums) == {1: D("22.75")}
    assert result.total == D("53.00")  # 22.75 + 1.5 × 14.50 + 5.50 + 3
    assert result.below_minimum == (3,)
    assert result.complete is True
    assert result.outliers == ()
    assert result.below_overall is False


def test_the_mean_is_rounded_half_up_to_two_places():
    rubric = [Criterion(1, D(10))]
    scores = {1: {1: D("1.00")}, 2: {1: D("1.01")}, 3: {1: D("1.01")}}  # 1.006666…

    assert aggregate(rubric, scores).points[1] == D("1.01")
    assert aggregate(rubric, {1: {1: D("0.01")}, 2: {1: D("0.02")}}).points[1] == D("0.02")


def test_the_total_is_rounded_after_weighting():
    rubric = [Criterion(1, D(10), weight=D("0.333"))]

    assert aggregate(rubric, {1: {1: D("1.50")}}).total == D("0.50")  # 0.4995


def test_a_leaf_nobody_scored_counts_zero_and_the_aggregate_is_incomplete():
    scores = {100: {11: D(8), 12: D(15), 2: D(12)}, 200: {11: D(6)}}

    result = aggregate(RUBRIC, scores)

    assert result.points[3] == D(0)
    assert result.points[12] == D(15)  # only evaluator 100 scored it
    assert result.complete is False
    assert result.below_minimum == (3,)


def test_no_evaluator_means_incomplete():
    assert aggregate(RUBRIC, {}).complete is False
    assert aggregate(RUBRIC, {}).total == D("0.00")


def test_an_evaluator_who_left_a_leaf_blank_makes_it_incomplete():
    scores = {**FULL_SCORES, 300: {11: D(1), 12: D(1), 2: D(1)}}

    assert aggregate(RUBRIC, scores).complete is False


def test_consensus_overrides_the_evaluators():
    consensus = {11: D(10), 12: D(20), 2: D(20), 3: D(10)}

    result = aggregate(RUBRIC, FULL_SCORES, method=ScoringMethod.CONSENSUS, consensus=consensus)

    assert dict(result.points) == consensus
    assert result.parent_sums[1] == D(30)
    assert result.total == D("70.00")
    assert result.complete is True
    assert result.below_minimum == ()


def test_consensus_missing_a_leaf_is_incomplete():
    consensus = {11: D(10), 12: D(20), 2: D(20)}

    result = aggregate(RUBRIC, {}, method=ScoringMethod.CONSENSUS, consensus=consensus)

    assert result.complete is False
    assert result.points[3] == D(0)


def test_consensus_is_required_with_the_consensus_method_and_refused_with_the_mean():
    with pytest.raises(InvalidScores):
        aggregate(RUBRIC, FULL_SCORES, method=ScoringMethod.CONSENSUS)
    with pytest.raises(InvalidScores):
        aggregate(RUBRIC, FULL_SCORES, consensus={3: D(1)})


def test_consensus_values_are_validated():
    with pytest.raises(ScoreOutOfRange):
        aggregate(RUBRIC, {}, method=ScoringMethod.CONSENSUS, consensus={3: D(11)})


def test_below_the_overall_minimum_compares_the_total_with_the_bonus():
    assert aggregate(RUBRIC, FULL_SCORES, overall_min=D("50.01")).below_overall is True
    assert aggregate(RUBRIC, FULL_SCORES, overall_min=D("50.00")).below_overall is False
    assert (
        aggregate(RUBRIC, FULL_SCORES, bonus=D("0.01"), overall_min=D("50.01")).below_overall
        is False
    )


def test_a_parent_below_its_minimum_is_flagged():
    scores = {1: {11: D(5), 12: D("9.99"), 2: D(20), 3: D(10)}}

    assert aggregate(RUBRIC, scores).below_minimum == (1,)


def test_outliers_are_leaves_whose_spread_exceeds_the_gap():
    result = aggregate(RUBRIC, FULL_SCORES, outlier_gap=D("1.5"))

    assert result.outliers == (11, 2)  # spreads: 2, 1.5, 5, 1


def test_sub_criteria_nest_more_than_one_level():
    rubric = [
        Criterion(1, D(30), weight=D(2)),
        Criterion(2, D(20), parent_id=1),
        Criterion(3, D(10), parent_id=1),
        Criterion(4, D(5), parent_id=2),
        Criterion(5, D(15), parent_id=2),
    ]

    result = aggregate(rubric, {9: {4: D(5), 5: D(7), 3: D(2)}})

    assert dict(result.parent_sums) == {1: D(14), 2: D(12)}
    assert result.total == D("28.00")


def test_scores_for_a_parent_or_an_unknown_criterion_are_refused():
    with pytest.raises(InvalidScores):
        aggregate(RUBRIC, {1: {1: D(3)}})
    with pytest.raises(InvalidScores):
        aggregate(RUBRIC, {1: {99: D(3)}})


def test_out_of_range_scores_are_refused_by_aggregate():
    with pytest.raises(ScoreOutOfRange) as caught:
        aggregate(RUBRIC, {1: {11: D("10.01")}})
    assert caught.value.criterion_id == 11


def test_a_negative_bonus_is_refused():
    with pytest.raises(InvalidScores):
        aggregate(RUBRIC, FULL_SCORES, bonus=D(-1))


def test_the_aggregate_mappings_are_read_only():
    result = aggregate(RUBRIC, FULL_SCORES)

    with pytest.raises(TypeError):
        result.points[11] = D(0)  # type: ignore[index]


@pytest.mark.parametrize(
    "rubric",
    [
        [Criterion(1, D(10)), Criterion(1, D(5))],
        [Criterion(1, D(10), parent_id=9)],
        [Criterion(1, D(10), parent_id=2), Criterion(2, D(10), parent_id=1)],
        [Criterion(1, D(10), parent_id=1)],
        [Criterion(1, D(12)), Criterion(2, D(10), parent_id=1)],
        [Criterion(1, D(10)), Criterion(2, D(10), weight=D(2), parent_id=1)],
    ],
    ids=["duplicate id", "unknown parent", "cycle", "own parent", "max ≠ sum", "weighted child"],
)
def test_malformed_rubrics_are_refused(rubric):
    with pytest.raises(InvalidRubric):
        validate_rubric(rubric)
    with pytest.raises(InvalidRubric):
        aggregate(rubric, {})


@pytest.mark.parametrize(
    "fields",
    [
        {"max_points": D(0)},
        {"max_points": D(10), "weight": D(0)},
        {"max_points": D(10), "min_points": D(11)},
        {"max_points": D(10), "min_points": D(-1)},
    ],
)
def test_malformed_criteria_are_refused(fields):
    with pytest.raises(InvalidRubric):
        Criterion(1, **fields)


@pytest.mark.parametrize(
    ("is_network", "in_priority", "expected"),
    [(False, False, "0"), (True, False, "2"), (False, True, "3.5"), (True, True, "5.5")],
)
def test_bonus_for_sums_the_rules_that_apply(is_network, in_priority, expected):
    rules = [
        BonusRule(BonusKind.NETWORK, D(2)),
        BonusRule(BonusKind.PRIORITY_NEIGHBOURHOOD, D(3)),
        BonusRule(BonusKind.PRIORITY_NEIGHBOURHOOD, D("0.5")),
    ]

    bonus = bonus_for(rules, is_network=is_network, in_priority_neighbourhood=in_priority)

    assert bonus == D(expected)


def test_a_negative_bonus_rule_is_refused():
    with pytest.raises(ValueError, match="negative"):
        BonusRule(BonusKind.NETWORK, D(-1))


# --- properties ---------------------------------------------------------------------

hundredths = st.integers(min_value=100, max_value=3000).map(lambda n: D(n).scaleb(-2))
weights = st.sampled_from([D(1), D("0.5"), D("1.5"), D(2), D("0.25")])


@st.composite
def rubrics(draw):
    """1-4 top-level criteria, each a leaf or the parent of 1-3 leaves."""
    ids = count(1)
    criteria = []
    for _ in range(draw(st.integers(1, 4))):
        top_id, weight = next(ids), draw(weights)
        children = [
            Criterion(next(ids), draw(hundredths), parent_id=top_id)
            for _ in range(draw(st.integers(0, 3)))
        ]
        top_max = sum((c.max_points for c in children), D(0)) or draw(hundredths)
        pct = draw(st.none() | st.integers(0, 100))
        minimum = None if pct is None else top_max * pct / 100
        criteria.append(Criterion(top_id, top_max, weight, minimum))
        criteria.extend(children)
    return criteria


def leaves_of(rubric):
    parents = {c.parent_id for c in rubric}
    return [c for c in rubric if c.id not in parents]


def points_within(criterion):
    top = int(criterion.max_points * 100)
    return st.integers(0, top).map(lambda n: D(n).scaleb(-2))


@st.composite
def scored_rubrics(draw):
    """A rubric and the scores of 0-4 evaluators, each skipping some leaves or none."""
    rubric = draw(rubrics())
    leaves = leaves_of(rubric)
    scores = {}
    for evaluator in range(draw(st.integers(0, 4))):
        scored = (
            draw(st.lists(st.sampled_from(leaves), unique=True)) if draw(st.booleans()) else leaves
        )
        scores[evaluator] = {c.id: draw(points_within(c)) for c in scored}
    return rubric, scores


bonuses = st.integers(0, 1000).map(lambda n: D(n).scaleb(-2))


@EXAMPLES
@given(scored_rubrics())
def test_the_mean_lies_within_the_evaluators_scores(case):
    rubric, scores = case

    result = aggregate(rubric, scores)

    for leaf in leaves_of(rubric):
        given_points = [s[leaf.id] for s in scores.values() if leaf.id in s]
        if given_points:
            assert min(given_points) <= result.points[leaf.id] <= max(given_points)
        else:
            assert result.points[leaf.id] == 0


@EXAMPLES
@given(scored_rubrics(), bonuses)
def test_the_total_never_exceeds_the_weighted_maximum_plus_bonus(case, bonus):
    rubric, scores = case

    result = aggregate(rubric, scores, bonus=bonus)

    ceiling = sum((c.weight * c.max_points for c in rubric if c.parent_id is None), D(0))
    assert bonus <= result.total <= round_score(ceiling + bonus)
    assert result.total == round_score(result.total)


@EXAMPLES
@given(scored_rubrics())
def test_a_parent_holds_the_sum_of_its_children(case):
    rubric, scores = case

    result = aggregate(rubric, scores)

    for parent_id, total in result.parent_sums.items():
        children = [c for c in rubric if c.parent_id == parent_id]
        assert total == sum((result.points[c.id] for c in children), D(0))


@EXAMPLES
@given(scored_rubrics(), st.data())
def test_out_of_range_points_are_refused(case, data):
    rubric, scores = case
    leaf = data.draw(st.sampled_from(leaves_of(rubric)))
    cents = st.integers(1, 10_000).map(lambda n: D(n).scaleb(-2))
    bad = data.draw(
        st.one_of(
            cents.map(lambda c: -c),
            cents.map(lambda c: leaf.max_points + c),
            st.integers(0, int(leaf.max_points * 1000) - 1)
            .filter(lambda n: n % 10)
            .map(lambda n: D(n).scaleb(-3)),
        )
    )

    with pytest.raises(ScoreOutOfRange):
        validate_points(leaf, bad)
    with pytest.raises(ScoreOutOfRange):
        aggregate(rubric, {**scores, 99: {leaf.id: bad}})


@EXAMPLES
@given(scored_rubrics(), st.integers(0, 3000).map(lambda n: D(n).scaleb(-2)))
def test_outliers_are_exactly_the_leaves_whose_spread_exceeds_the_gap(case, gap):
    rubric, scores = case

    result = aggregate(rubric, scores, outlier_gap=gap)

    for leaf in leaves_of(rubric):
        given_points = [s[leaf.id] for s in scores.values() if leaf.id in s]
        spread = max(given_points) - min(given_points) if given_points else D(0)
        assert (leaf.id in result.outliers) == (spread > gap)


@EXAMPLES
@given(scored_rubrics(), st.data())
def test_consensus_values_override_the_evaluators(case, data):
    rubric, scores = case
    consensus = {leaf.id: data.draw(points_within(leaf)) for leaf in leaves_of(rubric)}

    by_consensus = aggregate(rubric, scores, method=ScoringMethod.CONSENSUS, consensus=consensus)
    with_other_scores = aggregate(rubric, {}, method=ScoringMethod.CONSENSUS, consensus=consensus)

    assert dict(by_consensus.points) == consensus
    assert by_consensus.complete is True
    assert by_consensus.total == with_other_scores.total
    assert by_consensus.parent_sums == with_other_scores.parent_sums
