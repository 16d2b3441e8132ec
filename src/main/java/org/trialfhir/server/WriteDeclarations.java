package org.trialfhir.server;

import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;

/**
 * What the CapabilityStatement says about writes beyond the interactions HAPI lists from the bindings: batch beside
 * transaction, and for each type {@link WriteResourceProvider} writes, that an update may name the version it
 * expects ({@code If-Match}) and may create, that a create may be conditional ({@code If-None-Exist}), and that
 * conditional update and delete are not supported.
 */
final class WriteDeclarations {
  private WriteDeclarations() {}

  /** HAPI lists {@code transaction} for the {@code @Transaction} binding; the same binding takes batches. */
  static void declare(CapabilityStatementRestComponent rest) {
    boolean transaction = has(rest, SystemRestfulInteraction.TRANSACTION);
    if (transaction && !has(rest, SystemRestfulInteraction.BATCH)) {
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

  private static boolean has(CapabilityStatementRestComponent rest, SystemRestfulInteraction code) {
    return rest.getInteraction().stream().anyMatch(i -> i.getCode() == code);
  }
}
