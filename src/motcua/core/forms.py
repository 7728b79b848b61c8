"""Form helpers shared by every app."""


class AccessibleFormMixin:
    """Points each input at its hint and error texts (ids as rendered by
    components/_field.html) and marks invalid inputs with aria-invalid."""

    def _describe_fields(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            base = bound.id_for_label or bound.auto_id  # radio groups have no single input to label
            ids = []
            if field.help_text:
                ids.append(f"{base}-hint")
            if self._errors and name in self._errors:  # not self.errors: that would validate now
                ids.append(f"{base}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self):
        super().full_clean()
        self._describe_fields()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._describe_fields()


def add_domain_errors(form, error) -> None:
    """Put a domain error (core.errors.MotcuaError) on `form`: each of its field messages next to
    that field (or above the form when the form has no such field), else its message above the form."""
    fields = getattr(error, "fields", None) or {}
    for name, problems in fields.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)
    if not fields:
        form.add_error(None, str(getattr(error, "message", error)))
