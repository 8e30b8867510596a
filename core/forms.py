"""The sign-in form, laid out with the NHS.UK crispy template pack."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Contact the ICB to reactivate it.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        # AuthenticationForm sets max_length after the field is built, so Django never checks
        # it; without this a long username reaches django-axes' varchar(255) column (a 500).
        username.validators.append(MaxLengthValidator(username.max_length or 150))
        username.error_messages["max_length"] = (
            "Enter a username of %(limit_value)d characters or fewer"
        )
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Sign in"))
