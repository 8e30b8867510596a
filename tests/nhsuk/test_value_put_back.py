"""Kept markup gets the request's own value back where its stand-in was (nhsuk.renderers)."""

from django import forms

from nhsuk.renderers import input_value_put_back

WIDGET = forms.TextInput()


def test_the_value_is_put_back_escaped_in_place_of_the_stand_in():
    html = '<input type="text" name="q" value="stand-in">'
    filled = input_value_put_back(html, WIDGET, "stand-in", 'a"<b>&')
    assert filled == '<input type="text" name="q" value="a&quot;&lt;b&gt;&amp;">'


def test_a_stand_in_missing_or_found_twice_asks_for_the_form_to_be_rendered_afresh():
    once = ' value="stand-in"'
    assert input_value_put_back("<p>nothing kept</p>", WIDGET, "stand-in", "943") is None
    assert input_value_put_back(once * 2, WIDGET, "stand-in", "943") is None
