"""Property: diacritics and letter case never change what a search finds."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.catalog.search import search_procedures
from motcua.catalog.tests.conftest import SAMPLE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_catalogue")]

VIETNAMESE_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    "ĐĂÂÊÔƠƯÁÀẢÃẠ "
)
NAME_WORDS = sorted({word for _code, name, _f, _l in SAMPLE for word in name.split()})

words = st.one_of(
    st.sampled_from(NAME_WORDS),
    st.text(alphabet=VIETNAMESE_LETTERS, min_size=1, max_size=8),
)
queries = st.lists(words, min_size=1, max_size=5).map(" ".join)


def strip_marks(text: str) -> str:
    """The same text without accents, case kept: what a user with no Telex types."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
def test_accents_do_not_change_results(query: str) -> None:
    assert search_procedures(query) == search_procedures(strip_marks(query))


@settings(
    max_examples=75, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
def test_case_does_not_change_results(query: str) -> None:
    assert search_procedures(query) == search_procedures(query.upper())


@settings(
    max_examples=75, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
def test_decomposed_unicode_is_the_same_query(query: str) -> None:
    """Some phones send "ế" as "e" + two combining marks (NFD)."""
    assert search_procedures(query) == search_procedures(unicodedata.normalize("NFD", query))
