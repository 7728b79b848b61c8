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
