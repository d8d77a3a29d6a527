"""Forms everywhere: a service's refusal shown on its form, and the renderer that bounds echoed values.

The renderer: a refused value far over its field's limit is not echoed back in full.

A 4 MB comment used to come back inside a 4 MB error page. Fields declare their limit
(max_length, rendered as the maxlength attribute); a submitted value more than twice that
long was not typed by someone who respected it, so the form re-shows its first `maxlength`
characters, with the error. Values within twice the limit (a stored text whose markup grew it
a little) are shown whole, so an edit form never cuts what is stored.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates


def bind_errors(form: Any, error: ValidationError) -> None:
    """A service's ValidationError on the form: each message beside its field, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


def bound_echo(widget: dict[str, Any]) -> None:
    value = widget.get("value")
    limit = (widget.get("attrs") or {}).get("maxlength")
    if isinstance(value, str) and limit is not None:
        maxlength = int(limit)
        if len(value) > 2 * maxlength:
            widget["value"] = value[:maxlength]
    for sub in widget.get("subwidgets") or ():
        bound_echo(sub)


class BoundedEchoRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict):
            bound_echo(widget)
        return str(super().render(template_name, context, request))
