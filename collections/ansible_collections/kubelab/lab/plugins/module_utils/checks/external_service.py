"""Exercise external_service: a Service without a selector, its EndpointSlice to the class's external host."""

from __future__ import annotations

from ansible_collections.kubelab.lab.plugins.module_utils.checks.rules import Check, Section, ToExternalHost

SECTION = Section("external_service", "Service without a selector", (
    Check("endpointslice", "A Service without a selector has an EndpointSlice to the external host", ToExternalHost()),
), needs=("external_host",))
