"""Status bands as data: validation, classification, loading, defaults."""

import json
import math

import pytest

from mubiao.monitor import Band, Bands, Status, default_bands, default_rules, load_bands_yaml

INF = math.inf


def three(red_end: float = 0.85, yellow_end: float = 0.95) -> list[dict]:
    return [
        {"start": None, "end": red_end, "status": "red", "label": "明显滞后"},
        {"start": red_end, "end": yellow_end, "status": "yellow", "label": "略慢"},
        {"start": yellow_end, "end": None, "status": "green", "label": "正常"},
    ]


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (-INF, Status.RED),
        (-5.0, Status.RED),
        (0.8499, Status.RED),
        (0.85, Status.YELLOW),
        (0.8501, Status.YELLOW),
        (0.9499, Status.YELLOW),
        (0.95, Status.GREEN),
        (0.9501, Status.GREEN),
        (INF, Status.GREEN),
    ],
)
def test_it_classifies_values_into_half_open_bands(value, status):
    assert Bands.from_data({"bands": three()}).classify(value).status is status


def test_it_refuses_to_classify_nan():
    with pytest.raises(ValueError, match="NaN"):
        Bands.from_data(three()).classify(math.nan)


def test_it_sorts_bands_given_out_of_order():
    bands = Bands.from_data(list(reversed(three())))
    assert [b.status for b in bands.bands] == [Status.RED, Status.YELLOW, Status.GREEN]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "must not be empty"),
        (three()[1:], "gap below 0.85: the first band must start at null"),
        (three()[:2], "gap from 0.95 up: the last band must end at null"),
        (
            [three()[0], {**three()[1], "start": 0.9}, three()[2]],
            r"gap between 0.85 and 0.9: band \[-inf, 0.85\) ends before band \[0.9, 0.95\) starts",
        ),
        (
            [three()[0], {**three()[1], "start": 0.8}, three()[2]],
            r"bands \[-inf, 0.85\) and \[0.8, 0.95\) overlap",
        ),
        (
            [three()[0], {**three()[1], "end": 0.85}, three()[2]],
            r"band \[0.85, 0.85\): start must be below end",
        ),
        ([three()[0], {**three()[1], "status": "done"}, three()[2]], "'done' is not a colour"),
        (
            [three()[0], {**three()[1], "status": "purple"}, three()[2]],
            "band 2: status 'purple' is not one of",
        ),
        (
            [three()[0], {**three()[1], "start": "0.85"}, three()[2]],
            "band 2: start '0.85' is not a number",
        ),
        ([three()[0], "yellow", three()[2]], "band 2: expected a mapping"),
    ],
)
def test_it_refuses_invalid_bands_with_a_clear_message(rows, message):
    with pytest.raises(ValueError, match=message):
        Bands.from_data(rows)


def test_it_refuses_an_unknown_measure_and_a_non_list():
    with pytest.raises(ValueError, match="unknown measure 'percent'"):
        Bands.from_data({"measure": "percent", "bands": three()})
    with pytest.raises(ValueError, match="must be a list"):
        Bands.from_data({"measure": "ratio", "bands": "red"})


def test_it_refuses_nan_bounds():
    with pytest.raises(ValueError, match="not NaN"):
        Bands((Band(-INF, math.nan, Status.RED), Band(math.nan, INF, Status.GREEN)))


def test_it_round_trips_through_json():
    bands = Bands.from_data({"measure": "gap", "bands": three(-1.0, 0.0)})
    again = Bands.from_data(json.loads(json.dumps(bands.to_data())))
    assert again == bands
    assert again.measure == "gap"


def test_it_loads_bands_from_yaml_with_unbounded_ends():
    bands = load_bands_yaml(
        """
        measure: ratio
        bands:
          - {start: -.inf, end: 0.9, status: red, label: 滞后}
          - {start: 0.9, end: .inf, status: green, label: 正常}
        """
    )
    assert bands.classify(0.9).label == "正常"
    assert bands.bands[0].start == -INF


@pytest.mark.parametrize("rule", default_rules())
def test_it_ships_valid_default_bands_for_every_rule(rule):
    bands = default_bands(rule)
    measure = "gap" if rule.startswith("rate-") else "ratio"
    assert bands.measure == measure
    assert {b.status for b in bands.bands} == {Status.RED, Status.YELLOW, Status.GREEN}
    assert all(b.label for b in bands.bands)


def test_it_has_defaults_for_every_accumulation_and_bound():
    expected = {
        f"{a}-{b}"
        for a in ("cumulative", "stock", "rate")
        for b in ("floor", "ceiling", "near", "range")
    }
    assert set(default_rules()) == expected


def test_it_never_paints_a_breached_ceiling_green_by_default():
    assert default_bands("stock-ceiling").classify(0.9999).status is not Status.GREEN
    assert default_bands("rate-ceiling").classify(-0.0001).status is not Status.GREEN


def test_it_names_the_rule_when_no_default_exists():
    with pytest.raises(ValueError, match="no default bands for rule 'milestone'"):
        default_bands("milestone")
