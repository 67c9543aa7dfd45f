from django.apps import AppConfig


class RegistersConfig(AppConfig):
    """The public registers the portal keeps a copy of, which know nobody: ONS's geography
    (regions, councils, postcodes) and CQC's providers and locations (docs/adr/021)."""

    name = "registers"
    verbose_name = "Registers (ONS, CQC)"
