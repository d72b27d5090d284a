import pytest

from aelib import Table

ROWS = [{"model": "autoencoder", "accuracy": 0.7391, "k": 2}, {"model": "PCA", "accuracy": 0.4, "k": 32}]


def test_text_aligns_numbers_right_and_words_left():
    text = str(Table(ROWS, {"accuracy": ".1%"}, caption="Test images"))
    assert text.splitlines() == [
        "Test images",
        "model        accuracy   k",
        "autoencoder     73.9%   2",
        "PCA             40.0%  32",
    ]


def test_html_is_a_table_with_column_headers_and_escaped_text():
    page = Table([{"a < b": "x & y", "n": 1.5}], caption="c")._repr_html_()
    assert page.startswith('<table class="table"><caption>c</caption><thead>')
    assert '<th scope="col">a &lt; b</th>' in page and "<td>x &amp; y</td>" in page
    assert '<td style="text-align: right">1.5</td>' in page


def test_rows_must_share_their_columns_and_formats_must_name_them():
    with pytest.raises(ValueError, match="at least one row"):
        Table([])
    with pytest.raises(ValueError, match="must have the columns"):
        Table([{"a": 1}, {"b": 2}])
    with pytest.raises(ValueError, match=r"do not have: \['b'\]"):
        Table([{"a": 1}], {"b": ".1f"})
