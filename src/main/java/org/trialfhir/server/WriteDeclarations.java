package org.trialfhir.server;

import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;

/**
 * What the CapabilityStatement says about a type {@link WriteResourceProvider} writes, beyond the interactions HAPI
 * lists from the bindings: updates may name the version they expect ({@code If-Match}), an update may create, a
 * create may be conditional ({@code If-None-Exist}); conditional update and delete are not supported.
 */
final class WriteDeclarations {
  private WriteDeclarations() {}

  static void declare(CapabilityStatementRestResourceComponent resource) {
    resource.setVersioning(ResourceVersionPolicy.VERSIONEDUPDATE);
    resource.setReadHistory(true);
    resource.setUpdateCreate(true);
    resource.setConditionalCreate(true);
    resource.setConditionalUpdate(false);
    resource.setConditionalDelete(ConditionalDeleteStatus.NOTSUPPORTED);
  }
}
