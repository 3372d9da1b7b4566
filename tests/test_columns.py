"""toolkit._columns: the fast id-column operations answer exactly as pandas does."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from toolkit._columns import is_in

ids = st.lists(st.one_of(st.none(), st.sampled_from(["o1", "o2", "ó3", "", " o1", "0001"])), max_size=30)


@given(ids, ids)
def test_is_in_equals_pandas_isin_on_text_with_missing_values(values, candidates):
    v, c = pd.Series(values, dtype="str"), pd.Series(candidates, dtype="str")
    expected = v.isin(c)
    pd.testing.assert_series_equal(is_in(v, c), expected, check_dtype=False)
    pd.testing.assert_series_equal(is_in(v, set(candidates) - {None}), v.isin(set(candidates) - {None}))
    assert is_in(v, c).dtype == bool


def test_is_in_keeps_the_index_and_falls_back_for_other_types():
    v = pd.Series(["a", "b"], index=[7, 3], dtype="str")
    assert is_in(v, ["b"]).to_dict() == {7: False, 3: True}
    numbers = pd.Series([1, 2, 3])
    assert is_in(numbers, [2, 3]).tolist() == [False, True, True]
    mixed = pd.Series(["1", 1], dtype="object")
    assert is_in(mixed, ["1"]).tolist() == mixed.isin(["1"]).tolist()
