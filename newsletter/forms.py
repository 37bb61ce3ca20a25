"""The newsletter's public forms."""

from django import forms

from newsletter import subscriptions


class EmailField(forms.EmailField):
    def __init__(self, **kwargs):
        super().__init__(
            label="Your email address",
            max_length=254,
            error_messages={
                "required": "Enter your email address.",
                "invalid": "Enter an email address such as name@example.org.",
                "max_length": "An email address has at most 254 characters.",
            },
            widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            **kwargs,
        )


class SubscribeForm(forms.Form):
    email = EmailField()
    receive = forms.ChoiceField(
        label="What to receive",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what to receive.",
            "invalid_choice": "That series or topic is not offered any more: choose another.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receive"].choices = subscriptions.choices()
        self.fields["receive"].initial = "all"

    def clean_receive(self):
        try:
            return subscriptions.parse_choice(self.cleaned_data["receive"])
        except ValueError as error:
            raise forms.ValidationError("That series or topic is not offered any more: choose another.") from error


class ManageRequestForm(forms.Form):
    email = EmailField()


class ManageForm(forms.Form):
    keep = forms.MultipleChoiceField(label="Keep", required=False, widget=forms.CheckboxSelectMultiple)
    add = forms.MultipleChoiceField(label="Add", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, subscriber, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(subscriber.subscriptions.select_related("series", "topic").order_by("pk"))
        self.fields["keep"].choices = [(str(s.pk), s.label[0].upper() + s.label[1:]) for s in current]
        self.fields["keep"].initial = [str(s.pk) for s in current]
        taken = {subscriptions.choice_value(s.scope, s.series or s.topic) for s in current}
        self.fields["add"].choices = [(value, label) for value, label in subscriptions.choices() if value not in taken]

    def clean_add(self):
        return [subscriptions.parse_choice(value) for value in self.cleaned_data["add"]]
