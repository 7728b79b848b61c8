from hypothesis import given
from hypothesis import strategies as st

from motcua.core.text import search_key, strip_diacritics


def test_strip_diacritics_handles_vietnamese_letters():
    assert strip_diacritics("Đăng ký khai sinh") == "Dang ky khai sinh"
    assert search_key("  Điện   Biên  Phủ ") == "dien bien phu"


@given(st.text())
def test_search_key_is_idempotent(text):
    assert search_key(search_key(text)) == search_key(text)
