"""What the audit trail records about enquiries (registered with it: enquiries/contributions.py)."""

from django.db import models


class EnquiryAction(models.TextChoices):
    ENQUIRY_SENT = "enquiry_sent", "Enquiry sent"
    ENQUIRY_ANSWERED = "enquiry_answered", "Enquiry answered"
    PLACEMENT_CONFIRMED = "placement_confirmed", "Placement confirmed"
    ENQUIRY_WITHDRAWN = "enquiry_withdrawn", "Enquiry withdrawn"
    PACKAGE_REQUEST_SENT = "package_request_sent", "Package request sent"
    PACKAGE_PLACED = "package_placed", "Package placed with an agency"
