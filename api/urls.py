from django.urls import path, re_path

from api import fhir, views

app_name = "api"

urlpatterns = [
    path("api-keys/", views.key_list, name="keys"),
    path("api-keys/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("api-keys/<int:pk>/replace/", views.replace, name="replace"),
    path("api/v1/docs/", views.docs, name="docs"),
    path("fhir/metadata", fhir.metadata, name="fhir_metadata"),
    path("fhir/StructureDefinition/<str:resource_id>", fhir.structure_definition, name="fhir_structure_definition"),
    path("fhir/Location", fhir.location_search, name="fhir_locations"),
    path("fhir/Location/<str:resource_id>", fhir.location_read, name="fhir_location"),
    path("fhir/HealthcareService", fhir.service_search, name="fhir_services"),
    path("fhir/HealthcareService/<str:resource_id>", fhir.service_read, name="fhir_service"),
    path("fhir/Organization", fhir.organization_search, name="fhir_organizations"),
    path("fhir/Organization/<str:resource_id>", fhir.organization_read, name="fhir_organization"),
    re_path(r"^fhir/(?P<rest>.*)$", fhir.not_found, name="fhir_not_found"),
]
