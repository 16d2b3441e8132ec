package org.trialfhir.server;

import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.store.TrialStore;

/** What the terminology operations read from their parameters the same way: text values, and the instance. */
final class OperationParams {
  private OperationParams() {}

  /** The parameter's value, stripped; null when absent or blank (a GET sends {@code code=} as an empty value). */
  static String text(IPrimitiveType<?> value) {
    if (value == null || value.getValueAsString() == null || value.getValueAsString().isBlank()) {
      return null;
    }
    return value.getValueAsString().strip();
  }

  /** The stored resource an instance-level operation names; 404 when this server has none with that id. */
  static Resource stored(TrialStore store, String type, IdType id) {
    return store.read(type, id.getIdPart()).orElseThrow(
        () -> new ResourceNotFoundException(type + "/" + id.getIdPart() + " is not known to this server"));
  }
}
