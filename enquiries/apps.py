from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    """From found to placed: a discharge team's enquiries to homes, their answers, held beds
    and the placement (issue 13). States follow FHIR's Task status (docs/adr/012-enquiries.md)."""

    name = "enquiries"
    verbose_name = "Enquiries and placements"

    def ready(self):
        from enquiries import contributions  # noqa: F401  (menu, where an enquiry is sent from)
        from enquiries.flows import end_for_archived_home
        from homes.facts import home_archived

        # homes knows nothing of enquiries: it says a home was archived, and enquiries acts.
        home_archived.connect(end_for_archived_home, dispatch_uid="enquiries.end_for_archived_home")
