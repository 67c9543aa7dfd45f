from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    """From found to placed: a discharge team's enquiries to homes, their answers, held beds
    and the placement (issue 13). States follow FHIR's Task status (docs/adr/012-enquiries.md)."""

    name = "enquiries"
    verbose_name = "Enquiries and placements"
