package org.trialfhir.server;

import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;

/**
 * What the CapabilityStatement says about writes beyond the interactions HAPI lists from the bindings: batch beside
 * transaction, and for each type {@link WriteResourceProvider} writes: updates may name the version they expect ({@code If-Match}), an update may create, a
 * create may be conditional ({@code If-None-Exist}); conditional update and delete are not supported.
 */
final class WriteDeclarations {
  private WriteDeclarations() {}

  /** HAPI lists {@code transaction} for the {@code @Transaction} binding; the same binding takes batches. */
  static void declare(CapabilityStatementRestComponent rest) {
    boolean transaction = rest.getInteraction().stream().anyMatch(i -> i.getCode() == SystemRestfulInteraction.TRANSACTION);
    boolean batch = rest.getInteraction().stream().anyMatch(i -> i.getCode() == SystemRestfulInteraction.BATCH);
    if (transaction && !batch) {
      rest.addInteraction().setCode(SystemRestfulInteraction.BATCH);
    }
  }

  static void declare(CapabilityStatementRestResourceComponent resource) {
    resource.setVersioning(ResourceVersionPolicy.VERSIONEDUPDATE);
    resource.setReadHistory(true);
    resource.setUpdateCreate(true);
    resource.setConditionalCreate(true);
    resource.setConditionalUpdate(false);
    resource.setConditionalDelete(ConditionalDeleteStatus.NOTSUPPORTED);
  }
}
